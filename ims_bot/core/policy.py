"""The reply policy: a short list of named rules, run in order, the first decision wins.

Every door (chat, kiosk, ``ask``, ``test``, ``check``, ``report``, the benchmarks) goes
through ``run``, and every decision carries its ``Trace``: the rule that made it, the
rules that passed before it, and the figures it used. The rules, in order:

1. **bare number**: a number picks from the list the person was last shown.
2. **triage**: a danger sign happening now is urgent (``ims_bot.core.triage``).
3. **small talk**: "hi", "thanks", "topics" and the like.
4. **story hand-off**: the words around the asking sentence tell of the writer's own
   situation, which a ``personal`` hand-off entry covers.
5. **situation**: a personal situation the triage names wins over an ordinary reply.
6. **whole question**: the whole message confidently matches an entry.
7. **asking sentence**: the sentence that asks, alone, matches an entry the whole
   message agrees with.
8. **unwell**: a writer who feels unwell now is handed to a person, never escalated.
9. **repeated clarify**: one clarification round at most.
10. **unsure**: the options to choose from, else the escalation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from ims_bot.core.decide import (
    MAX_OPTIONS,
    Chances,
    Decision,
    Figure,
    decide,
    handoff_nearby,
    on_asking_sentence,
    story_handoff,
    withheld,
)
from ims_bot.core.faq import FRONT_DESK, OFF_TOPIC
from ims_bot.core.index import Candidate, Term
from ims_bot.core.normalise import asking_sentence, unrelayed
from ims_bot.core.smalltalk import parse_number, smalltalk_kind
from ims_bot.core.triage import Triage

if TYPE_CHECKING:
    from ims_bot.core.engine import Engine

SHOWN_WORDS = 8
"""How many of a question's weightiest words a trace names."""


class State(NamedTuple):
    """What the conversation remembers that a decision depends on."""

    options: tuple[str, ...] = ()
    """The entry ids of the numbered list the person may pick from, in order."""
    clarifying: bool = False
    """Whether that list is a clarification ("Did you mean")."""


NO_STATE = State()
"""A conversation that has shown nothing to pick from."""


class Ask:
    """One message being decided: its parts, each worked out once when a rule needs it.

    Args:
        engine: the prepared FAQ, index and triage.
        question: the sanitised message.
        state: what the conversation remembers.
        limit: how many ranked entries a decision carries.
        floor: entries scoring below it before reranking may be left out (``check``).
        exclude: phrasings to leave out of the ranking (``check``).
    """

    def __init__(
        self,
        engine: Engine,
        question: str,
        state: State = NO_STATE,
        limit: int = MAX_OPTIONS + 1,
        floor: float = 0.0,
        exclude: frozenset[str] = frozenset(),
    ) -> None:
        self.engine = engine
        self.settings = engine.faq.settings
        self.question = question
        self.state = state
        self.limit = limit
        self.floor = floor
        self.exclude = exclude

    @cached_property
    def triage(self) -> Triage:
        return self.engine.triager.scan(self.question)

    @cached_property
    def text(self) -> str:
        """The message as matching reads it: without the opening of a relayed question
        ("Caller asks if ..."), which the triage still reads."""
        return unrelayed(self.question)

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return self.engine.index.normaliser.tokens(self.text)

    @cached_property
    def sentence(self) -> str:
        """The sentence that asks, when the message has others around it ("" if not)."""
        return asking_sentence(self.text) or ""

    @cached_property
    def asked(self) -> tuple[str, ...]:
        """The match tokens of the asking sentence."""
        return self.engine.index.normaliser.tokens(self.sentence) if self.sentence else ()

    @cached_property
    def story(self) -> list[Term]:
        """The words around the asking sentence (none if there is no such sentence)."""
        if not self.sentence:
            return []
        asked = set(self.asked)
        return self.engine.index.read_tokens(t for t in self.tokens if t not in asked)

    @cached_property
    def whole(self) -> Decision:
        """The decision on the whole message."""
        return self.match(self.engine.index.read_tokens(self.tokens))

    @cached_property
    def asking(self) -> Decision:
        """The decision on the asking sentence alone."""
        return self.match(self.engine.index.read_tokens(self.asked))

    @cached_property
    def matched(self) -> Decision:
        """What matching alone decides: the story hand-off, the whole message when it is
        answered, the asking sentence, else the whole message's options or escalation."""
        for rule in (by_story, by_whole_question, by_asking_sentence):
            decision = rule(self)
            if decision is not None:
                return decision
        return self.whole

    def match(self, terms: list[Term]) -> Decision:
        """The decision on one reading of (part of) the message."""
        index, settings = self.engine.index, self.settings
        candidates = index.rank(terms, self.limit, self.exclude, self.floor)
        long = len(terms) >= settings.long_words and index.known_share(terms) >= settings.long_known
        weighty = index.weighty(terms)
        uncovered = index.uncovered(weighty, candidates[0]) if candidates else []
        grounded = not weighty or len(uncovered) < len(weighty)
        foreign = index.foreign(terms)
        if settings.wrong_rate:
            decision = self.calibrated(candidates, terms, grounded, foreign)
        else:
            decision = decide(candidates, settings, long, grounded, foreign)
            if decision.kind == "clarify":
                decision = self.answered_clarify(decision, terms, foreign)
        figures = [_words(terms)]
        if uncovered:
            figures.append(("not in the best entry", ", ".join(t.word for t in uncovered)))
        return decision._replace(
            trace=decision.trace._replace(figures=(*decision.trace.figures, *figures))
        )

    def calibrated(
        self,
        candidates: list[Candidate],
        terms: list[Term],
        grounded: bool,
        foreign: list[str],
    ) -> Decision:
        """The decision on ranked ``candidates`` from the calibrated probabilities, held
        to the ``wrong_rate`` setting (``decide.decide`` with ``Chances``)."""
        from ims_bot.core.confidence import measure, shipped

        model = shipped()
        features = measure(self.engine.index, terms, candidates, self.sentence or None)
        answer_bar, handoff_bar = model.bars(self.settings.wrong_rate)
        chances = Chances(
            right=model.right.probability(features),
            among=model.among.probability(features),
            answer_bar=answer_bar,
            handoff_bar=handoff_bar,
            options_bar=model.clarify_at,
        )
        return decide(candidates, self.settings, False, grounded, foreign, chances)

    def answered_clarify(
        self, decision: Decision, terms: list[Term], foreign: list[str]
    ) -> Decision:
        """``decision`` (a clarify), answered instead when the calibrated probability that
        its best entry is right reaches ``clarify_answered_at`` and no hand-off entry
        stands near it, nor a word of the question that only out-of-scope entries use
        ("Are the results of IMS permanent, or do they wear off?" need not ask "Did you
        mean")."""
        from ims_bot.core.confidence import measure, shipped  # read on the first clarify

        settings, candidates = self.settings, decision.candidates
        if not candidates or handoff_nearby(candidates[0], candidates, settings) is not None:
            return decision
        if withheld(candidates[0], foreign):
            return decision
        best = candidates[0]
        features = measure(self.engine.index, terms, candidates, self.sentence or None)
        right = shipped().right.probability(features)
        bar = settings.clarify_answered_at
        verdict = "answered from" if right >= bar else "options below"
        trace = decision.trace._replace(
            figures=(*decision.trace.figures, ("calibrated", f"{right:.2f}, {verdict} {bar:g}")),
        )
        if right < bar:
            return decision._replace(trace=trace)
        kind, entry = best.entry.kind, best.entry
        return Decision(kind, entry=entry, score=best.score, candidates=candidates, trace=trace)

    def says_something(self, terms: list[Term]) -> bool:
        """Whether words say anything of their own: one weighs more than a light word
        and is no common word. "I have had sciatica for years. Would IMS help sciatica?"
        leaves "i have had for years", which tells nothing."""
        light = self.settings.function_weight
        common = self.engine.index.common
        return any(term.weight > light and term.word not in common for term in terms)

    def speaks_faq_language(self, terms: list[Term]) -> bool:
        """Whether words mostly speak the FAQ's language: "my back is shot" does, "our
        company bought new software" does not. Only words weighing more than light words
        count: "I'm looking at IMS for our warehouse" is "looking" and "warehouse"."""
        weighty = self.engine.index.weighty(terms)
        return not weighty or self.engine.index.known_share(weighty) >= self.settings.story_known


Rule = Callable[[Ask], Decision | None]
"""A rule: a decision, or None to pass the message to the next rule."""


def by_number(ask: Ask) -> Decision | None:
    """A bare number picks from the list the person was last shown: 0 escalates, a
    number out of range asks again, with no list there is nothing to pick."""
    number = parse_number(ask.question)
    if number is None:
        return None
    options = ask.state.options
    if not options:
        return Decision("smalltalk", talk="no list")
    if number == 0:
        return Decision("escalate")
    if number > len(options):
        shown = tuple(ask.engine.faq.by_id[i] for i in options)
        return Decision("smalltalk", talk="out of range", options=shown)
    entry = ask.engine.faq.by_id[options[number - 1]]
    return Decision(entry.kind, entry=entry)


def by_triage(ask: Ask) -> Decision | None:
    """A danger sign happening now is urgent, before anything else."""
    return Decision("urgent") if ask.triage.level == "urgent" else None


def by_small_talk(ask: Ask) -> Decision | None:
    """A whole message of small talk ("hi", "ok thanks", "topics")."""
    kind = smalltalk_kind(ask.question)
    return None if kind is None else Decision("smalltalk", talk=kind)


def by_story(ask: Ask) -> Decision | None:
    """The hand-off the words around the asking sentence call for ("I'm 30 weeks
    pregnant. What are the side effects?"), unless the whole message is handed off."""
    if not ask.story or ask.whole.kind == "handoff" or not ask.says_something(ask.story):
        return None
    decision = story_handoff(ask.match(ask.story))
    if decision is None:
        return None
    told = " ".join(term.word for term in ask.story)
    return decision.traced("", (), ("story", f"'{told}'"))


def by_situation(ask: Ask) -> Decision | None:
    """A personal situation the triage names (diabetes, a pacemaker, a child) wins over
    an ordinary reply or a front-desk hand-off, unless matching already hands the
    message to the physiotherapist (a hand-off entry not tagged ``front-desk``) or the
    message is out of scope."""
    situation = ask.engine.faq.by_id.get(ask.triage.situation or "")
    if situation is None:
        return None
    matched = ask.matched
    entry = matched.entry
    if entry is not None and entry.kind == "handoff" and FRONT_DESK not in entry.tags:
        return None
    if matched.candidates and OFF_TOPIC in matched.candidates[0].entry.tags:
        return None
    decision = Decision(
        "handoff",
        entry=situation,
        score=matched.score,
        candidates=matched.candidates,
        basis="situation",
    )
    return decision.traced("", (), *matched.trace.figures)


def by_whole_question(ask: Ask) -> Decision | None:
    """The whole message confidently matches an entry (an answer or a hand-off)."""
    return ask.whole if ask.whole.kind in ("answer", "handoff") else None


def by_asking_sentence(ask: Ask) -> Decision | None:
    """The asking sentence alone, when the whole message was not answered, the words
    around it speak the FAQ's language, and the whole message agrees with it (see
    ``ims_bot.core.decide.on_asking_sentence``)."""
    if not ask.story or ask.whole.kind == "handoff":
        return None
    if not ask.speaks_faq_language(ask.story):
        return None
    decision = on_asking_sentence(ask.whole, ask.asking, ask.settings)
    if decision is None:
        return None
    return decision.traced("", (), ("asking sentence", f"'{ask.sentence}'"))


def by_unwell(ask: Ask) -> Decision | None:
    """A writer who feels unwell now and gets no answer is handed to a person."""
    if ask.triage.level != "unwell":
        return None
    whole = ask.whole
    return Decision("handoff", score=whole.score, candidates=whole.candidates, trace=whole.trace)


def by_repeated_clarify(ask: Ask) -> Decision | None:
    """A clarify that offers any option the last one offered escalates: one round at most.
    A clarify about other entries is a new question, and is asked afresh."""
    whole = ask.whole
    if whole.kind != "clarify" or not ask.state.clarifying:
        return None
    if not any(entry.id in ask.state.options for entry in whole.options):
        return None
    return Decision("escalate", score=whole.score, candidates=whole.candidates, trace=whole.trace)


def by_unsure(ask: Ask) -> Decision:
    """The whole message's options to choose from, else the escalation."""
    return ask.whole


RULES: tuple[tuple[str, Rule], ...] = (
    ("bare number", by_number),
    ("triage", by_triage),
    ("small talk", by_small_talk),
    ("story hand-off", by_story),
    ("situation", by_situation),
    ("whole question", by_whole_question),
    ("asking sentence", by_asking_sentence),
    ("unwell", by_unwell),
    ("repeated clarify", by_repeated_clarify),
    ("unsure", by_unsure),
)
"""The policy: each rule by name, in the order they are tried."""


def run(ask: Ask) -> Decision:
    """The decision for ``ask``: the first rule's that decides, with its trace."""
    passed: list[str] = []
    for name, rule in RULES:
        decision = rule(ask)
        if decision is None:
            passed.append(name)
            continue
        triage = ask.triage
        figures: list[Figure] = []
        if triage.mentions:
            figures.append(("triage", triage.explain().removeprefix("triage: ")))
        if triage.situation:
            figures.append(("situation", triage.situation))
        decision = decision.traced(name, tuple(passed), *figures)
        return decision._replace(triage=triage)
    raise AssertionError("the last rule always decides")


def _words(terms: list[Term]) -> Figure:
    """The weightiest words of a reading, with their weights ("?": the FAQ does not use it)."""
    ranked = sorted(terms, key=lambda term: -term.weight)[:SHOWN_WORDS]
    shown = [f"{t.word}{'' if t.faq_word else '?'} {t.weight:.1f}" for t in ranked]
    return ("words", ", ".join(shown) or "none")
