"""The reply decision: answer, clarify, escalate or hand off, from the ranked candidates.

Escalating is always safer than guessing: an entry is answered only when its score
reaches ``answer_at`` *and* it leads the runner-up by ``margin``; plausible but
unconfident entries are offered as options; everything else escalates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ims_bot.core.faq import Entry, Settings
from ims_bot.core.index import Candidate

ReplyKind = Literal["answer", "clarify", "escalate", "handoff", "urgent", "smalltalk"]
MAX_OPTIONS = 3
OPTION_WINDOW = 20.0
"""Options shown in a clarify score within this many points of the best."""


@dataclass(frozen=True)
class Decision:
    """What to reply: the kind, the chosen entry or the options, and the evidence."""

    kind: ReplyKind
    entry: Entry | None = None
    score: float | None = None
    options: tuple[Entry, ...] = ()
    candidates: tuple[Candidate, ...] = ()


def decide(candidates: Sequence[Candidate], settings: Settings) -> Decision:
    """Choose the reply kind for ranked ``candidates`` (best first)."""
    candidates = tuple(candidates)
    if not candidates or candidates[0].score < settings.clarify_at:
        score = candidates[0].score if candidates else None
        return Decision("escalate", score=score, candidates=candidates)
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score >= settings.answer_at and best.score - runner_up >= settings.margin:
        return Decision(best.entry.kind, entry=best.entry, score=best.score, candidates=candidates)
    options = tuple(
        c.entry
        for c in candidates
        if c.score >= settings.clarify_at and best.score - c.score <= OPTION_WINDOW
    )[:MAX_OPTIONS]
    return Decision("clarify", score=best.score, options=options, candidates=candidates)
