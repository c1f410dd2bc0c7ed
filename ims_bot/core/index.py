"""The match index: every question and alternate, prepared once, scored per question.

Words are weighted by how distinctive they are (inverse entry frequency): a word that
few entries use ("sciatica", "pregnant") counts for much more than one that every
entry uses ("ims", "what"). A word of the question that the FAQ never uses counts
against every entry at the highest weight, which is what lets off-topic questions
escalate, unless it is a common English function word ("since", "my", "really") or an
everyday word ("wife", "stuff"), which weighs little wherever it comes from (the lists
live in ``data/language.yaml``; a FAQ's ``weights:`` override them for its own index).

An entry's score, 0 to 100, mixes three pieces of evidence: how much the question and
the entry's phrasings share (for each phrasing, the weighted share of the question's
words it explains times the weighted share of its words the question contains,
square-rooted; the best phrasing's, pulled towards the second best's unless the best is
near exact); how much of the question the entry's vocabulary as a whole explains (so
a long question whose words are spread over several alternates still finds its entry);
and, for the few best entries, the character-level similarity (rapidfuzz ``ratio``) of
the normalised question and the entry's closest phrasing, which tells near-identical word
sets apart. See docs/matching.md for the measurements behind each choice.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from functools import cached_property
from operator import mul
from typing import Any, NamedTuple

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from ims_bot.core.faq import OFF_TOPIC, Entry, Faq, Weighting
from ims_bot.core.language import Language, language
from ims_bot.core.normalise import Normaliser, stem


class _Stems(Set[str]):
    """The match tokens of some words of the process's language file, read when first
    asked for (importing this module reads no file)."""

    def __init__(self, pick: Callable[[Language], Iterable[str]]) -> None:
        self._pick = pick

    @cached_property
    def _stems(self) -> frozenset[str]:
        return frozenset(stem(word) for word in self._pick(language()))

    def __contains__(self, word: object) -> bool:
        return word in self._stems

    def __iter__(self) -> Iterator[str]:
        return iter(self._stems)

    def __len__(self) -> int:
        return len(self._stems)


FUNCTION_WORDS: Set[str] = _Stems(lambda said: said.light)
"""The match tokens of the language file's ``light`` words (function, frame and backstory
words): they weigh little even where the FAQ uses them."""
COVER_DUST = 1e-9
"""Coverage below this is none: taking back the coverage of left-out phrasings (the lint's
leave-one-out check) can leave a rounding remainder, even a negative one."""

Weights = list[float] | dict[int, float]
"""Sums per entry, by entry number: a list for every entry, a mapping for a few."""


class Candidate(NamedTuple):
    """An entry and how well the question matched it."""

    entry: Entry
    score: float
    phrasing: str
    order: int


class Term(NamedTuple):
    """How one question word was read."""

    word: str
    """The normalised word (a match token)."""
    faq_word: str | None
    """The same word when the FAQ's phrasings use it, else None."""
    weight: float
    """What it weighs: its inverse entry frequency, capped for light and common words."""


def _blend(similarity: float, coverage: float, share: float) -> float:
    """An entry's score, 0 to 1, from its best phrasing's similarity and its coverage,
    which counts for ``share`` (the ``entry_share`` setting)."""
    return (1 - share) * similarity + share * math.sqrt(coverage * similarity)


def levels(
    said: Language, weights: Iterable[Weighting] = ()
) -> tuple[frozenset[str], frozenset[str]]:
    """The match tokens that weigh ``light`` (at most ``FUNCTION_WEIGHT`` wherever they
    come from), and those that weigh little where the FAQ does not use them (``common``
    and ``light`` ones): the language file's lists, with a FAQ's ``weights:`` over them."""
    light = set(map(stem, said.light))
    common = light | set(map(stem, said.common))
    for weighting in weights:
        found = stem(weighting.word)
        if weighting.level == "light":
            light.add(found)
        else:
            light.discard(found)
        if weighting.level == "normal":
            common.discard(found)
        else:
            common.add(found)
    return frozenset(light), frozenset(common)


def _vocabulary(faq: Faq) -> list[str]:
    texts = [phrasing for entry in faq.entries for phrasing in entry.phrasings]
    return [*texts, *faq.urgent.forms()]


class MatchIndex:
    """Normalised phrasings of every entry, with the word weights derived from them.

    Args:
        faq: the loaded FAQ; its synonyms and words shape the normalisation.
    """

    def __init__(self, faq: Faq, said: Language | None = None) -> None:
        self.faq = faq
        self.settings = faq.settings
        said = said or language()
        self.light, self.common = levels(said, faq.weights)
        spelt = {weighting.word for weighting in faq.weights if weighting.level != "normal"}
        self.normaliser = Normaliser(
            faq.synonyms, _vocabulary(faq), said.everyday | spelt, faq.settings.min_corrected
        )
        self._phrasings: list[str] = []
        self._texts: list[list[str]] = []
        self._spans: list[tuple[int, int]] = []
        example_terms: list[frozenset[str]] = []
        entry_terms: list[set[str]] = []
        topical: set[str] = set()
        for entry in faq.entries:
            first = len(self._phrasings)
            vocabulary: set[str] = set()
            texts: list[str] = []
            for phrasing in entry.phrasings:
                tokens = self.normaliser.tokens(phrasing)
                terms = frozenset(tokens)
                vocabulary |= terms
                example_terms.append(terms)
                texts.append(" ".join(dict.fromkeys(tokens)))
                self._phrasings.append(phrasing)
            entry_terms.append(vocabulary)
            if OFF_TOPIC not in entry.tags:
                topical |= vocabulary
            self._texts.append(texts)
            self._spans.append((first, len(self._phrasings)))
        count = len(faq.entries)
        document_frequency: dict[str, int] = defaultdict(int)
        for vocabulary in entry_terms:
            for term in vocabulary:
                document_frequency[term] += 1
        self.unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        self.idf = {
            term: self._weight(term, math.log(1 + (count - df + 0.5) / (df + 0.5)))
            for term, df in document_frequency.items()
        }
        self._topical = frozenset(topical)
        self._roots: list[list[float]] = []
        self._local: list[dict[str, list[int]]] = []
        entry_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for order, (first, end) in enumerate(self._spans):
            roots = [
                1.0 / math.sqrt(sum(self.idf[term] for term in example_terms[i]) or 1.0)
                for i in range(first, end)
            ]
            self._roots.append(roots)
            local: dict[str, list[int]] = defaultdict(list)
            for i in range(first, end):
                for term in example_terms[i]:
                    local[term].append(i - first)
            self._local.append(dict(local))
            for term, examples in local.items():
                reach = max(roots[i] for i in examples)
                entry_postings[term].append((order, reach))
        self._entry_postings = dict(entry_postings)

    def __getstate__(self) -> dict[str, object]:
        """The prepared data; each term's postings as two plain lists, which a cache file
        stores and reads quickly."""
        state = dict(self.__dict__)
        state["_entry_postings"] = {
            term: [list(column) for column in zip(*found, strict=True)]
            for term, found in self._entry_postings.items()
        }
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._entry_postings = {
            term: list(zip(orders, reaches, strict=True))
            for term, (orders, reaches) in state["_entry_postings"].items()
        }

    @cached_property
    def _most(self) -> dict[str, float]:
        """Each term's highest reach in any entry (for ``rank`` with a floor)."""
        return {term: max(r for _, r in found) for term, found in self._entry_postings.items()}

    @cached_property
    def _holders(self) -> dict[str, list[tuple[int, int]]]:
        """The entries and phrasing numbers of each phrasing text (to leave it out)."""
        holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for order, (first, end) in enumerate(self._spans):
            for i in range(first, end):
                holders[self._phrasings[i]].append((order, i))
        return dict(holders)

    def _weight(self, term: str, idf: float) -> float:
        return min(idf, self.settings.function_weight) if term in self.light else idf

    def spread(self, term: str) -> int:
        """How many entries use the match token ``term``."""
        return len(self._entry_postings.get(term, ()))

    def known_share(self, terms: list[Term]) -> float:
        """The weighted share of the read ``terms`` that the FAQ's phrasings use, leaving
        out words only its entries for other meanings of "IMS" use ("login")."""
        total = sum(term.weight for term in terms)
        known = sum(term.weight for term in terms if term.faq_word in self._topical)
        return known / total if total else 0.0

    def foreign(self, terms: list[Term]) -> list[str]:
        """The words of read ``terms``, weightier than light words, that only the FAQ's
        entries for other meanings of "IMS" and other topics (tagged off-topic) use
        ("login", "covid")."""
        return [
            term.word
            for term in self.weighty(terms)
            if term.faq_word is not None and term.faq_word not in self._topical
        ]

    def weighty(self, terms: list[Term]) -> list[Term]:
        """The read ``terms`` that weigh more than light words: what a question is about."""
        light = self.settings.function_weight
        return [term for term in terms if term.weight > light]

    def uncovered(self, terms: list[Term], candidate: Candidate) -> list[Term]:
        """The ``terms`` that ``candidate``'s entry never uses: of the weighty words of "what
        is the meaning of life", what-is-ims leaves "life", though the FAQ uses it elsewhere."""
        vocabulary = self._local[candidate.order]
        return [term for term in terms if term.faq_word not in vocabulary]

    def coverage(self, terms: list[Term], order: int) -> float:
        """The weighted share of the read ``terms`` that entry number ``order``'s phrasings
        use, together (the entry's whole vocabulary, not one phrasing)."""
        total = sum(term.weight for term in terms)
        local = self._local[order]
        return (
            sum(term.weight for term in terms if term.faq_word in local) / total if total else 0.0
        )

    def read_text(self, text: str) -> list[Term]:
        """How each distinct word of ``text`` is read against the FAQ's vocabulary."""
        return self.read_tokens(self.normaliser.tokens(text))

    def read_tokens(self, tokens: Iterable[str]) -> list[Term]:
        """How each distinct normalised token is read against the FAQ's vocabulary."""
        terms: list[Term] = []
        for word in dict.fromkeys(tokens):
            if word in self.idf:
                terms.append(Term(word, word, self.idf[word]))
            else:
                weight = self.settings.function_weight if word in self.common else self.unknown_idf
                terms.append(Term(word, None, weight))
        return terms

    def search(
        self, text: str, limit: int = 5, exclude: Iterable[str] = (), floor: float = 0.0
    ) -> list[Candidate]:
        """The best ``limit`` entries for ``text``, best first; ties keep file order.

        Args:
            text: the user's question.
            limit: how many entries to return.
            exclude: phrasings to leave out (the lint's leave-one-out check).
            floor: entries scoring below it before reranking may be left out (see ``rank``).
        """
        return self.rank(self.read_text(text), limit, frozenset(exclude), floor)

    def rank(
        self,
        terms: list[Term],
        limit: int,
        exclude: frozenset[str] = frozenset(),
        floor: float = 0.0,
    ) -> list[Candidate]:
        """Score read ``terms`` against every entry and return the best ``limit``.

        Entries are visited from the highest possible score down, and the visit stops
        once no entry left can reach the scores already found; the result is the same
        as scoring every entry. With a ``floor``, entries that cannot score it before
        reranking are left out, and the commonest words, which alone cannot lift an
        entry to it, are not looked up for entries that share nothing else: every
        entry scoring at least ``floor`` is still found, with the same score.
        """
        query_weight = sum(term.weight for term in terms)
        if not query_weight:
            return []
        held = (
            [found for text in exclude for found in self._holders.get(text, ())] if exclude else []
        )
        excluded = {i for _, i in held}
        known = [(term.faq_word, term.weight) for term in terms if term.faq_word is not None]
        root = math.sqrt(query_weight)
        light = self._light(known, query_weight, root, floor) if floor > 0 else set()
        covered, reach, owners = self._gather(known, light)
        if excluded:
            self._uncover(known, covered, excluded, {owner for owner, _ in held})
        hopes = []
        for owner in owners:
            cover = covered[owner]
            if cover < COVER_DUST:
                continue
            # The best an entry could score: no phrasing shares more than the query
            # words found anywhere in the entry, each at its best phrasing's weight.
            coverage = cover / query_weight
            similarity = min(reach[owner] / root, math.sqrt(coverage))
            hopes.append((-100.0 * _blend(similarity, coverage, self.settings.entry_share), owner))
        hopes.sort()
        wanted = max(limit, self.settings.rerank)
        worst: list[tuple[float, int]] = []
        scored = []
        for ceiling, owner in hopes:
            if -ceiling < floor - 0.05:
                break
            if len(worst) == wanted and -ceiling < worst[0][0] - 0.05:
                break
            similarity, example = self._closest(owner, known, excluded, root)
            if not similarity:
                continue
            score = _blend(similarity, covered[owner] / query_weight, self.settings.entry_share)
            rounded = round(min(100.0, 100.0 * score), 1)
            scored.append((rounded, owner, example))
            if len(worst) < wanted:
                heapq.heappush(worst, (rounded, -owner))
            else:
                heapq.heappushpop(worst, (rounded, -owner))
        scored.sort(key=lambda item: (-item[0], item[1]))
        scored = self._rerank(terms, scored[:wanted], excluded)
        entries = self.faq.entries
        return [
            Candidate(
                entry=entries[owner], score=score, phrasing=self._phrasings[example], order=owner
            )
            for score, owner, example in scored[:limit]
        ]

    def _closest(
        self, owner: int, known: list[tuple[str, float]], excluded: set[int], root: float
    ) -> tuple[float, int]:
        """Entry ``owner``'s similarity to the question, 0 to 1, and its best phrasing.

        A phrasing's similarity is sqrt(shared / query weight * shared / its own weight),
        i.e. shared * sqrt(1 / its own weight) / ``root``. The entry's is its best
        phrasing's, lowered towards its second best's by ``second_share`` of the gap,
        scaled by 1 - best²: a lone phrasing that half fits needs another phrasing to
        agree, an exact one does not. An entry with a single phrasing keeps its best.
        """
        roots = self._shares(owner, known, excluded)
        top = sorted(roots, reverse=True)[:2]
        best = min(1.0, top[0] / root)
        similarity = best - self.settings.second_share * (1 - best * best) * (best - top[-1] / root)
        return similarity, self._spans[owner][0] + roots.index(top[0])

    def _shares(
        self, owner: int, known: list[tuple[str, float]], excluded: Set[int]
    ) -> list[float]:
        """Each of entry ``owner``'s phrasings: the weight it shares with the question
        times sqrt(1 / its own weight), its similarity before dividing by sqrt(query weight)."""
        first, end = self._spans[owner]
        shared = [0.0] * (end - first)
        local = self._local[owner]
        for term, weight in known:
            for i in local.get(term, ()):
                shared[i] += weight
        for i in excluded:
            if first <= i < end:
                shared[i - first] = 0.0
        return list(map(mul, shared, self._roots[owner]))

    def similarities(self, terms: list[Term], order: int, count: int) -> list[float]:
        """The ``count`` best word similarities, 0 to 1, of entry number ``order``'s
        phrasings to the read ``terms``, best first (0 for phrasings it lacks): how many
        of its phrasings agree with the question, not just its closest."""
        query_weight = sum(term.weight for term in terms)
        if not query_weight:
            return [0.0] * count
        known = [(term.faq_word, term.weight) for term in terms if term.faq_word is not None]
        root = math.sqrt(query_weight)
        top = sorted(self._shares(order, known, frozenset()), reverse=True)[:count]
        return [min(1.0, share / root) for share in top] + [0.0] * (count - len(top))

    def _rerank(
        self,
        terms: list[Term],
        scored: list[tuple[float, int, int]],
        excluded: set[int],
    ) -> list[tuple[float, int, int]]:
        """The ``rerank`` best entries rescored by character similarity, best first.

        The rest keep the lowest factor a reranked entry can get, so no entry further
        down can overtake a reranked one.
        """
        query = " ".join(term.word for term in terms)
        settings = self.settings
        share = settings.char_share * min(1.0, settings.char_words / max(1, len(terms)))
        top = []
        for score, owner, example in scored[: settings.rerank]:
            texts = self._texts[owner]
            if excluded:
                first = self._spans[owner][0]
                texts = [text for i, text in enumerate(texts, first) if i not in excluded]
            best = extractOne(query, texts, scorer=ratio)
            chars = best[1] if best else 0.0
            factor = 1 - share + share * chars / 100
            top.append((round(score * factor, 1), owner, example))
        top.sort(key=lambda item: (-item[0], item[1]))
        rest = [
            (round(score * (1 - share), 1), owner, example)
            for score, owner, example in scored[settings.rerank :]
        ]
        return top + rest

    def _light(
        self, known: list[tuple[str, float]], query_weight: float, root: float, floor: float
    ) -> set[str]:
        """The commonest known terms that, all together, cannot lift an entry to ``floor``.

        The bound is the ceiling of ``rank`` for an entry holding every one of them, each
        at the highest weight any entry's phrasings give it.
        """
        light: set[str] = set()
        cover = reach = 0.0
        for term, weight in sorted(known, key=lambda kw: -len(self._entry_postings[kw[0]])):
            coverage = (cover + weight) / query_weight
            most = reach + weight * self._most[term]
            if (
                100.0
                * _blend(min(most / root, math.sqrt(coverage)), coverage, self.settings.entry_share)
                >= floor - 0.05
            ):
                break
            light.add(term)
            cover, reach = cover + weight, most
        return light

    def _gather(
        self, known: list[tuple[str, float]], light: set[str]
    ) -> tuple[Weights, Weights, Sequence[int]]:
        """The weight of the known terms each entry holds and their reach, and the
        entries worth scoring: all, or with ``light`` terms those holding another term
        (only their sums are made, in a mapping). Sums add terms in query order."""
        postings = self._entry_postings
        covered: Weights
        reach: Weights
        owners: Sequence[int]
        if light:
            heavy = [term for term, _ in known if term not in light]
            owners = sorted({order for term in heavy for order, _ in postings[term]})
            covered, reach = defaultdict(float), defaultdict(float)
        else:
            owners = range(len(self._spans))
            covered, reach = [0.0] * len(owners), [0.0] * len(owners)
        for term, weight in known:
            if term not in light:
                for order, most in postings[term]:
                    covered[order] += weight
                    reach[order] += weight * most
                continue
            for order in owners:
                examples = self._local[order].get(term)
                if examples:
                    roots = self._roots[order]
                    covered[order] += weight
                    reach[order] += weight * max(roots[i] for i in examples)
        return covered, reach, owners

    def _uncover(
        self,
        known: list[tuple[str, float]],
        covered: Weights,
        excluded: set[int],
        owners: set[int],
    ) -> None:
        """Take back the coverage of terms that only ``excluded`` phrasings gave an entry
        (only the ``owners`` of those phrasings can lose any)."""
        for owner in sorted(owners):
            first = self._spans[owner][0]
            local = self._local[owner]
            for term, weight in known:
                examples = local.get(term)
                if examples and all(first + i in excluded for i in examples):
                    covered[owner] -= weight
