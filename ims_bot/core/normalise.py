"""Turn raw user text into safe display text and into match tokens.

``sanitise`` makes text safe to show and store: terminal escape sequences, control and
formatting characters are removed and the length is capped. ``Normaliser`` turns text
into the tokens that matching compares: Unicode NFKC, case folding, contractions
expanded, punctuation dropped, misspelt words corrected to the FAQ's own words, synonyms
replaced by their canonical word, and a light suffix-stripping stemmer so that
"needles", "needling" and "needle" meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ims_bot.core.language import APOSTROPHES, Language, language
from ims_bot.core.settings import DEFAULTS

MAX_INPUT = 500

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"  # other two-byte escapes, or a lone ESC
    r"|[\x80-\x9f]"  # C1 controls
)
_SPACE = re.compile(r"\s+")


@functools.cache
def _sentence_ends() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a sentence ends: after ".", "!" or "?", or at a comma before a question word
    ("my back has been sore for years, can IMS help?"; not before "can't", "don't" or "can
    not", which tell rather than ask); and where a clause ends, at those and at ";" or a
    new line."""
    asking = "|".join(map(re.escape, language().question_words))
    comma = rf",\s*(?=(?:{asking})\b(?!['’]t\b|n['’]t\b|\s+not\b))"
    return (
        re.compile(rf"(?<=[.!?])\s+|{comma}", re.IGNORECASE),
        re.compile(rf"[.!?;]+(?:\s+|$)|\n|{comma}", re.IGNORECASE),
    )


def sanitise(text: str, limit: int = MAX_INPUT) -> str:
    """Text safe to display and store: no escapes or control characters, one line, capped.

    Args:
        text: anything a user typed or piped in.
        limit: the most characters kept.

    Example: ``sanitise("hi\\x1b[31m there\\x00")`` gives ``"hi there"``.
    """
    return _SPACE.sub(" ", strip_controls(text[: limit * 4])).strip()[:limit].strip()


def strip_controls(text: str, keep: str = "") -> str:
    """``text`` without terminal escape sequences or control and format characters.

    Whitespace controls become a space, except those listed in ``keep``.
    """
    if text.isascii() and text.isprintable():
        return text
    kept = []
    for char in _ESCAPES.sub("", text):
        category = unicodedata.category(char)
        if char in keep:
            kept.append(char)
        elif category in ("Cc", "Zl", "Zp"):
            kept.append(" " if char in "\t\n\r\x0b\x0c\u2028\u2029" else "")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    return "".join(kept)


_NON_WORD = re.compile(r"[^\w']+|_+")
"""What separates words: anything but letters, digits and apostrophes."""


def words(text: str) -> list[str]:
    """Case-folded words of ``text``, contractions expanded and punctuation dropped."""
    return list(_words(text))


def unrelayed(text: str) -> str:
    """``text`` without the opening of a relayed question ("Caller asks if the needles
    hurt" gives "if the needles hurt"); the openings are the language file's ``relays``."""
    opening = _relay_opening()
    found = opening.match(text) if opening else None
    return text[found.end() :] if found and found.end() < len(text) else text


@functools.cache
def _relay_opening() -> re.Pattern[str] | None:
    """A relay's opening at the start of a message, with the punctuation after it."""
    relays = sorted(language().relays, key=len, reverse=True)
    if not relays:
        return None
    spelt = "|".join(r"\s+".join(map(re.escape, relay.split())) for relay in relays)
    return re.compile(rf"\W*(?:{spelt})\b[\s,:;-]*", re.IGNORECASE)


def asking_sentence(text: str) -> str | None:
    """The sentence of ``text`` that asks, when it has several: the last one ending in
    "?", else the last one. None for a single sentence. A comma before a question word
    ends a sentence too."""
    sentence_end = _sentence_ends()[0]
    if not sentence_end.search(text):
        return None
    sentences = [sentence for sentence in sentence_end.split(text) if _words(sentence)]
    if len(sentences) < 2:
        return None
    asking = [sentence for sentence in sentences if sentence.rstrip().endswith("?")]
    return (asking or sentences)[-1]


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (a comma before a question word ends one, as does ";")."""
    return [part for part in _sentence_ends()[1].split(text) if part.strip()]


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", text).casefold().translate(APOSTROPHES)
    said = language()
    return tuple(
        part for token in _NON_WORD.sub(" ", text).split() for part in _expand(token, said)
    )


def _expand(token: str, said: Language) -> tuple[str, ...]:
    """The words a written ``token`` stands for: its shorthand, else its ending's words
    after the rest of it, else its parts between apostrophes ("o'clock")."""
    ending = said.endings.get(token)
    if ending is not None:
        return ending
    token = token.strip("'")
    whole = said.shorthand.get(token)
    if whole is not None:
        return whole
    if "'" not in token:
        return (token,) if token else ()
    for end, meant in said.endings.items():
        if token.endswith(end):
            return (*_expand(token[: -len(end)], said), *meant)
    return tuple(part for piece in token.split("'") if piece for part in _expand(piece, said))


_KEEP_DOUBLE = "lsz"


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light stemmer: plural, -ing, -ed, -ful, -ness and a final -e are stripped (from a
    four-letter word only after two consonants: "ache" meets "aching", "sore" stays).

    It is not linguistics, only consistency: "needle", "needles" and "needling" all
    become "needl"; "breathe" and "breathing" become "breath".
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement, keep in (
        ("ies", "y", 2),
        ("ied", "y", 2),
        ("sses", "ss", 3),
        ("ness", "", 3),
        ("ful", "", 3),
        ("ing", "", 3),
        ("eed", "eed", 1),
        ("ed", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: len(word) - len(suffix)] + replacement
            doubled = len(word) > 3 and word[-1] == word[-2]
            if suffix in ("ing", "ed") and doubled and word[-1] not in _KEEP_DOUBLE + "aeiou":
                word = word[:-1]
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
    if word.endswith("e") and (len(word) > 4 or _two_consonants(word[1:3])):
        word = word[:-1]
    return word


def _two_consonants(letters: str) -> bool:
    return len(letters) == 2 and not any(letter in "aeiouy" for letter in letters)


def slips_allowed(word: str, shortest: int = DEFAULTS.min_corrected) -> int:
    """How many typing slips a word of this length may carry and still be recognised:
    none below ``shortest`` letters (too many short words are one slip apart)."""
    if len(word) < shortest:
        return 0
    return 1 if len(word) < 10 else 2


class Normaliser:
    """Normalises text into match tokens, applying one FAQ's synonyms and vocabulary.

    Args:
        synonyms: pairs of a canonical word (or phrase) and its variants.
        vocabulary: texts whose words count as correctly spelt (the FAQ's phrasings,
            urgent phrases); a word outside them that is one typing slip (two for long
            words) from one of their words, with the same first letter, is read as that
            word before synonyms and stemming apply. Without a vocabulary nothing is
            corrected.
        spelt: everyday words that are never corrected though the FAQ does not use
            them ("stuff" is not a slip of "stiff", nor "wife" of "wifi").
        min_corrected: words shorter than this are never corrected.
    """

    def __init__(
        self,
        synonyms: Iterable[tuple[str, Iterable[str]]] = (),
        vocabulary: Iterable[str] = (),
        spelt: Iterable[str] = (),
        min_corrected: int = DEFAULTS.min_corrected,
    ) -> None:
        self.min_corrected = min_corrected
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        known: Counter[str] = Counter()
        for canonical, variants in synonyms:
            target = tuple(words(canonical))
            known.update(target)
            for variant in variants:
                key = tuple(words(variant))
                known.update(key)
                if key and key != target:
                    table.setdefault(key, target)
        self._table = table
        self._longest = max((len(key) for key in table), default=0)
        self._firsts = {key[0] for key in table}
        texts = list(vocabulary)
        for text in texts:
            known.update(words(text))
        self.vocabulary = frozenset(known) if texts else frozenset()
        self._stems = frozenset(stem(word) for word in self.vocabulary)
        self._uses = known
        by_letter: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if word.isalpha() and len(word) >= min_corrected:
                by_letter.setdefault(word[0], []).append(word)
        self._by_letter = {letter: sorted(group) for letter, group in by_letter.items()}
        self._spelt = frozenset(spelt)
        self._corrections: dict[str, str] = {}

    def knows(self, token: str) -> bool:
        """Whether the match token ``token`` is a form of a vocabulary word ("pass" of
        "passed"): such a word is spelt as meant, never a typing slip of another."""
        return token in self._stems

    def correct(self, word: str) -> str:
        """``word``, or the vocabulary word it is a typing slip of: the fewest slips, then
        a topic word before an everyday one ("cold" is not "could"), then the word the FAQ
        uses most ("twich" is "twitch", not "twice"), then alphabetical. Another form of a
        vocabulary word is no slip: "pass" stays "pass" beside "passed", though "past" is
        one letter away."""
        if not self._by_letter or word in self.vocabulary or word in self._spelt:
            return word
        if self.knows(stem(word)):
            return word
        slips = slips_allowed(word, self.min_corrected)
        if not slips or not word.isalpha():
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        matches = process.extract(
            word,
            self._by_letter.get(word[0], ()),
            scorer=OSA.distance,
            score_cutoff=slips,
            limit=None,
        )
        nearest = min(
            matches,
            key=lambda m: (m[1], m[0] in self._spelt, -self._uses[m[0]], m[0]),
            default=None,
        )
        corrected = word if nearest is None else nearest[0]
        if len(self._corrections) < 100_000:
            self._corrections[word] = corrected
        return corrected

    def apply_synonyms(self, tokens: list[str]) -> list[str]:
        """Replace every synonym variant in ``tokens`` by its canonical words."""
        if not self._table:
            return tokens
        result: list[str] = []
        index = 0
        while index < len(tokens):
            if tokens[index] in self._firsts:
                for size in range(min(self._longest, len(tokens) - index), 0, -1):
                    target = self._table.get(tuple(tokens[index : index + size]))
                    if target is not None:
                        result.extend(target)
                        index += size
                        break
                else:
                    result.append(tokens[index])
                    index += 1
            else:
                result.append(tokens[index])
                index += 1
        return result

    def tokens(self, text: str) -> tuple[str, ...]:
        """The match tokens of ``text``: words, spelling corrected, synonyms applied, stemmed."""
        corrected = [self.correct(word) for word in words(text)]
        return tuple(stem(word) for word in self.apply_synonyms(corrected))
