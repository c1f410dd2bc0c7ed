"""The project's own evaluation sets under ``tests/eval/``, scored at the defaults.

``questions.yaml`` is the main set; the ``independent-*.yaml`` sets were written from the
entries' questions and answers (sets A to C) or from the specification's entry table and
the source article (set D) only, never from the alternates, and show how the matcher
does on wording the FAQ was not shaped by. Each question is labelled with its acceptable
entry ids, or ``escalate`` (off-topic) or ``urgent``; a question whose ids are all
``handoff`` entries is a hand-off question. Asserted: no off-topic or urgent question given
an ordinary answer; every urgent question caught; no more in-scope questions answered with
a wrong entry, nor hand-off questions given an ordinary answer, than the set allows (no
hand-off answered on the main set); and at least the set's floor of in-scope questions
answered with an acceptable entry, and on the main set at least the product's target of
90%; each floor is the count the shipped FAQ reaches today, so any loss fails. The figures
are written to the test report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from ims_bot.core.engine import Engine

EVAL = Path(__file__).parent / "eval"
SETS = {
    "questions.yaml": (194, 2, 0),
    "independent-a.yaml": (131, 1, 0),
    "independent-b.yaml": (138, 1, 0),
    "independent-c.yaml": (135, 1, 1),
    "independent-d.yaml": (140, 0, 0),
}
"""Each set's floor of in-scope questions answered right (of 213, 150, 150, 150 and 150), its
most in-scope questions answered with a wrong entry, and its most hand-off questions given an
ordinary answer (set C: "Why do I keep getting this sharp ache under my shoulder blade, and
would IMS fix it?" is answered with shoulder-pain). The main set's two wrong entries came
with the wording added to the FAQ in one step (what-is-ims for "what kind of practitioner
gives IMS therapy?", pain-relief for "how does sticking a needle in a muscle make the pain
go away"), which answered about five more questions of every other set."""
TARGET = 0.9
"""The share of the main set's in-scope questions that must be answered right."""


@dataclass
class Score:
    """Counts per question group of one set: how many, how many right, what went wrong."""

    name: str
    total: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, group: str, line: str) -> None:
        self.failures.setdefault(group, []).append(line)

    def summary(self) -> str:
        return (
            "; ".join(
                f"{group} {self.right[group]}/{self.total[group]}"
                + (
                    f" ({100 * self.right[group] / self.total[group]:.1f}%)"
                    if self.total[group]
                    else ""
                )
                for group in ("in-scope", "hand-off", "off-topic", "urgent")
            )
            + "; "
            + ", ".join(f"{key} {len(lines)}" for key, lines in sorted(self.failures.items()))
        )


def load_questions(name: str) -> list[dict[str, object]]:
    """The labelled questions of set ``name``."""
    return yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))


def group_of(expect: object, kinds: dict[str, str]) -> str:
    """The group a label puts its question in."""
    if expect == "urgent":
        return "urgent"
    if expect == "escalate":
        return "off-topic"
    if isinstance(expect, list) and all(kinds[i] == "handoff" for i in expect):
        return "hand-off"
    return "in-scope"


@pytest.fixture(scope="module", params=sorted(SETS))
def score(shipped_engine: Engine, request: pytest.FixtureRequest) -> Score:
    """Every question of one set decided at the shipped FAQ's settings, counted and reported."""
    kinds = {entry.id: entry.kind for entry in shipped_engine.faq.entries}
    result = Score(request.param)
    for item in load_questions(request.param):
        question, expect = str(item["q"]), item["expect"]
        decision = shipped_engine.decide(question)
        got = decision.entry.id if decision.entry else None
        seen = f"{question!r} -> {decision.kind} {got or ''}"
        group = group_of(expect, kinds)
        if group == "urgent":
            right = decision.kind == "urgent"
        elif group == "off-topic":
            right = decision.kind != "answer"
        elif group == "hand-off":
            right = decision.kind == "handoff" and got in expect
            if decision.kind == "answer":
                result.fail("hand-off answered", seen)
            elif decision.kind == "handoff" and got not in expect:
                result.fail("hand-off to another entry", seen)
        else:
            right = decision.kind in ("answer", "handoff") and got in expect
            if decision.kind in ("answer", "handoff") and not right:
                result.fail("in-scope wrong entry", seen)
        result.total[group] += 1
        result.right[group] += right
        if not right and group in ("urgent", "off-topic"):
            result.fail(f"{group} missed", seen)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nIMS eval {request.param}: {result.summary()}")
    return result


@pytest.mark.parametrize("name", sorted(SETS))
def test_labels_name_real_entries(shipped_engine: Engine, name: str) -> None:
    ids = {entry.id for entry in shipped_engine.faq.entries}
    for item in load_questions(name):
        expect = item["expect"]
        assert expect in ("urgent", "escalate") or set(expect) <= ids, item


def test_the_main_set_has_the_required_size(shipped_engine: Engine) -> None:
    kinds = {entry.id: entry.kind for entry in shipped_engine.faq.entries}
    items = load_questions("questions.yaml")
    groups = Counter(group_of(item["expect"], kinds) for item in items)
    assert len(items) >= 200
    assert groups["off-topic"] >= 50
    assert groups["hand-off"] >= 30
    assert groups["urgent"] >= 15


def test_in_scope_questions_are_answered_right(score: Score) -> None:
    assert score.right["in-scope"] >= SETS[score.name][0], score.summary()


def test_the_main_set_meets_the_target(score: Score) -> None:
    if score.name == "questions.yaml":
        assert score.right["in-scope"] >= TARGET * score.total["in-scope"], score.summary()


def test_in_scope_wrong_answers_stay_rare(score: Score) -> None:
    wrong = score.failures.get("in-scope wrong entry", [])
    assert len(wrong) <= SETS[score.name][1], wrong


def test_no_off_topic_question_gets_an_answer(score: Score) -> None:
    assert not score.failures.get("off-topic missed")


def test_hand_off_questions_get_no_ordinary_answer(score: Score) -> None:
    answered = score.failures.get("hand-off answered", [])
    assert len(answered) <= SETS[score.name][2], answered


def test_every_urgent_question_is_caught(score: Score) -> None:
    assert not score.failures.get("urgent missed")
