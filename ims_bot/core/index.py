"""The match index: every question and alternate, prepared once, scored per question.

Scoring is a weighted word overlap (cosine of IDF-weighted word sets): a word that
few entries use ("sciatica", "pregnant") counts for much more than one that every
entry uses ("ims", "what", "the"), and a word of the question that the FAQ never uses
counts against every entry, which is what lets off-topic questions escalate. Words
the FAQ does not know are mapped to the closest known word when they are one or two
typing slips away (rapidfuzz OSA distance). An entry's score is that of its best
phrasing, 0 to 100.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ims_bot.core.faq import Entry, Faq
from ims_bot.core.normalise import Normaliser

FILLERS = frozenset(
    {
        "hi",
        "hello",
        "hey",
        "hiya",
        "please",
        "thank",
        "thanks",
        "ok",
        "okay",
        "um",
        "uh",
        "so",
        "well",
    }
)
"""Words people add to any question; ignored unless the FAQ itself uses them."""
TYPO_WEIGHT = (1.0, 0.8, 0.6)
"""How much a query word counts when it is 0, 1 or 2 typing slips from a FAQ word."""


@dataclass(frozen=True)
class Candidate:
    """An entry and how well the question matched it."""

    entry: Entry
    score: float
    phrasing: str
    order: int


@dataclass(frozen=True)
class Term:
    """How one question word was read: the FAQ word it stands for and its weight."""

    word: str
    term: str | None
    weight: float


class MatchIndex:
    """Normalised phrasings of every entry, with the word weights derived from them.

    Args:
        faq: the loaded FAQ; its synonyms shape the normalisation.
    """

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.normaliser = Normaliser(faq.synonyms)
        self._owners: list[int] = []
        self._phrasings: list[str] = []
        entry_terms: list[set[str]] = []
        example_terms: list[set[str]] = []
        for order, entry in enumerate(faq.entries):
            seen: set[str] = set()
            for phrasing in entry.phrasings:
                terms = set(self.normaliser.tokens(phrasing))
                seen |= terms
                example_terms.append(terms)
                self._owners.append(order)
                self._phrasings.append(phrasing)
            entry_terms.append(seen)
        count = len(faq.entries)
        document_frequency: dict[str, int] = defaultdict(int)
        for terms in entry_terms:
            for term in terms:
                document_frequency[term] += 1
        self.idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for term, df in document_frequency.items()
        }
        self.unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for example, terms in enumerate(example_terms):
            norm = math.sqrt(sum(self.idf[term] ** 2 for term in terms)) or 1.0
            for term in terms:
                postings[term].append((example, self.idf[term] / norm))
        self._postings = dict(postings)
        self._fuzzy_vocabulary = [term for term in self.idf if len(term) >= 4 and term.isalpha()]

    def read(self, text: str) -> list[Term]:
        """How each distinct word of ``text`` is read against the FAQ's vocabulary."""
        return self.read_tokens(self.normaliser.tokens(text))

    def read_tokens(self, tokens: Iterable[str]) -> list[Term]:
        """How each distinct normalised token is read against the FAQ's vocabulary."""
        terms: list[Term] = []
        for word in dict.fromkeys(tokens):
            if word in FILLERS and word not in self.idf:
                continue
            if word in self.idf:
                terms.append(Term(word, word, self.idf[word]))
                continue
            match = None
            if len(word) >= 4 and word.isalpha() and self._fuzzy_vocabulary:
                slips = 1 if len(word) < 8 else 2
                match = process.extractOne(
                    word, self._fuzzy_vocabulary, scorer=OSA.distance, score_cutoff=slips
                )
            if match is None:
                terms.append(Term(word, None, self.unknown_idf))
            else:
                term, distance, _ = match
                terms.append(Term(word, term, self.idf[term] * TYPO_WEIGHT[int(distance)]))
        return terms

    def search(self, text: str, limit: int = 5, exclude: Iterable[str] = ()) -> list[Candidate]:
        """The best ``limit`` entries for ``text``, best first; ties keep file order.

        Args:
            text: the user's question.
            limit: how many entries to return.
            exclude: phrasings to leave out (the lint's leave-one-out check).
        """
        terms = self.read(text)
        return self.rank(terms, limit, frozenset(exclude))

    def rank(
        self, terms: list[Term], limit: int, exclude: frozenset[str] = frozenset()
    ) -> list[Candidate]:
        """Score read ``terms`` against every phrasing and keep each entry's best."""
        query_norm = math.sqrt(
            sum(
                (self.idf.get(t.term, self.unknown_idf) if t.term else t.weight) ** 2 for t in terms
            )
        )
        if not query_norm:
            return []
        totals: dict[int, float] = defaultdict(float)
        for term in terms:
            if term.term is None:
                continue
            for example, weight in self._postings[term.term]:
                totals[example] += term.weight * weight
        best: dict[int, tuple[float, int]] = {}
        for example, total in totals.items():
            if exclude and self._phrasings[example] in exclude:
                continue
            owner = self._owners[example]
            if owner not in best or total > best[owner][0]:
                best[owner] = (total, example)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        entries = self.faq.entries
        return [
            Candidate(
                entry=entries[owner],
                score=round(min(100.0, 100.0 * total / query_norm), 1),
                phrasing=self._phrasings[example],
                order=owner,
            )
            for owner, (total, example) in ranked
        ]
