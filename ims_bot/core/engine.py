"""The stateless pipeline: sanitise, scan for red flags, match, decide, compose."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace

from ims_bot.core.decide import MAX_OPTIONS, Decision, decide, focused, told
from ims_bot.core.faq import OFF_TOPIC, PERSONAL, Faq
from ims_bot.core.index import COMMON_WORDS, FUNCTION_WEIGHT, MatchIndex, Term
from ims_bot.core.normalise import asking_sentence, sanitise
from ims_bot.core.reply import Reply, compose, escalation
from ims_bot.core.triage import Triager

STORY_KNOWN = 0.5
"""The least weighted share of the words around an asking sentence (those weighing more
than function words) that the FAQ must use before the sentence may be answered alone."""
LONG_WORDS = 12
"""How many distinct words make a question long: its best entry may then be answered on
a clear relative lead (see ``decide.confident``)."""
LONG_KNOWN = 0.6
"""The least weighted share of a long question's words that the FAQ must use for that:
the lead of a long question in other words ("our new software at work") tells nothing."""
RECENT = 1024
"""How many recent decisions are kept, so a question asked again (the common ones at a
kiosk, the same turn in several dialogues) is not scored again."""


class Engine:
    """Answers one question at a time from one FAQ, prepared once.

    Args:
        faq: the loaded FAQ.
    """

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.index = MatchIndex(faq)
        self.triager = Triager(faq.urgent, self.index.normaliser)
        self._recent: OrderedDict[tuple[str, int], Decision] = OrderedDict()

    def __getstate__(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if name != "_recent"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._recent = OrderedDict()

    def decide(self, question: str, limit: int = MAX_OPTIONS + 1) -> Decision:
        """The decision for a sanitised ``question``: the safety triage first (a danger
        sign happening now is urgent), then matching the whole question; for a question
        of several sentences, then a personal hand-off its story calls for (see
        ``told``), then its asking sentence alone (see ``focused``); a personal situation
        the triage names wins over an ordinary reply, and a writer who feels unwell now
        is never sent away with the escalation."""
        key = (_key(question), max(limit, MAX_OPTIONS + 1))
        decision = self._recent.get(key)
        if decision is None:
            decision = self._recent[key] = self._decide(question, key[1])
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        return decision

    def _decide(self, question: str, limit: int) -> Decision:
        triage = self.triager.scan(question)
        if triage.level == "urgent":
            return Decision("urgent", triage=triage)
        decision = self._matched(question, limit)
        situation = self.faq.by_id.get(triage.situation or "")
        off_topic = bool(decision.candidates) and OFF_TOPIC in decision.candidates[0].entry.tags
        personal = decision.entry is not None and PERSONAL in decision.entry.tags
        if situation is not None and not personal and not off_topic:
            decision = Decision(
                "handoff",
                entry=situation,
                score=decision.score,
                candidates=decision.candidates,
                basis="situation",
            )
        if triage.level == "unwell" and decision.kind in ("clarify", "escalate"):
            decision = Decision("handoff", score=decision.score, candidates=decision.candidates)
        return replace(decision, triage=triage)

    def _matched(self, question: str, limit: int) -> Decision:
        tokens = self.index.normaliser.tokens(question)
        sentence = asking_sentence(question)
        whole = self._match(self.index.read_tokens(tokens), limit)
        if whole.kind == "handoff" or not sentence:
            return whole
        asking = self.index.normaliser.tokens(sentence)
        asked = set(asking)
        story = tuple(token for token in tokens if token not in asked)
        if not story:
            return whole
        said = self.index.read_tokens(story)
        handoff = told(self._match(said, limit)) if self._telling(said) else None
        if handoff is not None:
            return handoff
        if whole.kind in ("clarify", "escalate") and self._familiar(said):
            return focused(whole, self._match(self.index.read_tokens(asking), limit))
        return whole

    @staticmethod
    def _telling(story: list[Term]) -> bool:
        """Whether the words around the asking sentence say anything of their own: a word
        weightier than a function word and no common one. "I have had sciatica for years.
        Would IMS help sciatica?" leaves "i have had for years", which tells nothing (and
        matched "i had a hip replaced last year")."""
        return any(
            term.weight > FUNCTION_WEIGHT and term.word not in COMMON_WORDS for term in story
        )

    def _familiar(self, story: list[Term]) -> bool:
        """Whether the words around the asking sentence mostly speak the FAQ's language:
        "my back is shot" does, "our company bought new software" does not, and then
        the question is too far from the FAQ to be answered on one sentence. Only words
        weighing more than function words count: "I'm looking at IMS for our warehouse"
        is "looking" and "warehouse", however many of its little words the FAQ uses."""
        words = [term for term in story if term.weight > FUNCTION_WEIGHT]
        return not words or self.index.known_share(words) >= STORY_KNOWN

    def _match(self, terms: list[Term], limit: int) -> Decision:
        candidates = self.index.rank(terms, limit)
        long = len(terms) >= LONG_WORDS and self.index.known_share(terms) >= LONG_KNOWN
        return decide(candidates, self.faq.settings, long)

    def reply(self, text: str, top: int = 3) -> Reply:
        """The reply to one message, with no conversation state; never raises."""
        question = sanitise(text)
        try:
            return compose(self.decide(question, top), self.faq, question, top)
        except Exception:
            logging.getLogger("ims_bot").exception("internal error while answering")
            return self.fallback(question)

    def fallback(self, question: str) -> Reply:
        """The reply when answering failed: the urgent reply if the triage alone still
        finds a danger sign happening now, else the escalation; never raises."""
        try:
            triage = self.triager.scan(question)
            if triage.level == "urgent":
                return compose(Decision("urgent", triage=triage), self.faq, question)
        except Exception:
            logging.getLogger("ims_bot").exception("internal error in the triage")
        return escalation(self.faq, question)


def _key(question: str) -> str:
    """The form of a question its decision is remembered by: case, spacing and closing
    punctuation do not change a decision ("Does IMS hurt?!" is "does ims hurt")."""
    return " ".join(question.casefold().split()).rstrip("?!. ")
