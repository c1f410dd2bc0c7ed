"""The engine: one pipeline per question, and recent decisions reused, never changed."""

from __future__ import annotations

import pickle

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq


def test_a_question_asked_again_reuses_its_decision(mini_faq: Faq) -> None:
    engine = Engine(mini_faq)
    first = engine.decide("does ims hurt")
    assert engine.decide("Does IMS hurt?!") is first
    assert engine.decide("does ims hurt", limit=8) is not first
    assert Engine(mini_faq).decide("does ims hurt") == first


def test_reuse_keeps_urgent_first(mini_faq: Faq) -> None:
    engine = Engine(mini_faq)
    engine.decide("my chest hurts")
    assert engine.decide("my chest hurts").kind == "urgent"


def test_a_pickled_engine_decides_as_the_original(mini_engine: Engine) -> None:
    copy = pickle.loads(pickle.dumps(mini_engine))
    for question in ("does ims hurt", "my chest hurts", "what is the capital of peru"):
        assert copy.decide(question) == mini_engine.decide(question)
