"""Fit the shipped confidence models (``ims_bot/core/calibration.json``) on development data.

Development data only: the ``val`` split of each benchmark in ``../shared/benchmarks/``
(its FAQ converted by ``bench/convert.py``) and the development eval sets
``tests/eval/*.yaml`` against the shipped FAQ (urgent questions left out: the triage
answers them before matching). A query is labelled right when its best entry is one
of its acceptable entries; an out-of-scope query never is. The ``test`` splits are
only measured and reported, never used to choose anything.

Weighting: the five sources (four benchmarks, and the IMS eval sets pooled as one) each
carry the same total weight, so CLINC150's 3,100 queries count no more than the ~1,100
IMS ones or SOFMattress's 198. The weights are used for the fit, the thresholds and the
pooled figures.

Two logistic models (scikit-learn, standardised features) are fitted: ``right``,
P(best entry is right), and ``among``, P(the right entry is among the ``OPTIONS`` best).
The answer thresholds are the lowest ``right`` probabilities whose weighted development
wrong-answer rate (answered wrong or out of scope, over all queries) is at most each
target; the clarify threshold is ``CLARIFY_AT`` on ``among``: options are offered when
the right entry is more likely than not among them. Usage::

    python bench/calibrate.py            # fit, write the JSON, print the figures
    python bench/calibrate.py --dry-run  # fit and print only
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from reliability import (
    BENCHMARK_FILES,
    ROOT,
    Observation,
    benchmark_split,
    ece,
    eval_sets,
    observe,
)
from sklearn.linear_model import LogisticRegression

from ims_bot.core.confidence import CALIBRATION_FILE, Calibrator, Features

OUTPUT = ROOT / "ims_bot" / "core" / CALIBRATION_FILE
OPTIONS = 3
TARGETS = (0.005, 0.01, 0.02, 0.03, 0.05)
CLARIFY_AT = 0.5
REGULARISATION = 1.0
"""scikit-learn's C: the inverse strength of the L2 penalty on the standardised weights."""
IMS = "ims-eval"


def sources() -> dict[str, list[Observation]]:
    """The labelled development observations of each source."""
    found = {}
    for name in BENCHMARK_FILES:
        index, queries = benchmark_split(name, "val")
        found[name] = observe(index, queries, OPTIONS)
    index, sets = eval_sets()
    found[IMS] = [o for queries in sets.values() for o in observe(index, queries, OPTIONS)]
    return found


def source_weights(found: dict[str, list[Observation]]) -> dict[str, float]:
    """The per-query weight of each source: equal totals, mean weight 1."""
    total = sum(len(items) for items in found.values())
    return {name: total / (len(found) * len(items)) for name, items in found.items()}


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray
) -> tuple[Calibrator, dict[str, list[float] | float]]:
    """A weighted logistic fit on standardised features, and its JSON form."""
    means = np.average(x, axis=0, weights=w)
    scales = np.sqrt(np.average((x - means) ** 2, axis=0, weights=w))
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit((x - means) / scales, y, sample_weight=w)
    form: dict[str, list[float] | float] = {
        "means": [round(float(v), 6) for v in means],
        "scales": [round(float(v), 6) for v in scales],
        "weights": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }
    calibrator = Calibrator(
        tuple(form["means"]),  # type: ignore[arg-type]
        tuple(form["scales"]),  # type: ignore[arg-type]
        tuple(form["weights"]),  # type: ignore[arg-type]
        float(form["intercept"]),  # type: ignore[arg-type]
    )
    return calibrator, form


def figures(
    p: Sequence[float], y: Sequence[bool], w: Sequence[float] | None = None
) -> dict[str, float]:
    """Log loss, Brier score and ECE (10 equal-width bins), weighted if ``w``."""
    weights = list(w) if w is not None else [1.0] * len(y)
    total = sum(weights)
    eps = 1e-12
    loss = -sum(
        wi * (math.log(max(pi, eps)) if yi else math.log(max(1 - pi, eps)))
        for pi, yi, wi in zip(p, y, weights, strict=True)
    )
    brier = sum(wi * (pi - yi) ** 2 for pi, yi, wi in zip(p, y, weights, strict=True))
    return {
        "n": len(y),
        "log_loss": round(loss / total, 4),
        "brier": round(brier / total, 4),
        "ece": round(ece(p, y, weights), 4),
    }


def answered(
    p: Sequence[float], observations: Sequence[Observation], threshold: float
) -> dict[str, float]:
    """In-scope answered right and wrong answers (of all queries), in percent, at ``threshold``."""
    inside = sum(o.in_scope for o in observations)
    right = sum(1 for pi, o in zip(p, observations, strict=True) if pi >= threshold and o.right)
    wrong = sum(1 for pi, o in zip(p, observations, strict=True) if pi >= threshold and not o.right)
    return {
        "in_scope_right_pct": round(100 * right / max(inside, 1), 1),
        "wrong_pct": round(100 * wrong / len(observations), 1),
    }


def thresholds(p: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict[str, float]:
    """Each target wrong-answer rate -> the lowest P whose weighted wrong rate is at most it.

    Lowering the threshold only adds answers, so the wrong rate (over all queries) never
    falls as it does: the scan stops at the first threshold over the target.
    """
    order = np.argsort(-p, kind="stable")
    wrong = np.cumsum(w[order] * (1 - y[order])) / w.sum()
    table = {}
    for target in TARGETS:
        chosen = 1.0
        for i, index in enumerate(order):
            if wrong[i] > target:
                break
            if i + 1 == len(order) or p[order[i + 1]] < p[index]:
                chosen = float(p[index])
        table[str(target)] = round(chosen, 4)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures only")
    args = parser.parse_args()
    found = sources()
    per_query = source_weights(found)
    names = Features.names()
    pooled = [(name, o) for name, items in found.items() for o in items]
    x = np.array([o.features.vector() for _, o in pooled])
    w = np.array([per_query[name] for name, _ in pooled])
    y_right = np.array([o.right for _, o in pooled], dtype=float)
    y_among = np.array([o.among for _, o in pooled], dtype=float)
    right, right_form = fit(x, y_right, w)
    among, among_form = fit(x, y_among, w)
    p_right = np.array([right.probability(o.features) for _, o in pooled])
    p_among = [among.probability(o.features) for _, o in pooled]
    answer_at = thresholds(p_right, y_right, w)
    at_two = answer_at["0.02"]

    fitted: dict[str, object] = {
        "pooled (weighted)": figures(list(p_right), list(y_right.astype(bool)), list(w))
    }
    for name, items in found.items():
        p = [right.probability(o.features) for o in items]
        fitted[name] = {
            **figures(p, [o.right for o in items]),
            **answered(p, items, at_two),
        }
    tests: dict[str, object] = {}
    for name in BENCHMARK_FILES:
        index, queries = benchmark_split(name, "test")
        items = observe(index, queries, OPTIONS)
        p = [right.probability(o.features) for o in items]
        tests[name] = {
            **figures(p, [o.right for o in items]),
            **answered(p, items, at_two),
            "by_target": {rate: answered(p, items, t) for rate, t in answer_at.items()},
        }
    clarified = [
        (pa, o) for (_, o), pa, pr in zip(pooled, p_among, p_right, strict=True) if pr < at_two
    ]
    offered = [o for pa, o in clarified if pa >= CLARIFY_AT]
    document = {
        "features": list(names),
        "models": {"right": right_form, "among": among_form},
        "answer_at": answer_at,
        "clarify_at": CLARIFY_AT,
        "options": OPTIONS,
        "notes": (
            "Fitted by bench/calibrate.py. right: logistic P(best entry is right); among: "
            f"logistic P(right entry among the best {OPTIONS}). answer_at: target "
            "development wrong-answer rate (answered wrong or out of scope, over all "
            "queries, weighted) -> lowest right-P answered. clarify_at: among-P from which "
            "options are offered when the answer threshold is not reached."
        ),
        "data": {
            "sources": {
                name: {"queries": len(items), "weight_per_query": round(per_query[name], 4)}
                for name, items in found.items()
            },
            "files": [f"../shared/benchmarks/{name} (val)" for name in BENCHMARK_FILES]
            + ["tests/eval/*.yaml against data/faq.yaml (urgent questions left out)"],
            "weighting": "each source the same total weight; the IMS eval sets pooled as one",
            "regularisation_C": REGULARISATION,
        },
        "figures": {
            "fit": fitted,
            "among_fit": figures(p_among, list(y_among.astype(bool)), list(w)),
            "clarify_at_0.02": {
                "below_answer_threshold": len(clarified),
                "offered_options": len(offered),
                "right_among_offered_pct": round(
                    100 * sum(o.among for o in offered) / max(len(offered), 1), 1
                ),
            },
            "test": tests,
            "answered_at": "the answer_at threshold for a 0.02 development wrong rate",
        },
    }
    print(json.dumps({k: document[k] for k in ("answer_at", "figures")}, indent=1))
    print(dict(zip(names, right_form["weights"], strict=True)))  # type: ignore[arg-type]
    if not args.dry_run:
        Path(OUTPUT).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
