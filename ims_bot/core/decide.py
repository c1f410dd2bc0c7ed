"""The reply decision on one ranking: answer, clarify, escalate or hand off, with its reasons.

Escalating is always safer than guessing: an entry is answered only when its score and
its lead over the runner-up together reach ``answer_at`` (score + lead >= answer_at), its
score is at most ``margin`` below ``answer_at``, and its lead is at least ``min_lead``.
So a score just at ``answer_at`` needs only a small lead, while a lower one needs a lead
as wide as its shortfall: with the defaults (58), 50 against a runner-up of 40 reaches
60, 50 against 45 does not. An ordinary answer must rest on at least one of the
question's weighty words, if it has any. A hand-off entry (a referral to a person)
needs ``handoff_ease`` points less. A long question may also be answered on a clear relative
lead (see ``confident``). Plausible but unconfident entries are offered as options;
everything else escalates. With the ``wrong_rate`` setting, calibrated probabilities
(``Chances``) decide instead, under the same safety checks. Every
setting named here is a field of ``ims_bot.core.settings.Settings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from ims_bot.core.faq import OFF_TOPIC, PERSONAL, Entry
from ims_bot.core.index import Candidate
from ims_bot.core.settings import Settings
from ims_bot.core.triage import Triage

ReplyKind = Literal["answer", "clarify", "escalate", "handoff", "urgent", "smalltalk"]
Basis = Literal["question", "asking sentence", "story", "situation"]
"""What part of the message a decision was made on: all of it, the sentence that asks,
the words around that sentence, or a personal situation the triage found in it."""
MAX_OPTIONS = 3
"""At most this many options in a clarify (and related questions under an answer)."""

Figure = tuple[str, str]
"""One figure a decision used, by name, as staff read it ("lead", "22.4 (needs 8)")."""


class Trace(NamedTuple):
    """Why a decision was made: the rule that made it, the rules that passed before it,
    and the figures it used."""

    rule: str = ""
    passed: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()

    def lines(self) -> list[str]:
        """The trace as staff read it, one line each."""
        lines = [f"rule: {self.rule}"]
        if self.passed:
            lines.append(f"passed: {', '.join(self.passed)}")
        lines += [f"{name}: {value}" for name, value in self.figures]
        return lines

    def to_json(self) -> dict[str, object]:
        """The trace as the ``ask --json --explain`` field."""
        return {"rule": self.rule, "passed": list(self.passed), "figures": dict(self.figures)}


class Decision(NamedTuple):
    """What to reply: the kind, the chosen entry or the options, and the evidence."""

    kind: ReplyKind
    entry: Entry | None = None
    score: float | None = None
    options: tuple[Entry, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    basis: Basis = "question"
    """The part of the message decided on (see ``ims_bot.core.policy``)."""
    triage: Triage = Triage()
    """What the safety triage found (see ``ims_bot.core.triage``)."""
    talk: str = ""
    """For small talk, which kind ("greeting", "thanks", "out of range", ...)."""
    trace: Trace = Trace()
    """The rule that made the decision and the figures it used."""

    def traced(self, rule: str, passed: tuple[str, ...], *figures: Figure) -> Decision:
        """This decision, credited to ``rule`` with the ``passed`` rules and more figures."""
        return self._replace(trace=Trace(rule, passed, (*self.trace.figures, *figures)))


class Chances(NamedTuple):
    """What the calibrated models say of one ranking, and the bars they are held to."""

    right: float
    """P(the best entry is right)."""
    among: float
    """P(the right entry is among the options)."""
    answer_bar: float
    """The least ``right`` an ordinary answer needs (for the ``wrong_rate`` setting)."""
    handoff_bar: float
    """The easier bar of a hand-off entry."""
    options_bar: float
    """The least ``among`` at which options are offered rather than escalating."""


def decide(
    candidates: Sequence[Candidate],
    settings: Settings,
    long: bool = False,
    grounded: bool = True,
    foreign: Sequence[str] = (),
    chances: Chances | None = None,
) -> Decision:
    """Choose the reply kind for ranked ``candidates`` (best first).

    Args:
        candidates: the ranked entries, best first.
        settings: the thresholds.
        long: they rank a long question that mostly speaks the FAQ's language (see
            ``confident``).
        grounded: the best entry uses a weighty word of the question, or the question
            has none; an ordinary answer that rests on light words alone ("what is the
            meaning of life" against "what is the meaning of IMS") escalates.
        foreign: the question's weighty words that only out-of-scope entries use
            ("login"): an ordinary answer is withheld and options offered instead, so
            "Is the IMS login safe?" is never answered with IMS's safety.
        chances: the calibrated probabilities (the ``wrong_rate`` setting). Given, they
            decide instead of score and lead: answer when the best entry is likely
            enough right, options when the right entry is likely among them, else
            escalate; every check above still stands.
    """
    candidates = tuple(candidates)
    figures = _ranking(candidates)
    unanswerable = _unanswerable(candidates, settings, grounded, figures)
    if unanswerable is not None:
        return unanswerable
    best = candidates[0]
    if chances is not None:
        return _decide_calibrated(candidates, settings, chances, foreign, figures)
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    bar = settings
    if best.entry.kind == "handoff":
        bar = settings._replace(answer_at=settings.answer_at - settings.handoff_ease)
    verdict = confidence(best.score, runner_up, bar, long)
    return _settle(candidates, settings, foreign, figures, verdict, verdict == "confident")


def _decide_calibrated(
    candidates: tuple[Candidate, ...],
    settings: Settings,
    chances: Chances,
    foreign: Sequence[str],
    figures: list[Figure],
) -> Decision:
    best = candidates[0]
    bar = chances.handoff_bar if best.entry.kind == "handoff" else chances.answer_bar
    figures.append(
        (
            "calibrated",
            f"{chances.right:.2f} that {best.entry.id} is right (answered from {bar:.2f}), "
            f"{chances.among:.2f} that the right entry is among the options (offered from "
            f"{chances.options_bar:g}); wrong_rate {settings.wrong_rate:g}",
        )
    )
    sure = chances.right >= bar
    verdict = "likely right" if sure else "not likely enough"
    offer = chances.among >= chances.options_bar
    return _settle(candidates, settings, foreign, figures, verdict, sure, offer)


def _unanswerable(
    candidates: tuple[Candidate, ...], settings: Settings, grounded: bool, figures: list[Figure]
) -> Decision | None:
    """The escalation of a ranking that nothing may answer or offer: no entry reaches
    ``clarify_at``, or an ordinary best entry uses none of the question's weighty words."""
    if not candidates or candidates[0].score < settings.clarify_at:
        score = candidates[0].score if candidates else None
        why = ("verdict", f"no entry reaches clarify_at {settings.clarify_at:g}")
        return _figured(Decision("escalate", score=score, candidates=candidates), *figures, why)
    best = candidates[0]
    if best.entry.kind == "answer" and not grounded:
        why = ("verdict", "the entry uses none of the question's weighty words")
        return _figured(
            Decision("escalate", score=best.score, candidates=candidates), *figures, why
        )
    return None


def _settle(
    candidates: tuple[Candidate, ...],
    settings: Settings,
    foreign: Sequence[str],
    figures: list[Figure],
    verdict: str,
    sure: bool,
    offer: bool = True,
) -> Decision:
    """The decision once the evidence has spoken: answer when ``sure`` and no hand-off
    entry stands near and no ``foreign`` word withholds it (options then), escalate an
    out-of-scope best entry (with its scope text when ``sure``), else options when
    ``offer``, else the escalation."""
    best = candidates[0]
    near = handoff_nearby(best, candidates, settings)
    if sure and near is not None:
        verdict = f"hand-off '{near.entry.id}' within handoff_window {settings.handoff_window:g}"
        sure, offer = False, True
    if sure and withheld(best, foreign):
        verdict = f"'{', '.join(foreign)}' only out-of-scope entries use"
        sure, offer = False, True
    if OFF_TOPIC in best.entry.tags:
        decision = Decision(
            "escalate", entry=best.entry if sure else None, score=best.score, candidates=candidates
        )
        return _figured(decision, *figures, ("verdict", f"out of scope, {verdict}"))
    if sure:
        decision = Decision(
            best.entry.kind, entry=best.entry, score=best.score, candidates=candidates
        )
        return _figured(decision, *figures, ("verdict", verdict))
    if not offer:
        decision = Decision("escalate", score=best.score, candidates=candidates)
        return _figured(decision, *figures, ("verdict", f"{verdict}, nor the options"))
    decision = Decision(
        "clarify", score=best.score, options=_options(candidates, settings), candidates=candidates
    )
    return _figured(decision, *figures, ("verdict", verdict))


def withheld(best: Candidate, foreign: Sequence[str]) -> bool:
    """Whether an answer from ``best`` is withheld for the question's ``foreign`` words
    (see ``decide``): an ordinary answer is; a referral to a person, and the scope text
    of an out-of-scope entry, are not."""
    return bool(foreign) and best.entry.kind == "answer" and OFF_TOPIC not in best.entry.tags


def _options(candidates: Sequence[Candidate], settings: Settings) -> tuple[Entry, ...]:
    """The entries worth offering as options: at least ``clarify_at`` and within
    ``option_window`` of the best, at most ``MAX_OPTIONS``."""
    best = candidates[0].score
    return tuple(
        c.entry
        for c in candidates
        if c.score >= settings.clarify_at and best - c.score <= settings.option_window
    )[:MAX_OPTIONS]


def _ranking(candidates: Sequence[Candidate]) -> list[Figure]:
    """The figures of a ranking: the best entries and their scores."""
    if not candidates:
        return [("best", "no entry shares a word with it")]
    best = candidates[0]
    figures = [("best", f"{best.entry.id} {best.score:.1f} ('{best.phrasing}')")]
    if len(candidates) > 1:
        figures.append(("runner-up", f"{candidates[1].entry.id} {candidates[1].score:.1f}"))
        figures.append(("lead", f"{best.score - candidates[1].score:.1f}"))
    return figures


def _figured(decision: Decision, *figures: Figure) -> Decision:
    return decision._replace(trace=Trace(figures=figures))


def on_asking_sentence(whole: Decision, asking: Decision, settings: Settings) -> Decision | None:
    """The decision on a question's asking sentence, if the whole question agrees with it.

    A question with a story ("I've driven a truck for 30 years and my back is shot. Does
    IMS work for bad backs?") scores low as a whole, since the story's words count
    against every entry. Its asking sentence is answered alone only when the whole
    question was not answered or handed off, the sentence is, the whole question ranks
    the same entry first (or second, within ``agree_share`` of the best, unless a
    hand-off entry is first and the sentence would get an ordinary answer), no entry for
    other meanings of "IMS" ranks among its best, and, for an ordinary answer, no other
    ``personal`` hand-off entry scores at least ``context_handoff`` of the whole
    question's best.
    """
    if whole.kind not in ("clarify", "escalate") or asking.kind not in ("answer", "handoff"):
        return None
    if asking.entry is None or not whole.candidates:
        return None
    ranked = whole.candidates[: MAX_OPTIONS + 1]
    best = ranked[0].score
    agreeing = [c.entry.id for c in ranked[:2] if c.score >= settings.agree_share * best]
    if asking.entry.id not in agreeing or any(OFF_TOPIC in c.entry.tags for c in ranked):
        return None
    if asking.kind == "answer" and ranked[0].entry.kind == "handoff":
        return None
    if asking.kind == "answer" and any(
        PERSONAL in c.entry.tags
        and c.entry.id != asking.entry.id
        and c.score >= settings.context_handoff * best
        for c in ranked
    ):
        return None
    return asking._replace(basis="asking sentence")


def story_handoff(story: Decision) -> Decision | None:
    """The hand-off that the words around a question's asking sentence call for, if any.

    "I'm 30 weeks pregnant. What are the side effects?" asks something the FAQ answers,
    but its story alone is a confident hand-off to an entry about the patient's own
    situation (tagged ``personal``), and that hand-off is the safe reply.
    """
    if story.kind == "handoff" and story.entry is not None and PERSONAL in story.entry.tags:
        return story._replace(basis="story")
    return None


def handoff_nearby(
    best: Candidate, candidates: Sequence[Candidate], settings: Settings
) -> Candidate | None:
    """A ``handoff`` entry scoring close to an ordinary best answer, if one does.

    A question that reads almost as well as a personal or out-of-scope one must not get
    an ordinary answer: the options, hand-off included, are offered instead. Only the
    next ``MAX_OPTIONS`` entries count, so how many candidates were ranked (``ask --top``)
    never changes the decision.
    """
    if best.entry.kind == "handoff":
        return None
    for c in candidates[1 : MAX_OPTIONS + 1]:
        if c.entry.kind == "handoff" and best.score - c.score <= settings.handoff_window:
            return c
    return None


def confident(score: float, runner_up: float, settings: Settings, long: bool = False) -> bool:
    """Whether the best ``score`` may be answered, given the ``runner_up``'s score."""
    return confidence(score, runner_up, settings, long) == "confident"


def confidence(score: float, runner_up: float, settings: Settings, long: bool = False) -> str:
    """ "confident" when the best ``score`` may be answered, given the ``runner_up``'s
    score; else which bar it missed.

    A ``long`` question ("im stiff as a board, can the needles loosen me up so i can get
    around easier day to day") scores low against every entry, since its story's words
    count against all of them alike; its best entry is also answered from ``long_floor``
    when it scores ``long_ratio`` times its runner-up (38.8 against 24.7 here).
    """
    lead = score - runner_up
    if lead < settings.min_lead:
        return f"lead {lead:.1f} under min_lead {settings.min_lead:g}"
    floor = settings.answer_at - settings.margin
    if score + lead >= settings.answer_at and score >= floor:
        return "confident"
    if long and score >= settings.long_floor and score >= settings.long_ratio * runner_up:
        return "confident"
    if score < floor:
        return f"score {score:.1f} under answer_at - margin {floor:g}"
    return f"score + lead {score + lead:.1f} under answer_at {settings.answer_at:g}"
