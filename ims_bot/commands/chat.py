"""``ims-bot chat``: the interactive chat, or one reply per line when input is piped."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ims_bot.commands.common import engine
from ims_bot.core.conversation import Conversation
from ims_bot.core.normalise import strip_controls
from ims_bot.core.recording import record
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, ScriptError
from ims_bot.unanswered import add_log_argument, open_log

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

ECHO = "> "
QUIT_WORDS = frozenset({"quit", "exit", ":q", "/quit", "/exit"})


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``chat``."""
    parser.add_argument(
        "--plain", action="store_true", help="Plain text: no colour, no boxes (also NO_COLOR)."
    )
    add_log_argument(parser)
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="When the chat ends, write it to FILE as a dialogue script for ims-bot test.",
    )


def transcript(
    conversation: Conversation,
    lines: Iterable[str],
    show: Callable[[Reply], None],
    echo: Callable[[str], None],
) -> None:
    """Show the start menu, then echo each non-empty line and reply to it, in order,
    through one conversation, so a piped transcript reads as the conversation it was."""
    show(conversation.menu())
    for line in lines:
        if line.strip():
            echo(ECHO + strip_controls(line).strip())
            show(conversation.respond(line))


def repl(
    conversation: Conversation, session: PromptSession[str], show: Callable[[Reply], None]
) -> None:
    """The interactive loop: Ctrl-C clears the line, Ctrl-D or ``quit`` ends the chat."""
    from ims_bot.ui.session import PROMPT

    show(conversation.menu())
    while True:
        try:
            text = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
        if text.strip().casefold() in QUIT_WORDS:
            return
        if text.strip():
            show(conversation.respond(text))


def run(args: argparse.Namespace, env: Environment) -> int:
    """Chat until end of input."""
    from ims_bot.ui.render import make_console
    from ims_bot.ui.render import show as render

    prepared = engine(args, env)
    faq = prepared.faq
    conversation = Conversation(prepared)
    plain = args.plain or env.no_color
    console = make_console(env, plain)
    logbook = open_log(args, env, mode="chat", default_on=True)
    console.out(f"FAQ: {Path(faq.path).resolve()}", style="dim")

    recorded: list[Reply] = []

    def show(reply: Reply) -> None:
        render(console, reply, plain)
        logbook.record(reply)
        if reply.question:
            recorded.append(reply)

    try:
        if not env.stdin_isatty:
            transcript(conversation, env.stdin, show, lambda text: console.out(text))
            return ExitStatus.OK
        from ims_bot.ui.session import make_session

        repl(conversation, make_session(faq), show)
        return ExitStatus.OK
    finally:
        logbook.close()
        if args.record:
            save_recording(Path(args.record), recorded, args, env)


def save_recording(
    path: Path, replies: list[Reply], args: argparse.Namespace, env: Environment
) -> None:
    """Write the chat to ``path`` as a dialogue script; a chat with no messages writes nothing."""
    if not replies:
        env.stderr.write(f"ims-bot: nothing to record, {path} not written\n")
        return
    given = getattr(args, "faq", None) or env.environ.get("IMS_BOT_FAQ")
    faq = os.path.relpath(Path(given).resolve(), path.resolve().parent) if given else None
    text = record(((r.question, r) for r in replies), f"recorded chat: {path.stem}", faq)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScriptError(str(path), None, f"cannot be written ({exc.strerror or exc})") from None
