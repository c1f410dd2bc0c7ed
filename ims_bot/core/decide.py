"""The reply decision: answer, clarify, escalate or hand off, from the ranked candidates.

Escalating is always safer than guessing: an entry is answered only when its score and
its lead over the runner-up together reach ``answer_at`` (score + lead >= answer_at), its
score is at most ``margin`` below ``answer_at``, and its lead is at least ``MIN_LEAD``.
So a score just at ``answer_at`` needs only a small lead, while a lower one needs a lead
as wide as its shortfall: with the defaults (58), 50 against a runner-up of 40 reaches
60, 50 against 45 does not. A hand-off entry (a referral to a person) needs
``HANDOFF_EASE`` points less. A long question may also be answered on a clear relative
lead (see ``confident``). Plausible but unconfident entries are offered as options;
everything else escalates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ims_bot.core.faq import OFF_TOPIC, PERSONAL, Entry, Settings
from ims_bot.core.index import Candidate
from ims_bot.core.triage import Triage

ReplyKind = Literal["answer", "clarify", "escalate", "handoff", "urgent", "smalltalk"]
Basis = Literal["question", "asking sentence", "story", "situation"]
"""What part of the message a decision was made on: all of it, the sentence that asks,
the words around that sentence, or a personal situation the triage found in it."""
MAX_OPTIONS = 3
OPTION_WINDOW = 20.0
"""Options shown in a clarify score within this many points of the best."""
HANDOFF_EASE = 6.0
"""How many points less than ``answer_at`` a hand-off entry's score plus lead needs: a
referral to a person is the safe side, so it may be given on a little less evidence."""
MIN_LEAD = 8.0
"""The smallest lead over the runner-up that is ever answered, however high the score."""
LONG_FLOOR = 34.0
"""The lowest score a long question's best entry is answered at (see ``confident``)."""
LONG_RATIO = 1.3
"""How many times its runner-up's score a long question's best entry needs."""
HANDOFF_WINDOW = 15.0
"""An ordinary answer is withheld when a hand-off entry scores within this many points."""
AGREE_SHARE = 0.8
"""An asking sentence's entry agrees with the whole question when the whole ranks it
first, or second with at least this share of the best score."""
CONTEXT_HANDOFF = 0.75
"""An ordinary answer to a question's asking sentence is withheld when a ``personal``
hand-off entry scores at least this share of the whole question's best score (its story
may tell of the patient's own situation). Front-desk and aftercare hand-offs do not
count: "I've been a truck driver 30 years" is no question about driving after a session."""


@dataclass(frozen=True)
class Decision:
    """What to reply: the kind, the chosen entry or the options, and the evidence."""

    kind: ReplyKind
    entry: Entry | None = None
    score: float | None = None
    options: tuple[Entry, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    basis: Basis = "question"
    """The part of the message decided on (see ``focused`` and ``told``)."""
    triage: Triage = field(default_factory=Triage)
    """What the safety triage found (see ``ims_bot.core.triage``)."""


def decide(candidates: Sequence[Candidate], settings: Settings, long: bool = False) -> Decision:
    """Choose the reply kind for ranked ``candidates`` (best first); ``long``: they rank
    a long question that mostly speaks the FAQ's language (see ``confident``)."""
    candidates = tuple(candidates)
    if not candidates or candidates[0].score < settings.clarify_at:
        score = candidates[0].score if candidates else None
        return Decision("escalate", score=score, candidates=candidates)
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if OFF_TOPIC in best.entry.tags:
        return Decision("escalate", entry=best.entry, score=best.score, candidates=candidates)
    bar = settings
    if best.entry.kind == "handoff":
        bar = replace(settings, answer_at=settings.answer_at - HANDOFF_EASE)
    if confident(best.score, runner_up, bar, long) and not handoff_nearby(best, candidates):
        return Decision(best.entry.kind, entry=best.entry, score=best.score, candidates=candidates)
    options = tuple(
        c.entry
        for c in candidates
        if c.score >= settings.clarify_at and best.score - c.score <= OPTION_WINDOW
    )[:MAX_OPTIONS]
    return Decision("clarify", score=best.score, options=options, candidates=candidates)


def focused(whole: Decision, asking: Decision) -> Decision:
    """The decision on a question's asking sentence, if the whole question agrees, else ``whole``.

    A question with a story ("I've driven a truck for 30 years and my back is shot. Does
    IMS work for bad backs?") scores low as a whole, since the story's words count
    against every entry. Its asking sentence is answered alone only when the whole
    question was not answered or handed off, the sentence is, the whole question ranks
    the same entry first (or second, within ``AGREE_SHARE`` of the best, unless a
    hand-off entry is first and the sentence would get an ordinary answer), no entry for
    other meanings of "IMS" ranks among its best, and, for an ordinary answer, no other
    ``personal`` hand-off entry scores at least ``CONTEXT_HANDOFF`` of the whole
    question's best.
    """
    if whole.kind not in ("clarify", "escalate") or asking.kind not in ("answer", "handoff"):
        return whole
    if asking.entry is None or not whole.candidates:
        return whole
    ranked = whole.candidates[: MAX_OPTIONS + 1]
    best = ranked[0].score
    agreeing = [c.entry.id for c in ranked[:2] if c.score >= AGREE_SHARE * best]
    if asking.entry.id not in agreeing or any(OFF_TOPIC in c.entry.tags for c in ranked):
        return whole
    if asking.kind == "answer" and ranked[0].entry.kind == "handoff":
        return whole
    if asking.kind == "answer" and any(
        PERSONAL in c.entry.tags
        and c.entry.id != asking.entry.id
        and c.score >= CONTEXT_HANDOFF * best
        for c in ranked
    ):
        return whole
    return replace(asking, basis="asking sentence")


def told(story: Decision) -> Decision | None:
    """The hand-off that the words around a question's asking sentence call for, if any.

    "I'm 30 weeks pregnant. What are the side effects?" asks something the FAQ answers,
    but its story alone is a confident hand-off to an entry about the patient's own
    situation (tagged ``personal``), and that hand-off is the safe reply.
    """
    if story.kind == "handoff" and story.entry is not None and PERSONAL in story.entry.tags:
        return replace(story, basis="story")
    return None


def handoff_nearby(best: Candidate, candidates: Sequence[Candidate]) -> bool:
    """Whether a ``handoff`` entry scores close to an ordinary best answer.

    A question that reads almost as well as a personal or out-of-scope one must not get
    an ordinary answer: the options, hand-off included, are offered instead. Only the
    next ``MAX_OPTIONS`` entries count, so how many candidates were ranked (``ask --top``)
    never changes the decision.
    """
    if best.entry.kind == "handoff":
        return False
    return any(
        c.entry.kind == "handoff" and best.score - c.score <= HANDOFF_WINDOW
        for c in candidates[1 : MAX_OPTIONS + 1]
    )


def confident(score: float, runner_up: float, settings: Settings, long: bool = False) -> bool:
    """Whether the best ``score`` may be answered, given the ``runner_up``'s score.

    A ``long`` question ("im stiff as a board, can the needles loosen me up so i can get
    around easier day to day") scores low against every entry, since its story's words
    count against all of them alike; its best entry is also answered from ``LONG_FLOOR``
    when it scores ``LONG_RATIO`` times its runner-up (38.8 against 24.7 here).
    """
    lead = score - runner_up
    if lead < MIN_LEAD:
        return False
    if score + lead >= settings.answer_at and score >= settings.answer_at - settings.margin:
        return True
    return long and score >= LONG_FLOOR and score >= LONG_RATIO * runner_up
