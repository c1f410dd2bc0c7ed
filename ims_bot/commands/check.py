"""``ims-bot check``: validate the FAQ (exit 2 when unusable) and lint it (exit 1 on errors)."""

from __future__ import annotations

import argparse

from ims_bot.commands.common import load
from ims_bot.core.engine import Engine
from ims_bot.core.lint import lint
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``check``."""


def run(args: argparse.Namespace, env: Environment) -> int:
    """Load, lint, print ``file:line: level: message`` lines and a summary."""
    faq = load(args, env)
    findings = lint(Engine(faq))
    for finding in findings:
        env.stdout.write(f"{faq.path}:{finding.line}: {finding.level}: {finding.message}\n")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    phrasings = sum(len(e.phrasings) for e in faq.entries)
    env.stdout.write(
        f"{faq.path}: {len(faq.entries)} entries, {phrasings} phrasings, "
        f"{errors} errors, {warnings} warnings\n"
    )
    return ExitStatus.FAILED if errors else ExitStatus.OK
