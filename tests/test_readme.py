"""The README's ``console`` examples are what the program really prints.

Each fenced ``console`` block holds commands (``$ ims-bot ...``), each followed by the
output it prints; whitespace is compared loosely (line widths may differ) and ``...``
in the expected text stands for any text left out.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ims_bot.cli import main
from ims_bot.env import Environment

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(text: str) -> list[tuple[str, str]]:
    """Every ``$ ims-bot`` command in the README's console blocks, with its output."""
    found: list[tuple[str, str]] = []
    for block in BLOCK.findall(text):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


def pattern(expected: str) -> re.Pattern[str]:
    """The expected output as a pattern: runs of whitespace match any whitespace, and
    ``...`` any text."""
    parts = [
        r"\s+".join(re.escape(word) for word in piece.split())
        for piece in " ".join(expected.split()).split("...")
    ]
    return re.compile(r"\s*" + r".*?".join(parts) + r"\s*", re.DOTALL)


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    commands = [command for command, _ in EXAMPLES]
    assert len(commands) >= 5
    assert all(command.startswith("ims-bot ") for command in commands), commands


@pytest.mark.shipped_faq  # the README shows what the shipped FAQ answers
@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_each_example_prints_what_the_readme_shows(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = Environment(environ={})
    main(shlex.split(command)[1:], env)
    usage = capsys.readouterr()  # argparse writes its usage errors to the real streams
    printed = env.stdout.getvalue() + env.stderr.getvalue() + usage.out + usage.err  # type: ignore[attr-defined]
    assert pattern(expected).fullmatch(printed), f"$ {command}\n{printed}"


@pytest.mark.parametrize(
    ("expected", "printed", "matches"),
    [
        ("a  b\nc", "a b c\n", True),
        ("a ... d", "a b c d", True),
        ("a b", "a c", False),
        ("60.5", "61.1", False),
    ],
)
def test_the_comparison(expected: str, printed: str, matches: bool) -> None:
    assert bool(pattern(expected).fullmatch(printed)) is matches
