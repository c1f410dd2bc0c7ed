"""The FAQ model: immutable entries, settings and texts, as loaded from ``faq.yaml``."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Literal, NamedTuple

from ims_bot.core.settings import Settings

Kind = Literal["answer", "handoff"]
WeightLevel = Literal["light", "common", "normal"]
WEIGHT_LEVELS: tuple[WeightLevel, ...] = ("light", "common", "normal")
"""How much a word may weigh (see ``Weighting``)."""
OFF_TOPIC = "off-topic"
"""Entries with this tag describe questions out of scope (other meanings of "IMS", other
health topics): the best match being one of them escalates, with the escalation text."""
PERSONAL = "personal"
"""Hand-off entries with this tag are about a patient's own medical situation (pregnancy,
blood thinners, a pacemaker, ...): a question that tells of one is handed off even when
it goes on to ask something the FAQ answers."""
FRONT_DESK = "front-desk"
"""Hand-off entries with this tag refer to the front desk (costs, booking): a personal
situation the triage finds wins over them, as over an ordinary answer."""


class Review(NamedTuple):
    """Who reviewed content, and when."""

    by: str
    on: date
    line: int = 0


class Entry(NamedTuple):
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


class Weighting(NamedTuple):
    """A FAQ's own weight level for one word, over the language file's lists.

    ``light``: weighs at most the function weight wherever it comes from; ``common``:
    weighs little only where the FAQ does not use it; ``normal``: weighs what it tells
    the entries apart by.
    """

    word: str
    level: WeightLevel
    line: int = 0


ContextKind = Literal["negated", "historical", "habitual", "hypothetical", "other"]
CONTEXT_KINDS: tuple[ContextKind, ...] = (
    "negated",
    "historical",
    "habitual",
    "hypothetical",
    "other",
)
"""What a context trigger says of a danger sign in its scope: it is denied, it happened
in the past, it comes and goes ("sometimes", "when I run"), it is asked about in general
or feared, or it is someone else's history."""


class Category(NamedTuple):
    """One kind of emergency: the signs that name it and what to do about it.

    A sign is a tuple of concept names, each found among the concepts of
    :class:`Urgent`; all of a sign's concepts must be present close together.
    """

    id: str
    reply: str
    signs: tuple[tuple[str, ...], ...]
    line: int = 0
    reach: int | None = None
    """How many other words may stand between a sign's concepts (None: the default)."""
    still_urgent: tuple[ContextKind, ...] = ()
    """Context kinds after which a sign of this category is still urgent: thoughts of
    self-harm that come "sometimes" are a danger now, chest pain that comes "when I run"
    is not an emergency."""
    doubt: bool = True
    """Whether the emergency model's doubt (``urgency_doubt``) may lower a sign of this
    category to the emergency line; false where the category's own reply (a crisis line)
    matters more than a false alarm."""


class Situation(NamedTuple):
    """A personal circumstance named by its signs, and the entry (usually a hand-off)
    whose business it is."""

    handoff: str
    signs: tuple[tuple[str, ...], ...]
    line: int = 0


class Triggers(NamedTuple):
    """ConText triggers of one kind: those that look ahead to the words after them
    (``before`` a sign) and those that look back (``after`` a sign), within the
    context's scope; ``right_before`` and ``right_after`` reach one word at most ("no
    chest pain", "had a stroke", but not "had IMS and now my chest hurts")."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    right_before: tuple[str, ...] = ()
    right_after: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        """Every trigger of this kind."""
        return (*self.before, *self.after, *self.right_before, *self.right_after)


class Context(NamedTuple):
    """The ConText trigger lists that decide whether a sign is happening now.

    ``scope``: how many words a trigger reaches; ``current``: words that say "now" and
    end any trigger's scope ("I had a stroke years ago but now my face droops");
    ``ends``: other words that end the scope of a trigger before a sign ("but"; a
    trigger after it still reaches back: "short of breath, but it went away");
    ``pseudo``: phrases holding a trigger's words that are no trigger ("will not stop",
    "2 year old"); ``joins``: words that join a list, across which a trigger that reaches
    one word reaches the list's later items too ("no red streaks or pus", "not dizzy or
    faint").
    """

    triggers: tuple[tuple[ContextKind, Triggers], ...] = ()
    current: tuple[str, ...] = ()
    ends: tuple[str, ...] = ()
    pseudo: tuple[str, ...] = ()
    joins: tuple[str, ...] = ()
    scope: int = 8


class Urgent(NamedTuple):
    """Red-flag triage: concepts (word groups), emergency categories built from them,
    the context that tells "happening now" from history, and the texts it adds.

    ``check``: the one line that opens an ordinary reply when a sign is named but is not
    happening now; ``unwell``: the reply (and ``unwell_signs`` the signs) for a message
    that tells of the writer feeling unwell now without naming a danger sign.
    """

    concepts: tuple[tuple[str, tuple[str, ...]], ...]
    categories: tuple[Category, ...]
    context: Context = Context()
    check: str = (
        "If this is happening to you or someone with you now, call 911 or tell the front desk."
    )
    unwell: str = (
        "If you feel unwell now, tell the front desk or call 911. Please tell your "
        "physiotherapist how you feel, so they can check you before you go on."
    )
    unwell_signs: tuple[tuple[str, ...], ...] = ()
    situations: tuple[Situation, ...] = ()
    pseudo: tuple[str, ...] = ()
    """Phrases whose words are never read as a concept ("stroke of luck", "hay fever")."""

    @property
    def reply(self) -> str:
        """The first category's reply (the whole reply of the old one-category form)."""
        return self.categories[0].reply

    def forms(self) -> tuple[str, ...]:
        """Every word form of every concept, for spelling vocabularies."""
        return tuple(form for _, forms in self.concepts for form in forms)


def flat_urgent(phrases: tuple[str, ...], reply: str, line: int = 0) -> Urgent:
    """The old ``urgent: {phrases, reply}`` form as one category, ``urgent``.

    Each phrase becomes a sign whose concepts are its words; a word listing
    alternatives with "|" ("face|lips blue") becomes a concept of those alternatives.
    """
    concepts: dict[str, tuple[str, ...]] = {}
    signs = []
    for phrase in phrases:
        sign = []
        for word in phrase.split():
            concepts.setdefault(word, tuple(form for form in word.split("|") if form))
            sign.append(word)
        signs.append(tuple(sign))
    category = Category("urgent", reply, tuple(signs), line)
    return Urgent(tuple(concepts.items()), (category,))


DEFAULT_URGENT = flat_urgent(
    (
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
    "This could be an emergency. Call 911 (or your local emergency number) now, "
    "or tell a staff member right away. Do not wait for a chat reply.",
)


class _FaqFields(NamedTuple):
    """What a FAQ file holds (``Faq`` adds what is worked out from it)."""

    disclaimer: str
    escalation: str
    entries: tuple[Entry, ...]
    urgent: Urgent = DEFAULT_URGENT
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    settings: Settings = Settings()
    reviewed: Review | None = None
    path: str = "faq.yaml"
    content_hash: str = ""
    weights: tuple[Weighting, ...] = ()


class Faq(_FaqFields):
    """A loaded, validated FAQ: the one source of every text the bot says."""

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Entries keyed by id."""
        return {entry.id: entry for entry in self.entries}

    def review_of(self, entry: Entry) -> Review | None:
        """The entry's own review, else the file's."""
        return entry.reviewed or self.reviewed
