"""``ims-bot list`` and ``ims-bot show``: browse the FAQ entries."""

from __future__ import annotations

import argparse
import difflib
import json

from ims_bot.commands.common import engine
from ims_bot.core.faq import Entry, Faq
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, printable
from ims_bot.ui.wrap import output_width, wrap


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``list`` and ``show``."""
    if name == "show":
        parser.add_argument("id", help="The entry id, as 'ims-bot list' prints it.")
        parser.add_argument(
            "--all", action="store_true", help="List every alternate wording, not just a count."
        )
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
            env.stderr.write(f"ims-bot: error: {unknown_id(args.id, faq)}\n")
            return ExitStatus.USAGE
        if args.json:
            env.stdout.write(json.dumps(entry_json(entry, faq), indent=2) + "\n")
        else:
            width = output_width(env.stdout_isatty, env.environ)
            env.stdout.write(wrap(show_text(entry, faq, args.all), width) + "\n")
        return ExitStatus.OK
    if args.json:
        env.stdout.write(json.dumps([entry_json(e, faq) for e in faq.entries], indent=2) + "\n")
        return ExitStatus.OK
    width = max(len(e.id) for e in faq.entries)
    for entry in faq.entries:
        marker = "handoff" if entry.kind == "handoff" else "answer "
        env.stdout.write(f"{entry.id:<{width}}  {marker}  {entry.question}\n")
    return ExitStatus.OK


def unknown_id(wanted: str, faq: Faq) -> str:
    """The error for an id that is not in the FAQ, naming the nearest ids there are."""
    ids = list(faq.by_id)
    shown = printable(wanted)
    within = [i for i in ids if wanted.casefold() in i]
    near = list(dict.fromkeys([*within, *difflib.get_close_matches(wanted, ids, cutoff=0.5)]))[:3]
    if not near:
        return f"no entry with id '{shown}' (see ims-bot list)"
    return f"no entry with id '{shown}'; did you mean: {', '.join(near)}?"


def show_text(entry: Entry, faq: Faq, every_alternate: bool = False) -> str:
    """One entry as plain text: the answer and related questions first, for reading
    aloud; the alternate wordings last, as a count unless ``every_alternate``."""
    review = faq.review_of(entry)
    lines = [f"{entry.id} ({entry.kind})", f"Q: {entry.question}", "", entry.answer]
    related = [faq.by_id[i] for i in entry.related if i in faq.by_id]
    if related:
        lines += ["", "Related questions:", *(f"  - {r.question} [{r.id}]" for r in related)]
    lines.append("")
    if entry.tags:
        lines.append("Tags: " + ", ".join(entry.tags))
    if entry.source:
        lines.append(f"Source: {entry.source}")
    if review:
        lines.append(f"Reviewed: {review.on.isoformat()} by {review.by}")
    count = len(entry.alternates)
    if every_alternate:
        lines += ["Also asked as:", *(f"  - {alternate}" for alternate in entry.alternates)]
    elif count:
        lines.append(f"Also asked as: {count} other wordings (--all lists them)")
    return "\n".join(lines).rstrip()
