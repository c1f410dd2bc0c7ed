"""``ims-bot kiosk``: the locked-down chat for a public waiting-room terminal."""

from __future__ import annotations

import argparse
import io
import logging
from pathlib import Path

from ims_bot.commands.common import load, positive
from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.triage import load_word_lists_in_background
from ims_bot.env import Environment
from ims_bot.errors import ImsBotError
from ims_bot.unanswered import add_log_argument, open_log

DEFAULT_IDLE = 90.0

log = logging.getLogger("ims_bot")


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``kiosk``."""
    parser.add_argument(
        "--idle",
        type=positive,
        default=DEFAULT_IDLE,
        metavar="SECONDS",
        help="Start over for the next person after this many seconds without a key press "
        f"(default {DEFAULT_IDLE:g}).",
    )
    parser.add_argument(
        "--plain", action="store_true", help="Plain text: no colour, no boxes (also NO_COLOR)."
    )
    add_log_argument(parser)


class ErrorLogStream(io.StringIO):
    """A text stream whose lines go to the error log: warnings must not reach a patient's screen."""

    def write(self, text: str) -> int:
        if text.strip():
            log.warning("%s", text.strip())
        return len(text)


def run(args: argparse.Namespace, env: Environment) -> int:
    """Run the kiosk until SIGTERM, SIGHUP, the staff passphrase or the end of input.

    Its internal errors and warnings go to the error log that ``cli.main`` sets up for
    every command.
    """
    faq = load(args, env)
    if not (env.stdin_isatty and env.stdout_isatty):
        raise ImsBotError("kiosk needs a terminal for its input and output")
    env.stdout.write(f"FAQ: {Path(faq.path).resolve()}\n")
    from ims_bot.ui.kiosk import Display, Kiosk, handle_signals, passphrase_from, quiet_terminal
    from ims_bot.ui.session import make_session

    logbook = open_log(args, env.with_stderr(ErrorLogStream()), "kiosk", default_on=True)
    load_word_lists_in_background()
    kiosk = Kiosk(
        Conversation(Engine(faq)),
        make_session(faq, kiosk=True),
        Display(env, plain=args.plain or env.no_color),
        idle=args.idle,
        passphrase=passphrase_from(env.environ),
        record=logbook.record,
    )
    try:
        with handle_signals(kiosk.stop), quiet_terminal(env.stdin):
            return kiosk.run()
    finally:
        logbook.close()
