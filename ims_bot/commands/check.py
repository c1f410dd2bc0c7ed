"""``ims-bot check``: validate the FAQ (exit 2 when unusable) and lint it (exit 1 on errors)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from ims_bot.commands.common import faq_path, load, positive, whole
from ims_bot.core.dialogue import load_folder, unreached_entries
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.lint import Finding, Limits, lint
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``check``."""
    parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
    parser.add_argument(
        "--max-age-years",
        metavar="N",
        type=positive,
        default=Limits.review_years,
        help=f"Warn about reviews older than N years (default {Limits.review_years:g}).",
    )
    parser.add_argument(
        "--max-answer-words",
        metavar="N",
        type=whole,
        default=Limits.answer_words,
        help=f"Warn about answers longer than N words (default {Limits.answer_words}).",
    )
    parser.add_argument(
        "--dialogues",
        metavar="DIR",
        action="append",
        default=[],
        help="Warn about entries that no dialogue script in DIR reaches (repeatable).",
    )


def finding_json(faq: Faq, finding: Finding) -> dict[str, object]:
    """A finding as a JSON object."""
    return {
        "file": faq.path,
        "line": finding.line,
        "level": finding.level,
        "code": finding.code,
        "entry": finding.entry or None,
        "message": finding.message,
    }


def edited_copy(checked: Path, folder: Path) -> Path | None:
    """``data/faq.yaml`` in ``folder`` when it is another file whose content differs from
    ``checked``: a curator edited the checkout, but the installed copy was checked."""
    local = folder / "data" / "faq.yaml"
    try:
        if not local.is_file() or local.resolve() == checked.resolve():
            return None
        return local if local.read_bytes() != checked.read_bytes() else None
    except OSError:
        return None


def run(args: argparse.Namespace, env: Environment) -> int:
    """Load, lint, print ``file:line: level: message`` lines and a summary (or JSON).

    The text starts with the FAQ file checked, and warns when the current folder holds
    an edited ``data/faq.yaml`` that is not that file.
    """
    path = faq_path(args, env)
    if not args.json:
        env.stdout.write(f"FAQ: {path.resolve()}\n")
        env.stdout.flush()
    faq = load(args, env)
    edited = edited_copy(path, Path())
    if edited is not None:
        stream = env.stderr if args.json else env.stdout
        stream.write(
            f"warning: ./{edited.as_posix()} differs from the FAQ checked ({path.resolve()}); "
            "use --faq data/faq.yaml or pip install -e .\n"
        )
    limits = Limits(
        today=date.today(),
        review_years=args.max_age_years,
        answer_words=args.max_answer_words,
    )
    scripts = [script for folder in args.dialogues for script in load_folder(folder)]
    unreached = unreached_entries(faq, scripts) if args.dialogues else []
    findings = lint(Engine(faq), limits, unreached)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    phrasings = sum(len(e.phrasings) for e in faq.entries)
    if args.json:
        document = {
            "file": faq.path,
            "entries": len(faq.entries),
            "phrasings": phrasings,
            "errors": errors,
            "warnings": warnings,
            "findings": [finding_json(faq, f) for f in findings],
        }
        env.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        for finding in findings:
            env.stdout.write(f"{faq.path}:{finding.line}: {finding.level}: {finding.message}\n")
        env.stdout.write(
            f"{faq.path}: {len(faq.entries)} entries, {phrasings} phrasings, "
            f"{errors} errors, {warnings} warnings\n"
        )
    return ExitStatus.FAILED if errors else ExitStatus.OK
