"""``ims-bot ask``: one-shot answers for staff, as text or one JSON object per line.

Each question goes through a fresh conversation, so small talk ("hi", "ok") gets the
same reply as in the chat; with no list shown, a bare number picks nothing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

from ims_bot.commands.common import engine, whole
from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.normalise import sanitise, unrelayed
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus
from ims_bot.ui.wrap import output_width, wrap

PROMPT = "Question: "
RANKED_KINDS = ("answer", "clarify", "escalate", "handoff")
"""The reply kinds decided from a ranking: ``--explain`` adds the calibrated probability."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``ask``."""
    parser.add_argument(
        "question",
        nargs="*",
        help="The question; none reads one per line from standard input "
        "(on a terminal, it asks for each).",
    )
    parser.add_argument(
        "--top", type=whole, default=3, metavar="N", help="Show the N best entries (default 3)."
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Show the rule that decided each reply and the figures it used "
        "(with --json, as a 'trace' field).",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="Print one JSON object per question.")
    output.add_argument(
        "--answer-only",
        action="store_true",
        help="Print only the reply and the disclaimer, for pasting: no scores, no ids.",
    )


def questions(args: argparse.Namespace, env: Environment) -> Iterator[str]:
    """The questions to answer: the arguments as one question, else each input line.

    On a terminal, each line is asked for with a prompt, until end of input (Ctrl-D).
    """
    if args.question:
        yield " ".join(args.question)
        return
    while True:
        if env.stdin_isatty:
            env.stdout.write(PROMPT)
            env.stdout.flush()
        line = env.stdin.readline()
        if not line:
            return
        if line.strip():
            yield line


def run(args: argparse.Namespace, env: Environment) -> int:
    """Answer each question; exit 0 whatever the replies are."""
    prepared = engine(args, env)
    width = output_width(env.stdout_isatty, env.environ)
    for question in questions(args, env):
        reply = Conversation(prepared, top=args.top, menu=False).respond(question)
        if args.explain and reply.kind in RANKED_KINDS:
            reply = with_probability(reply, prepared, question)
        if args.json:
            env.stdout.write(json.dumps(reply.to_json(explain=args.explain)) + "\n")
        else:
            text = answer_text(reply) if args.answer_only else render_text(reply)
            if args.explain:
                text += "\n\n" + "\n".join(reply.trace.lines())
            env.stdout.write(wrap(text, width) + "\n\n")
        env.stdout.flush()
    return ExitStatus.OK


def with_probability(reply: Reply, prepared: Engine, question: str) -> Reply:
    """``reply`` with the calibrated probability and its features added to its trace,
    measured on the question as matching reads it (without a relay's opening)."""
    from ims_bot.core.confidence import figures

    added = figures(prepared.index, unrelayed(sanitise(question)))
    return reply._replace(trace=reply.trace._replace(figures=(*reply.trace.figures, *added)))


def answer_text(reply: Reply) -> str:
    """What ``--answer-only`` prints: the answer (or referral, urgent or escalation text)
    and the disclaimer; a clarify or small talk, having no answer, as the patient sees it."""
    if reply.kind in ("answer", "handoff", "urgent", "escalate"):
        return f"{reply.body}\n\n{reply.disclaimer}"
    return reply.text


def render_text(reply: Reply) -> str:
    """The plain-text staff view: the reply, then the ranked entries with scores."""
    lines = [reply.text]
    if reply.suggestions:
        lines.append("")
        where = "" if reply.basis == "question" else f", on its {reply.basis}"
        lines.append(f"[{reply.kind}{where}] best matches:")
        lines += [f"  {s.score:5.1f}  {s.id}  ({s.question})" for s in reply.suggestions]
    else:
        lines.append("")
        lines.append(f"[{reply.kind}]")
    if reply.alert:
        lines.append(reply.triage)
    return "\n".join(lines)
