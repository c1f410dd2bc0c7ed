"""Invariants that hold for any input: no exception, the disclaimer last, determinism."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.normalise import MAX_INPUT, sanitise

WORDS = st.sampled_from(
    [
        "ims",
        "does",
        "it",
        "hurt",
        "needle",
        "pregnant",
        "chest",
        "pain",
        "1",
        "0",
        "topics",
        "what",
        "is",
        "[bold]",
        "\x1b[31m",
        "\x00",
        "é",
        "🙂",
        "\u202e",
        "لماذا",
        "can't",
        "hi",
    ]
)
MESSAGES = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", errors="surrogateescape")),
)
RELAXED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(messages=st.lists(MESSAGES, min_size=1, max_size=5))
def test_every_reply_ends_with_the_disclaimer(mini_engine: Engine, messages: list[str]) -> None:
    conversation = Conversation(mini_engine)
    for message in messages:
        reply = conversation.respond(message)
        assert reply.text.endswith(mini_engine.faq.disclaimer)
        assert reply.kind in ("answer", "clarify", "escalate", "handoff", "urgent", "smalltalk")


@RELAXED
@given(message=MESSAGES)
def test_same_input_same_reply(mini_engine: Engine, message: str) -> None:
    assert mini_engine.reply(message) == mini_engine.reply(message)


@RELAXED
@given(message=MESSAGES)
def test_sanitised_text_is_safe_to_show(message: str) -> None:
    clean = sanitise(message)
    assert len(clean) <= MAX_INPUT
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in clean)
    assert "\u202e" not in clean


def test_a_megabyte_line_is_capped(mini_engine: Engine) -> None:
    reply = mini_engine.reply("does it hurt " * 100_000)
    assert len(reply.question) <= MAX_INPUT
    assert reply.text.endswith(mini_engine.faq.disclaimer)
