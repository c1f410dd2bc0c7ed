"""Safety triage on the triage lists: recall per emergency category and false alarms.

Each folder under ``tests/triage/`` holds one set of lists (its files' headers say
whether it is *development* or *held-out*): ``emergencies.yaml`` (messages by category,
each an emergency happening now), ``ordinary.yaml`` (questions that use alarming words
but are no emergency) and ``personal.yaml`` (messages naming the writer's own situation,
each with the hand-off it calls for). Every message is answered through the product's
own ``Engine.reply``, as ``ims-bot ask --json`` does. Usage::

    python bench/triage.py                      # every set under tests/triage
    python bench/triage.py tests/triage/dev     # one set
    python bench/triage.py --misses tests/triage/dev-1   # list what was missed
    python bench/triage.py --write docs/triage.md        # regenerate its development figures

``--misses`` refuses a held-out set: its figures are reported, its messages never mined.

Figures: per category, emergencies given ``urgent`` and those given ``urgent`` or an
ordinary reply opened by the emergency line; ordinary questions given ``urgent``;
personal situations given an ordinary answer other than the one they call for (the
``children`` entry is an answer), and those given any other reply.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ims_bot.core.engine import Engine  # noqa: E402
from ims_bot.core.loader import load_faq  # noqa: E402
from ims_bot.core.reply import Reply  # noqa: E402

LISTS = ROOT / "tests" / "triage"
EMERGENCIES = ROOT / "tests" / "eval" / "emergencies.txt"
BEGIN = "<!-- dev:begin -->"
END = "<!-- dev:end -->"


@dataclass
class Figures:
    """Counts over one set of lists."""

    urgent: Counter[str] = field(default_factory=Counter)
    alerted: Counter[str] = field(default_factory=Counter)
    emergencies: Counter[str] = field(default_factory=Counter)
    ordinary: int = 0
    false_urgent: int = 0
    personal: int = 0
    personal_answered: int = 0
    personal_other: int = 0
    misses: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The figures as a Markdown table and summary lines."""
        lines = ["| category | emergencies | urgent | urgent or opened by the line |"]
        lines.append("|---|---:|---:|---:|")
        for category in sorted(self.emergencies):
            n = self.emergencies[category]
            lines.append(
                f"| {category} | {n} | {self.urgent[category]} ({_pct(self.urgent[category], n)})"
                f" | {self.alerted[category]} ({_pct(self.alerted[category], n)}) |"
            )
        total = sum(self.emergencies.values())
        urgent, alerted = sum(self.urgent.values()), sum(self.alerted.values())
        lines.append(
            f"| **all** | {total} | {urgent} ({_pct(urgent, total)})"
            f" | {alerted} ({_pct(alerted, total)}) |"
        )
        lines.append("")
        lines.append(
            f"- ordinary questions given `urgent`: {self.false_urgent} of {self.ordinary}"
            f" ({_pct(self.false_urgent, self.ordinary)})"
        )
        lines.append(
            f"- personal situations given an ordinary answer: {self.personal_answered} of"
            f" {self.personal}; given a reply other than their hand-off: {self.personal_other}"
        )
        return "\n".join(lines)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _alerted(reply: Reply) -> bool:
    return reply.kind == "urgent" or (reply.alert is not None and reply.alert["level"] == "check")


def measure(engine: Engine, folder: Path) -> Figures:
    """Answer every message of the lists in ``folder`` and count."""
    figures = Figures()
    emergencies = folder / "emergencies.yaml"
    if emergencies.is_file():
        for category, messages in yaml.safe_load(emergencies.read_text())["categories"].items():
            for text in messages:
                reply = engine.reply(text)
                figures.emergencies[category] += 1
                figures.urgent[category] += reply.kind == "urgent"
                figures.alerted[category] += _alerted(reply)
                if reply.kind != "urgent":
                    figures.misses.append(f"emergency {category}: {reply.kind}: {text}")
    ordinary = folder / "ordinary.yaml"
    if ordinary.is_file():
        for text in yaml.safe_load(ordinary.read_text())["questions"]:
            reply = engine.reply(text)
            figures.ordinary += 1
            if reply.kind == "urgent":
                figures.false_urgent += 1
                figures.misses.append(f"ordinary: urgent {reply.triage}: {text}")
    personal = folder / "personal.yaml"
    if personal.is_file():
        for item in yaml.safe_load(personal.read_text())["messages"]:
            reply = engine.reply(item["text"])
            figures.personal += 1
            if reply.kind == "answer" and reply.id != item["expect"]:
                figures.personal_answered += 1
            if reply.id != item["expect"]:
                figures.personal_other += 1
                figures.misses.append(
                    f"personal {item['expect']}: {reply.kind} {reply.id}: {item['text']}"
                )
    return figures


def held_out(folder: Path) -> bool:
    """Whether the lists in ``folder`` say in their header that they are held out."""
    return any(path.read_text().lstrip().startswith("# held-out") for path in folder.glob("*.yaml"))


def older_list(engine: Engine) -> str:
    """The line for ``tests/eval/emergencies.txt``: how many of its messages are urgent."""
    lines = EMERGENCIES.read_text().splitlines()
    messages = [line for line in lines if line and not line.startswith("#")]
    urgent = sum(engine.reply(text).kind == "urgent" for text in messages)
    return f"`tests/eval/emergencies.txt`: {urgent} of {len(messages)} urgent."


def write_development(engine: Engine, document: Path) -> None:
    """Replace the development figures in ``document`` (between its markers)."""
    parts = []
    for folder in sorted(LISTS.glob("dev-*")):
        parts.append(f"### `{folder.relative_to(ROOT)}`\n\n{measure(engine, folder).table()}")
    parts.append(older_list(engine))
    text = document.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    document.write_text(f"{head}{BEGIN}\n" + "\n\n".join(parts) + f"\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="Folders of lists (default: all).")
    parser.add_argument("--faq", type=Path, default=ROOT / "data" / "faq.yaml")
    parser.add_argument("--misses", action="store_true", help="List each message missed.")
    parser.add_argument("--write", type=Path, help="Rewrite this document's development figures.")
    args = parser.parse_args()
    engine = Engine(load_faq(args.faq))
    if args.write:
        write_development(engine, args.write)
        return
    for folder in args.sets or sorted(p for p in LISTS.iterdir() if p.is_dir()):
        if args.misses and held_out(folder):
            parser.error(f"{folder} is held out: its misses are not listed (see its header)")
        figures = measure(engine, folder)
        print(f"## {folder.relative_to(ROOT) if folder.is_absolute() else folder}\n")
        print(figures.table())
        if args.misses:
            print()
            print("\n".join(figures.misses))
        print()


if __name__ == "__main__":
    main()
