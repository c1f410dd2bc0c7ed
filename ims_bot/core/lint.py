"""``check`` findings: problems a curator should fix in the FAQ, with the file line.

Errors:

- ``self-retrieval``: a question or alternate that does not retrieve its own entry (the
  bot would answer it with another entry, or not at all);
- ``unreachable``: an entry that none of its own phrasings retrieves.

Warnings:

- ``overlap``: an alternate that, left out of the index, is claimed by another entry;
- ``near-duplicate``: two entries with near-identical phrasings (they steal each
  other's questions);
- ``stale-review``: a review date (the entry's own, else the file's) older than the
  configured age, three years by default;
- ``long-answer``: an answer too long to read comfortably on a kiosk screen;
- ``related-cycle``: entries whose ``related`` links lead only back to themselves;
- ``no-dialogue``: an entry that no scripted dialogue reaches (when dialogues are given).

A warning the curator has judged and accepted is silenced in the FAQ, with a reason,
by the entry it is reported at (``lint: {allow: [overlap:OTHER-ID], reason: ...}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

from ims_bot.core.decide import decide
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry, Faq

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One lint result; ``code`` names the check that found it."""

    level: Level
    line: int
    entry: str
    message: str
    code: str = ""
    other: str = ""
    """The other entry a finding is about (``overlap``, ``near-duplicate``), if any."""


@dataclass(frozen=True)
class Limits:
    """What the warnings measure against.

    Args:
        today: the date review ages are counted to.
        review_years: the oldest a review may be, in years.
        answer_words: the most words an answer should have on a kiosk screen.
        near_duplicate_at: the ``token_sort_ratio`` (0-100) at which two phrasings of
            different entries count as near-duplicates.
    """

    today: date
    review_years: float = 3.0
    answer_words: int = 120
    near_duplicate_at: float = 92.0


def self_retrieval(engine: Engine) -> Iterator[Finding]:
    """Each phrasing must be answered with its own entry, and not be claimed by another.

    An entry none of whose phrasings retrieves it is also reported as unreachable.
    """
    faq, index = engine.faq, engine.index
    for entry in faq.entries:
        failed = 0
        for number, phrasing in enumerate(entry.phrasings):
            line = entry.phrasing_line(number)
            what = "question" if number == 0 else "alternate"
            if engine.triager.scan(phrasing).level == "urgent":
                failed += 1
                yield Finding(
                    "error",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' reads as an urgent red flag",
                    "self-retrieval",
                )
                continue
            decision = decide(index.search(phrasing), faq.settings)
            if decision.entry is None or decision.entry.id != entry.id:
                failed += 1
                got = decision.entry.id if decision.entry else decision.kind
                others = ", ".join(c.entry.id for c in decision.candidates[:3])
                yield Finding(
                    "error",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' of '{entry.id}' does not retrieve it "
                    f"(gets {got}; best: {others})",
                    "self-retrieval",
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
                    "overlap",
                    alone[0].entry.id,
                )
        if failed == len(entry.phrasings):
            yield Finding(
                "error",
                entry.line,
                entry.id,
                f"entry '{entry.id}' is unreachable: none of its {failed} phrasings retrieves it",
                "unreachable",
            )


def near_duplicates(engine: Engine, limits: Limits) -> Iterator[Finding]:
    """Phrasings of different entries that read the same once normalised."""
    normaliser = engine.index.normaliser
    owners: list[tuple[Entry, int]] = [
        (entry, number) for entry in engine.faq.entries for number in range(len(entry.phrasings))
    ]
    keys = [" ".join(normaliser.tokens(entry.phrasings[n])) for entry, n in owners]
    for later, key in enumerate(keys):
        if not key:
            continue
        found = process.extract(
            key,
            keys[:later],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=limits.near_duplicate_at,
            limit=None,
        )
        for _, score, earlier in sorted(found, key=lambda match: match[2]):
            first, first_number = owners[earlier]
            entry, number = owners[later]
            if first.id == entry.id:
                continue
            yield Finding(
                "warning",
                entry.phrasing_line(number),
                entry.id,
                f"'{entry.phrasings[number]}' of '{entry.id}' nearly repeats "
                f"'{first.phrasings[first_number]}' of '{first.id}' "
                f"(line {first.phrasing_line(first_number)}, {score:.0f})",
                "near-duplicate",
                first.id,
            )


def _years_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 365.25


def stale_reviews(faq: Faq, limits: Limits) -> Iterator[Finding]:
    """Reviews older than ``limits.review_years``: each entry's own, and the file's once."""
    inherited = [entry for entry in faq.entries if entry.reviewed is None]
    review = faq.reviewed
    if inherited and review and _years_between(review.on, limits.today) > limits.review_years:
        yield Finding(
            "warning",
            review.line or 1,
            "",
            f"the file's review ({review.on.isoformat()} by {review.by}) is older than "
            f"{limits.review_years:g} years; {len(inherited)} entries rely on it",
            "stale-review",
        )
    for entry in faq.entries:
        own = entry.reviewed
        if own and _years_between(own.on, limits.today) > limits.review_years:
            yield Finding(
                "warning",
                entry.line,
                entry.id,
                f"'{entry.id}' was last reviewed {own.on.isoformat()}, more than "
                f"{limits.review_years:g} years ago",
                "stale-review",
            )


def long_answers(faq: Faq, limits: Limits) -> Iterator[Finding]:
    """Answers with more words than a kiosk screen shows comfortably."""
    for entry in faq.entries:
        count = len(entry.answer.split())
        if count > limits.answer_words:
            yield Finding(
                "warning",
                entry.line,
                entry.id,
                f"the answer of '{entry.id}' has {count} words; "
                f"keep it under {limits.answer_words} for a kiosk screen",
                "long-answer",
            )


def closed_groups(faq: Faq) -> list[list[Entry]]:
    """Groups of entries whose ``related`` links form a cycle that leads nowhere else.

    These are the strongly connected components of the ``related`` graph that contain a
    cycle (two or more entries, or one that lists itself) and have no link leaving them.
    """
    graph = {entry.id: [i for i in entry.related if i in faq.by_id] for entry in faq.entries}
    closed = []
    for component in _components(graph):
        members = set(component)
        cyclic = len(component) > 1 or component[0] in graph[component[0]]
        leaves = any(target not in members for node in component for target in graph[node])
        if cyclic and not leaves:
            closed.append(sorted((faq.by_id[i] for i in component), key=lambda e: e.line))
    return sorted(closed, key=lambda group: group[0].line)


def _components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in order:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in order:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], order[target])
                continue
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def related_cycles(faq: Faq) -> Iterator[Finding]:
    """One warning per closed group of ``related`` links, at its first entry."""
    for group in closed_groups(faq):
        ids = ", ".join(entry.id for entry in group)
        yield Finding(
            "warning",
            group[0].line,
            group[0].id,
            f"the related questions of {ids} only lead back to each other; "
            "link one of them to another topic",
            "related-cycle",
        )


def undialogued(unreached: Iterable[Entry]) -> Iterator[Finding]:
    """A warning for each entry that no scripted dialogue reaches."""
    for entry in unreached:
        yield Finding(
            "warning",
            entry.line,
            entry.id,
            f"no dialogue script reaches '{entry.id}'; add a turn that asks it",
            "no-dialogue",
        )


def lint(
    engine: Engine, limits: Limits | None = None, unreached: Sequence[Entry] = ()
) -> list[Finding]:
    """Every finding for the engine's FAQ, in file order.

    Args:
        engine: the engine over the FAQ to lint.
        limits: what the warnings measure against; today and the defaults if omitted.
        unreached: entries that the scripted dialogues never reach.
    """
    limits = limits or Limits(today=date.today())
    faq = engine.faq
    findings = [
        *self_retrieval(engine),
        *near_duplicates(engine, limits),
        *stale_reviews(faq, limits),
        *long_answers(faq, limits),
        *related_cycles(faq),
        *undialogued(unreached),
    ]
    return sorted((f for f in findings if not allowed(f, faq)), key=lambda f: f.line)


def allowed(finding: Finding, faq: Faq) -> bool:
    """Whether the finding's entry silences it (``lint: {allow: [...]}`` in the FAQ):
    by its code alone, or by its code and the other entry it names (``overlap:ID``)."""
    entry = faq.by_id.get(finding.entry)
    if entry is None or finding.level != "warning":
        return False
    return finding.code in entry.lint_allow or f"{finding.code}:{finding.other}" in entry.lint_allow
