"""Sweep settings on development data: the benchmarks' ``val`` splits and the IMS
development sets, one ``Settings`` object per value (never a module global).

For each value: in-scope questions answered right, answers that are wrong (a wrong
entry, or any answer to an out-of-scope question) over all questions, and questions
given options, in percent. ``test`` splits and held-out sets are never read. Usage::

    python bench/sweep.py --set wrong_rate=0.01,0.02,0.03 --set min_lead=0,8
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import yaml
from convert import faq_yaml
from ims_eval import held_out
from quality import BENCHMARKS, FILES

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import load_faq, parse_faq
from ims_bot.core.settings import Settings, whole

ROOT = Path(__file__).resolve().parents[1]
Labelled = list[tuple[str, frozenset[str]]]


def development() -> dict[str, tuple[Faq, Labelled]]:
    """Each development source: its FAQ and its labelled questions (no id: out of scope)."""
    found: dict[str, tuple[Faq, Labelled]] = {}
    for name in FILES:
        data = json.loads((BENCHMARKS / name).read_text(encoding="utf-8"))
        queries = [
            (str(q["q"]), frozenset() if q["id"] is None else frozenset({str(q["id"])}))
            for q in data["val"]
        ]
        found[Path(name).stem] = (parse_faq(faq_yaml(data), "benchmark.yaml"), queries)
    ims: Labelled = []
    for path in sorted((ROOT / "tests" / "eval").glob("*.yaml")):
        if held_out(path):
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if item["expect"] != "urgent":
                expect = item["expect"]
                ims.append(
                    (str(item["q"]), frozenset() if expect == "escalate" else frozenset(expect))
                )
    found["ims-dev"] = (load_faq(ROOT / "data" / "faq.yaml"), ims)
    return found


def figures(engine: Engine, queries: Labelled) -> tuple[float, float, float]:
    """In-scope right, wrong answers and options offered, in percent."""
    right = wrong = clarified = 0
    inside = sum(1 for _, ids in queries if ids)
    for text, ids in queries:
        decision = engine.decide(text)
        clarified += decision.kind == "clarify"
        if decision.kind in ("answer", "handoff") and decision.entry is not None:
            if decision.entry.id in ids:
                right += 1
            else:
                wrong += 1
    total = len(queries)
    return 100 * right / max(inside, 1), 100 * wrong / total, 100 * clarified / total


def parse_sets(values: list[str]) -> dict[str, list[int | float]]:
    """``name=v1,v2`` pairs, checked against the settings' names."""
    known = set(Settings._fields)
    sweep: dict[str, list[int | float]] = {}
    for value in values:
        name, _, listed = value.partition("=")
        if name not in known:
            raise SystemExit(f"unknown setting {name!r} (known: {', '.join(sorted(known))})")
        kind = int if whole(name) else float
        sweep[name] = [kind(v) for v in listed.split(",")]
    return sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2")
    args = parser.parse_args()
    sweep = parse_sets(args.set)
    sources = development()
    for combination in itertools.product(*sweep.values()):
        changed = dict(zip(sweep, combination, strict=True))
        line = [", ".join(f"{k}={v:g}" for k, v in changed.items()) or "defaults"]
        for name, (faq, queries) in sources.items():
            settings = faq.settings._replace(**changed)
            right, wrong, clarified = figures(Engine(faq._replace(settings=settings)), queries)
            line.append(f"{name} {right:.1f}/{wrong:.1f}/{clarified:.0f}")
        print(" | ".join(line), flush=True)


if __name__ == "__main__":
    main()
