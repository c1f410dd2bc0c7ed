"""The emergency model: its features, its file, and how the triage combines it with signs.

The models here are built by hand, so each test says exactly what the model thinks; the
shipped model is measured with the development lists (``test_triage_lists.py``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_bot.core import urgency
from ims_bot.core.engine import Engine
from ims_bot.core.loader import parse_faq
from ims_bot.core.triage import Triager
from ims_bot.core.urgency import Linear, UrgencyModel, UrgencyModelError, features, parse

FAQ_TEXT = """
disclaimer: General information only.
escalation: Please ask your physiotherapist.
urgent:
  check: If this is happening now, call 911.
  unwell:
    reply: If you feel unwell now, tell the front desk or call 911.
    signs: [[me, unwell]]
  concepts:
    me: [i, my]
    chest: [chest]
    pain: [pain, tight]
    unwell: [shaky]
    faint: [faint]
  categories:
    - id: chest
      reply: Chest pain is an emergency. Call 911.
      signs: [[chest, pain]]
    - id: seizure
      reply: A seizure is an emergency. Call 911.
      signs: [[convulsing]]
  context:
    negated:
      right_before: ["no", not]
    historical:
      after: [years ago]
    joins: [or]
entries:
  - id: sore
    question: Will I be sore after IMS?
    alternates: [does ims hurt]
    answer: Some soreness is common.
"""

MODEL = UrgencyModel(
    emergency=Linear(-4.0, {"foam": 6.0, "thrash": 3.0, "rigid": 2.5, "ims": -3.0}),
    categories={
        "seizure": Linear(0.0, {"foam": 1.0, "thrash": 1.0}),
        "chest": Linear(0.0, {"chest": 1.0}),
    },
)
"""P = 0.88 for "foaming", 0.18 for "rigid", 0.99 for "foaming and thrashing"; a tie
between categories goes to the first."""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(parse_faq(FAQ_TEXT, "urgency.yaml"))


def triager(engine: Engine, model: UrgencyModel | None = MODEL, **settings: float) -> Triager:
    faq = engine.faq
    chosen = faq.settings._replace(**settings)
    return Triager(faq.urgent, engine.index.normaliser, settings=chosen, model=model)


def test_features_are_stems_and_neighbouring_pairs_within_a_sentence() -> None:
    found = features("He is foaming. Help!")
    assert {"he", "is", "foam", "help"} <= found
    assert {"he is", "is foam", "foam |", "| help", "help |"} <= found
    assert "foam help" not in found


def test_the_probability_is_the_logistic_of_the_summed_weights() -> None:
    opinion = MODEL.assess("he is foaming")
    assert opinion.probability == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert opinion.category == "seizure"
    assert opinion.reasons == ("foam",)
    assert MODEL.assess("rigid and thrashing and foaming").reasons == ("foam", "thrash", "rigid")
    assert MODEL.assess("").probability == pytest.approx(1 / (1 + math.exp(4.0)))


def test_the_explanation_names_the_probability_category_and_words() -> None:
    assert MODEL.assess("he is foaming").explain() == "model: 0.88 seizure ('foam')"
    assert MODEL.assess("hello").explain() == "model: 0.02 seizure (no telling words)"


def test_a_model_file_round_trips_and_bad_ones_are_refused_in_one_line() -> None:
    text = json.dumps(
        {
            "emergency": {"intercept": -4.0, "weights": {"foam": 6.0}},
            "categories": {"seizure": {"intercept": 0.0, "weights": {"foam": 1.0}}},
        }
    )
    assert parse(text).assess("foaming").category == "seizure"
    with pytest.raises(UrgencyModelError, match=r"^urgency.json:1: invalid JSON"):
        parse("{", "urgency.json")
    with pytest.raises(UrgencyModelError, match="missing or malformed field: 'categories'"):
        parse(json.dumps({"emergency": {"intercept": 0, "weights": {}}}), "urgency.json")
    with pytest.raises(UrgencyModelError, match="malformed"):
        parse(json.dumps({"emergency": {"intercept": "x", "weights": {}}, "categories": {}}))


def test_the_model_alone_makes_a_sure_message_urgent_with_its_category(engine: Engine) -> None:
    found = triager(engine).scan("the man next to me is foaming and thrashing")
    assert (found.level, found.category, found.mentions) == ("urgent", "seizure", ())
    assert found.explain() == (
        "triage: urgent seizure, no danger sign; model: 0.99 seizure ('foam', 'thrash')"
    )


def test_a_likely_message_is_opened_by_the_line_and_a_doubtful_one_is_left_alone(
    engine: Engine,
) -> None:
    assert triager(engine, urgency_alone=0.95).scan("he is foaming").level == "check"
    assert triager(engine).scan("he went rigid").level is None
    assert triager(engine, urgency_check=0.15).scan("he went rigid").level == "check"
    assert triager(engine, urgency_alone=0.8).scan("he is foaming").level == "urgent"


def test_a_sign_happening_now_stays_urgent_unless_the_model_is_all_but_sure_it_is_not(
    engine: Engine,
) -> None:
    tight = triager(engine).scan("my chest is tight")
    assert tight.opinion is not None and 0.01 < tight.opinion.probability < 0.05
    assert (tight.level, tight.category) == ("urgent", "chest")
    doubted = triager(engine).scan("chest pain after ims")
    assert doubted.opinion is not None and doubted.opinion.probability < 0.005
    assert (doubted.level, doubted.category) == ("check", "chest")
    assert doubted.alert == {"level": "check", "category": "chest"}
    assert doubted.explain() == (
        "triage: check chest ('chest pain': happening now, doubted by the model); "
        "model: 0.00 chest (no telling words)"
    )
    assert triager(engine, urgency_doubt=0.0).scan("chest pain after ims").level == "urgent"
    assert triager(engine, urgency_doubt=0.05).scan("my chest is tight").level == "check"


def test_a_category_that_may_not_be_doubted_stays_urgent() -> None:
    text = FAQ_TEXT.replace(
        "      signs: [[chest, pain]]", "      signs: [[chest, pain]]\n      doubt: false"
    )
    engine = Engine(parse_faq(text, "urgency.yaml"))
    assert engine.faq.urgent.categories[0].doubt is False
    found = triager(engine).scan("chest pain after ims")
    assert found.opinion is not None and found.opinion.probability < 0.005
    assert (found.level, found.category) == ("urgent", "chest")


def test_the_model_does_not_overrule_a_sign_read_in_context(engine: Engine) -> None:
    found = triager(engine).scan("no chest pain, he is foaming and thrashing")
    assert (found.level, found.category) == ("check", "chest")


def test_the_unwell_fallback_comes_before_the_models_line_but_not_its_certainty(
    engine: Engine,
) -> None:
    assert triager(engine, urgency_check=0.01).scan("i feel shaky").level == "unwell"
    sure = triager(engine).scan("i feel shaky and he is foaming and thrashing")
    assert (sure.level, sure.category) == ("urgent", "seizure")


def test_a_writer_who_feels_unwell_needs_the_higher_bar_to_be_made_urgent(
    engine: Engine,
) -> None:
    likely = "i feel shaky and he is foaming"  # P = 0.88
    assert triager(engine, urgency_alone=0.8).scan("he is foaming").level == "urgent"
    assert triager(engine, urgency_alone=0.8).scan(likely).level == "unwell"
    made = triager(engine, urgency_alone=0.8, urgency_unwell=0.85).scan(likely)
    assert (made.level, made.category) == ("urgent", "seizure")


def test_no_model_leaves_the_signs_alone(engine: Engine) -> None:
    assert triager(engine, model=None).scan("he is foaming and thrashing").level is None
    assert triager(engine, model=None).scan("my chest is tight").level == "urgent"


def test_a_negation_reaches_across_a_list_joined_by_or(engine: Engine) -> None:
    scan = triager(engine, model=None).scan
    assert scan("no pain or chest pain").level == "check"
    assert scan("no faint or tight chest").level == "check"
    assert scan("no one or two or three or four of them chest pain").level == "urgent"


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_gets_a_probability_and_a_category(text: str) -> None:
    opinion = MODEL.assess(text)
    assert 0.0 <= opinion.probability <= 1.0
    assert opinion.category in MODEL.categories
    assert len(opinion.reasons) <= 3


@pytest.mark.shipped_faq
def test_the_shipped_model_was_fitted_on_development_lists_only() -> None:
    data = json.loads(Path(urgency.__file__).with_name(urgency.MODEL_FILE).read_text())
    assert data["fitted_on"] and not any("heldout" in source for source in data["fitted_on"])
    model = urgency.parse(json.dumps(data))
    assert set(model.categories) >= {"breathing", "chest-heart", "stroke", "self-harm"}
    assert model.assess("cant breathe").probability > 0.9
    assert model.assess("does ims hurt").probability < 0.1


def test_the_fit_refuses_a_held_out_list(
    tmp_path: Path, bench_script: Callable[[str], ModuleType]
) -> None:
    pytest.importorskip("sklearn")
    fit = bench_script("fit_urgency")
    listed = tmp_path / "ordinary.yaml"
    listed.write_text("# held-out: frozen on arrival\nquestions: [is ims safe]\n")
    with pytest.raises(SystemExit, match="held-out list may not be fitted on"):
        fit._development(listed)
