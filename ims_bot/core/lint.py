"""``check`` findings: problems a curator should fix in the FAQ, with the file line.

Errors:

- ``self-retrieval``: a question or alternate that does not retrieve its own entry (the
  bot would answer it with another entry, or not at all);
- ``unreachable``: an entry that none of its own phrasings retrieves.

A phrasing that does not retrieve its entry because one of its words weighs ``light``
(a word of the language file's lists that would tell the entry apart) is reported with
the ``weights:`` override that lets it retrieve itself, tried out on the whole FAQ.

Warnings:

- ``overlap``: an alternate that, left out of the index, is claimed by another entry;
- ``near-duplicate``: two entries with near-identical phrasings (they steal each
  other's questions);
- ``stale-review``: a review date (the entry's own, else the file's) older than the
  configured age, three years by default;
- ``long-answer``: an answer too long to read comfortably on a kiosk screen;
- ``related-cycle``: entries whose ``related`` links lead only back to themselves;
- ``no-dialogue``: an entry that no scripted dialogue reaches (when dialogues are given);
- ``weight-unused``: a ``weights:`` word that no phrasing of the FAQ uses;
- ``weight-same``: a ``weights:`` level the language file already gives the word.

A warning the curator has judged and accepted is silenced in the FAQ, with a reason,
by the entry it is reported at (``lint: {allow: [overlap:OTHER-ID], reason: ...}``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from ims_bot.core.decide import Decision, decide
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry, Faq, Weighting, WeightLevel
from ims_bot.core.index import Candidate, MatchIndex, levels
from ims_bot.core.language import language
from ims_bot.core.normalise import stem, words
from ims_bot.core.policy import Ask, run
from ims_bot.core.settings import Settings

Level = Literal["error", "warning"]
SEARCHED = 5
"""How many entries a phrasing is ranked against, as ``MatchIndex.search`` does."""
RAREST = 2
"""How many of a phrasing's rarest words pick the phrasings it is compared with for
near-duplicates."""
COMMON_KEYS = 100
"""A word used by more phrasings than this never picks comparisons for near-duplicates."""
REWEIGHED = 3
"""How many of a failing phrasing's ``light`` words are tried at their own weight."""
_RIVAL = Entry(id="", question="", answer="", kind="handoff")
"""A stand-in for any entry left out below the floor (see ``_settled``)."""


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
    floor = faq.settings.answer_at
    reweighed = _Reweighed(faq)
    for entry in faq.entries:
        failed = 0
        for number, phrasing in enumerate(entry.phrasings):
            line = entry.phrasing_line(number)
            what = "question" if number == 0 else "alternate"
            decision = run(Ask(engine, phrasing, limit=SEARCHED, floor=floor))
            if decision.kind == "urgent":
                failed += 1
                yield Finding(
                    "error",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' reads as an urgent red flag",
                    "self-retrieval",
                )
                continue
            if not (
                _retrieves(decision, entry)
                and decision.trace.rule == "whole question"
                and _settled(decision.candidates, decision, floor, faq.settings)
            ):
                decision = run(Ask(engine, phrasing, limit=SEARCHED))
            if not _retrieves(decision, entry):
                failed += 1
                got = decision.entry.id if decision.entry else decision.kind
                others = ", ".join(c.entry.id for c in decision.candidates[:3])
                word = reweighed.word(index, entry, phrasing)
                fix = (
                    f"; 'weights: {{{word}: normal}}' would let it retrieve itself" if word else ""
                )
                yield Finding(
                    "error",
                    line,
                    entry.id,
                    f"{what} '{phrasing}' of '{entry.id}' does not retrieve it "
                    f"(gets {got} by the rule '{decision.trace.rule}'; best: {others}){fix}",
                    "self-retrieval",
                )
                continue
            # A phrasing left out is claimed only at answer_at: the floor finds every claim.
            alone = index.rank(index.read_text(phrasing), 2, frozenset([phrasing]), floor)
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


class _Reweighed:
    """Engines of the FAQ with one ``light`` word set to ``normal``, made when first needed."""

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.engines: dict[str, Engine] = {}

    def word(self, index: MatchIndex, entry: Entry, phrasing: str) -> str | None:
        """The word of ``phrasing`` that, set to ``normal``, lets it retrieve ``entry``:
        one of its ``light`` words that few entries use, rarest first; None if none does."""
        written = {stem(word): word for word in words(phrasing)}
        tried = sorted(
            (index.spread(term), term)
            for term in dict.fromkeys(index.normaliser.tokens(phrasing))
            if term in index.light and term in written
        )
        for _, term in tried[:REWEIGHED]:
            word = written[term]
            if word not in self.engines:
                weights = (*self.faq.weights, Weighting(word, "normal"))
                self.engines[word] = Engine(self.faq._replace(weights=weights))
            if _retrieves(run(Ask(self.engines[word], phrasing, limit=SEARCHED)), entry):
                return word
        return None


def weight_overrides(engine: Engine) -> Iterator[Finding]:
    """``weights:`` words no phrasing uses, and levels the language file already gives."""
    light, common = levels(language())
    for weighting in engine.faq.weights:
        term = stem(weighting.word)
        if term not in engine.index.idf:
            yield Finding(
                "warning",
                weighting.line,
                "",
                f"weights: no phrasing of the FAQ uses '{weighting.word}' (a word only "
                "questions use belongs in the language file's lists)",
                "weight-unused",
            )
            continue
        level: WeightLevel = "light" if term in light else "common" if term in common else "normal"
        if level == weighting.level:
            yield Finding(
                "warning",
                weighting.line,
                "",
                f"weights: '{weighting.word}' is already '{level}' in the language file; "
                "remove the override",
                "weight-same",
            )


def _retrieves(decision: Decision, entry: Entry) -> bool:
    return decision.entry is not None and decision.entry.id == entry.id


def _settled(
    found: Sequence[Candidate], decision: Decision, floor: float, settings: Settings
) -> bool:
    """Whether ``decision``, an answer or hand-off on ``found`` (ranked with ``floor``),
    stands whatever the entries left out below the floor: it does if it still stands
    with a hand-off entry scoring just at the floor among the candidates, since a closer
    runner-up or a hand-off nearby only ever takes an answer away."""
    above = sum(c.score >= floor for c in found)
    rival = Candidate(entry=_RIVAL, score=floor, phrasing="", order=-1)
    tested = decide([*found[:above], rival, *found[above:]], settings)
    return tested.kind == decision.kind and tested.entry == decision.entry


def near_duplicates(engine: Engine, limits: Limits) -> Iterator[Finding]:
    """Phrasings of different entries that read the same once normalised."""
    normaliser = engine.index.normaliser
    owners: list[tuple[Entry, int]] = [
        (entry, number) for entry in engine.faq.entries for number in range(len(entry.phrasings))
    ]
    keys = [" ".join(normaliser.tokens(entry.phrasings[n])) for entry, n in owners]
    for later, earlier, score in _similar_pairs(keys, limits.near_duplicate_at):
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


def _similar_pairs(keys: Sequence[str], cutoff: float) -> Iterator[tuple[int, int, float]]:
    """Each pair of ``keys`` (later, earlier, score) whose ``token_sort_ratio`` reaches
    ``cutoff``, ordered by the later key, then the earlier.

    Comparing every pair grows with the square of the FAQ's size, so only keys that can
    be near-repeats are compared: keys with the same words but one (each key is filed
    under its words, and under its words less each one in turn), and keys one of which
    holds one of the other's ``RAREST`` rarest words (used by at most ``COMMON_KEYS``
    keys). Within a file, two keys differ by at least the letters their odd words do not
    share, so only keys whose odd words are that close are scored.
    """
    words = [sorted(key.split()) for key in keys]
    shared = Counter(file for found in words for file, _ in _files(found))
    filed: dict[int, dict[int, str]] = defaultdict(dict)
    for number, found in enumerate(words):
        for file, word in _files(found):
            if shared[file] > 1:
                filed[file].setdefault(number, word)
    share = 1 - cutoff / 100
    pairs: dict[tuple[int, int], float] = {}
    for odd in filed.values():
        members = list(odd)
        letters = ["".join(sorted(odd[number])) for number in members]
        for position in range(1, len(members)):
            later = members[position]
            size = len(keys[later])
            most = math.floor(share * (size + size * (1 + share) / (1 - share))) + 1
            for _, _, earlier in process.extract(
                letters[position],
                letters[:position],
                scorer=Indel.distance,
                score_cutoff=most,
                limit=None,
            ):
                pair = (later, members[earlier])
                if pair not in pairs:
                    pairs[pair] = fuzz.token_sort_ratio(keys[later], keys[pair[1]])
    for later, earlier in _sharing_rare_words(words):
        if (later, earlier) not in pairs:
            pairs[later, earlier] = fuzz.token_sort_ratio(keys[later], keys[earlier])
    for (later, earlier), score in sorted(pairs.items()):
        if score >= cutoff:
            yield later, earlier, score


def _files(words: list[str]) -> Iterator[tuple[int, str]]:
    """The files a key's sorted ``words`` go in (a hash of the words kept), each with the
    word left out; a hash shared by chance only adds a comparison. An empty key has none."""
    if words:
        yield hash(tuple(words)), ""
    if len(words) > 1:
        for i, word in enumerate(words):
            yield hash(tuple(words[:i] + words[i + 1 :])), word


def _sharing_rare_words(words: Sequence[Sequence[str]]) -> Iterator[tuple[int, int]]:
    """Pairs (later, earlier) of word lists one of which holds a rare word of the other."""
    counts = Counter(word for found in words for word in set(found))
    rare = {word for word, count in counts.items() if count <= COMMON_KEYS}
    holding: dict[str, list[int]] = defaultdict(list)
    marked: dict[str, list[int]] = defaultdict(list)
    for later, found in enumerate(map(set, words)):
        rarest = sorted(found & rare, key=lambda word: (counts[word], word))[:RAREST]
        earlier: set[int] = set()
        for word in found:
            earlier.update(marked.get(word, ()))
        for word in rarest:
            earlier.update(holding.get(word, ()))
            marked[word].append(later)
        for word in found:
            holding[word].append(later)
        for number in earlier:
            yield later, number


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
        *weight_overrides(engine),
    ]
    return sorted((f for f in findings if not allowed(f, faq)), key=lambda f: f.line)


def allowed(finding: Finding, faq: Faq) -> bool:
    """Whether the finding's entry silences it (``lint: {allow: [...]}`` in the FAQ):
    by its code alone, or by its code and the other entry it names (``overlap:ID``)."""
    entry = faq.by_id.get(finding.entry)
    if entry is None or finding.level != "warning":
        return False
    return finding.code in entry.lint_allow or f"{finding.code}:{finding.other}" in entry.lint_allow
