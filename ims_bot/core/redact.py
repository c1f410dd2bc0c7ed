"""Remove personal data from a question before it is stored for curators.

Replaced, in this order, each by a bracketed label with no digits in it:

- e-mail addresses: ``[email]``;
- phone numbers: North American forms with separators (``555-0199``, ``604-555-0199``,
  ``(604) 555 0199``, ``+1 604.555.0199``) and international ones starting with ``+`` or
  ``00`` (``+44 20 7946 0958``), 7 to 15 digits: ``[phone]``;
- postal codes: Canadian (``V6B 4Y8``), UK (``SW1A 1AA``) and Irish Eircodes
  (``D02 X285``): ``[postcode]``;
- any run of 4 or more digits, also when spaces, dots, dashes or slashes split it
  (health-card, account and card numbers, dates of birth, US ZIP codes): ``[number]``.

The last rule is the safety net: no run of 4 or more digits survives, whatever its form.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[\s.\-/])(?:"
    r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-])?\d{3}[\s.\-]\d{4}"  # North American
    r"|(?:\+|\b00)\d{1,3}(?:[\s.\-]?\(?\d{1,4}\)?){2,5}"  # international
    r")(?![\w/])(?![\s.\-/]\d)"
)
PHONE_DIGITS = range(7, 16)
POSTCODE = re.compile(
    r"\b(?:"
    r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPR-TV-Z][ \-]?\d[ABCEGHJ-NPR-TV-Z]\d"  # Canada
    r"|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}"  # United Kingdom
    r"|(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}"  # Ireland
    r")\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d(?:[\s.\-/]?\d){3,}")


def _phone(match: re.Match[str]) -> str:
    """A phone label for 7 to 15 digits, else the text (left for the digit-run rule)."""
    text = match.group()
    digits = sum(char.isdecimal() for char in text)
    return "[phone]" if digits in PHONE_DIGITS else text


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers, postal codes and digit runs replaced."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub(_phone, text)
    text = POSTCODE.sub("[postcode]", text)
    return NUMBER.sub("[number]", text)
