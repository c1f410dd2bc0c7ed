"""A calibrated probability that the best entry for a question is the right one.

``measure`` turns what the matcher already has (the ranked candidates, the question's
read words, its asking sentence) into a few named ``Features``; a ``Calibrator`` is a
logistic model over them, fitted offline by ``bench/calibrate.py`` and shipped as
``calibration.json`` beside this module. Applying it is a few multiplications and one
exponential: no numerical library is needed at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from ims_bot.core.faq import OFF_TOPIC
from ims_bot.core.index import Candidate, MatchIndex, Term
from ims_bot.core.normalise import asking_sentence

CALIBRATION_FILE = "calibration.json"
RANKED = 4
"""How many entries ``assess`` ranks: the best, its runner-up, and the options of a clarify."""


class CalibrationError(ValueError):
    """A calibration file that cannot be used; the message is one line naming the file."""


class Features(NamedTuple):
    """What a question's ranking says about whether its best entry is right."""

    score: float
    """The best entry's score, 0 to 1 (the matcher's 0-100 divided by 100)."""
    lead: float
    """The best score less the runner-up's, 0 to 1 (the best score with no runner-up)."""
    ratio: float
    """The runner-up's score as a share of the best's, 0 to 1 (0 with no runner-up)."""
    unknown_share: float
    """The weighted share of the question's words the FAQ's topical phrasings do not use."""
    unknown_weight: float
    """log(1 + the summed weight of the question's words the FAQ does not use at all)."""
    length: float
    """log(1 + the number of distinct words of the question)."""
    coverage: float
    """The weighted share of the question's words found anywhere in the best entry's phrasings."""
    alternate: float
    """1 when the best phrasing is one of the entry's alternates, 0 when its question."""
    handoff: float
    """1 when the best entry is a hand-off (a referral to a person), else 0."""
    off_topic: float
    """1 when the best entry is one for another meaning of "IMS" (tagged off-topic), else 0."""
    agreement: float
    """1 when the question's asking sentence alone ranks the same entry first, 0 when it
    ranks another, 0.5 when there is no separate asking sentence (see ``single``)."""
    single: float
    """1 when the question has no separate asking sentence (one sentence), else 0."""
    second: float
    """The word similarity, 0 to 1, of the best entry's second-closest phrasing: whether
    another of its phrasings agrees with the question, not just the closest."""
    third: float
    """The same for its third-closest phrasing (0 when it has fewer phrasings)."""
    phrasing_lead: float
    """The word similarity of the best entry's closest phrasing less the runner-up's
    closest, -1 to 1 (the best entry's alone with no runner-up)."""

    def vector(self) -> tuple[float, ...]:
        """The features in field order, the order of ``names()``."""
        return tuple(self)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The feature names, in field order."""
        return cls._fields


def measure(
    index: MatchIndex, terms: list[Term], candidates: Sequence[Candidate], sentence: str | None
) -> Features:
    """The features of a question from its read ``terms``, its ranked ``candidates`` (best
    first) and its asking ``sentence`` (``normalise.asking_sentence``; None for one sentence)."""
    length = math.log1p(len(terms))
    unknown = math.log1p(sum(term.weight for term in terms if term.faq_word is None))
    unknown_share = 1.0 - index.known_share(terms) if terms else 1.0
    if not candidates:
        return Features(*[0.0] * len(Features._fields))._replace(
            unknown_share=unknown_share,
            unknown_weight=unknown,
            length=length,
            agreement=0.5,
            single=1.0,
        )
    best = candidates[0]
    closest, second, third = index.similarities(terms, best.order, 3)
    rival = index.similarities(terms, candidates[1].order, 1)[0] if len(candidates) > 1 else 0.0
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    asked = index.read_text(sentence) if sentence else []
    if asked:
        top = index.rank(asked, 1)
        agreement = 1.0 if top and top[0].order == best.order else 0.0
    else:
        agreement = 0.5
    return Features(
        score=best.score / 100,
        lead=(best.score - runner_up) / 100,
        ratio=runner_up / best.score if best.score else 0.0,
        unknown_share=unknown_share,
        unknown_weight=unknown,
        length=length,
        coverage=index.coverage(terms, best.order),
        alternate=float(best.phrasing != best.entry.question),
        handoff=float(best.entry.kind == "handoff"),
        off_topic=float(OFF_TOPIC in best.entry.tags),
        agreement=agreement,
        single=float(not asked),
        second=second,
        third=third,
        phrasing_lead=closest - rival,
    )


def assess(
    index: MatchIndex, question: str, limit: int = RANKED
) -> tuple[Features, list[Candidate]]:
    """Rank a sanitised ``question`` and measure it: its features and its candidates."""
    terms = index.read_text(question)
    candidates = index.rank(terms, limit)
    return measure(index, terms, candidates, asking_sentence(question)), candidates


class Calibrator(NamedTuple):
    """A logistic model over standardised features: P = 1 / (1 + exp(-(b + sum w·(x-m)/s)))."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float

    def probability(self, features: Features) -> float:
        """The modelled probability, 0 to 1, for ``features``."""
        z = self.intercept
        for x, m, s, w in zip(
            features.vector(), self.means, self.scales, self.weights, strict=True
        ):
            z += w * (x - m) / s
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


class Calibration(NamedTuple):
    """The shipped models and the thresholds chosen with them on the development data."""

    right: Calibrator
    """P(the best entry is the right one)."""
    among: Calibrator
    """P(the right entry is among the best ``options`` entries)."""
    answer_at: dict[float, float]
    """Target wrong-answer rate -> the lowest ``right`` probability answered at that rate."""
    clarify_at: float
    """The least ``among`` probability at which options are offered rather than escalating."""
    options: int
    """How many entries a clarify offers (the ``among`` model's top n)."""

    def bars(self, rate: float) -> tuple[float, float]:
        """The least ``right`` probability answered at target wrong-answer ``rate``, from
        the largest listed rate not above it (the strictest listed one if none is), and
        the easier one a hand-off entry needs: that of the next looser listed rate."""
        rates = sorted(self.answer_at)
        at = max((r for r in rates if r <= rate), default=rates[0])
        looser = next((r for r in rates if r > at), at)
        return self.answer_at[at], self.answer_at[looser]


def parse(text: str, name: str = CALIBRATION_FILE) -> Calibration:
    """A calibration from the JSON ``text`` of file ``name``; raises ``CalibrationError``."""
    try:
        data = json.loads(text)
        if tuple(data["features"]) != Features.names():
            raise CalibrationError(
                f"{name}: its features {data['features']} are not {list(Features.names())}"
            )
        models = data["models"]
        return Calibration(
            right=_calibrator(models["right"]),
            among=_calibrator(models["among"]),
            answer_at={float(rate): float(p) for rate, p in data["answer_at"].items()},
            clarify_at=float(data["clarify_at"]),
            options=int(data["options"]),
        )
    except CalibrationError:
        raise
    except json.JSONDecodeError as error:
        raise CalibrationError(f"{name}:{error.lineno}: invalid JSON: {error.msg}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CalibrationError(f"{name}: missing or malformed field: {error}") from None


def _calibrator(model: dict[str, Any]) -> Calibrator:
    size = len(Features.names())
    parts = [tuple(float(x) for x in model[key]) for key in ("means", "scales", "weights")]
    if any(len(part) != size for part in parts) or not all(parts[1]):
        raise CalibrationError(f"{CALIBRATION_FILE}: a model needs {size} values per list")
    means, scales, weights = parts
    return Calibrator(means, scales, weights, float(model["intercept"]))


@cache
def shipped() -> Calibration:
    """The packaged calibration, read once."""
    return parse(Path(__file__).with_name(CALIBRATION_FILE).read_text(encoding="utf-8"))


def figures(index: MatchIndex, question: str) -> tuple[tuple[str, str], ...]:
    """The calibrated probability that the best entry for ``question`` is right, and the
    features it was computed from, as trace figures (shown beside the rules' decision)."""
    features, candidates = assess(index, question)
    if not candidates:
        return (("probability", "none: no entry shares a word with it"),)
    model = shipped()
    right = model.right.probability(features)
    among = model.among.probability(features)
    named = ", ".join(
        f"{name} {value:.2f}"
        for name, value in zip(Features.names(), features.vector(), strict=True)
    )
    best = candidates[0].entry.id
    rate = index.settings.wrong_rate
    decider = f"it decides, wrong_rate {rate:g}" if rate else "the rules above decide"
    return (
        (
            "probability",
            f"{right:.2f} that {best} is right, {among:.2f} that the right entry is among "
            f"the best {model.options} (calibrated; {decider})",
        ),
        ("features", named),
    )
