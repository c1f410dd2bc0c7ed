"""``ims-bot chat``: the interactive chat, or one reply per line when input is piped."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ims_bot.commands.common import engine
from ims_bot.core.conversation import Conversation
from ims_bot.core.language import language
from ims_bot.core.normalise import strip_controls
from ims_bot.core.recording import record
from ims_bot.core.reply import Reply
from ims_bot.core.triage import load_word_lists_in_background
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, ScriptError, printable
from ims_bot.private import create_private, private_file
from ims_bot.unanswered import add_log_argument, open_log

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

ECHO = "> "


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``chat``."""
    parser.add_argument(
        "--plain", action="store_true", help="Plain text: no colour, no boxes (also NO_COLOR)."
    )
    add_log_argument(parser)
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="When the chat ends, write it to FILE as a dialogue script for ims-bot test "
        "(readable by you alone; FILE must not exist yet).",
    )
    parser.add_argument(
        "--force", action="store_true", help="With --record: overwrite FILE if it exists."
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
        if text.strip().casefold() in language().quit:
            return
        if text.strip():
            show(conversation.respond(text))


def run(args: argparse.Namespace, env: Environment) -> int:
    """Chat until end of input; with ``--record``, write the chat to a file at the end."""
    from ims_bot.ui.render import make_console
    from ims_bot.ui.render import show as render

    prepared = engine(args, env)
    load_word_lists_in_background()
    recording = Path(args.record) if args.record else None
    created = recording is not None and claim(recording, args.force)
    faq = prepared.faq
    conversation = Conversation(prepared)
    plain = args.plain or env.no_color
    console = make_console(env, plain)
    logbook = open_log(args, env, mode="chat", default_on=True)
    console.out(f"FAQ: {Path(faq.path).resolve()}", style="dim")

    recorded: list[Reply] = []  # kept only when recording: a long chat must not grow

    def show(reply: Reply) -> None:
        render(console, reply, plain)
        logbook.record(reply)
        if recording is not None and reply.question:
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
        if recording is not None:
            save_recording(recording, recorded, args, env, created)


def claim(path: Path, force: bool) -> bool:
    """Check before the first question that the recording can be written, and reserve it.

    A new file is created empty, ``0600``; an existing one is refused unless ``force``.
    Returns True when the file was created here (so an empty chat removes it again).
    Raises ``ScriptError`` (one line, exit 2) when it cannot be written.
    """
    if path.exists() and not force:
        raise ScriptError(str(path), None, "exists already (use --force to overwrite it)")
    if not path.parent.is_dir():
        raise ScriptError(str(path), None, f"cannot be written: no folder {path.parent}")
    try:
        existed = path.exists()
        private_file(path)
    except OSError as exc:
        raise ScriptError(str(path), None, f"cannot be written ({exc.strerror or exc})") from None
    return not existed


def save_recording(
    path: Path, replies: list[Reply], args: argparse.Namespace, env: Environment, created: bool
) -> None:
    """Write the chat to ``path`` as a dialogue script; a chat with no messages writes nothing."""
    if not replies:
        env.stderr.write(f"ims-bot: nothing to record, {printable(str(path))} not written\n")
        if created:
            path.unlink(missing_ok=True)
        return
    given = getattr(args, "faq", None) or env.environ.get("IMS_BOT_FAQ")
    faq = os.path.relpath(Path(given).resolve(), path.resolve().parent) if given else None
    text = record(((r.question, r) for r in replies), f"recorded chat: {path.stem}", faq)
    try:
        create_private(path, text, overwrite=True)
    except OSError as exc:
        raise ScriptError(str(path), None, f"cannot be written ({exc.strerror or exc})") from None
