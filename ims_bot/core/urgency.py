"""A learned second opinion on whether a message tells of an emergency happening now.

The triage's concepts and context triggers (``triage``) read signs the way a curator
wrote them down; people in distress keep finding words no list has yet. This model was
fitted offline by ``bench/fit_urgency.py`` on development data alone (the emergencies and
calm messages of the development lists, ordinary patient questions, the FAQ's phrasings
and everyday requests to other services), and is shipped as ``urgency.json`` beside this
module: a few hundred words and word pairs, each with a weight, so a curator can read why
it fired. Applying it is a sum and one exponential.

It adds caution, and takes away only the urgent reply, never the emergency line (see
``Triager.scan``): a message with no sign that the model is sure of is urgent even in
words the concepts lack, and one it finds likely gets its reply opened by the emergency
line; a sign happening now stays urgent unless the model is all but sure it is not
(``urgency_doubt``, set far below any real doubt because the model has learnt that
messages naming IMS are mostly calm questions, and "chest pain after my IMS session" is
not), and never in a category that says ``doubt: false``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

from ims_bot.core.normalise import sentences, stem, words

MODEL_FILE = "urgency.json"
BREAK = "|"
"""Stands between sentences in the word stream, so a pair never spans two sentences unseen."""
REASONS = 3
"""How many of the words that weighed most towards an emergency an opinion names."""


class UrgencyModelError(ValueError):
    """A model file that cannot be used; the message is one line naming the file."""


def features(text: str) -> frozenset[str]:
    """The words (stems) of ``text`` and its pairs of neighbouring words, as the model
    reads them."""
    stream = [token for part in sentences(text) for token in (*map(stem, words(part)), BREAK)]
    return frozenset(
        [token for token in stream if token != BREAK]
        + [f"{first} {second}" for first, second in pairwise(stream)]
    )


class Linear(NamedTuple):
    """A sparse linear score: ``intercept`` plus the weight of each feature present."""

    intercept: float
    weights: Mapping[str, float]

    def score(self, found: frozenset[str]) -> float:
        return self.intercept + sum(self.weights.get(feature, 0.0) for feature in found)


class Opinion(NamedTuple):
    """What the model makes of one message."""

    probability: float
    """P(the message tells of an emergency happening now), 0 to 1."""
    category: str | None
    """The emergency category the message most resembles."""
    reasons: tuple[str, ...]
    """The features that weighed most towards an emergency, heaviest first."""

    def explain(self) -> str:
        """One line for staff."""
        because = ", ".join(f"'{reason}'" for reason in self.reasons) or "no telling words"
        return f"model: {self.probability:.2f} {self.category or '-'} ({because})"


class UrgencyModel(NamedTuple):
    """The emergency model and, for choosing a reply, one score per emergency category."""

    emergency: Linear
    categories: Mapping[str, Linear]

    def assess(self, text: str) -> Opinion:
        """The model's opinion of ``text``."""
        found = features(text)
        z = self.emergency.score(found)
        probability = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        category = max(
            self.categories, key=lambda name: self.categories[name].score(found), default=None
        )
        telling = sorted(
            (feature for feature in found if self.emergency.weights.get(feature, 0.0) > 0),
            key=lambda feature: (-self.emergency.weights[feature], feature),
        )
        return Opinion(probability, category, tuple(telling[:REASONS]))


def parse(text: str, name: str = MODEL_FILE) -> UrgencyModel:
    """A model from the JSON ``text`` of file ``name``; raises ``UrgencyModelError``."""
    try:
        data = json.loads(text)
        return UrgencyModel(
            emergency=_linear(data["emergency"]),
            categories={str(k): _linear(v) for k, v in data["categories"].items()},
        )
    except json.JSONDecodeError as error:
        raise UrgencyModelError(f"{name}:{error.lineno}: invalid JSON: {error.msg}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UrgencyModelError(f"{name}: missing or malformed field: {error}") from None


def _linear(data: dict[str, Any]) -> Linear:
    weights = {str(feature): float(weight) for feature, weight in data["weights"].items()}
    return Linear(float(data["intercept"]), weights)


@cache
def shipped() -> UrgencyModel:
    """The packaged model, read once (beside this module: ``importlib.resources`` would
    cost a one-shot ``ask`` more time than reading the file)."""
    return parse(Path(__file__).with_name(MODEL_FILE).read_text(encoding="utf-8"))
