"""Red-flag detection: urgent phrases found by words, never by the fuzzy entry score.

A phrase matches when all its words (normalised the same way as questions, synonyms
applied) occur close together in the text, in any order: "chest pain" catches "my
chest hurts" and "pain in my chest". A word of five letters or more also matches a word
one typing slip away with the same first letter that the FAQ does not use ("breath" /
"braeth", but not "paint" / "faint", nor "black" / "back"), because people in distress
type in a hurry. A word of a phrase may list alternatives with "|": "face|lips grey|blue"
stands for "face grey", "face blue", "lips grey" and "lips blue".
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator

from rapidfuzz.distance import OSA

from ims_bot.core.normalise import Normaliser

WINDOW_SLACK = 7
"""How many other words may stand between the words of one phrase."""
READINGS_CACHE = 4096
"""How many distinct words have their reading remembered (the first seen), so a common word
is compared with the phrase words only once."""


class UrgentScanner:
    """Finds red-flag phrases in text.

    Args:
        phrases: the FAQ's urgent phrases.
        normaliser: the FAQ's normaliser, so phrases read like questions do.
    """

    def __init__(self, phrases: Iterable[str], normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.phrases: list[tuple[str, tuple[str, ...]]] = []
        containing: dict[str, list[int]] = defaultdict(list)
        seen: set[frozenset[str]] = set()
        for phrase in (variant for pattern in phrases for variant in expand(pattern)):
            tokens = tuple(dict.fromkeys(normaliser.tokens(phrase)))
            if tokens and frozenset(tokens) not in seen:
                seen.add(frozenset(tokens))
                for word in tokens:
                    containing[word].append(len(self.phrases))
                self.phrases.append((phrase, tokens))
        self._containing = dict(containing)
        self._readings: dict[str, tuple[str, ...]] = {}

    def _read(self, token: str) -> tuple[str, ...]:
        """The phrase words that ``token`` stands for, remembered for the first words seen."""
        found = self._readings.get(token)
        if found is None:
            slip = not self.normaliser.knows(token)
            found = tuple(
                word for word in self._containing if word == token or (slip and _slip(word, token))
            )
            if len(self._readings) < READINGS_CACHE:
                self._readings[token] = found
        return found

    def scan(self, text: str) -> str | None:
        """The first urgent phrase present in ``text``, or None."""
        return self.scan_tokens(self.normaliser.tokens(text))

    def scan_tokens(self, tokens: tuple[str, ...]) -> str | None:
        """The first urgent phrase present in normalised ``tokens``, or None."""
        places: dict[str, list[int]] = defaultdict(list)
        for position, token in enumerate(tokens):
            for word in self._read(token):
                places[word].append(position)
        candidates = sorted({i for word in places for i in self._containing[word]})
        for i in candidates:
            phrase, words = self.phrases[i]
            if all(word in places for word in words) and _close(
                [places[word] for word in words], len(words)
            ):
                return phrase
        return None


def expand(pattern: str) -> Iterator[str]:
    """The plain phrases a phrase with "|" alternatives stands for, in order."""
    choices = [word.split("|") for word in pattern.split()]
    for words in itertools.product(*choices):
        yield " ".join(word for word in words if word)


def _slip(word: str, token: str) -> bool:
    """Whether ``token`` is one typing slip from ``word`` (both share the first letter)."""
    return (
        word[:1] == token[:1]
        and len(word) >= 5
        and abs(len(word) - len(token)) <= 1
        and OSA.distance(word, token) <= 1
    )


def _close(positions: list[list[int]], size: int) -> bool:
    """Whether one place of each word lies within the phrase's window."""
    if size == 1:
        return True
    span = size + WINDOW_SLACK
    return any(
        all(any(abs(p - start) < span for p in found) for found in positions)
        for start in positions[0]
    )
