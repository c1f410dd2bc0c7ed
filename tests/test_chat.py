"""The interactive chat driven through prompt-toolkit's pipe input, without a terminal."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from ims_bot.commands.chat import repl
from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.ui.render import make_console, renderable, show
from ims_bot.ui.session import make_session


@pytest.fixture
def pipe() -> Iterator[object]:
    with (
        create_pipe_input() as pipe_input,
        create_app_session(input=pipe_input, output=DummyOutput()),
    ):
        yield pipe_input


def chat(engine: Engine, pipe_input, keys: str) -> list[Reply]:
    replies: list[Reply] = []
    pipe_input.send_text(keys)
    pipe_input.close()
    repl(
        Conversation(engine),
        make_session(engine.faq, input=pipe_input, output=DummyOutput()),
        replies.append,
    )
    return replies


def test_transcript_with_a_numbered_pick(mini_engine: Engine, pipe) -> None:
    replies = chat(mini_engine, pipe, "does it hurt\r2\r")
    assert [r.kind for r in replies] == ["smalltalk", "answer", "answer"]
    assert [r.id for r in replies[1:]] == ["is-ims-painful", "side-effects"]


def test_ctrl_c_clears_the_line_and_ctrl_d_ends(mini_engine: Engine, pipe) -> None:
    replies = chat(mini_engine, pipe, "what is the weath\x03does it hurt\r\x04")
    assert [r.id for r in replies[1:]] == ["is-ims-painful"]


def test_quit_ends_the_chat(mini_engine: Engine, pipe) -> None:
    replies = chat(mini_engine, pipe, "quit\rdoes it hurt\r")
    assert len(replies) == 1


def test_markup_typed_by_the_user_is_never_interpreted(mini_engine: Engine) -> None:
    out = io.StringIO()
    console = make_console(Environment(stdout=out, stdout_isatty=False), width=72)
    reply = mini_engine.reply("[bold]what is the weather[/bold] \x1b[31m")
    show(console, reply._replace(body="[bold]x[/bold] \x1b[31mred"), plain=False)
    assert "[bold]x[/bold]" in out.getvalue()
    assert "\x1b" not in out.getvalue()


def test_rich_rendering_ends_with_the_disclaimer(mini_engine: Engine) -> None:
    out = io.StringIO()
    console = make_console(Environment(stdout=out), width=72)
    console.print(renderable(mini_engine.reply("does it hurt")))
    text = out.getvalue()
    assert "typically not considered painful" in text
    assert "1) What is IMS?" in text
    assert text.rstrip().endswith("not medical advice.")


def test_plain_rendering_is_the_reply_text(mini_engine: Engine) -> None:
    out = io.StringIO()
    reply = mini_engine.reply("does it hurt")
    show(make_console(Environment(stdout=out)), reply, plain=True)
    assert out.getvalue() == reply.text + "\n\n"
