"""``ims-bot desk``: the full-screen search-as-you-type lookup for staff on a call."""

from __future__ import annotations

import argparse
import io

from ims_bot.commands.common import engine
from ims_bot.core.reply import Reply
from ims_bot.core.triage import load_word_lists_in_background
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, ImsBotError
from ims_bot.unanswered import Logbook, add_log_argument, open_log


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``desk``."""
    add_log_argument(parser)


def mark(logbook: Logbook, warnings: io.StringIO, reply: Reply) -> str:
    """Record ``reply`` as not answered; returns what to tell staff (also when it failed)."""
    logbook.record(reply)
    if not logbook.enabled or logbook.failing:
        problem = warnings.getvalue().strip().removeprefix("ims-bot: warning: ")
        return f"Not recorded: {problem or 'the unanswered-question log is off'}"
    return f"Marked not answered, for the curator's report: {reply.question}"


def run(args: argparse.Namespace, env: Environment) -> int:
    """Run the desk until Ctrl-Q or Ctrl-C; only F3 writes anything (to the log)."""
    prepared = engine(args, env)
    load_word_lists_in_background()
    if not (env.stdin_isatty and env.stdout_isatty):
        raise ImsBotError("desk needs a terminal; for piped questions use ims-bot ask")
    from ims_bot.ui.desk import Copier, DeskState, make_app

    warnings = io.StringIO()
    logbook = open_log(args, env.with_stderr(warnings), "desk", default_on=True)
    faq = prepared.faq
    app = make_app(
        DeskState(prepared),
        Copier(env.environ, terminal=True),
        lambda reply: mark(logbook, warnings, reply),
        title=f"ims-bot desk · FAQ: {faq.path} · F1 help",
    )
    try:
        app.run()
    finally:
        logbook.close()
    return ExitStatus.OK
