"""The engine: one pipeline per question, and recent decisions reused, never changed."""

from __future__ import annotations

import pickle

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.settings import Settings

DEFAULTS = Settings()
LONG_FLOOR, LONG_RATIO = DEFAULTS.long_floor, DEFAULTS.long_ratio
LONG_KNOWN, LONG_WORDS = DEFAULTS.long_known, DEFAULTS.long_words


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


def test_a_question_with_a_story_is_answered_on_its_asking_sentence(story_engine: Engine) -> None:
    decision = story_engine.decide("My back is shot. Does IMS help back pain?")
    assert (decision.kind, decision.entry and decision.entry.id) == ("answer", "back-trouble")
    assert decision.basis == "asking sentence"


def test_a_long_question_in_the_faqs_words_is_answered_on_its_lead(story_engine: Engine) -> None:
    question = (
        "I've had sciatica for years and it has flared up again, shooting down my left leg "
        "and into my foot. Would IMS be something that helps sciatica?"
    )
    decision = story_engine.decide(question)
    assert (decision.kind, decision.entry and decision.entry.id) == ("answer", "sciatic-leg")
    settings = story_engine.faq.settings
    assert decision.score is not None and decision.score < settings.answer_at - settings.margin
    assert decision.basis == "question"


def test_a_long_question_in_other_words_is_not_answered_on_its_lead(
    story_engine: Engine,
) -> None:
    question = (
        "sciatica and sciatic nerve pain down my leg, can ims treat sciatica, "
        "asks our warehouse barcode vendor"
    )
    terms = story_engine.index.read_text(question)
    best, runner_up = story_engine.index.rank(terms, 2)
    assert len(terms) >= LONG_WORDS and story_engine.index.known_share(terms) < LONG_KNOWN
    assert best.score >= max(LONG_FLOOR, LONG_RATIO * runner_up.score)
    assert story_engine.decide(question).kind == "clarify"


def test_a_story_of_little_words_hands_nothing_off(story_engine: Engine) -> None:
    decision = story_engine.decide("I have had sciatica for years. Would IMS help sciatica?")
    assert (decision.kind, decision.entry and decision.entry.id) == ("answer", "sciatic-leg")


def test_a_story_from_another_world_keeps_the_asking_sentence_unanswered(
    story_engine: Engine,
) -> None:
    for question in (
        "Our company just bought new software. What is IMS?",
        "I work in telecom. What does IMS stand for?",
        "I'm looking at IMS for our warehouse. Is it safe?",
        "My bank uses IMS for logins. How does it work?",
    ):
        assert story_engine.decide(question).kind in ("clarify", "escalate"), question
    pregnant = story_engine.decide("I'm 30 weeks pregnant. Is IMS painful?")
    assert (pregnant.kind, pregnant.entry and pregnant.entry.id) == ("handoff", "pregnant-patients")


def test_a_story_of_a_personal_situation_is_handed_off(story_engine: Engine) -> None:
    for question, entry in (
        ("I'm 30 weeks pregnant. What are the side effects of IMS?", "pregnant-patients"),
        ("I take warfarin every day. How soon does IMS work?", "thinner-pills"),
        ("Can IMS help knee pain? I have a pacemaker.", "heart-devices"),
        ("I'm on painkillers. How soon will IMS work?", "pill-questions"),
        ("I'm diabetic, will I bruise?", "health-conditions"),
    ):
        decision = story_engine.decide(question)
        assert (decision.kind, decision.entry and decision.entry.id) == ("handoff", entry)
        assert decision.basis == "story"


def test_a_story_of_an_everyday_situation_keeps_the_answer(story_engine: Engine) -> None:
    for question, entry in (
        ("My knee aches after running. Can IMS help knee pain?", "knee-trouble"),
        ("I dont like taking pills. Is IMS a drug free treatment?", "drug-free"),
    ):
        decision = story_engine.decide(question)
        assert (decision.kind, decision.entry and decision.entry.id) == ("answer", entry)


def test_no_ordinary_answer_follows_a_personal_story(story_engine: Engine) -> None:
    stories = (
        "I'm 30 weeks pregnant.",
        "I take warfarin every day.",
        "I have a pacemaker.",
        "I'm diabetic.",
        "I'm terrified of needles.",
        "My physio did IMS yesterday and it hurt way more than I expected.",
    )
    questions = [e.question for e in story_engine.faq.entries if e.kind == "answer"]
    for story in stories:
        for question in questions:
            decision = story_engine.decide(f"{story} {question}")
            assert decision.kind != "answer", (story, question)


def test_a_relayed_question_is_matched_without_its_opening(mini_engine: Engine) -> None:
    relayed = mini_engine.decide("Caller asks whether IMS is painful")
    plain = mini_engine.decide("whether IMS is painful")
    assert (relayed.kind, relayed.entry and relayed.entry.id) == ("answer", "is-ims-painful")
    assert relayed.candidates == plain.candidates


def test_the_triage_still_reads_a_relayed_message_whole(mini_engine: Engine) -> None:
    assert mini_engine.decide("Caller asks: her husband has chest pain right now").kind == "urgent"
