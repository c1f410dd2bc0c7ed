"""The conversation: numbers pick options, one clarification round, small talk, reset."""

from __future__ import annotations

import pytest

from ims_bot.core.conversation import Conversation, menu_entries, parse_number, smalltalk_kind
from ims_bot.core.decide import Decision
from ims_bot.core.engine import Engine


@pytest.fixture
def conversation(mini_engine: Engine) -> Conversation:
    return Conversation(mini_engine)


def force_clarify(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every question ambiguous between knee and shoulder pain."""
    options = (engine.faq.by_id["knee-pain"], engine.faq.by_id["shoulder-pain"])

    def decide(question: str, limit: int = 4) -> Decision:
        return Decision("clarify", score=55.0, options=options)

    monkeypatch.setattr(engine, "decide", decide)


@pytest.mark.parametrize(
    ("text", "number"),
    [("2", 2), (" 3) ", 3), ("#1", 1), ("option two", 2), ("0", 0), ("none", 0), ("2 knees", None)],
)
def test_parse_number(text: str, number: int | None) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hi!", "greeting"),
        ("thank you", "thanks"),
        ("Bye", "bye"),
        ("help", "help"),
        ("?", "help"),
        ("topics", "topics"),
        ("MENU", "topics"),
        ("hi does it hurt", None),
    ],
)
def test_smalltalk_kind(text: str, kind: str | None) -> None:
    assert smalltalk_kind(text) == kind


def test_start_menu_is_pickable_by_number(conversation: Conversation) -> None:
    menu = conversation.menu()
    assert [o.id for o in menu.options] == [e.id for e in menu_entries(conversation.engine)]
    assert [o.id for o in menu.options] == ["what-is-ims", "is-ims-painful"]  # tagged common
    reply = conversation.respond("2")
    assert (reply.kind, reply.id) == ("answer", "is-ims-painful")


def test_related_questions_are_pickable(conversation: Conversation) -> None:
    first = conversation.respond("does it hurt")
    assert first.id == "is-ims-painful"
    assert conversation.respond("2").id == "side-effects"


def test_number_after_clarify_picks_that_option(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_clarify(mini_engine, monkeypatch)
    reply = conversation.respond("joint pain")
    assert reply.kind == "clarify"
    assert conversation.respond("2").id == "shoulder-pain"


def test_zero_after_clarify_escalates(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_clarify(mini_engine, monkeypatch)
    conversation.respond("joint pain")
    assert conversation.respond("0").kind == "escalate"


def test_one_clarification_round_at_most(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_clarify(mini_engine, monkeypatch)
    assert conversation.respond("joint pain").kind == "clarify"
    second = conversation.respond("the joints in my leg")
    assert second.kind == "escalate"
    assert conversation.respond("and my arm").kind == "clarify"


def test_out_of_range_number_escalates(conversation: Conversation) -> None:
    conversation.respond("does it hurt")
    assert conversation.respond("9").kind == "escalate"


def test_number_with_no_list_explains(conversation: Conversation) -> None:
    conversation.respond("what is the capital of peru")
    reply = conversation.respond("1")
    assert reply.kind == "smalltalk"
    assert "no numbered list" in reply.text


def test_urgent_wins_over_everything(conversation: Conversation) -> None:
    reply = conversation.respond("hi, I fainted and my chest hurts")
    assert reply.kind == "urgent"
    assert reply.text.startswith("Call 911")


def test_topics_lists_common_questions(conversation: Conversation) -> None:
    reply = conversation.respond("topics")
    assert reply.kind == "smalltalk"
    assert [o.id for o in reply.options] == ["what-is-ims", "is-ims-painful"]


def test_reset_forgets_pending_options(conversation: Conversation) -> None:
    conversation.respond("what is the capital of peru")
    conversation.reset()
    assert conversation.respond("1").id == "what-is-ims"


def test_internal_error_escalates_with_disclaimer(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str, limit: int = 4) -> Decision:
        raise RuntimeError("boom")

    monkeypatch.setattr(mini_engine, "decide", broken)
    reply = conversation.respond("does it hurt")
    assert reply.kind == "escalate"
    assert reply.text.endswith(mini_engine.faq.disclaimer)
    assert mini_engine.reply("does it hurt").kind == "escalate"
