"""``ims-bot ask``: one-shot answers for staff, as text or one JSON object per line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

from ims_bot.commands.common import engine, whole
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``ask``."""
    parser.add_argument(
        "question", nargs="*", help="The question; none reads one per line from standard input."
    )
    parser.add_argument(
        "--top", type=whole, default=3, metavar="N", help="Show the N best entries (default 3)."
    )
    parser.add_argument("--json", action="store_true", help="Print one JSON object per question.")


def questions(args: argparse.Namespace, env: Environment) -> Iterator[str]:
    """The questions to answer: the arguments as one question, else each input line."""
    if args.question:
        yield " ".join(args.question)
        return
    for line in env.stdin:
        if line.strip():
            yield line


def run(args: argparse.Namespace, env: Environment) -> int:
    """Answer each question; exit 0 whatever the replies are."""
    prepared = engine(args, env)
    for question in questions(args, env):
        reply = prepared.reply(question, top=args.top)
        if args.json:
            env.stdout.write(json.dumps(reply.to_json()) + "\n")
        else:
            env.stdout.write(render_text(reply) + "\n\n")
        env.stdout.flush()
    return ExitStatus.OK


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
