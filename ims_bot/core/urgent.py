"""Red-flag detection: urgent phrases found by words, never by the fuzzy entry score.

A phrase matches when all its words (normalised the same way as questions, synonyms
applied) occur close together in the text, in any order: "chest pain" catches "my
chest hurts" and "pain in my chest". A word of five letters or more also matches one
typing slip away with the same first letter ("breath" / "braeth", but not "paint" /
"faint"), because people in distress type in a hurry.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import OSA

from ims_bot.core.normalise import Normaliser

WINDOW_SLACK = 5
"""How many other words may stand between the words of one phrase."""


class UrgentScanner:
    """Finds red-flag phrases in text.

    Args:
        phrases: the FAQ's urgent phrases.
        normaliser: the FAQ's normaliser, so phrases read like questions do.
    """

    def __init__(self, phrases: Iterable[str], normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.phrases: list[tuple[str, tuple[str, ...]]] = []
        for phrase in phrases:
            tokens = tuple(dict.fromkeys(normaliser.tokens(phrase)))
            if tokens:
                self.phrases.append((phrase, tokens))

    def scan(self, text: str) -> str | None:
        """The first urgent phrase present in ``text``, or None."""
        return self.scan_tokens(self.normaliser.tokens(text))

    def scan_tokens(self, tokens: tuple[str, ...]) -> str | None:
        """The first urgent phrase present in normalised ``tokens``, or None."""
        if not tokens:
            return None
        by_letter: dict[str, list[tuple[int, str]]] = {}
        for position, token in enumerate(tokens):
            by_letter.setdefault(token[:1], []).append((position, token))
        found: dict[str, list[int]] = {}

        def where(word: str) -> list[int]:
            if word not in found:
                found[word] = [p for p, t in by_letter.get(word[:1], ()) if _same(word, t)]
            return found[word]

        for phrase, words in self.phrases:
            positions = []
            for word in words:
                places = where(word)
                if not places:
                    break
                positions.append(places)
            else:
                if _close(positions, len(words)):
                    return phrase
        return None


def _same(word: str, token: str) -> bool:
    """Whether ``token`` is ``word`` or one slip from it (both share the first letter)."""
    if word == token:
        return True
    return len(word) >= 5 and abs(len(word) - len(token)) <= 1 and OSA.distance(word, token) <= 1


def _close(positions: list[list[int]], size: int) -> bool:
    """Whether one place of each word lies within the phrase's window."""
    if size == 1:
        return True
    span = size + WINDOW_SLACK
    return any(
        all(any(abs(p - start) < span for p in found) for found in positions)
        for start in positions[0]
    )
