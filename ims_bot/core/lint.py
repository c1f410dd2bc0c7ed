"""``check`` findings: problems a curator should fix in the FAQ, with the file line.

Errors: a question or alternate that does not retrieve its own entry (the bot would
answer it with another entry, or not at all). Warnings: an alternate that, left out
of the index, is claimed by another entry (the two entries overlap).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ims_bot.core.decide import decide
from ims_bot.core.engine import Engine

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One lint result."""

    level: Level
    line: int
    entry: str
    message: str


def self_retrieval(engine: Engine) -> Iterator[Finding]:
    """Each phrasing must be answered with its own entry, and not be claimed by another."""
    faq, index = engine.faq, engine.index
    for entry in faq.entries:
        for number, phrasing in enumerate(entry.phrasings):
            line = entry.phrasing_line(number)
            what = "question" if number == 0 else "alternate"
            if engine.urgent.scan(phrasing):
                yield Finding(
                    "error", line, entry.id, f"{what} '{phrasing}' reads as an urgent red flag"
                )
                continue
            decision = decide(index.search(phrasing), faq.settings)
            if decision.entry is None or decision.entry.id != entry.id:
                got = decision.entry.id if decision.entry else decision.kind
                others = ", ".join(c.entry.id for c in decision.candidates[:3])
                yield Finding(
                    "error",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' of '{entry.id}' does not retrieve it "
                    f"(gets {got}; best: {others})",
                )
                continue
            alone = index.search(phrasing, limit=2, exclude=[phrasing])
            claimed = alone and alone[0].entry.id != entry.id
            if claimed and alone[0].score >= faq.settings.answer_at:
                yield Finding(
                    "warning",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' is closer to '{alone[0].entry.id}' "
                    f"('{alone[0].phrasing}', {alone[0].score:.0f}) "
                    f"than to the rest of '{entry.id}'",
                )


def lint(engine: Engine) -> list[Finding]:
    """Every finding for the engine's FAQ, in file order."""
    return sorted(self_retrieval(engine), key=lambda f: f.line)
