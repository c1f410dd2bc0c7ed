"""Composing replies: every kind ends with the disclaimer; the JSON shape is a contract."""

from __future__ import annotations

import json

import pytest

from ims_bot.core.decide import Decision
from ims_bot.core.faq import Faq
from ims_bot.core.index import Candidate
from ims_bot.core.reply import compose, escalation, smalltalk
from tests.conftest import JSON_KEYS


def candidates(faq: Faq, *pairs: tuple[str, float]) -> tuple[Candidate, ...]:
    order = [e.id for e in faq.entries]
    return tuple(
        Candidate(faq.by_id[i], score, faq.by_id[i].question, order.index(i)) for i, score in pairs
    )


def test_answer_has_body_related_options_and_disclaimer(mini_faq: Faq) -> None:
    entry = mini_faq.by_id["is-ims-painful"]
    reply = compose(Decision("answer", entry=entry, score=91.0), mini_faq, "does it hurt")
    assert reply.text == (
        "It is typically not considered painful.\n\n"
        "Related questions:\n  1) What is IMS?\n  2) What are the side effects?\n\n"
        "General information only, not medical advice."
    )
    assert [o.id for o in reply.options] == ["what-is-ims", "side-effects"]
    assert (reply.id, reply.answer, reply.score) == ("is-ims-painful", entry.answer, 91.0)


def test_clarify_lists_questions_never_ids_and_a_none_option(mini_faq: Faq) -> None:
    ranked = candidates(mini_faq, ("knee-pain", 55.0), ("shoulder-pain", 54.0))
    decision = Decision(
        "clarify", score=55.0, options=tuple(c.entry for c in ranked), candidates=ranked
    )
    reply = compose(decision, mini_faq, "joint pain")
    assert (
        "  1) Can IMS help knee pain?\n  2) Can IMS help shoulder pain?\n  0) None of these"
        in reply.text
    )
    assert "knee-pain" not in reply.text
    assert reply.id is None and reply.answer is None
    assert [s.id for s in reply.suggestions] == ["knee-pain", "shoulder-pain"]


@pytest.mark.parametrize("kind", ["urgent", "escalate"])
def test_urgent_and_escalate_texts_come_from_the_faq(mini_faq: Faq, kind: str) -> None:
    reply = compose(Decision(kind), mini_faq, "q")  # type: ignore[arg-type]
    expected = mini_faq.urgent.reply if kind == "urgent" else mini_faq.escalation
    assert reply.text == f"{expected}\n\n{mini_faq.disclaimer}"
    assert reply.kind == kind


def test_clarify_without_options_escalates(mini_faq: Faq) -> None:
    assert compose(Decision("clarify", score=50.0), mini_faq, "q").kind == "escalate"


def test_handoff_keeps_its_kind(mini_faq: Faq) -> None:
    entry = mini_faq.by_id["handoff-pregnancy"]
    reply = compose(Decision("handoff", entry=entry, score=80.0), mini_faq, "pregnant")
    assert reply.kind == "handoff"
    assert reply.text.startswith("Please ask your physiotherapist")


def test_json_has_exactly_the_contract_fields(mini_faq: Faq) -> None:
    ranked = candidates(mini_faq, ("is-ims-painful", 88.0), ("side-effects", 40.0))
    decision = Decision("answer", entry=ranked[0].entry, score=88.0, candidates=ranked)
    data = json.loads(json.dumps(compose(decision, mini_faq, "hurt?", top=1).to_json()))
    assert set(data) == JSON_KEYS
    assert data["suggestions"] == [
        {"id": "is-ims-painful", "question": "Is IMS painful?", "score": 88.0}
    ]
    assert data["text"].endswith(data["disclaimer"])


def test_escalation_and_smalltalk_end_with_disclaimer(mini_faq: Faq) -> None:
    assert escalation(mini_faq, "x").text.endswith(mini_faq.disclaimer)
    menu = smalltalk(mini_faq, "", "Hello.", mini_faq.entries[:2], "Pick:")
    assert menu.text == (
        "Hello.\n\nPick:\n  1) What is IMS?\n  2) Is IMS painful?\n\n" + mini_faq.disclaimer
    )
