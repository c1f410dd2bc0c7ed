"""Fit the shipped emergency model (``ims_bot/core/urgency.json``) on development lists.

Development data only, and every file is checked: a list whose header says it is held
out is refused.

- Emergencies: ``tests/triage/dev-*/emergencies.yaml`` (by category),
  ``tests/eval/emergencies.txt``, and the ``urgent`` questions of the development IMS sets.
- Not emergencies: ``tests/triage/dev-*/ordinary.yaml`` and ``personal.yaml`` (calm
  messages with alarming words, personal situations), every other question of the
  development IMS sets (``tests/eval/questions.yaml``, ``independent-*.yaml``), the
  shipped FAQ's questions and alternates (everyday statements such as "my knee hurts
  going up stairs", which teach the model that a complaint is not an emergency), and the
  ``val`` queries of the shared benchmarks (requests to banks, shops and assistants,
  which teach it that a short imperative is not one either).

Two sparse logistic models (scikit-learn, L1 penalty, over the words and word pairs of
``urgency.features``) are fitted: ``emergency`` (P of an emergency happening now, the two
kinds weighted equally) and, over the emergencies of the triage lists, one score per
category (one against the rest), which picks the reply when the model alone decides.
Weights are rounded to four places and zero weights dropped.

Before the fit, each development triage set with emergencies is held out in turn: the
model is fitted without it and the whole triage (signs, context and model, at the
shipped settings) is measured on it. These figures estimate how the triage does on words
it has not seen, and are stored in the file with the fit's data, with what the left-out
model did where the signs alone decide nothing for sure: how many emergencies and calm
messages the signs read as urgent its doubt (``urgency_doubt``) lowered to the emergency
line, the lowest probability it gave such an emergency, and how many calm messages with
no sign it would make urgent at each candidate ``urgency_alone`` or open by the emergency
line at each candidate ``urgency_check``. Usage::

    python bench/fit_urgency.py            # cross-validate, fit, write the JSON
    python bench/fit_urgency.py --dry-run  # cross-validate and fit, print only
"""

from __future__ import annotations

import argparse
import datetime
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from reliability import BENCHMARK_FILES, BENCHMARKS
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from triage import measure as triage_figures

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import load_faq
from ims_bot.core.triage import Triager
from ims_bot.core.urgency import MODEL_FILE, UrgencyModel, features, parse

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "ims_bot" / "core" / MODEL_FILE
TRIAGE = ROOT / "tests" / "triage"
EVAL = ROOT / "tests" / "eval"
IMS_SETS = ("questions", "independent-a", "independent-b", "independent-c", "independent-d")
EMERGENCY_C = 1.0
"""scikit-learn's C for the emergency model: the inverse strength of the L1 penalty."""
CATEGORY_C = 3.0
"""scikit-learn's C for the category scores."""
MIN_COUNT = 2
"""A feature seen in fewer development messages than this is not used."""


@dataclass
class Data:
    """Labelled development messages."""

    emergencies: list[str] = field(default_factory=list)
    categories: list[str | None] = field(default_factory=list)
    """Each emergency's category, where its list says."""
    calm: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)

    def add(self, other: Data) -> None:
        self.emergencies += other.emergencies
        self.categories += other.categories
        self.calm += other.calm
        self.sources.update(other.sources)


def _development(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    head = text.lstrip().lower()
    if head.startswith("# held-out") or "role: held-out" in head[:2000]:
        raise SystemExit(f"{path}: a held-out list may not be fitted on")
    return text


def triage_set(folder: Path) -> Data:
    """The messages of one development triage set."""
    data = Data()
    emergencies = folder / "emergencies.yaml"
    if emergencies.is_file():
        lists = yaml.safe_load(_development(emergencies))["categories"]
        for category, messages in lists.items():
            data.emergencies += messages
            data.categories += [category] * len(messages)
        data.sources[str(emergencies.relative_to(ROOT))] = len(data.emergencies)
    ordinary = folder / "ordinary.yaml"
    if ordinary.is_file():
        questions = yaml.safe_load(_development(ordinary))["questions"]
        data.calm += questions
        data.sources[str(ordinary.relative_to(ROOT))] = len(questions)
    personal = folder / "personal.yaml"
    if personal.is_file():
        messages = [item["text"] for item in yaml.safe_load(_development(personal))["messages"]]
        data.calm += messages
        data.sources[str(personal.relative_to(ROOT))] = len(messages)
    return data


def benchmark_queries() -> Data:
    """Every ``val`` query of the shared benchmarks, as calm messages: everyday requests
    to other services ("please set a timer for 45 minutes", "move $100 to savings")
    teach the model that a short imperative is no emergency. ``test`` is never read."""
    data = Data()
    for name in BENCHMARK_FILES:
        path = BENCHMARKS / name
        queries = [str(item["q"]) for item in json.loads(path.read_text(encoding="utf-8"))["val"]]
        data.calm += queries
        data.sources[f"../shared/benchmarks/{name} (val)"] = len(queries)
    return data


def other_lists(faq: Faq) -> Data:
    """The older emergency list, the development IMS question sets and ``faq``'s phrasings."""
    data = Data()
    phrasings = [phrasing for entry in faq.entries for phrasing in entry.phrasings]
    data.calm += phrasings
    data.sources["data/faq.yaml (questions and alternates)"] = len(phrasings)
    path = EVAL / "emergencies.txt"
    lines = _development(path).splitlines()
    older = [line for line in lines if line.strip() and not line.startswith("#")]
    data.emergencies += older
    data.categories += [None] * len(older)
    data.sources[str(path.relative_to(ROOT))] = len(older)
    for name in IMS_SETS:
        path = EVAL / f"{name}.yaml"
        items = yaml.safe_load(_development(path))
        urgent = [item["q"] for item in items if item.get("expect") == "urgent"]
        data.emergencies += urgent
        data.categories += [None] * len(urgent)
        data.calm += [item["q"] for item in items if item.get("expect") != "urgent"]
        data.sources[str(path.relative_to(ROOT))] = len(items)
    return data


def _sorted_features(text: str) -> list[str]:
    return sorted(features(text))


def _fit(x: list[str], y: list[object], c: float, balanced: bool) -> tuple[list, CountVectorizer]:
    vectoriser = CountVectorizer(analyzer=_sorted_features, binary=True, min_df=MIN_COUNT)
    matrix = vectoriser.fit_transform(x)
    weights: list = []
    classes = sorted(set(y), key=str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's notice about naming the penalty
        for wanted in classes if len(classes) > 2 else [True]:
            labels = [label == wanted for label in y]
            model = LogisticRegression(
                C=c,
                penalty="l1",
                solver="liblinear",
                max_iter=5000,
                random_state=0,
                class_weight="balanced" if balanced else None,
            ).fit(matrix, labels)
            weights.append((wanted, float(model.intercept_[0]), model.coef_[0]))
    return weights, vectoriser


def _linear(intercept: float, coefficients: np.ndarray, names: np.ndarray) -> dict:
    weights = {
        str(name): round(float(weight), 4)
        for name, weight in zip(names, coefficients, strict=True)
        if round(float(weight), 4) != 0.0
    }
    return {"intercept": round(intercept, 4), "weights": dict(sorted(weights.items()))}


def fit(data: Data) -> dict:
    """The model file's two parts, fitted on ``data``."""
    x = data.emergencies + data.calm
    y: list[object] = [True] * len(data.emergencies) + [False] * len(data.calm)
    [(_, intercept, coefficients)], vectoriser = _fit(x, y, EMERGENCY_C, balanced=True)
    names = vectoriser.get_feature_names_out()
    emergency = _linear(intercept, coefficients, names)
    labelled = [(t, c) for t, c in zip(data.emergencies, data.categories, strict=True) if c]
    scores, vectoriser = _fit(
        [t for t, _ in labelled], [c for _, c in labelled], CATEGORY_C, balanced=False
    )
    names = vectoriser.get_feature_names_out()
    categories = {str(c): _linear(b, w, names) for c, b, w in scores}
    return {"emergency": emergency, "categories": categories}


def measure(faq: Faq, model: UrgencyModel, folder: Path) -> dict[str, float]:
    """The triage's figures on one development set (``bench/triage.py``), asking ``model``."""
    engine = Engine(faq)
    engine.triager = Triager(
        faq.urgent, engine.index.normaliser, settings=faq.settings, model=model
    )
    found = triage_figures(engine, folder)
    emergencies = sum(found.emergencies.values())
    return {
        "emergencies": emergencies,
        "urgent": round(sum(found.urgent.values()) / emergencies, 3),
        "alerted": round(sum(found.alerted.values()) / emergencies, 3),
        "ordinary": found.ordinary,
        "false_urgent": round(found.false_urgent / found.ordinary, 3),
    }


ALONE = (0.8, 0.85, 0.9, 0.93, 0.95, 0.97)
"""Candidate values of ``urgency_alone`` whose false alarms are counted."""
CHECK = (0.2, 0.3, 0.4, 0.5)
"""Candidate values of ``urgency_check`` whose emergency lines on calm messages are counted."""


def doubt(faq: Faq, model: UrgencyModel, engine: Engine, data: Data) -> dict[str, object]:
    """Of ``data``'s messages the signs alone read as urgent in a category that may be
    doubted, those ``model`` doubts; of its calm messages with no sign, those ``model``
    would make urgent at each of ``ALONE`` or open by the line at each of ``CHECK``."""
    signs = Triager(faq.urgent, engine.index.normaliser, settings=faq.settings, model=None)
    bar = faq.settings.urgency_doubt
    found: dict[str, object] = {}
    doubtable = {category.id for category in faq.urgent.categories if category.doubt}
    calm = [(signs.scan(t), model.assess(t).probability) for t in data.calm]
    emergencies = [(signs.scan(t), model.assess(t).probability) for t in data.emergencies]
    for kind, scored in (("emergencies", emergencies), ("calm", calm)):
        read = [p for s, p in scored if s.level == "urgent" and s.category in doubtable]
        found[f"{kind}_urgent_by_signs"] = len(read)
        found[f"{kind}_doubted"] = sum(p < bar for p in read)
        if kind == "emergencies":
            found["lowest_emergency_probability"] = round(min(read, default=1.0), 4)
    levels = [(s.level, p) for s, p in calm]
    unsigned = [p for level, p in levels if level in (None, "unwell")]
    found["calm_without_sign"] = len(unsigned)
    for alone in ALONE:
        found[f"calm_urgent_by_model_at_{alone}"] = sum(p >= alone for p in unsigned)
    quiet = [p for level, p in levels if level is None]
    found["calm_without_sign_or_unwell"] = len(quiet)
    for check in CHECK:
        found[f"calm_opened_by_model_at_{check}"] = sum(p >= check for p in quiet)
    return found


def _summed(parts: list[dict[str, object]]) -> dict[str, object]:
    """The doubt figures of all sets together."""
    total: dict[str, object] = {}
    for part in parts:
        for key, value in part.items():
            if key == "lowest_emergency_probability":
                total[key] = min(float(total.get(key, 1.0)), float(value))  # type: ignore[arg-type]
            else:
                total[key] = int(total.get(key, 0)) + int(value)  # type: ignore[call-overload]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print only; write nothing")
    options = parser.parse_args()
    engine = Engine(load_faq(ROOT / "data" / "faq.yaml"))
    folders = sorted(TRIAGE.glob("dev-*"))
    sets = {folder.name: triage_set(folder) for folder in folders}
    others = other_lists(engine.faq)
    others.add(benchmark_queries())
    held_out_in_turn = {}
    doubts = []
    for name, folder in zip(sets, folders, strict=True):
        if not sets[name].emergencies:
            continue
        rest = Data()
        for other, data in sets.items():
            if other != name:
                rest.add(data)
        rest.add(others)
        left_out = parse(json.dumps(fit(rest)))
        held_out_in_turn[name] = measure(engine.faq, left_out, folder)
        doubts.append(doubt(engine.faq, left_out, engine, sets[name]))
        print(f"{name} left out of the fit: {held_out_in_turn[name]}; doubt: {doubts[-1]}")
    doubted = {"urgency_doubt": engine.faq.settings.urgency_doubt, **_summed(doubts)}
    print(f"the model's doubt, each set left out in turn: {doubted}")
    everything = Data()
    for data in sets.values():
        everything.add(data)
    everything.add(others)
    document = {
        "about": "Emergency model for the triage; fitted by bench/fit_urgency.py. Do not "
        "edit by hand: refit from the development lists.",
        "fitted": datetime.date.today().isoformat(),
        "fitted_on": everything.sources,
        "emergencies": len(everything.emergencies),
        "calm": len(everything.calm),
        "each_development_set_left_out": held_out_in_turn,
        "doubt_with_each_set_left_out": doubted,
        **fit(everything),
    }
    model = parse(json.dumps(document))
    print(
        f"fitted on {len(everything.emergencies)} emergencies and {len(everything.calm)} calm "
        f"messages: {len(model.emergency.weights)} emergency weights, "
        f"{sum(len(c.weights) for c in model.categories.values())} category weights"
    )
    if not options.dry_run:
        OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
