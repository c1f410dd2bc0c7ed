"""Red flags: phrases found by their words, in any order, close together, typos allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ims_bot.core.engine import Engine
from ims_bot.core.normalise import Normaliser, sanitise
from ims_bot.core.urgent import UrgentScanner, expand

SCANNER = UrgentScanner(
    ["chest pain", "can not breathe", "fainted"],
    Normaliser([("painful", ["hurt", "hurts"])], vocabulary=["chest pain", "can not breathe"]),
)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I have chest pain", "chest pain"),
        ("my chest hurts", "chest pain"),
        ("pain in my chest since this morning", "chest pain"),
        ("i cant braethe", "can not breathe"),
        ("I fainted after the session", "fainted"),
    ],
)
def test_red_flags_are_found(text: str, phrase: str) -> None:
    assert SCANNER.scan(text) == phrase


@pytest.mark.parametrize(
    "text",
    [
        "does ims hurt",
        "i was painting the fence",
        "my chest was fine but after a long walk in the park my knee had pain",
        "",
    ],
)
def test_ordinary_text_is_not_urgent(text: str) -> None:
    assert SCANNER.scan(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "had needles in my upper back today and now sharp pain every time i take a breath",
        "im dizzy and everything is going black",
        "bleeding alot where the needle went in and it wont stop",
        "i dont want to be alive anymore",
        "my chest feels tight after ims",
        "I'm gasping for air",
        "my wife collapsed after her session",
        "blood is pouring out of the needle spot",
        "sudden worst headache of my life",
        "a few hours after IMS on my upper back it hurts every time I take a deep breath",
        "sharp pain on inhalation after needling near my ribs",
        "she has a crushing feeling in her chest",
        "patient collapsed in waiting room",
        "his lips are going purple",
        "I'm thinking about ending it all",
        "my throat is closing up",
        "it hurts sharply every time I take a breath in since the needling yesterday",
        "heavy squeezing feeling behind my breastbone and my left hand is tingling",
        "a man in the waiting room just slumped over in his chair",
        "the needle hole is spurting blood pls someone come",
        "the woman beside me is talking nonsense and her mouth is falling on one side",
        "everyone would be better off without me",
        "tbh thinking of unaliving myself",
    ],
)
def test_the_shipped_faq_catches_red_flags(shipped_engine: Engine, text: str) -> None:
    assert shipped_engine.decide(text).kind == "urgent"


def test_the_shipped_faq_does_not_read_painting_as_fainting(shipped_engine: Engine) -> None:
    decision = shipped_engine.decide("i hurt my elbow painting the house, can ims help")
    assert decision.kind != "urgent"


def test_a_word_the_faq_uses_is_no_slip_of_a_red_flag_word(shipped_engine: Engine) -> None:
    assert shipped_engine.urgent.scan("i passed out") == "passed out"
    for text in ("my back went out yesterday", "my upper back locks up and gives out"):
        assert shipped_engine.urgent.scan(text) is None, text


def test_a_phrase_may_list_alternatives_for_a_word() -> None:
    assert list(expand("face|lips grey|blue")) == [
        "face grey",
        "face blue",
        "lips grey",
        "lips blue",
    ]
    assert list(expand("chest pain")) == ["chest pain"]
    scanner = UrgentScanner(["face|lips grey|blue", "lips blue"], Normaliser())
    assert scanner.scan("her lips have gone blue") == "lips blue"
    assert scanner.scan("his face is grey") == "face grey"
    assert scanner.scan("grey skies today") is None
    assert len(scanner.phrases) == 4


def test_a_question_about_a_collapsed_lung_is_no_emergency(shipped_engine: Engine) -> None:
    decision = shipped_engine.decide("can ims cause a collapsed lung")
    assert (decision.kind, decision.entry and decision.entry.id) == (
        "handoff",
        "handoff-serious-risks",
    )


def test_every_listed_emergency_gets_the_urgent_reply(shipped_engine: Engine) -> None:
    lines = (Path(__file__).parent / "eval" / "emergencies.txt").read_text().splitlines()
    messages = [line for line in lines if line and not line.startswith("#")]
    assert len(messages) >= 500
    missed = [text for text in messages if shipped_engine.decide(sanitise(text)).kind != "urgent"]
    assert not missed
