"""Matching quality on the public benchmarks: the product against simple matchers.

For each benchmark in ``../shared/benchmarks/`` (see its README) the FAQ is converted
to a faq.yaml (``bench/convert.py``), loaded and indexed through the package's own API,
and every ``val`` and ``test`` query is answered at the product's default settings, and
again with its ``wrong_rate`` setting at 2 % (deciding from the calibrated probability).
The calibrated confidence (``ims_bot/core/calibration.json``, fitted by
``bench/calibrate.py`` on development data only) is also scored alone: answering when
P(best entry is right) reaches the threshold for a 2 % development wrong-answer rate,
offering options when P(right entry among the options) reaches the clarify threshold,
escalating otherwise; for each ``test`` split its expected calibration error (10
equal-width bins) is printed and a reliability diagram written to ``docs/figures/``.
In the same run, on the same strings, simple matchers are scored with the lowest
threshold whose ``val`` wrong-answer rate is at most 5%: difflib ratio, rapidfuzz WRatio
and token_set_ratio (max over an entry's examples) and TF-IDF word+char n-grams
(scikit-learn, from the ``bench`` extra). Usage::

    python bench/quality.py                 # print the tables
    python bench/quality.py --write docs/matching.md

difflib is skipped on FAQs of more than ``--difflib-max`` examples (CLINC150 takes about
35 minutes); its figures there are in the benchmarks' ``baselines.md``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from convert import faq_yaml
from rapidfuzz import fuzz, process
from reliability import Observation, diagram, ece, observe
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from ims_bot.core.confidence import Calibration, shipped
from ims_bot.core.engine import Engine
from ims_bot.core.index import MatchIndex
from ims_bot.core.loader import parse_faq

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
FILES = (
    "hint3/hint3_sofmattress.json",
    "hint3/hint3_curekart.json",
    "covid-q/covidq_classes.json",
    "clinc150/clinc150_full.json",
)
WRONG_CAP = 0.05
BEGIN = "<!-- quality:begin -->"
END = "<!-- quality:end -->"
COMMAND = "python bench/quality.py --write docs/matching.md"
FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"
CALIBRATED_RATE = 0.02
"""The development wrong-answer rate of the calibrated rows: the product with the
``wrong_rate`` setting, and the calibrated model alone (its answer threshold)."""
WRONG_PICK = ""
"""The pick of an answered query whose best entry is not its own (no entry id is empty)."""


@dataclass(frozen=True)
class Query:
    """A benchmark query and its entry (None: out of scope)."""

    text: str
    id: str | None


@dataclass(frozen=True)
class Figures:
    """One matcher's results on one split, in percent (AUROC 0-1, latency in us)."""

    name: str
    threshold: str
    in_acc: float
    oos_rec: float
    wrong: float
    clarify: float
    auroc: float
    p50_us: float


def simple(text: str) -> str:
    """The normalisation every simple matcher sees: lower case, words only."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def auroc(in_scope: Sequence[float], out_of_scope: Sequence[float]) -> float:
    """Probability that an in-scope query's top score beats an out-of-scope one's."""
    if not in_scope or not out_of_scope:
        return float("nan")
    scores = np.array([*in_scope, *out_of_scope])
    order = scores.argsort(kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n_in = len(in_scope)
    u = ranks[:n_in].sum() - n_in * (n_in + 1) / 2
    return float(u / (n_in * len(out_of_scope)))


def rates(queries: Sequence[Query], picks: Sequence[str | None]) -> tuple[float, float, float]:
    """In-scope accuracy, out-of-scope recall and wrong-answer rate, in percent."""
    inside = [q for q in queries if q.id is not None]
    right = sum(1 for q, p in zip(queries, picks, strict=True) if q.id is not None and p == q.id)
    escalated = sum(1 for q, p in zip(queries, picks, strict=True) if q.id is None and p is None)
    wrong = sum(1 for q, p in zip(queries, picks, strict=True) if p is not None and p != q.id)
    outside = len(queries) - len(inside)
    return (
        100 * right / max(len(inside), 1),
        100 * escalated / max(outside, 1),
        100 * wrong / len(queries),
    )


def product(faq_text: str, queries: Sequence[Query], wrong_rate: float = 0.0) -> Figures:
    """The product at its default settings, or deciding from the calibrated probability
    at target ``wrong_rate`` (the ``wrong_rate`` setting)."""
    faq = parse_faq(faq_text, "benchmark.yaml")
    engine = Engine(faq._replace(settings=faq.settings._replace(wrong_rate=wrong_rate)))
    picks: list[str | None] = []
    tops: list[float] = []
    clarified = 0
    times: list[float] = []
    for query in queries:
        start = time.perf_counter()
        decision = engine.decide(query.text)
        times.append(time.perf_counter() - start)
        answered = decision.kind in ("answer", "handoff") and decision.entry is not None
        picks.append(decision.entry.id if answered and decision.entry else None)
        clarified += decision.kind == "clarify"
        tops.append(decision.candidates[0].score if decision.candidates else 0.0)
    in_acc, oos_rec, wrong = rates(queries, picks)
    return Figures(
        f"ims-bot (wrong_rate {wrong_rate:g})" if wrong_rate else "ims-bot (defaults)",
        "calibrated" if wrong_rate else "defaults",
        in_acc,
        oos_rec,
        wrong,
        100 * clarified / len(queries),
        auroc(
            [t for t, q in zip(tops, queries, strict=True) if q.id is not None],
            [t for t, q in zip(tops, queries, strict=True) if q.id is None],
        ),
        1e6 * statistics.median(times),
    )


def calibrated(
    index: MatchIndex, queries: Sequence[Query], calibration: Calibration
) -> tuple[Figures, list[Observation], list[float]]:
    """The calibrated decision: answer at P >= the 2 % threshold, else options when the
    right entry is likely among them, else escalate; with each query's observation and P."""
    threshold = calibration.answer_at[CALIBRATED_RATE]
    labelled = [(q.text, frozenset() if q.id is None else frozenset({q.id})) for q in queries]
    times: list[float] = []
    observations: list[Observation] = []
    for text, ids in labelled:
        start = time.perf_counter()
        observations += observe(index, [(text, ids)], calibration.options)
        times.append(time.perf_counter() - start)
    ps = [calibration.right.probability(o.features) for o in observations]
    chosen = [
        (q.id if o.right else WRONG_PICK) if p >= threshold else None
        for q, o, p in zip(queries, observations, ps, strict=True)
    ]
    clarified = sum(
        1
        for o, p in zip(observations, ps, strict=True)
        if p < threshold and calibration.among.probability(o.features) >= calibration.clarify_at
    )
    in_acc, oos_rec, wrong = rates(queries, chosen)
    figures = Figures(
        "ims-bot (calibrated P)",
        f"{threshold:.4g}",
        in_acc,
        oos_rec,
        wrong,
        100 * clarified / len(queries),
        auroc(
            [p for p, q in zip(ps, queries, strict=True) if q.id is not None],
            [p for p, q in zip(ps, queries, strict=True) if q.id is None],
        ),
        1e6 * statistics.median(times),
    )
    return figures, observations, ps


Matcher = Callable[[str], tuple[str, float]]


def examples_of(faq: list[dict[str, object]]) -> tuple[list[str], list[str]]:
    """Every example question, normalised, with its entry id."""
    texts: list[str] = []
    owners: list[str] = []
    for item in faq:
        for question in item["questions"]:  # type: ignore[union-attr]
            texts.append(simple(str(question)))
            owners.append(str(item["id"]))
    return texts, owners


def fuzzy_matcher(faq: list[dict[str, object]], scorer: Callable[..., float]) -> Matcher:
    """Best example by a rapidfuzz scorer (ties: file order)."""
    texts, owners = examples_of(faq)

    def match(query: str) -> tuple[str, float]:
        best = process.extractOne(simple(query), texts, scorer=scorer, processor=None)
        return (owners[best[2]], float(best[1])) if best else ("", 0.0)

    return match


def difflib_matcher(faq: list[dict[str, object]]) -> Matcher:
    """Best example by ``SequenceMatcher.ratio``, visiting examples by their quick bound."""
    texts, owners = examples_of(faq)

    def match(query: str) -> tuple[str, float]:
        text = simple(query)
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(text)
        bounds = []
        for index, example in enumerate(texts):
            matcher.set_seq1(example)
            bounds.append((matcher.quick_ratio(), index))
        bounds.sort(key=lambda item: (-item[0], item[1]))
        best, best_index = -1.0, 0
        for bound, index in bounds:
            if bound <= best:
                break
            matcher.set_seq1(texts[index])
            ratio = matcher.ratio()
            if ratio > best or (ratio == best and index < best_index):
                best, best_index = ratio, index
        return owners[best_index], best

    return match


def tfidf_matcher(faq: list[dict[str, object]]) -> Matcher:
    """Best example by cosine of TF-IDF word 1-2-grams and char_wb 3-5-grams."""
    texts, owners = examples_of(faq)
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr() / np.sqrt(2)

    def match(query: str) -> tuple[str, float]:
        text = [simple(query)]
        vector = hstack([word.transform(text), char.transform(text)]).tocsr() / np.sqrt(2)
        scores = (matrix @ vector.T).toarray().ravel()
        index = int(scores.argmax())
        return owners[index], float(scores[index])

    return match


def scored(matcher: Matcher, queries: Sequence[Query]) -> tuple[list[tuple[str, float]], float]:
    """Each query's best entry and score, and the median time per query in us."""
    results, times = [], []
    for query in queries:
        start = time.perf_counter()
        results.append(matcher(query.text))
        times.append(time.perf_counter() - start)
    return results, 1e6 * statistics.median(times)


def safety_threshold(val: Sequence[Query], results: Sequence[tuple[str, float]]) -> float:
    """The lowest threshold whose val wrong-answer rate is at most 5% (inf: none)."""
    for threshold in sorted({score for _, score in results}):
        picks = [entry if score >= threshold else None for entry, score in results]
        if rates(val, picks)[2] <= 100 * WRONG_CAP:
            return threshold
    return float("inf")


def baseline(
    name: str, matcher: Matcher, val: Sequence[Query], test: Sequence[Query]
) -> tuple[Figures, Figures]:
    """A simple matcher's val and test figures at its val safety threshold."""
    figures = []
    val_results, _ = scored(matcher, val)
    threshold = safety_threshold(val, val_results)
    for queries, results in ((val, val_results), (test, None)):
        if results is None:
            results, p50 = scored(matcher, queries)
        else:
            p50 = float("nan")
        picks = [entry if score >= threshold else None for entry, score in results]
        in_acc, oos_rec, wrong = rates(queries, picks)
        tops = [score for _, score in results]
        figures.append(
            Figures(
                name,
                "none" if threshold == float("inf") else f"{threshold:.4g}",
                in_acc,
                oos_rec,
                wrong,
                0.0,
                auroc(
                    [t for t, q in zip(tops, queries, strict=True) if q.id is not None],
                    [t for t, q in zip(tops, queries, strict=True) if q.id is None],
                ),
                p50,
            )
        )
    return figures[0], figures[1]


def table(rows: Sequence[Figures], title: str) -> list[str]:
    """A Markdown table of ``rows``."""
    lines = [
        f"**{title}**",
        "",
        "| matcher | threshold | in-acc % | oos-rec % | wrong % | clarify % | auroc | p50 us |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        p50 = "" if r.p50_us != r.p50_us else f"{r.p50_us:.0f}"
        lines.append(
            f"| {r.name} | {r.threshold} | {r.in_acc:.1f} | {r.oos_rec:.1f} | {r.wrong:.1f} "
            f"| {r.clarify:.1f} | {r.auroc:.3f} | {p50} |"
        )
    return [*lines, ""]


def benchmark(path: Path, difflib_max: int) -> list[str]:
    """The Markdown report for one benchmark file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    faq = data["faq"]
    val = [Query(q["q"], q["id"]) for q in data["val"]]
    test = [Query(q["q"], q["id"]) for q in data["test"]]
    faq_text = faq_yaml(data)
    ours_val, ours_test = product(faq_text, val), product(faq_text, test)
    rated_val = product(faq_text, val, CALIBRATED_RATE)
    rated_test = product(faq_text, test, CALIBRATED_RATE)
    calibration = shipped()
    index = MatchIndex(parse_faq(faq_text, "benchmark.yaml"))
    sure_val, _, _ = calibrated(index, val, calibration)
    sure_test, observations, ps = calibrated(index, test, calibration)
    right = [o.right for o in observations]
    figure = FIGURES / f"reliability-{path.stem}-test.svg"
    diagram(ps, right, figure, f"{path.stem} test")
    matchers: list[tuple[str, Matcher]] = []
    size = sum(len(item["questions"]) for item in faq)
    if size <= difflib_max:
        matchers.append(("difflib ratio", difflib_matcher(faq)))
    matchers += [
        ("rapidfuzz WRatio", fuzzy_matcher(faq, fuzz.WRatio)),
        ("rapidfuzz token_set_ratio", fuzzy_matcher(faq, fuzz.token_set_ratio)),
        ("TF-IDF word+char", tfidf_matcher(faq)),
    ]
    val_rows, test_rows = [ours_val, rated_val, sure_val], [ours_test, rated_test, sure_test]
    for name, matcher in matchers:
        v, t = baseline(name, matcher, val, test)
        val_rows.append(v)
        test_rows.append(t)
    relative = path.relative_to(BENCHMARKS)
    inside = sum(1 for q in test if q.id is not None)
    lines = [
        f"### {relative}",
        "",
        f"{len(faq)} entries, {size} examples; test {inside} in-scope + "
        f"{len(test) - inside} out-of-scope queries.",
        "",
    ]
    lines += table(test_rows, "test")
    lines += [
        f"Calibration on test: ECE {ece(ps, right):.3f} (10 equal-width bins); reliability "
        f"diagram `{figure.relative_to(FIGURES.parents[1])}`.",
        "",
    ]
    lines += table(val_rows, "val")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="replace the tables in this Markdown file")
    parser.add_argument("--only", help="run only benchmarks whose path contains this text")
    parser.add_argument("--difflib-max", type=int, default=2000, metavar="N")
    args = parser.parse_args()
    lines = [f"Regenerate with `{COMMAND}`.", ""]
    for name in FILES:
        if args.only and args.only not in name:
            continue
        report = benchmark(BENCHMARKS / name, args.difflib_max)
        print("\n".join(report), flush=True)
        lines += report
    if args.write:
        text = args.write.read_text(encoding="utf-8")
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        args.write.write_text(
            head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8"
        )


if __name__ == "__main__":
    main()
