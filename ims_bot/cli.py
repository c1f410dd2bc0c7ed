"""Command line: parse arguments, load the FAQ, dispatch to a command, map errors to exits.

Each command lives in ``ims_bot.commands.<module>`` with ``add_arguments(parser)`` and
``run(args, env) -> int``; command modules import their heavy dependencies inside
``run``, so ``ask`` never loads prompt-toolkit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

from ims_bot import __version__
from ims_bot.env import Environment
from ims_bot.errorlog import error_log, log
from ims_bot.errors import MEANINGS, ExitStatus, FileError, ImsBotError, Terminated, printable

COMMANDS = (
    ("chat", "chat", "Chat interactively (the default command)."),
    ("kiosk", "kiosk", "Run the locked-down, self-resetting chat for a waiting-room terminal."),
    ("ask", "ask", "Answer questions once, for staff; reads standard input when none are given."),
    ("desk", "desk", "Look answers up as you type, full screen, for staff on a phone call."),
    ("list", "browse", "List every FAQ entry with its id."),
    ("show", "browse", "Show one FAQ entry in full."),
    ("check", "check", "Validate and lint the FAQ file."),
    ("report", "report", "Report the questions that went unanswered, for curators."),
    ("test", "test", "Run scripted dialogues and report each turn (JUnit XML, JSON)."),
)


ENVIRONMENT = (
    ("IMS_BOT_FAQ", "the FAQ file to use, as --faq"),
    ("IMS_BOT_LOG", "the unanswered-question log, as --log"),
    ("IMS_BOT_KIOSK_EXIT", "the staff passphrase that ends the kiosk (none: no way out)"),
    ("IMS_BOT_CACHE", "off: do not keep prepared engines"),
    ("NO_COLOR", "when set and not empty: no colour"),
    ("XDG_STATE_HOME", "logs go to $XDG_STATE_HOME/ims-bot (default ~/.local/state/ims-bot)"),
    ("XDG_CACHE_HOME", "prepared engines go to $XDG_CACHE_HOME/ims-bot (default ~/.cache/ims-bot)"),
)
"""The variables ims-bot reads, for ``--help``; relative ``XDG_*`` values are ignored."""


def epilog() -> str:
    """The end of ``--help``: environment variables and exit statuses."""
    variables = "\n".join(f"  {name:<20}{meaning}" for name, meaning in ENVIRONMENT)
    statuses = "\n".join(f"  {int(status):<5}{meaning}" for status, meaning in MEANINGS.items())
    return (
        f"environment:\n{variables}\n  (relative XDG_* paths are ignored)\n\n"
        f"exit status:\n{statuses}\n\n"
        "Internal errors are written, with their details, to the error log\n"
        "$XDG_STATE_HOME/ims-bot/errors.log, never to the screen."
    )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors end with a pointer to ``--help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {printable(message)} (see --help)\n")


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just those commands import their options.

    Every command is listed in ``--help`` either way; importing only the command being
    run keeps start-up cheap (``ask`` never loads the chat's or the kiosk's modules).
    """
    common = _Parser(add_help=False)
    common.add_argument(
        "--faq",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="Use this FAQ file instead of the shipped one (also IMS_BOT_FAQ).",
    )
    parser = _Parser(
        prog="ims-bot",
        description="Answers patients' questions about Intramuscular Stimulation (IMS) "
        "from a curated FAQ, and hands what it cannot answer to a physiotherapist.",
        parents=[common],
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="store_true", help="Show the version and the FAQ's content hash."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module, summary in COMMANDS:
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(module=module)
        if only is None or name in only:
            importlib.import_module(f"ims_bot.commands.{module}").add_arguments(sub, name)
    return parser


def version_text(args: argparse.Namespace, env: Environment) -> str:
    """The package version, plus the FAQ's content hash and review date when it loads."""
    from ims_bot.commands.common import engine

    try:
        faq = engine(args, env).faq
    except FileError as exc:
        return f"ims-bot {__version__}\nFAQ: cannot be loaded ({exc})"
    reviewed = (
        f", reviewed {faq.reviewed.on.isoformat()} by {faq.reviewed.by}" if faq.reviewed else ""
    )
    return f"ims-bot {__version__}\nFAQ: {faq.path} (content {faq.content_hash}{reviewed})"


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Run ims-bot with ``argv``; returns the exit status instead of raising.

    Whatever goes wrong inside, the screen gets one calm line at most: an internal error
    goes with its traceback to the error log, and the exit status says which it was.
    """
    env = env or Environment.from_system()
    argv = list(sys.argv[1:] if argv is None else argv)
    with error_log(env) as log_file, sigterm_raises():
        try:
            return dispatch(argv, env)
        except ImsBotError as exc:
            env.stderr.write(f"ims-bot: error: {printable(str(exc))}\n")
            return ExitStatus.USAGE
        except KeyboardInterrupt:
            return ExitStatus.INTERRUPTED
        except Terminated:
            return ExitStatus.TERMINATED
        except BrokenPipeError:
            discard_stdout(env)
            return ExitStatus.OK
        except Exception:  # the last resort: one line, never a traceback
            log.exception("internal error in ims-bot %s", command_of(argv))
            env.stderr.write(
                f"ims-bot: internal error; the details are in {printable(str(log_file))}\n"
            )
            return ExitStatus.INTERNAL


def command_of(argv: Sequence[str]) -> str:
    """The command ``argv`` names, without the rest (which may quote a patient)."""
    names = {name for name, _, _ in COMMANDS}
    return next((word for word in argv if word in names), "chat")


def dispatch(argv: list[str], env: Environment) -> int:
    """Parse ``argv`` and run the command it names (``chat`` when it names none)."""
    names = {name for name, _, _ in COMMANDS}
    wanted = {word for word in argv if word in names} or {"chat"}
    try:
        parser = build_parser(wanted)
        args = parser.parse_args(argv)
        if args.command is None and not args.version:
            args = parser.parse_args([*argv, "chat"])
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.version:
        env.stdout.write(version_text(args, env) + "\n")
        return ExitStatus.OK
    module = importlib.import_module(f"ims_bot.commands.{args.module}")
    return int(module.run(args, env))


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``Terminated``, so clean-up code runs.

    Only the main thread may set a signal handler; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def discard_stdout(env: Environment) -> None:
    """Point a broken standard output at /dev/null, so Python's last flush stays quiet."""
    if env.stdout is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        return
