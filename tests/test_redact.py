"""Redaction of personal data from questions before they are stored."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ims_bot.core.redact import redact

CASES = [
    ("does ims hurt", "does ims hurt"),
    ("mail me at jo.smith+ims@example.co.uk please", "mail me at [email] please"),
    ("JO_SMITH@Clinic-Mail.ca", "[email]"),
    ("call 604-555-0199", "call [phone]"),
    ("call (604) 555-0199 today", "call [phone] today"),
    ("call 604.555.0199", "call [phone]"),
    ("my cell is +1 604 555 0199", "my cell is [phone]"),
    ("ring +44 20 7946 0958", "ring [phone]"),
    ("ring 0044 20 7946 0958", "ring [phone]"),
    ("ring +353 1 234 5678", "ring [phone]"),
    ("extension 555-0199", "extension [phone]"),
    ("my card is 1234567890", "my card is [number]"),
    ("card 4111 1111 1111 1111", "card [number]"),
    ("health card 1234-567-890-AB", "health card [number]-AB"),
    ("born 12/05/1980", "born [number]"),
    ("born 1980-05-12", "born [number]"),
    ("account 0042", "account [number]"),
    ("I live at V6B 4Y8", "I live at [postcode]"),
    ("postcode v6b4y8", "postcode [postcode]"),
    ("London SW1A 1AA", "London [postcode]"),
    ("Dublin D02 X285", "Dublin [postcode]"),
    ("zip 90210", "zip [number]"),
    ("after 3 sessions in 10 - 12 weeks", "after 3 sessions in 10 - 12 weeks"),
    ("I am 65, is ims ok?", "I am 65, is ims ok?"),
    ("2 or 3 times a week", "2 or 3 times a week"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts_personal_data(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_everything_at_once() -> None:
    text = "weather? call 604-555-0199, mail jo@example.com, card 1234567890"
    assert redact(text) == "weather? call [phone], mail [email], card [number]"


@given(st.text())
def test_no_run_of_four_digits_survives(text: str) -> None:
    assert not re.search(r"\d{4}", redact(text))


@given(st.lists(st.sampled_from(["7", "12", "345", " ", "-", ".", "/", "a", "@", "+", "("])))
def test_no_digit_run_survives_separators(parts: list[str]) -> None:
    assert not re.search(r"\d{4}", redact("".join(parts)))


@given(st.text())
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
