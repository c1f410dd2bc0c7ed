"""Remove personal data from a question before it is stored for curators.

The text is first put in Unicode NFKC form (full-width digits and letters become plain
ones), then each kind of personal data is replaced, in this order, by a bracketed label
with no digits in it, so the question still reads as a question:

- e-mail addresses, plain, obfuscated or spelled (``jane(at)example(dot)com``, ``jane
  dot doe at gmail dot com``): ``[email]``;
- web addresses (``https://...``, ``www...``, ``instagram.com/jane``): ``[url]``;
- social handles (``@jane_doe``, ``jane_doe99``): ``[handle]``;
- dates, in numbers or words (``03/04/1985``, ``born 4 Mar 85``, ``March 4th``): ``[date]``;
- record, chart and health-card numbers after their name (``MRN AB-1234``): ``[number]``;
- phone numbers, as the ``phonenumbers`` library finds them: ``[phone]``;
- postal codes: Canadian ones however spaced (``V6B 1A1``, ``V 6 B 1 A 1``), UK and Irish
  ones (``SW1A 1AA``, ``D02 X285``), a ZIP code after ``zip`` or a state: ``[postcode]``;
- street addresses: a number, a few words and a street word, with a unit and a city
  (``123 Main Street Apt 4B``, ``4567 Oak Ave, Burnaby``): ``[address]``;
- names after an introduction or a title (``my name is ...``, ``I'm Priya``, ``Mrs.
  Priya Sharma``, ``patient of Dr. Chen``): ``[name]``, the title kept;
- identifiers mixing letters and digits (``AB123456``): ``[number]``;
- any run of 4 or more digits, also when spaces, ``.``, ``-``, ``_``, ``,``, ``/`` or
  Unicode dashes split it: ``[number]``.

The last rule is the safety net: no run of 4 or more digits survives, whatever its form.
The word lists (titles, street words, months, introductions) are in ``redact_words.toml``
beside this module.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

WORDS_FILE = "redact_words.toml"
MAX_PASSES = 5
NAME_WORDS = 3
"""At most this many words after an introduction or a title are taken as a name."""
NOT_NAME_ENDINGS = ("ful", "ous", "ble")
"""Endings of capitalised words that are not names: "I'm Hopeful", "this is Doable"."""

SEPARATOR = r"[\s.\-_,/\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]"
NUMBER = re.compile(rf"\d(?:{SEPARATOR}{{0,2}}\d){{3,}}")
WORD = r"[^\W\d_][\w'’\-]*"
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*")
URL_PATH = r"\S*?(?=[.,;:!?)\]'\"]*(?:\s|$))"
"""The rest of a web address, less the punctuation that ends its sentence."""
URL = re.compile(rf"\b(?:https?://|www\.){URL_PATH}", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@])@\w(?:[\w.]*\w)?|\b[^\W\d_]\w*_\w+")
NUMERIC_DATE = re.compile(
    r"\b(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:\d{4}|\d{2})"
    r"|\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2})\b"
)
POSTCODE = re.compile(
    r"\b(?:"
    r"[ABCEGHJ-NPRSTVXY][ \-]?\d[ \-]?[ABCEGHJ-NPR-TV-Z][ \-]?\d[ \-]?[ABCEGHJ-NPR-TV-Z][ \-]?\d"
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"  # United Kingdom
    r"|(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"  # Ireland
    r")\b",
    re.IGNORECASE,
)
ZIP = re.compile(
    r"(?P<lead>\b(?:zip(?:\s*code)?|(?-i:[A-Z]{2}))[\s:#,]*)\d{5}(?:-\d{4})?\b", re.IGNORECASE
)
PO_BOX = re.compile(r"\bp\.?\s?o\.?\s*box\s*#?\s*\d+", re.IGNORECASE)
MIXED_ID = re.compile(r"(?<![\w\-])(?=[\w\-]*\d)(?=[\w\-]*[^\W\d_])[^\W_]+(?:-[^\W_]+)*\b")
ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Words:
    """The word lists of ``redact_words.toml``, each lower case."""

    introductions: tuple[str, ...]
    introductions_capitalised: tuple[str, ...]
    greetings: tuple[str, ...]
    address_leads: tuple[str, ...]
    titles: tuple[str, ...]
    titles_capitalised: tuple[str, ...]
    not_names: frozenset[str]
    stop_words: frozenset[str]
    street_words: tuple[str, ...]
    unit_words: tuple[str, ...]
    months: tuple[str, ...]
    id_words: tuple[str, ...]
    units: tuple[str, ...]
    domains: tuple[str, ...]


SETS = ("not_names", "stop_words")


@cache
def words() -> Words:
    """The word lists, read once from the packaged file."""
    data = tomllib.loads(files("ims_bot.core").joinpath(WORDS_FILE).read_text(encoding="utf-8"))
    lists: dict[str, Any] = {
        name: (frozenset if name in SETS else tuple)(data[name])
        for name in Words.__dataclass_fields__
    }
    return Words(**lists)


def either(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases``, longest first; spaces match any whitespace."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(
        re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]") for phrase in ordered
    )


@dataclass(frozen=True)
class Patterns:
    """The expressions built from the word lists."""

    spelled_email: re.Pattern[str]
    bare_url: re.Pattern[str]
    word_date: re.Pattern[str]
    named_id: re.Pattern[str]
    address: re.Pattern[str]
    led_address: re.Pattern[str]
    names: tuple[tuple[re.Pattern[str], bool], ...]
    unit: re.Pattern[str]


@cache
def patterns() -> Patterns:
    """The expressions, compiled once."""
    w = words()
    domain = f"(?:{either(w.domains)})"
    at = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*)"
    dot = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\.)"
    label = r"[\w\-]+"
    month = rf"(?P<month>{either(w.months)})\b\.?"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
    year = r"(?:,?[\s\-/]*(?:'\d{2}|\d{4}|\d{2})\b)"
    words_then = rf"(?P<words>(?:{WORD}\s+){{1,4}}?)"
    capital = r"(?-i:[A-Z][\w'’\-]*)"
    city = rf"(?:,\s*{capital}(?:\s+{capital}){{0,2}})?(?:,?\s*(?-i:[A-Z]{{2}})\b)?"
    units = f"(?:{either(w.unit_words)})"
    flags = re.IGNORECASE
    return Patterns(
        spelled_email=re.compile(
            rf"(?<![\w\-.]){label}(?:{dot}{label}){{0,3}}{at}{label}(?:{dot}{label}){{0,3}}"
            rf"{dot}{domain}\b",
            flags,
        ),
        bare_url=re.compile(
            rf"(?<![\w\-.]){label}(?:\.{label}){{0,4}}\.{domain}\b(?:/{URL_PATH})?", flags
        ),
        word_date=re.compile(
            rf"\b(?:(?:the\s+)?{day}(?:\s+of)?[\s\-/]*{month}{year}?"
            rf"|{month.replace('month', 'month2')}[\s\-/]*(?:the\s+)?{day}{year}?"
            rf"|{month.replace('month', 'month3')},?\s*\d{{4}})\b",
            flags,
        ),
        named_id=re.compile(
            rf"(?P<lead>\b(?:{either(w.id_words)})\b\.?(?:\s*(?:number|num|no\.?|\#))?"
            r"(?:\s*(?:is|was|:|\#|=|-))?\s*)"
            r"(?:(?-i:[A-Z]{1,4})[\s\-]?)?\d[\w\-]*(?:[\s\-]\d[\w\-]*)*",
            flags,
        ),
        address=re.compile(
            rf"\b(?:{units}\.?\s*\#?\s*\w+[\s,\-]+)?\#?\d{{1,6}}[a-z]?(?:-\d{{1,6}})?\s+"
            rf"{words_then}(?:{either(w.street_words)})\b\.?"
            rf"(?:,?\s*{units}\.?\s*\#?\s*\w+)?{city}",
            flags,
        ),
        led_address=re.compile(
            rf"(?P<lead>\b(?:{either(w.address_leads)})\b[\s:,]*)"
            rf"\#?\d[\w\-/]*(?:\s+{capital}){{1,4}}{city}",
            flags,
        ),
        names=(
            (
                re.compile(
                    rf"(?P<lead>^\s*|\b(?:{either(w.greetings)})\b[\s,!.]*)"
                    rf"(?P<words>{WORD}(?:\s+{WORD})?)(?=[\s,]+here\b)",
                    flags,
                ),
                True,
            ),
            (after(w.titles, r"\.?\s+"), False),
            (after(w.titles_capitalised, r"\.?\s+"), True),
            (after(w.introductions, r"[\s,:\-]*"), False),
            (after(w.introductions_capitalised, r"[\s,:\-]*"), True),
        ),
        unit=re.compile(rf"\d+(?:\.\d+)?(?:{either(w.units)})", flags),
    )


def after(leads: Iterable[str], gap: str) -> re.Pattern[str]:
    """Any of ``leads`` (group ``lead``, with ``gap``), then up to ``NAME_WORDS`` words."""
    return re.compile(
        rf"(?P<lead>\b(?:{either(leads)})\b{gap})"
        rf"(?P<words>{WORD}(?:\s+{WORD}){{0,{NAME_WORDS - 1}}})",
        re.IGNORECASE,
    )


def capitalised(word: str) -> bool:
    """True for ``Jane`` and ``JANE``; false for ``jane`` and short all-capital ``IMS``."""
    return word[0].isupper() and not (word.isupper() and len(word) <= 3)


def maybe_name(folded: str) -> bool:
    """False for a capitalised word that looks like an adjective or a verb, not a name."""
    return not folded.endswith(NOT_NAME_ENDINGS) and not (
        folded.endswith("ing") and len(folded) >= 5
    )


def name_length(found: list[str], capital_only: bool) -> int:
    """How many of the words after an introduction or a title are a name."""
    w = words()
    titles = {*w.titles, *w.titles_capitalised}
    taken = 0
    for word in found:
        folded = word.casefold().rstrip(".")
        if folded in w.stop_words or folded in w.not_names or folded in titles:
            break
        if capital_only and not (capitalised(word) and maybe_name(folded)):
            break
        taken += 1
    return taken


def _name(capital_only: bool) -> Callable[[re.Match[str]], str]:
    """A replacement that labels the name part of an introduction or title match."""

    def replace(match: re.Match[str]) -> str:
        text = match.group("words")
        found = re.findall(WORD, text)
        taken = name_length(found, capital_only)
        if not taken:
            return match.group()
        ends = [m.end() for m in re.finditer(WORD, text)]
        return match.group("lead") + "[name]" + text[ends[taken - 1] :]

    return replace


def _address(match: re.Match[str]) -> str:
    """``[address]``, unless the words before the street word hold a common word."""
    between = match.group("words").split()
    if any(word.casefold() in words().stop_words for word in between):
        return match.group()
    return "[address]"


def _word_date(match: re.Match[str]) -> str:
    """``[date]``; "may" counts as a month only with an ordinal, ``of`` or a year."""
    month = match.group("month") or match.group("month2") or match.group("month3")
    text = match.group()
    if month.casefold() == "may" and not (
        ORDINAL.search(text) or " of " in text.casefold() or sum(c.isdecimal() for c in text) > 2
    ):
        return text
    return "[date]"


def _mixed_id(match: re.Match[str]) -> str:
    """``[number]`` for an identifier; a measure (``100mg``) or ``B12``, ``L4-L5`` stay."""
    text = match.group()
    if patterns().unit.fullmatch(text):
        return text
    runs = [len(run) for run in re.findall(r"\d+", text)]
    if not runs or not any(char.isalpha() for char in text):
        return text
    return "[number]" if max(runs) >= 3 or sum(runs) >= 5 else text


def _phones(text: str) -> str:
    """``text`` with the phone numbers ``phonenumbers`` finds (Canada first) as ``[phone]``."""
    if sum(c.isdecimal() for c in text) < 7:
        return text
    from phonenumbers import Leniency, PhoneNumberMatcher

    found = list(PhoneNumberMatcher(text, "CA", leniency=Leniency.POSSIBLE))
    for match in reversed(found):
        if not match.raw_string.isdecimal():  # a bare digit run is left to the digit net
            text = text[: match.start] + "[phone]" + text[match.end :]
    return text


def redact(text: str) -> str:
    """``text`` with personal data replaced by labels; see the module docstring.

    The rules run again until the text settles (a few passes at most): replacing one
    piece can uncover another, as a name match reaching past the name itself ("name is B
    my name is B") leaves the next introduction to the next pass.
    """
    text = unicodedata.normalize("NFKC", text)
    for _ in range(MAX_PASSES):
        redacted = redact_once(text)
        if redacted == text:
            break
        text = redacted
    return text


def redact_once(text: str) -> str:
    """One pass of every rule, in order."""
    found = patterns()
    text = EMAIL.sub("[email]", text)
    text = found.spelled_email.sub("[email]", text)
    text = URL.sub("[url]", text)
    text = found.bare_url.sub("[url]", text)
    text = HANDLE.sub("[handle]", text)
    text = NUMERIC_DATE.sub("[date]", text)
    text = found.word_date.sub(_word_date, text)
    text = found.named_id.sub(lambda m: m.group("lead") + "[number]", text)
    text = _phones(text)
    text = POSTCODE.sub("[postcode]", text)
    text = ZIP.sub(lambda m: m.group("lead") + "[postcode]", text)
    text = PO_BOX.sub("[address]", text)
    text = found.address.sub(_address, text)
    text = found.led_address.sub(lambda m: m.group("lead") + "[address]", text)
    for pattern, capital_only in found.names:
        text = pattern.sub(_name(capital_only), text)
    text = MIXED_ID.sub(_mixed_id, text)
    return NUMBER.sub("[number]", text)
