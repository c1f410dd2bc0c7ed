"""Command line: parse arguments, load the FAQ, dispatch to a command, map errors to exits.

Each command lives in ``ims_bot.commands.<module>`` with ``add_arguments(parser)`` and
``run(args, env) -> int``; command modules import their heavy dependencies inside
``run``, so ``ask`` never loads prompt-toolkit.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Collection, Sequence

from ims_bot import __version__
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, FileError, ImsBotError

COMMANDS = (
    ("chat", "chat", "Chat interactively (the default command)."),
    ("kiosk", "kiosk", "Run the locked-down, self-resetting chat for a waiting-room terminal."),
    ("ask", "ask", "Answer questions once, for staff; reads standard input when none are given."),
    ("desk", "desk", "Look answers up as you type, full screen, for staff on a phone call."),
    ("list", "browse", "List every FAQ entry with its id."),
    ("show", "browse", "Show one FAQ entry in full."),
    ("check", "check", "Validate and lint the FAQ file."),
    ("report", "report", "Report the questions that went unanswered, for curators."),
    ("test", "dialogues", "Run scripted dialogues and report each turn (JUnit XML, JSON)."),
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors end with a pointer to ``--help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just those commands import their options.

    Every command is listed in ``--help`` either way; importing only the command being
    run keeps start-up cheap (``ask`` never loads the chat's or the kiosk's modules).
    """
    common = argparse.ArgumentParser(add_help=False)
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
    """Run ims-bot with ``argv``; returns the exit status instead of raising."""
    env = env or Environment.from_system()
    argv = list(sys.argv[1:] if argv is None else argv)
    names = {name for name, _, _ in COMMANDS}
    wanted = {word for word in argv if word in names} or {"chat"}
    try:
        parser = build_parser(wanted)
        args = parser.parse_args(argv)
        if args.command is None and not args.version:
            args = parser.parse_args([*argv, "chat"])
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.version:
            env.stdout.write(version_text(args, env) + "\n")
            return ExitStatus.OK
        module = importlib.import_module(f"ims_bot.commands.{args.module}")
        return int(module.run(args, env))
    except ImsBotError as exc:
        env.stderr.write(f"ims-bot: error: {exc}\n")
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitStatus.OK
    except Exception as exc:  # the last resort: one line, never a traceback
        env.stderr.write(f"ims-bot: internal error: {type(exc).__name__}: {exc}\n")
        return ExitStatus.FAILED
