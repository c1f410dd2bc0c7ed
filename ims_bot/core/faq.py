"""The FAQ model: immutable entries, settings and texts, as loaded from ``faq.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

Kind = Literal["answer", "handoff"]
OFF_TOPIC = "off-topic"
"""Entries with this tag describe questions out of scope (other meanings of "IMS", other
health topics): the best match being one of them escalates, with the escalation text."""
PERSONAL = "personal"
"""Hand-off entries with this tag are about a patient's own medical situation (pregnancy,
blood thinners, a pacemaker, ...): a question that tells of one is handed off even when
it goes on to ask something the FAQ answers."""


@dataclass(frozen=True)
class Review:
    """Who reviewed content, and when."""

    by: str
    on: date
    line: int = 0


@dataclass(frozen=True)
class Entry:
    """One curated question with its answer (or, for a ``handoff``, its referral text)."""

    id: str
    question: str
    answer: str
    kind: Kind = "answer"
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    source: str | None = None
    reviewed: Review | None = None
    line: int = 0
    question_line: int = 0
    alternate_lines: tuple[int, ...] = ()
    lint_allow: tuple[str, ...] = ()
    """Lint warnings the curator has silenced for this entry, with a reason in the file:
    a warning code (``related-cycle``), or a code and the other entry (``overlap:ID``)."""

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by its alternates."""
        return (self.question, *self.alternates)

    def phrasing_line(self, index: int) -> int:
        """The file line of phrasing ``index`` (0 is the question)."""
        if index == 0:
            return self.question_line or self.line
        lines = self.alternate_lines
        return lines[index - 1] if index - 1 < len(lines) else self.line


@dataclass(frozen=True)
class Settings:
    """Matching thresholds on the 0-100 score scale.

    ``answer_at``: the score plus lead over the runner-up an entry needs to be answered;
    ``margin``: how far below ``answer_at`` a score may be and still be answered with a
    lead that makes up the difference; ``clarify_at``: the lowest score worth offering
    as a "did you mean" option.
    """

    answer_at: float = 58.0
    clarify_at: float = 30.0
    margin: float = 21.0


@dataclass(frozen=True)
class Urgent:
    """Red-flag phrases and the reply that comes before anything else."""

    phrases: tuple[str, ...]
    reply: str


DEFAULT_URGENT = Urgent(
    phrases=(
        "chest pain",
        "chest tight",
        "pain when breathing",
        "breathing painful",
        "short of breath",
        "shortness of breath",
        "can not breathe",
        "trouble breathing",
        "difficulty breathing",
        "blue lips",
        "fainted",
        "passed out",
        "about to faint",
        "heavy bleeding",
        "bleeding will not stop",
        "stroke",
        "heart attack",
        "suicide",
        "kill myself",
        "self harm",
    ),
    reply=(
        "This could be an emergency. Call 911 (or your local emergency number) now, "
        "or tell a staff member right away. Do not wait for a chat reply."
    ),
)


@dataclass(frozen=True)
class Faq:
    """A loaded, validated FAQ: the one source of every text the bot says."""

    disclaimer: str
    escalation: str
    entries: tuple[Entry, ...]
    urgent: Urgent = DEFAULT_URGENT
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    settings: Settings = field(default_factory=Settings)
    reviewed: Review | None = None
    path: str = "faq.yaml"
    content_hash: str = ""

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Entries keyed by id."""
        return {entry.id: entry for entry in self.entries}

    def review_of(self, entry: Entry) -> Review | None:
        """The entry's own review, else the file's."""
        return entry.reviewed or self.reviewed
