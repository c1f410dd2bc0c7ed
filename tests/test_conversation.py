"""The conversation: numbers pick options, one clarification round, small talk, reset."""

from __future__ import annotations

import pytest

from ims_bot.core.conversation import Conversation
from ims_bot.core.decide import Decision
from ims_bot.core.engine import Engine
from ims_bot.core.language import language
from ims_bot.core.policy import Ask
from ims_bot.core.reply import menu_entries
from ims_bot.core.smalltalk import parse_number, smalltalk_kind

SAID = language().sentences
ANYTHING_ELSE, GO_AHEAD = SAID.anything_else, SAID.go_ahead
NO_MORE, SORRY = SAID.no_more, SAID.sorry


@pytest.fixture
def conversation(mini_engine: Engine) -> Conversation:
    return Conversation(mini_engine)


def force_clarify(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every question ambiguous between knee and shoulder pain."""
    options = (engine.faq.by_id["knee-pain"], engine.faq.by_id["shoulder-pain"])

    def decide(*_: object) -> Decision:
        return Decision("clarify", score=55.0, options=options)

    monkeypatch.setattr("ims_bot.core.policy.decide", decide)


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
        ("ok", "acknowledge"),
        ("alright", "acknowledge"),
        ("yes", "yes"),
        ("no", "no"),
        ("sorry", "sorry"),
        ("no pain", None),
    ],
)
def test_smalltalk_kind(text: str, kind: str | None) -> None:
    assert smalltalk_kind(text) == kind


def test_start_menu_is_pickable_by_number(conversation: Conversation) -> None:
    menu = conversation.menu()
    assert [o.id for o in menu.options] == [e.id for e in menu_entries(conversation.faq)]
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


def test_zero_after_clarify_escalates_even_after_a_number_out_of_range(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_clarify(mini_engine, monkeypatch)
    conversation.respond("joint pain")
    assert "from 1 to 2," in conversation.respond("5").body
    assert conversation.respond("0").kind == "escalate"


def test_one_clarification_round_at_most(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_clarify(mini_engine, monkeypatch)
    assert conversation.respond("joint pain").kind == "clarify"
    second = conversation.respond("the joints in my leg")
    assert second.kind == "escalate"
    assert conversation.respond("and my arm").kind == "clarify"


def test_a_new_question_after_a_clarify_is_asked_afresh(
    conversation: Conversation, mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = mini_engine.faq.by_id
    offers = {
        "joint pain": (entries["knee-pain"], entries["shoulder-pain"]),
        "what about afterwards": (entries["side-effects"],),
    }

    def match(ask: Ask, _: object) -> Decision:
        return Decision("clarify", score=55.0, options=offers[ask.question])

    monkeypatch.setattr(Ask, "match", match)
    assert conversation.respond("joint pain").kind == "clarify"
    second = conversation.respond("what about afterwards")
    assert second.kind == "clarify"
    assert [o.id for o in second.options] == ["side-effects"]
    assert conversation.respond("1").id == "side-effects"


@pytest.mark.parametrize("number", ["9", "4"])
def test_out_of_range_number_says_which_numbers_there_are(
    conversation: Conversation, number: str
) -> None:
    first = conversation.respond("does it hurt")
    reply = conversation.respond(number)
    last = len(first.options)
    assert reply.kind == "smalltalk"
    assert reply.body == f"Please type a number from 1 to {last}, or 0 for none of these."
    assert reply.options == first.options
    assert conversation.respond("1").id == first.options[0].id


def test_out_of_range_number_on_the_start_menu(conversation: Conversation) -> None:
    assert "from 1 to 2," in conversation.respond("7").body
    assert conversation.respond("2").id == "is-ims-painful"


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("ok", ANYTHING_ELSE),
        ("Okay.", ANYTHING_ELSE),
        ("cool", ANYTHING_ELSE),
        ("hmm", ANYTHING_ELSE),
        ("i see", ANYTHING_ELSE),
        ("got it!", ANYTHING_ELSE),
        ("yes", GO_AHEAD),
        ("yep", GO_AHEAD),
        ("no", NO_MORE),
        ("nope", NO_MORE),
        ("sorry", SORRY),
    ],
)
def test_short_replies_are_small_talk_and_keep_the_list(
    conversation: Conversation, text: str, body: str
) -> None:
    first = conversation.respond("does it hurt")
    reply = conversation.respond(text)
    assert (reply.kind, reply.body) == ("smalltalk", body)
    assert reply.text.endswith(conversation.faq.disclaimer)
    assert conversation.respond("1").id == first.options[0].id


def test_a_fresh_one_shot_conversation_has_no_menu(mini_engine: Engine) -> None:
    one_shot = Conversation(mini_engine, top=5, menu=False)
    assert "no numbered list" in one_shot.respond("2").text
    assert one_shot.respond("hi").kind == "smalltalk"
    assert len(one_shot.respond("does it hurt").suggestions) <= 5


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
    def broken(*_: object) -> Decision:
        raise RuntimeError("boom")

    monkeypatch.setattr(mini_engine, "decide", broken)
    reply = conversation.respond("does it hurt")
    assert reply.kind == "escalate"
    assert reply.text.endswith(mini_engine.faq.disclaimer)
    assert mini_engine.reply("does it hurt").kind == "escalate"
