"""A FAQ's ``weights:``: parsed and checked, applied over the language file's lists, linted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ims_bot.cli import main
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq, Weighting
from ims_bot.core.lint import Limits, lint
from ims_bot.core.loader import parse_faq
from ims_bot.core.settings import DEFAULTS
from ims_bot.env import Environment
from ims_bot.errors import FaqError

HEAD = "disclaimer: General information only.\nescalation: Please ask your physiotherapist.\n"
REPO = Path(__file__).resolve().parents[1]
TOPICS = ["knee", "shoulder", "elbow", "ankle", "wrist", "hip", "neck", "jaw", "heel", "thumb"]


def entry(id: str, question: str, alternates: list[str], kind: str = "answer") -> str:
    return (
        f"  - id: {id}\n    kind: {kind}\n    question: {question}\n"
        f"    alternates: [{', '.join(alternates)}]\n    answer: A short answer.\n"
    )


FILLER = "".join(
    entry(t, f"Can IMS help {t} pain?", [f"sore {t}", f"ims for my {t}", f"{t} ache"])
    for t in TOPICS
)
WATCH = "watch the needling appointment in the clinic treatment room"
WIFE = entry("wife", f"Can my wife {WATCH}?", ["wives at appointments"])
FRIEND = entry("friend", f"Can my friend {WATCH}?", ["friends at appointments"], "handoff")
NEAR = "settings: {handoff_window: 15}\n"
"""A hand-off window wide enough that the friend hand-off stands near the wife answer."""


def faq_of(weights: str = "", body: str = FILLER) -> Faq:
    return parse_faq(HEAD + weights + "entries:\n" + body, "faq.yaml")


def test_weights_are_read_with_their_lines() -> None:
    faq = faq_of("weights:\n  Wife: normal\n  stuff: light\n")
    assert faq.weights == (Weighting("wife", "normal", 4), Weighting("stuff", "light", 5))
    assert faq_of().weights == ()


@pytest.mark.parametrize(
    ("weights", "reason"),
    [
        ("weights: {work: heavy}", "unknown weight level 'heavy' for 'work' (known: light, "),
        ("weights: {back pain: light}", "'weights' sets a level for single words"),
        ("weights: [work]", "'weights' must be a mapping"),
    ],
)
def test_a_bad_weight_is_refused_at_its_line(weights: str, reason: str) -> None:
    with pytest.raises(FaqError) as caught:
        faq_of(weights + "\n")
    assert (caught.value.line, reason in caught.value.reason) == (3, True)


def test_a_bad_level_stops_check_with_file_line(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(HEAD + "weights: {work: heavy}\nentries:\n" + FILLER, encoding="utf-8")
    env = Environment(environ={})
    assert main(["check", "--faq", str(path)], env) == 2
    assert f"{path}:3: unknown weight level 'heavy'" in env.stderr.getvalue()  # type: ignore[attr-defined]


def test_an_override_sets_the_weight_of_a_word() -> None:
    plain = Engine(faq_of(body=FILLER + WIFE)).index
    assert plain.idf["wife"] == DEFAULTS.function_weight
    normal = Engine(faq_of("weights: {wife: normal}\n", FILLER + WIFE)).index
    assert normal.idf["wife"] > 2 * DEFAULTS.function_weight
    light = Engine(faq_of("weights: {knee: light}\n")).index
    assert light.idf["knee"] == DEFAULTS.function_weight < plain.idf["knee"]
    unknown = "is the gizmo safe"
    assert [t.weight for t in plain.read_text(unknown) if t.word == "gizmo"] == [plain.unknown_idf]
    common = Engine(faq_of("weights: {gizmo: common}\n")).index
    assert [t.weight for t in common.read_text(unknown) if t.word == "gizmo"] == [
        DEFAULTS.function_weight
    ]


def test_an_override_changes_the_ranking() -> None:
    question = f"can my wife {WATCH}"
    plain = Engine(faq_of(NEAR, FILLER + WIFE + FRIEND))
    weighed = Engine(faq_of(NEAR + "weights: {wife: normal}\n", FILLER + WIFE + FRIEND))
    assert plain.decide(question).kind == "clarify"
    assert (weighed.decide(question).kind, weighed.decide(question).entry.id) == ("answer", "wife")
    scores = [
        next(c.score for c in engine.index.search(question) if c.entry.id == "friend")
        for engine in (weighed, plain)
    ]
    assert scores[0] < scores[1]


def findings(faq: Faq, code: str) -> list[tuple[int, str]]:
    found = lint(Engine(faq), Limits(today=date(2025, 1, 1)))
    return [(f.line, f.message) for f in found if f.code == code]


def test_check_names_the_light_word_that_keeps_a_phrasing_from_its_entry() -> None:
    [(_, message)] = findings(faq_of(NEAR, FILLER + WIFE + FRIEND), "self-retrieval")
    assert message.endswith("'weights: {wife: normal}' would let it retrieve itself")
    weighed = faq_of(NEAR + "weights: {wife: normal}\n", FILLER + WIFE + FRIEND)
    assert findings(weighed, "self-retrieval") == []


def test_check_names_the_winner_when_no_word_is_to_blame() -> None:
    stolen = entry("sleep", "Will IMS help me sleep?", ["sore knee"])
    found = findings(faq_of(body=FILLER + stolen), "self-retrieval")
    [message] = [message for _, message in found if "of 'sleep'" in message]
    assert (
        "'sore knee' of 'sleep' does not retrieve it (gets clarify by the rule 'unsure'; best: "
        in message
    )
    assert "weights:" not in message


def test_check_warns_of_unused_and_needless_overrides() -> None:
    faq = faq_of("weights:\n  gizmo: normal\n  knee: normal\n  wife: light\n", FILLER + WIFE)
    assert findings(faq, "weight-unused") == [
        (
            4,
            "weights: no phrasing of the FAQ uses 'gizmo' (a word only questions use "
            "belongs in the language file's lists)",
        )
    ]
    assert findings(faq, "weight-same") == [
        (5, "weights: 'knee' is already 'normal' in the language file; remove the override"),
        (6, "weights: 'wife' is already 'light' in the language file; remove the override"),
    ]


def test_everyday_entries_join_the_shipped_faq_with_no_code_change(tmp_path: Path) -> None:
    shipped = (REPO / "data" / "faq.yaml").read_text(encoding="utf-8")
    added = (REPO / "tests" / "data" / "everyday_entries.yaml").read_text(encoding="utf-8")
    path = tmp_path / "faq.yaml"
    path.write_text(shipped.rstrip("\n") + "\n" + added, encoding="utf-8")
    env = Environment(environ={})
    status = main(["check", "--faq", str(path)], env)
    out = env.stdout.getvalue()  # type: ignore[attr-defined]
    assert (status, ": error:" in out) == (0, False), out
    assert ", 0 errors, " in out and "51 entries" in out
