"""The IMS question sets (``tests/eval/*.yaml``) scored by the installed package.

For each set: in-scope questions answered right, offered the right entry first in a
clarification, answered wrong; hand-off questions handed to a right entry; off-topic
questions answered (each one a confident wrong answer); urgent questions caught. A set
whose header says "Role: held-out" is measured, never mined: its questions are not
printed (``--misses`` refuses it). To compare package versions on a held-out set in one
first measurement, run this script once per version, e.g. with ``PYTHONPATH`` set to a
checkout of each, before looking at anything. Usage::

    python bench/ims_eval.py                       # every set
    python bench/ims_eval.py tests/eval/heldout-e.yaml --json
    python bench/ims_eval.py tests/eval/questions.yaml --misses
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

from ims_bot.core.engine import Engine
from ims_bot.core.loader import load_faq

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
FAQ = ROOT / "data" / "faq.yaml"
HELD_OUT = "Role: held-out"


def held_out(path: Path) -> bool:
    """Whether the set's header says it is held-out."""
    return any(
        line.startswith("#") and HELD_OUT in line
        for line in path.read_text(encoding="utf-8").splitlines()[:12]
    )


def group_of(expect: object, kinds: dict[str, str]) -> str:
    """The group a label puts its question in."""
    if expect == "urgent":
        return "urgent"
    if expect == "escalate":
        return "off-topic"
    if isinstance(expect, list) and all(kinds[i] == "handoff" for i in expect):
        return "hand-off"
    return "in-scope"


def score(engine: Engine, path: Path) -> tuple[dict[str, int], list[str]]:
    """The counts of one set, and its misses in words."""
    kinds = {entry.id: entry.kind for entry in engine.faq.entries}
    counts: Counter[str] = Counter()
    misses = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        question, expect = str(item["q"]), item["expect"]
        decision = engine.decide(question)
        got = decision.entry.id if decision.entry else None
        group = group_of(expect, kinds)
        counts[group] += 1
        replied = decision.kind in ("answer", "handoff")
        if group == "urgent":
            right = decision.kind == "urgent"
        elif group == "off-topic":
            right = decision.kind != "answer"
            counts["off-topic answered"] += not right
        elif group == "hand-off":
            right = decision.kind == "handoff" and got in expect
            counts["hand-off answered"] += decision.kind == "answer"
        else:
            right = replied and got in expect
            counts["in-scope wrong"] += replied and not right
            first = decision.options[0].id if decision.options else None
            counts["in-scope clarified right first"] += decision.kind == "clarify" and (
                first in expect
            )
        counts[f"{group} right"] += right
        if not right:
            misses.append(f"{group}: {question!r} -> {decision.kind} {got or ''}")
    return dict(counts), misses


def summary(counts: dict[str, int]) -> str:
    """One line of figures."""

    def share(part: str, whole: str) -> str:
        total = counts.get(whole, 0)
        value = counts.get(part, 0)
        return f"{value}/{total} ({100 * value / total:.1f} %)" if total else "-"

    return (
        f"in-scope right {share('in-scope right', 'in-scope')}, "
        f"right entry first of a clarify {share('in-scope clarified right first', 'in-scope')}, "
        f"wrong {counts.get('in-scope wrong', 0)}; "
        f"hand-off right {share('hand-off right', 'hand-off')} "
        f"(answered {counts.get('hand-off answered', 0)}); "
        f"off-topic answered {counts.get('off-topic answered', 0)}/{counts.get('off-topic', 0)}; "
        f"urgent {share('urgent right', 'urgent')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="Sets to score (default: all).")
    parser.add_argument("--faq", type=Path, default=FAQ, help="The FAQ (default: the shipped one).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object per set.")
    parser.add_argument("--misses", action="store_true", help="List a development set's misses.")
    args = parser.parse_args()
    paths = args.sets or sorted(EVAL.glob("*.yaml"))
    if args.misses and any(held_out(path) for path in paths):
        sys.exit("--misses is refused on a held-out set: its questions are measured, never mined")
    engine = Engine(load_faq(args.faq))
    for path in paths:
        counts, misses = score(engine, path)
        role = "held-out" if held_out(path) else "development"
        if args.json:
            print(json.dumps({"set": path.name, "role": role, **counts}))
        else:
            print(f"{path.name} ({role}): {summary(counts)}")
        if args.misses:
            print("\n".join(f"  {miss}" for miss in misses))


if __name__ == "__main__":
    main()
