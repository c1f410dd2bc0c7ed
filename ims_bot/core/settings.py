"""Every threshold and weight of matching, the triage and the reply decision, in one object.

The defaults live here, one field each with what it does. A FAQ's ``settings:`` may set
any of them (``ims_bot.core.loader`` validates the value against the field's bounds);
the benchmarks sweep them by building ``Settings`` objects with ``Settings._replace``.
Scores are on the 0-100 scale; shares are 0 to 1.
"""

from __future__ import annotations

from typing import NamedTuple


class Settings(NamedTuple):
    """The tuning of one FAQ (see each field)."""

    answer_at: float = 58.0
    """The score plus lead over the runner-up an entry needs to be answered."""
    margin: float = 21.0
    """How far below ``answer_at`` a score may be and still be answered, with a lead that
    makes up the difference."""
    clarify_at: float = 30.0
    """The lowest score worth offering as a "did you mean" option."""
    min_lead: float = 8.0
    """The smallest lead over the runner-up that is ever answered, however high the score."""
    handoff_ease: float = 6.0
    """How many points less than ``answer_at`` a hand-off entry's score plus lead needs: a
    referral to a person is the safe side, so it may be given on a little less evidence."""
    handoff_window: float = 10.0
    """An ordinary answer is withheld when a hand-off entry scores within this many points."""
    option_window: float = 20.0
    """Options shown in a clarify score within this many points of the best."""
    clarify_answered_at: float = 0.85
    """A question the rules would answer with options is answered instead when the
    calibrated model (``confidence.py``) gives its best entry at least this probability
    of being right, unless a hand-off entry stands within ``handoff_window`` of it (1
    keeps every clarification)."""
    wrong_rate: float = 0.0
    """0 (the default): the rules above decide. A target rate such as 0.02: the calibrated
    probability decides instead (docs/matching.md, "Calibrated confidence"): an entry is
    answered from the lowest probability that kept answers wrong (a wrong entry, or any
    answer to an out-of-scope question) at most this share of the development questions,
    a hand-off entry from that of the next looser rate the calibration lists; otherwise
    options when the right entry is likely among them, else the escalation."""
    long_words: int = 12
    """How many distinct words make a question long: its best entry may then be answered
    on a clear relative lead (``long_floor``, ``long_ratio``)."""
    long_known: float = 0.6
    """The least weighted share of a long question's words that the FAQ must use for that:
    the lead of a long question in other words ("our new software at work") tells nothing."""
    long_floor: float = 34.0
    """The lowest score a long question's best entry is answered at."""
    long_ratio: float = 1.3
    """How many times its runner-up's score a long question's best entry needs."""
    story_known: float = 0.5
    """The least weighted share of the words around an asking sentence that the FAQ must
    use before the sentence may be answered alone."""
    agree_share: float = 0.8
    """An asking sentence's entry agrees with the whole question when the whole ranks it
    first, or second with at least this share of the best score."""
    context_handoff: float = 0.75
    """An ordinary answer to an asking sentence is withheld when a ``personal`` hand-off
    entry scores at least this share of the whole question's best score."""
    function_weight: float = 0.8
    """The most a light word (function, frame and backstory words) weighs; distinctive
    words weigh from about 0.7 to 5."""
    entry_share: float = 0.35
    """How much of an entry's score comes from its whole vocabulary rather than one phrasing."""
    second_share: float = 0.3
    """How much of the gap between an entry's best and second-best phrasing it loses: an
    entry that one incidental phrasing matches counts less than one several phrasings fit."""
    rerank: int = 6
    """How many of the best entries are rescored by character-level similarity."""
    char_share: float = 0.6
    """How much of a rescored score depends on character-level similarity."""
    char_words: int = 12
    """Beyond this many distinct words, a question's character similarity counts for
    proportionally less: a long question is near-identical to no phrasing."""
    min_corrected: int = 4
    """Words shorter than this are never read as a typing slip of a FAQ word."""
    triage_reach: int = 6
    """How many words apart a danger sign's concepts may stand, for a category that sets
    no ``reach`` of its own."""
    triage_min_slip: int = 5
    """Words shorter than this are never read as a typing slip of a danger word."""
    urgency_alone: float = 0.95
    """A message with no danger sign is urgent when the emergency model gives it at least
    this probability (1 leaves every urgent reply to the signs)."""
    urgency_unwell: float = 0.97
    """The same bar for a message whose writer says they feel unwell (an ``unwell`` sign):
    below it, such a message gets the ``unwell`` reply, which already says to call 911
    if they feel unwell now, rather than the reply of a category the model guesses."""
    urgency_doubt: float = 0.002
    """A danger sign read as happening now gets the check line instead of the urgent reply
    when the emergency model gives the message less than this probability (0 leaves every
    such sign urgent)."""
    urgency_check: float = 0.3
    """A message with no danger sign and no unwell wording gets its reply opened by the
    emergency line when the emergency model gives it at least this probability."""
    similar_at: float = 82.0
    """How similar (0-100) two unanswered questions must be for ``report`` to group them."""


BOUNDS: dict[str, tuple[float, float]] = {
    "answer_at": (0, 100),
    "margin": (0, 100),
    "clarify_at": (0, 100),
    "min_lead": (0, 100),
    "handoff_ease": (0, 100),
    "handoff_window": (0, 100),
    "option_window": (0, 100),
    "clarify_answered_at": (0, 1),
    "wrong_rate": (0, 0.05),
    "long_words": (1, 1000),
    "long_known": (0, 1),
    "long_floor": (0, 100),
    "long_ratio": (1, 100),
    "story_known": (0, 1),
    "agree_share": (0, 1),
    "context_handoff": (0, 1),
    "function_weight": (0, 10),
    "entry_share": (0, 1),
    "second_share": (0, 1),
    "rerank": (1, 100),
    "char_share": (0, 1),
    "char_words": (1, 1000),
    "min_corrected": (1, 100),
    "triage_reach": (1, 100),
    "triage_min_slip": (1, 100),
    "urgency_alone": (0, 1),
    "urgency_unwell": (0, 1),
    "urgency_doubt": (0, 1),
    "urgency_check": (0, 1),
    "similar_at": (0, 100),
}
"""The lowest and highest value each setting may take, in the order they are documented."""


def bounds(name: str) -> tuple[float, float]:
    """The lowest and highest value setting ``name`` may take."""
    return BOUNDS[name]


def whole(name: str) -> bool:
    """Whether setting ``name`` counts something, and so takes whole numbers only."""
    return Settings.__annotations__[name] in (int, "int")


DEFAULTS = Settings()
"""The settings of a FAQ that sets none."""
