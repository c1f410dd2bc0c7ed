"""``ims-bot list`` and ``ims-bot show``: browse the FAQ entries."""

from __future__ import annotations

import argparse
import json

from ims_bot.commands.common import engine
from ims_bot.core.faq import Entry, Faq
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, printable


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``list`` and ``show``."""
    if name == "show":
        parser.add_argument("id", help="The entry id, as ``ims-bot list`` prints it.")
    parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")


def entry_json(entry: Entry, faq: Faq) -> dict[str, object]:
    """An entry as a JSON object."""
    review = faq.review_of(entry)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "question": entry.question,
        "alternates": list(entry.alternates),
        "answer": entry.answer,
        "tags": list(entry.tags),
        "related": list(entry.related),
        "source": entry.source,
        "reviewed": {"by": review.by, "on": review.on.isoformat()} if review else None,
    }


def run(args: argparse.Namespace, env: Environment) -> int:
    """List all entries, or show one."""
    faq = engine(args, env).faq
    if args.command == "show":
        entry = faq.by_id.get(args.id)
        if entry is None:
            env.stderr.write(
                f"ims-bot: error: no entry with id '{printable(args.id)}' (see ims-bot list)\n"
            )
            return ExitStatus.USAGE
        if args.json:
            env.stdout.write(json.dumps(entry_json(entry, faq), indent=2) + "\n")
        else:
            env.stdout.write(show_text(entry, faq) + "\n")
        return ExitStatus.OK
    if args.json:
        env.stdout.write(json.dumps([entry_json(e, faq) for e in faq.entries], indent=2) + "\n")
        return ExitStatus.OK
    width = max(len(e.id) for e in faq.entries)
    for entry in faq.entries:
        marker = "handoff" if entry.kind == "handoff" else "answer "
        env.stdout.write(f"{entry.id:<{width}}  {marker}  {entry.question}\n")
    return ExitStatus.OK


def show_text(entry: Entry, faq: Faq) -> str:
    """One entry in full, as plain text."""
    review = faq.review_of(entry)
    lines = [
        f"{entry.id} ({entry.kind})",
        f"Q: {entry.question}",
        "",
        entry.answer,
        "",
        "Also asked as:",
        *(f"  - {alternate}" for alternate in entry.alternates),
    ]
    if entry.related:
        lines.append("Related: " + ", ".join(entry.related))
    if entry.tags:
        lines.append("Tags: " + ", ".join(entry.tags))
    if entry.source:
        lines.append(f"Source: {entry.source}")
    if review:
        lines.append(f"Reviewed: {review.on.isoformat()} by {review.by}")
    return "\n".join(lines)
