"""Redaction of personal data from questions before they are stored."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_bot.core.redact import redact, words

CASES = [
    # nothing personal: the question is kept as it is
    ("does ims hurt", "does ims hurt"),
    ("after 3 sessions in 10 - 12 weeks", "after 3 sessions in 10 - 12 weeks"),
    ("I am 65, is ims ok?", "I am 65, is ims ok?"),
    ("2 or 3 times a week", "2 or 3 times a week"),
    ("pain 7/10 for 2 weeks", "pain 7/10 for 2 weeks"),
    ("took 100mg ibuprofen for L4-L5", "took 100mg ibuprofen for L4-L5"),
    ("B12 deficiency and covid-19", "B12 deficiency and covid-19"),
    ("I'm in pain after IMS", "I'm in pain after IMS"),
    ("I am pregnant, is IMS safe?", "I am pregnant, is IMS safe?"),
    ("I'm Diabetic, can I have IMS?", "I'm Diabetic, can I have IMS?"),
    ("I'm worried about the needles", "I'm worried about the needles"),
    ("this is normal after ims?", "this is normal after ims?"),
    ("does ims help ms symptoms", "does ims help ms symptoms"),
    ("I miss work because of pain", "I miss work because of pain"),
    ("the doctor said it would hurt", "the doctor said it would hurt"),
    ("were the 2 needles left in place", "were the 2 needles left in place"),
    ("may 3 sessions be enough", "may 3 sessions be enough"),
    ("call me back about my knee", "call me back about my knee"),
    ("C5-C6 disc and 2x a week", "C5-C6 disc and 2x a week"),
    ("what does IMS at 10am feel like", "what does IMS at 10am feel like"),
    ("can my 10 yr old have dry needling", "can my 10 yr old have dry needling"),
    # e-mail addresses, plain, obfuscated and spelled
    ("mail me at jo.smith+ims@example.co.uk please", "mail me at [email] please"),
    ("JO_SMITH@Clinic-Mail.ca", "[email]"),
    ("write to jane(at)example(dot)com", "write to [email]"),
    ("jane dot doe at gmail dot com is my mail", "[email] is my mail"),
    ("jane [at] x [dot] org", "[email]"),
    ("jane at hotmail.com", "[email]"),
    ("jane {at} mail {dot} co {dot} uk", "[email]"),
    ("reach me: jane@clinic", "reach me: [email]"),
    # phone numbers
    ("call 604-555-0199", "call [phone]"),
    ("call (604) 555-0199 today", "call [phone] today"),
    ("call 604.555.0199", "call [phone]"),
    ("my cell is +1 604 555 0199", "my cell is [phone]"),
    ("ring +44 20 7946 0958", "ring [phone]"),
    ("ring +353 1 234 5678", "ring [phone]"),
    ("ring +33 1 42 68 53 00", "ring [phone]"),
    ("extension 555-0199", "extension [phone]"),
    ("text 778 555 0123 or 604 555 0199", "text [phone] or [phone]"),
    ("ring 0044 20 7946 0958", "ring [number]"),
    # digit runs with any separator
    ("my card is 1234567890", "my card is [number]"),
    ("card 4111 1111 1111 1111", "card [number]"),
    ("9876_543_210", "[number]"),
    ("9876,543,210", "[number]"),
    ("9876–543–210", "[phone]"),
    ("code 12 34 is on my file", "code [number] is on my file"),
    ("number 1 2 3 4 5 6", "number [number]"),
    ("account 0042", "account [number]"),
    ("ＦＵＬＬ ９８７６５４", "FULL [number]"),
    # dates of birth
    ("born 12/05/1980", "born [date]"),
    ("born 1980-05-12", "born [date]"),
    ("dob 03/04/85", "dob [date]"),
    ("born 4 Mar 85", "born [date]"),
    ("born March 4th, is ims ok", "born [date], is ims ok"),
    ("birthday 4th of March 1985", "birthday [date]"),
    ("born on the 4th of march", "born on [date]"),
    ("born May 4th 1985", "born [date]"),
    ("born Sept 12, 1990", "born [date]"),
    ("born 4 may 1985", "born [date]"),
    ("since March 1985", "since [date]"),
    ("born 03 / 04 / 1985", "born [date]"),
    # postal codes
    ("I live at V6B 4Y8", "I live at [postcode]"),
    ("postcode v6b4y8", "postcode [postcode]"),
    ("V 6 B 1 A 1 is my area", "[postcode] is my area"),
    ("V6B-1A1", "[postcode]"),
    ("London SW1A 1AA", "London [postcode]"),
    ("Manchester M1 1AE", "Manchester [postcode]"),
    ("Dublin D02 X285", "Dublin [postcode]"),
    ("zip 90210", "zip [postcode]"),
    ("Seattle WA 98101-1234", "Seattle WA [postcode]"),
    # names after introductions and titles
    ("my name is Jane Doe and my knee hurts", "my name is [name] and my knee hurts"),
    ("my name is jane doe i have back pain", "my name is [name] i have back pain"),
    ("MY NAME IS JANE", "MY NAME IS [name]"),
    ("I'm Priya, can IMS help my back?", "I'm [name], can IMS help my back?"),
    ("I am Tom Baker and my neck hurts", "I am [name] and my neck hurts"),
    ("this is Tom Baker, does it hurt", "this is [name], does it hurt"),
    ("call me Jane", "call me [name]"),
    (
        "Mrs. Priya Sharma, patient of Dr. Chen, asks about cost",
        "Mrs. [name], patient of Dr. [name], asks about cost",
    ),
    ("dr chen said I need ims", "dr [name] said I need ims"),
    ("Ms Lee recommended IMS", "Ms [name] recommended IMS"),
    ("Doctor Okafor did my IMS", "Doctor [name] did my IMS"),
    ("mr o'brien wants to know", "mr [name] wants to know"),
    ("my wife Maria has neck pain", "my wife [name] has neck pain"),
    ("thanks, Jane", "thanks, [name]"),
    ("I'm Zoë from Burnaby", "I'm [name] from Burnaby"),
    ("I'm Mohammed and my shoulder is frozen", "I'm [name] and my shoulder is frozen"),
    ("I'm Exhausted after IMS", "I'm Exhausted after IMS"),
    (
        "I am Type 2 diabetic, this is Day 3 after ims",
        "I am Type 2 diabetic, this is Day 3 after ims",
    ),
    ("Hi, Jessica here, does ims help TMJ", "Hi, [name] here, does ims help TMJ"),
    ("Receptionist here: a patient has chest pain", "Receptionist here: a patient has chest pain"),
    # street addresses
    ("123 Main Street Apt 4B", "[address]"),
    ("I live at 4567 Oak Ave, Burnaby", "I live at [address]"),
    ("send it to 12 Elm Rd.", "send it to [address]"),
    ("at 88 west king edward avenue, Vancouver BC", "at [address]"),
    ("Apt 4B, 123 Main St", "[address]"),
    ("PO Box 123", "[address]"),
    ("address 15-3301 Kingsway, Burnaby BC", "address [address]"),
    ("I live at 2210 Cambie, Vancouver", "I live at [address]"),
    ("15 Marine Dr is the clinic near me?", "[address] is the clinic near me?"),
    # social handles and web addresses
    ("follow me @jane_doe on insta", "follow me [handle] on insta"),
    ("my insta is jane_doe99", "my insta is [handle]"),
    ("see https://instagram.com/jane.doe?x=1.", "see [url]."),
    ("visit facebook.com/janedoe", "visit [url]"),
    ("www.janedoe.me has my story", "[url] has my story"),
    # record, chart and health-card numbers
    ("my MRN is AB-1234", "my MRN is [number]"),
    ("chart number 00123", "chart number [number]"),
    ("health card 9876 543 210", "health card [number]"),
    ("my id AB123456", "my id [number]"),
    ("PHN: 9123 456 789", "PHN: [number]"),
    ("ref X7Y8Z9Q1W2", "ref [number]"),
    ("health card 1234-567-890-AB", "health card [number]"),
    # several at once
    (
        "weather? call 604-555-0199, mail jo@example.com, card 1234567890",
        "weather? call [phone], mail [email], card [number]",
    ),
    (
        "I'm Priya Shah, born 4 Mar 85, at 4567 Oak Ave, Burnaby V5H 2N2: can ims help?",
        "I'm [name], born [date], at [address] [postcode]: can ims help?",
    ),
]


def test_the_table_is_large() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts_personal_data(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_word_lists_are_lower_case_and_complete() -> None:
    lists = words()
    assert {"street", "ave", "crescent", "court", "place"} <= set(lists.street_words)
    assert {"mr", "mrs", "dr"} <= set(lists.titles)
    assert {"march", "mar", "sept"} <= set(lists.months)
    assert "my name is" in lists.introductions
    for name in ("introductions", "titles", "street_words", "months", "id_words"):
        assert all(word == word.casefold() for word in getattr(lists, name)), name


PIECES = st.sampled_from(
    ["7", "12", "345", " ", "-", ".", "/", "_", ",", "–", "a", "@", "+", "(", ")", "at", "dot",
     "my name is", "Jane", "I'm", "Dr.", "Street", "St", "Mar", "may", "4th", "of", "V6B",
     "1A1", "[", "]", "com", "www.", "\n", "'"]
)  # fmt: skip
TEXTS = st.one_of(st.text(), st.lists(PIECES).map(" ".join), st.lists(PIECES).map("".join))


@settings(max_examples=300)
@given(TEXTS)
def test_no_run_of_four_digits_survives(text: str) -> None:
    assert not re.search(r"\d{4}", redact(text))


@settings(max_examples=300)
@given(TEXTS)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
