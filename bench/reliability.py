"""Shared pieces of the calibration fit and report: labelled features, ECE, diagrams.

A query is measured with ``ims_bot.core.confidence.assess`` and labelled with whether
its best entry is right (out-of-scope queries: never) and whether the right entry is
among the first ``options`` entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from convert import faq_yaml
from ims_eval import held_out

from ims_bot.core.confidence import Calibration, Features, assess
from ims_bot.core.index import MatchIndex
from ims_bot.core.loader import load_faq, parse_faq

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
BENCHMARK_FILES = (
    "hint3/hint3_sofmattress.json",
    "hint3/hint3_curekart.json",
    "covid-q/covidq_classes.json",
    "clinc150/clinc150_full.json",
)
EVAL = ROOT / "tests" / "eval"
SHIPPED_FAQ = ROOT / "data" / "faq.yaml"
BINS = 10


@dataclass(frozen=True)
class Observation:
    """One query: its features, whether its best entry is right, whether the right entry
    is among the options, and whether it is in scope."""

    features: Features
    right: bool
    among: bool
    in_scope: bool


def observe(
    index: MatchIndex, queries: Sequence[tuple[str, frozenset[str]]], options: int
) -> list[Observation]:
    """Measure and label each (text, acceptable ids) query; no ids: out of scope."""
    observations = []
    for text, ids in queries:
        features, candidates = assess(index, text)
        best = candidates[0].entry.id if candidates else None
        shown = {c.entry.id for c in candidates[:options]}
        observations.append(Observation(features, best in ids, bool(shown & ids), bool(ids)))
    return observations


def benchmark_split(name: str, split: str) -> tuple[MatchIndex, list[tuple[str, frozenset[str]]]]:
    """The index of a benchmark's FAQ and its ``split`` queries."""
    data = json.loads((BENCHMARKS / name).read_text(encoding="utf-8"))
    index = MatchIndex(parse_faq(faq_yaml(data), "benchmark.yaml"))
    queries = [
        (str(q["q"]), frozenset() if q["id"] is None else frozenset({str(q["id"])}))
        for q in data[split]
    ]
    return index, queries


def eval_sets() -> tuple[MatchIndex, dict[str, list[tuple[str, frozenset[str]]]]]:
    """The shipped FAQ's index and the development eval sets' queries, less urgent ones
    (the safety triage answers those before any matching); held-out sets are left out."""
    index = MatchIndex(load_faq(SHIPPED_FAQ))
    sets = {}
    for path in sorted(EVAL.glob("*.yaml")):
        if held_out(path):
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets[path.name] = [
            (
                str(item["q"]),
                frozenset() if item["expect"] == "escalate" else frozenset(item["expect"]),
            )
            for item in items
            if item["expect"] != "urgent"
        ]
    return index, sets


def ece(
    probabilities: Sequence[float], labels: Sequence[bool], weights: Sequence[float] | None = None
) -> float:
    """Expected calibration error over ``BINS`` equal-width bins (weighted if ``weights``)."""
    weights = weights or [1.0] * len(labels)
    total = sum(weights)
    sums = [[0.0, 0.0, 0.0] for _ in range(BINS)]
    for p, y, w in zip(probabilities, labels, weights, strict=True):
        cell = sums[min(BINS - 1, int(p * BINS))]
        cell[0] += w
        cell[1] += w * p
        cell[2] += w * y
    return sum(abs(s[1] - s[2]) for s in sums if s[0]) / total


def bins(probabilities: Sequence[float], labels: Sequence[bool]) -> list[tuple[float, float, int]]:
    """Each non-empty bin's mean probability, observed share right and count."""
    cells: list[list[float]] = [[0.0, 0.0, 0.0] for _ in range(BINS)]
    for p, y in zip(probabilities, labels, strict=True):
        cell = cells[min(BINS - 1, int(p * BINS))]
        cell[0] += 1
        cell[1] += p
        cell[2] += y
    return [(c[1] / c[0], c[2] / c[0], int(c[0])) for c in cells if c[0]]


def diagram(probabilities: Sequence[float], labels: Sequence[bool], path: Path, title: str) -> None:
    """Write a reliability diagram (SVG): observed share right against the predicted P."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "ims-bot"
    cells = bins(probabilities, labels)
    figure, axes = plt.subplots(figsize=(4.5, 4.5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect")
    axes.plot(
        [c[0] for c in cells], [c[1] for c in cells], marker="o", color="tab:blue", label="observed"
    )
    for mean, share, count in cells:
        axes.annotate(
            str(count), (mean, share), textcoords="offset points", xytext=(4, -10), fontsize=7
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("predicted P(best entry is right)")
    axes.set_ylabel("share right")
    axes.set_title(f"{title}\nECE {ece(probabilities, labels):.3f}", fontsize=9)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={"Date": None})
    plt.close(figure)


def probabilities(calibration: Calibration, observations: Sequence[Observation]) -> list[float]:
    """The shipped model's P(best entry is right) for each observation."""
    return [calibration.right.probability(o.features) for o in observations]
