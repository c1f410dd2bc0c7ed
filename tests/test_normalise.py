"""Normalisation: safe display text, words, stemming, synonyms and spelling correction."""

from __future__ import annotations

import pytest

from ims_bot.core.normalise import (
    MAX_INPUT,
    Normaliser,
    asking_sentence,
    sanitise,
    stem,
    unrelayed,
    words,
)


def test_sanitise_removes_escapes_and_controls() -> None:
    assert sanitise("hi\x1b[31m there\x00\x07") == "hi there"
    assert sanitise("a\x1b]0;title\x07b") == "ab"
    assert sanitise("line one\nline two\t!") == "line one line two !"


def test_sanitise_caps_the_length() -> None:
    assert len(sanitise("x" * 10_000)) == MAX_INPUT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I can't go", ["i", "can", "not", "go"]),
        ("it wont stop", ["it", "will", "not", "stop"]),
        ("What's IMS?", ["what", "is", "ims"]),
        ("im sad, ive tried", ["i", "am", "sad", "i", "have", "tried"]),
        ("does it hurt alot", ["does", "it", "hurt", "a", "lot"]),
        ("can u help", ["can", "you", "help"]),
        (
            "how many ppl wud need it tmrw",
            ["how", "many", "people", "would", "need", "it", "tomorrow"],
        ),
        ("Dry-needling_vs IMS!!", ["dry", "needling", "vs", "ims"]),
        ("ＩＭＳ ok", ["ims", "ok"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("forms", "root"),
    [
        (("needle", "needles", "needling", "needled"), "needl"),
        (("breathe", "breathing"), "breath"),
        (("injuries", "injury"), "injury"),
        (("ache", "aches", "aching", "ached"), "ach"),
        (("sore", "sores"), "sore"),
    ],
)
def test_stem_makes_forms_meet(forms: tuple[str, ...], root: str) -> None:
    assert {stem(form) for form in forms} == {root}


def test_stem_leaves_short_words_and_numbers() -> None:
    assert stem("is") == "is"
    assert stem("12s") == "12s"


def test_synonyms_replace_variants_with_the_canonical_word() -> None:
    normaliser = Normaliser([("ims", ["intramuscular stimulation"]), ("painful", ["hurt"])])
    assert normaliser.tokens("Does intramuscular stimulation hurt?") == ("doe", "ims", "pain")


def test_misspelt_words_are_corrected_before_synonyms() -> None:
    normaliser = Normaliser(
        [("ims", ["intramuscular stimulation"]), ("painful", ["hurt"])],
        vocabulary=["does ims hurt"],
    )
    assert normaliser.tokens("does ims hurst") == normaliser.tokens("does ims hurt")
    assert normaliser.tokens("intramuscluar stimulaton") == ("ims",)


def test_correction_keeps_the_first_letter_and_known_words() -> None:
    normaliser = Normaliser(vocabulary=["i fainted", "paint"])
    assert normaliser.correct("faintd") == "fainted"
    assert normaliser.correct("paint") == "paint"
    assert normaliser.correct("saint") == "saint"
    assert normaliser.correct("pant") == "paint"


def test_another_form_of_a_known_word_is_no_typing_slip() -> None:
    normaliser = Normaliser(vocabulary=["i passed out", "in the past"])
    assert normaliser.correct("pass") == "pass"
    assert normaliser.tokens("about to pass out") == ("about", "to", "pass", "out")
    assert normaliser.correct("pasd") == "past"


def test_short_words_and_no_vocabulary_are_never_corrected() -> None:
    assert Normaliser(vocabulary=["cat"]).correct("cut") == "cut"
    assert Normaliser().correct("hurst") == "hurst"


def test_everyday_words_given_as_spelt_are_never_corrected() -> None:
    normaliser = Normaliser(vocabulary=["can ims loosen a stiff neck"], spelt=["stuff"])
    assert normaliser.correct("stuff") == "stuff"
    assert normaliser.correct("stiif") == "stiff"


def test_a_slip_near_several_words_is_read_as_the_one_the_faq_uses_most() -> None:
    normaliser = Normaliser(vocabulary=["twice a day", "the twitch", "a twitch", "why twitch"])
    assert normaliser.correct("twich") == "twitch"
    assert Normaliser(vocabulary=["twice", "twitch"]).correct("twich") == "twice"


def test_a_slip_is_read_as_a_topic_word_before_an_everyday_one() -> None:
    normaliser = Normaliser(vocabulary=["could it", "could i", "spinal cord"], spelt=["could"])
    assert normaliser.correct("cold") == "cord"


def test_the_asking_sentence_is_the_last_question_of_several() -> None:
    assert asking_sentence("does ims hurt") is None
    assert asking_sentence("My back is shot. Does IMS help backs?") == "Does IMS help backs?"
    assert asking_sentence("Is it safe? My friend had it. Does it hurt? Thanks.") == "Does it hurt?"
    assert asking_sentence("I had IMS today. It still aches.") == "It still aches."
    assert asking_sentence("?! does it hurt") is None


def test_a_comma_before_a_question_word_ends_a_sentence() -> None:
    assert asking_sentence("my back has been sore for years, can IMS help") == "can IMS help"
    assert asking_sentence("needles, pins and jabs scare me") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Caller asks if the needles hurt.", "if the needles hurt."),
        ("caller wants to know: does it hurt?", "does it hurt?"),
        ("The patient is asking, how long does it last", "how long does it last"),
        ("Lady on the phone asks whether it is safe", "whether it is safe"),
        ("Caller asks", "Caller asks"),
        ("Recaller asks about IMS", "Recaller asks about IMS"),
        ("Does IMS hurt? Caller asks", "Does IMS hurt? Caller asks"),
    ],
)
def test_a_relayed_question_is_read_without_its_opening(text: str, expected: str) -> None:
    assert unrelayed(text) == expected
