"""The confidence features and the calibrated probability that the best entry is right."""

from __future__ import annotations

import json
import math
from importlib.resources import files

import pytest

from ims_bot.core import confidence
from ims_bot.core.confidence import (
    CALIBRATION_FILE,
    Calibration,
    CalibrationError,
    Calibrator,
    Features,
    assess,
    parse,
    shipped,
)
from ims_bot.core.decide import Chances, decide
from ims_bot.core.engine import Engine
from ims_bot.core.index import MatchIndex
from ims_bot.core.loader import parse_faq
from ims_bot.core.settings import DEFAULTS
from ims_bot.errors import FaqError

FAQ = """\
disclaimer: General information only.
escalation: Please ask your physiotherapist.
entries:
  - id: knee
    question: Does it help knee pain?
    alternates: [sore knees, my knee hurts when I walk]
    answer: Knees.
  - id: shoulder
    question: Does it help shoulder pain?
    alternates: [frozen shoulder]
    answer: Shoulders.
  - id: cost
    kind: handoff
    question: How much does a session cost?
    alternates: [price of treatment]
    answer: Ask the front desk.
  - id: portal
    tags: [off-topic]
    question: How do I log in to the patient portal?
    answer: Not this.
"""


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex(parse_faq(FAQ, "faq.yaml"))


def features(**changes: float) -> Features:
    base = Features(0.5, 0.1, 0.8, 0.1, 0.5, 1.5, 0.7, 1.0, 0.0, 0.0, 0.5, 1.0, 0.4, 0.3, 0.1)
    return base._replace(**changes)


def test_an_exact_question_measures_as_such(index: MatchIndex) -> None:
    measured, candidates = assess(index, "Does it help knee pain?")
    assert candidates[0].entry.id == "knee"
    assert measured.score == 1.0
    assert measured.lead == pytest.approx((100 - candidates[1].score) / 100)
    assert measured.ratio == pytest.approx(candidates[1].score / 100)
    assert measured.coverage == 1.0
    assert (measured.alternate, measured.handoff, measured.off_topic) == (0.0, 0.0, 0.0)
    assert (measured.agreement, measured.single) == (0.5, 1.0)
    assert measured.unknown_share == 0.0
    assert measured.unknown_weight == 0.0


def test_an_alternate_a_handoff_and_unknown_words_are_flagged(index: MatchIndex) -> None:
    measured, candidates = assess(index, "price of treatment for zorblax")
    assert candidates[0].entry.id == "cost"
    assert (measured.alternate, measured.handoff) == (1.0, 1.0)
    assert 0 < measured.unknown_share < 1
    unknown = [
        term for term in index.read_text("price of treatment for zorblax") if term.faq_word is None
    ]
    assert [term.word for term in unknown] == ["for", "zorblax"]
    assert measured.unknown_weight == pytest.approx(
        math.log1p(DEFAULTS.function_weight + index.unknown_idf)
    )
    assert measured.coverage < 1
    assert measured.length == pytest.approx(math.log1p(5))


def test_an_off_topic_best_entry_is_flagged(index: MatchIndex) -> None:
    measured, _ = assess(index, "log in to the patient portal")
    assert measured.off_topic == 1.0


def test_the_asking_sentence_agrees_or_not(index: MatchIndex) -> None:
    agreeing, _ = assess(index, "I walk a lot. My knee hurts, does it help knee pain?")
    assert (agreeing.agreement, agreeing.single) == (1.0, 0.0)
    torn, candidates = assess(
        index, "My knee hurts when I walk and my knees are sore. What about frozen shoulder?"
    )
    assert candidates[0].entry.id == "knee"
    assert (torn.agreement, torn.single) == (0.0, 0.0)


def test_agreeing_phrasings_and_the_phrasing_lead_are_measured(index: MatchIndex) -> None:
    terms = index.read_text("does it help my sore knee pain")
    measured, candidates = assess(index, "does it help my sore knee pain")
    assert [c.entry.id for c in candidates[:2]] == ["knee", "shoulder"]
    closest, second, third = index.similarities(terms, candidates[0].order, 3)
    assert 1 >= closest >= second >= third > 0
    assert (measured.second, measured.third) == (second, third)
    rival = index.similarities(terms, candidates[1].order, 1)[0]
    assert measured.phrasing_lead == pytest.approx(closest - rival)
    shoulder = index.similarities(terms, candidates[1].order, 3)
    assert shoulder[2] == 0.0, "an entry of two phrasings has no third"


def test_similarities_of_an_exact_phrasing_and_of_no_words(index: MatchIndex) -> None:
    knee = next(c.order for c in index.search("sore knees", 1))
    assert index.similarities(index.read_text("sore knees"), knee, 1) == [1.0]
    assert index.similarities([], knee, 2) == [0.0, 0.0]


def test_nothing_readable_has_no_candidates(index: MatchIndex) -> None:
    measured, candidates = assess(index, "?!")
    assert candidates == []
    assert measured.score == 0.0
    assert (measured.second, measured.third, measured.phrasing_lead) == (0.0, 0.0, 0.0)
    assert (measured.agreement, measured.single) == (0.5, 1.0)


def test_the_vector_follows_the_names() -> None:
    measured = features(score=0.9, single=0.0)
    vector = dict(zip(Features.names(), measured.vector(), strict=True))
    assert vector["score"] == 0.9
    assert vector["single"] == 0.0
    assert len(vector) == len(measured.vector())


def test_the_probability_is_the_logistic_of_the_standardised_sum() -> None:
    size = len(Features.names())
    means = tuple(0.1 * i for i in range(size))
    scales = tuple(1.0 + i for i in range(size))
    weights = tuple((-1) ** i * 0.5 for i in range(size))
    calibrator = Calibrator(means, scales, weights, -0.25)
    measured = features()
    z = -0.25 + sum(
        w * (x - m) / s
        for x, m, s, w in zip(measured.vector(), means, scales, weights, strict=True)
    )
    assert calibrator.probability(measured) == pytest.approx(1 / (1 + math.exp(-z)))


def test_extreme_sums_stay_within_bounds() -> None:
    size = len(Features.names())
    huge = Calibrator((0.0,) * size, (1.0,) * size, (1000.0,) * size, 0.0)
    assert huge.probability(features()) == pytest.approx(1.0)
    assert huge.probability(features(score=-100.0, lead=-100.0)) == pytest.approx(0.0)


def test_the_shipped_calibration_names_exactly_the_features() -> None:
    text = files("ims_bot.core").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    assert tuple(json.loads(text)["features"]) == Features.names()
    calibration = shipped()
    assert set(calibration.answer_at) >= {0.01, 0.02, 0.05}
    assert 0 < calibration.clarify_at < 1
    assert calibration.options == 3


def test_the_shipped_thresholds_tighten_with_the_target() -> None:
    thresholds = [p for _, p in sorted(shipped().answer_at.items())]
    assert thresholds == sorted(thresholds, reverse=True)


@pytest.mark.parametrize("name", ["score", "lead"])
def test_the_shipped_probability_rises_with_score_and_lead(name: str) -> None:
    right = shipped().right
    steps = [right.probability(features(**{name: value / 10})) for value in range(11)]
    assert steps == sorted(steps)
    assert steps[-1] > steps[0]


def test_a_calibration_with_other_features_is_refused() -> None:
    text = files("ims_bot.core").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    data["features"] = data["features"][:-1]
    with pytest.raises(CalibrationError, match=r"^calibration\.json: its features"):
        parse(json.dumps(data))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"^calibration\.json:1: invalid JSON"),
        ("{}", r"^calibration\.json: missing or malformed field"),
    ],
)
def test_a_broken_calibration_file_gives_one_line(text: str, message: str) -> None:
    with pytest.raises(CalibrationError, match=message):
        parse(text)


def calibration_of(p: float) -> Calibration:
    """A calibration that gives every question probability ``p`` of its best entry."""
    size = len(Features.names())
    constant = Calibrator((0.0,) * size, (1.0,) * size, (0.0,) * size, math.log(p / (1 - p)))
    return Calibration(constant, constant, {0.02: 0.9}, 0.5, 3)


def test_a_likely_clarification_is_answered_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(parse_faq(FAQ, "faq.yaml"))
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_of(0.95))
    decision = engine.decide("does it help pain")
    assert (decision.kind, decision.entry and decision.entry.id) == ("answer", "knee")
    assert ("calibrated", "0.95, answered from 0.85") in decision.trace.figures


def test_an_unlikely_clarification_keeps_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(parse_faq(FAQ, "faq.yaml"))
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_of(0.6))
    decision = engine.decide("does it help pain")
    assert [e.id for e in decision.options] == ["knee", "shoulder"]
    assert ("calibrated", "0.60, options below 0.85") in decision.trace.figures


def test_a_clarification_near_a_handoff_or_set_off_is_never_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_of(0.99))
    near = FAQ.replace("entries:", "settings: {handoff_window: 15}\nentries:")
    assert Engine(parse_faq(near, "faq.yaml")).decide("knee price").kind == "clarify"
    kept = FAQ.replace("entries:", "settings: {clarify_answered_at: 1}\nentries:")
    assert Engine(parse_faq(kept, "faq.yaml")).decide("does it help pain").kind == "clarify"


def calibration_with(right: float, among: float) -> Calibration:
    """A calibration giving every question these two probabilities, with three listed
    wrong-answer rates: 1 % answered from 0.95, 2 % from 0.9, 5 % from 0.6."""
    size = len(Features.names())

    def constant(p: float) -> Calibrator:
        return Calibrator((0.0,) * size, (1.0,) * size, (0.0,) * size, math.log(p / (1 - p)))

    return Calibration(constant(right), constant(among), {0.01: 0.95, 0.02: 0.9, 0.05: 0.6}, 0.5, 3)


@pytest.mark.parametrize(
    ("rate", "bars"),
    [
        (0.02, (0.9, 0.6)),
        (0.03, (0.9, 0.6)),
        (0.01, (0.95, 0.9)),
        (0.05, (0.6, 0.6)),
        (0.001, (0.95, 0.9)),
    ],
)
def test_a_wrong_rate_picks_the_listed_bars(rate: float, bars: tuple[float, float]) -> None:
    assert calibration_with(0.5, 0.5).bars(rate) == bars


def rated(settings: str = "wrong_rate: 0.02") -> Engine:
    return Engine(parse_faq(FAQ.replace("entries:", f"settings: {{{settings}}}\nentries:"), "f"))


def test_with_a_wrong_rate_a_likely_entry_is_answered_whatever_its_margins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.92, 0.99))
    assert rated("clarify_answered_at: 1").decide("does it help pain").kind == "clarify"
    decision = rated("wrong_rate: 0.02, clarify_answered_at: 1").decide("does it help pain")
    assert (decision.kind, decision.entry and decision.entry.id) == ("answer", "knee")
    figures = dict(decision.trace.figures)
    assert figures["verdict"] == "likely right"
    assert figures["calibrated"].startswith("0.92 that knee is right (answered from 0.90), 0.99")


def test_with_a_wrong_rate_options_or_escalation_follow_the_among_probability(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.7, 0.8))
    offered = rated().decide("does it help pain")
    assert (offered.kind, [e.id for e in offered.options]) == ("clarify", ["knee", "shoulder"])
    assert dict(offered.trace.figures)["verdict"] == "not likely enough"
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.7, 0.3))
    dropped = rated().decide("does it help pain")
    assert dropped.kind == "escalate"
    assert dict(dropped.trace.figures)["verdict"] == "not likely enough, nor the options"


def test_with_a_wrong_rate_a_handoff_has_the_easier_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.7, 0.3))
    handed = rated().decide("how much does a session cost")
    assert (handed.kind, handed.entry and handed.entry.id) == ("handoff", "cost")
    assert rated().decide("my knee hurts when i walk").kind == "escalate"


def test_with_a_wrong_rate_the_rules_no_probability_overrules_stand(
    monkeypatch: pytest.MonkeyPatch, index: MatchIndex
) -> None:
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.99, 0.99))
    near = rated("wrong_rate: 0.02, handoff_window: 15").decide("knee price")
    assert near.kind == "clarify"
    assert "hand-off 'cost' within handoff_window 15" in dict(near.trace.figures)["verdict"]
    portal = rated().decide("log in to the patient portal")
    assert (portal.kind, portal.entry and portal.entry.id) == ("escalate", "portal")
    candidates = index.search("does it help pain", 4)
    ungrounded = decide(
        candidates, DEFAULTS, grounded=False, chances=Chances(0.99, 0.99, 0.9, 0.6, 0.5)
    )
    assert ungrounded.kind == "escalate"
    verdict = dict(ungrounded.trace.figures)["verdict"]
    assert verdict == "the entry uses none of the question's weighty words"


def test_a_word_only_out_of_scope_entries_use_keeps_the_options(
    monkeypatch: pytest.MonkeyPatch, index: MatchIndex
) -> None:
    assert index.foreign(index.read_text("does the portal help knee pain")) == ["portal"]
    monkeypatch.setattr(confidence, "shipped", lambda: calibration_with(0.99, 0.1))
    for engine in (rated("clarify_answered_at: 0.5"), rated()):
        decision = engine.decide("does the portal help knee pain")
        assert decision.kind == "clarify"
        assert decision.options[0].id == "knee"


def test_a_wrong_rate_out_of_bounds_is_refused() -> None:
    with pytest.raises(FaqError, match="wrong_rate"):
        parse_faq(FAQ.replace("entries:", "settings: {wrong_rate: 0.2}\nentries:"), "faq.yaml")
