"""The reply decision: answer only with a clear lead, clarify when close, else escalate."""

from __future__ import annotations

from ims_bot.core.decide import (
    MAX_OPTIONS,
    OFF_TOPIC,
    PERSONAL,
    Decision,
    confident,
    decide,
    on_asking_sentence,
    story_handoff,
)
from ims_bot.core.faq import Entry
from ims_bot.core.index import Candidate
from ims_bot.core.settings import Settings

SETTINGS = Settings(answer_at=65.0, clarify_at=30.0, margin=28.0)
LONG_FLOOR, LONG_RATIO, MIN_LEAD = SETTINGS.long_floor, SETTINGS.long_ratio, SETTINGS.min_lead


def focused(whole: Decision, asking: Decision) -> Decision:
    """The decision on the asking sentence where it stands, else the whole question's."""
    return on_asking_sentence(whole, asking, SETTINGS) or whole


def candidates(*scores: float, kind: str = "answer") -> list[Candidate]:
    return [
        Candidate(
            Entry(id=f"e{i}", question=f"Q{i}?", answer="A.", kind=kind if i == 0 else "answer"),  # type: ignore[arg-type]
            score,
            f"Q{i}?",
            i,
        )
        for i, score in enumerate(scores)
    ]


def test_no_candidates_escalate() -> None:
    decision = decide([], SETTINGS)
    assert (decision.kind, decision.entry, decision.score) == ("escalate", None, None)


def test_a_low_score_escalates() -> None:
    decision = decide(candidates(25.0, 5.0), SETTINGS)
    assert decision.kind == "escalate"
    assert decision.score == 25.0


def test_a_high_score_with_a_lead_is_answered() -> None:
    decision = decide(candidates(80.0, 40.0), SETTINGS)
    assert decision.kind == "answer"
    assert decision.entry is not None and decision.entry.id == "e0"
    assert decision.score == 80.0


def test_a_handoff_entry_gives_a_handoff() -> None:
    assert decide(candidates(90.0, 20.0, kind="handoff"), SETTINGS).kind == "handoff"


def test_a_lower_score_needs_a_lead_that_makes_up_the_shortfall() -> None:
    assert confident(50.0, 35.0, SETTINGS)  # 50 + 15 = 65
    assert not confident(50.0, 36.0, SETTINGS)  # 50 + 14 = 64
    assert confident(40.0, 15.0, SETTINGS)
    assert not confident(36.0, 0.0, SETTINGS)  # below answer_at - margin


def test_even_a_perfect_score_needs_the_minimum_lead() -> None:
    assert not confident(100.0, 100.0 - MIN_LEAD / 2, SETTINGS)
    assert confident(100.0, 100.0 - MIN_LEAD, SETTINGS)


def test_a_long_question_may_be_answered_on_a_clear_relative_lead() -> None:
    runner_up = 25.0
    score = LONG_RATIO * runner_up + 1  # 33.5: under the floor
    assert not confident(score, runner_up, SETTINGS, long=True)
    score = max(LONG_FLOOR, LONG_RATIO * runner_up) + 1
    assert not confident(score, runner_up, SETTINGS)
    assert confident(score, runner_up, SETTINGS, long=True)
    assert not confident(score, score / LONG_RATIO + 0.5, SETTINGS, long=True)
    assert not confident(LONG_FLOOR + MIN_LEAD / 2, LONG_FLOOR, SETTINGS, long=True)
    assert decide(candidates(score, runner_up), SETTINGS, long=True).kind == "answer"
    assert decide(candidates(score, runner_up), SETTINGS).kind == "clarify"


def test_a_word_only_out_of_scope_entries_use_withholds_an_ordinary_answer() -> None:
    decision = decide(candidates(80.0, 40.0), SETTINGS, foreign=("login",))
    assert (decision.kind, [e.id for e in decision.options]) == ("clarify", ["e0"])
    assert ("verdict", "'login' only out-of-scope entries use") in decision.trace.figures
    handed = decide(candidates(80.0, 40.0, kind="handoff"), SETTINGS, foreign=("login",))
    assert handed.kind == "handoff", "a referral to a person is the safe side"
    scope = candidates(80.0, 40.0)
    scope[0] = tagged(scope[0], tags=(OFF_TOPIC,))
    out = decide(scope, SETTINGS, foreign=("login",))
    assert (out.kind, out.entry and out.entry.id) == ("escalate", "e0"), "its scope text"


def test_close_candidates_are_offered_as_options() -> None:
    decision = decide(candidates(60.0, 58.0, 55.0, 52.0, 50.0), SETTINGS)
    assert decision.kind == "clarify"
    assert [e.id for e in decision.options] == ["e0", "e1", "e2"]
    assert len(decision.options) == MAX_OPTIONS


def test_options_leave_out_far_and_low_candidates() -> None:
    decision = decide(candidates(45.0, 40.0, 20.0), SETTINGS)
    assert decision.kind == "clarify"
    assert [e.id for e in decision.options] == ["e0", "e1"]


def test_settings_from_the_faq_are_obeyed() -> None:
    strict = Settings(answer_at=95.0, clarify_at=30.0, margin=5.0)
    assert decide(candidates(80.0, 10.0), strict).kind == "clarify"


def tagged(candidate: Candidate, *, kind: str = "answer", tags: tuple[str, ...] = ()) -> Candidate:
    entry = Entry(id=candidate.entry.id, question="Q?", answer="A.", kind=kind, tags=tags)  # type: ignore[arg-type]
    return Candidate(entry, candidate.score, candidate.phrasing, candidate.order)


def test_a_story_question_is_answered_on_its_asking_sentence_when_the_whole_agrees() -> None:
    whole = decide(candidates(28.0, 15.0, 12.0), SETTINGS)
    asking = decide(candidates(80.0, 30.0), SETTINGS)
    assert whole.kind == "escalate"
    result = focused(whole, asking)
    assert (result.kind, result.entry, result.basis) == ("answer", asking.entry, "asking sentence")
    assert focused(asking, whole) == asking


def test_the_asking_sentence_is_not_answered_against_the_whole_question() -> None:
    asking = decide(candidates(80.0, 30.0), SETTINGS)
    other_first = candidates(28.0, 15.0)
    other_first[0] = Candidate(Entry("e9", "Q?", "A."), 28.0, "Q?", 9)
    assert focused(decide(other_first, SETTINGS), asking).basis == "question"
    off_topic_next = candidates(28.0, 15.0)
    off_topic_next[1] = tagged(off_topic_next[1], tags=(OFF_TOPIC,))
    assert focused(decide(off_topic_next, SETTINGS), asking).basis == "question"


def test_a_story_near_a_personal_hand_off_gets_no_ordinary_answer() -> None:
    whole = candidates(28.0, 22.0)
    whole[1] = tagged(whole[1], kind="handoff", tags=(PERSONAL,))
    asking = decide(candidates(80.0, 30.0), SETTINGS)
    assert focused(decide(whole, SETTINGS), asking).kind != "answer"
    handoff = decide(candidates(80.0, 30.0, kind="handoff"), SETTINGS)
    assert focused(decide(whole, SETTINGS), handoff).kind == "handoff"
    front_desk = candidates(28.0, 22.0)
    front_desk[1] = tagged(front_desk[1], kind="handoff")
    assert focused(decide(front_desk, SETTINGS), asking).kind == "answer"


def test_how_many_candidates_were_ranked_never_changes_the_decision() -> None:
    ranked = candidates(70.0, 40.0, 35.0, 33.0, 60.0)
    ranked[4] = tagged(ranked[4], kind="handoff")
    many, few = decide(ranked, SETTINGS), decide(ranked[: MAX_OPTIONS + 1], SETTINGS)
    assert (many.kind, many.entry) == (few.kind, few.entry) == ("answer", ranked[0].entry)


def test_a_story_that_is_a_personal_hand_off_is_handed_off() -> None:
    personal = candidates(80.0, 30.0, kind="handoff")
    personal[0] = tagged(personal[0], kind="handoff", tags=(PERSONAL,))
    handoff = story_handoff(decide(personal, SETTINGS))
    assert handoff is not None
    assert (handoff.kind, handoff.entry, handoff.basis) == ("handoff", personal[0].entry, "story")


def test_a_story_that_is_no_personal_hand_off_leaves_the_question_alone() -> None:
    assert story_handoff(decide(candidates(80.0, 30.0, kind="handoff"), SETTINGS)) is None
    assert story_handoff(decide(candidates(80.0, 30.0), SETTINGS)) is None
    unsure = candidates(40.0, 35.0)
    unsure[0] = tagged(unsure[0], kind="handoff", tags=(PERSONAL,))
    assert story_handoff(decide(unsure, SETTINGS)) is None


def test_the_asking_sentence_may_name_the_whole_questions_close_runner_up() -> None:
    asking = decide(candidates(80.0, 30.0), SETTINGS)
    entry = asking.candidates[0].entry
    other = Entry("e9", "Q9?", "A.")

    def whole(first: Entry, second: float) -> Decision:
        return decide(
            [Candidate(first, 30.0, "Q?", 9), Candidate(entry, second, "Q?", 0)], SETTINGS
        )

    assert focused(whole(other, 24.0), asking).basis == "asking sentence"
    assert focused(whole(other, 23.0), asking).basis == "question"
    handoff = Entry("e9", "Q9?", "A.", kind="handoff", tags=(PERSONAL,))
    assert focused(whole(handoff, 28.0), asking).basis == "question"


def test_a_hand_off_needs_a_little_less_evidence_than_an_answer() -> None:
    assert decide(candidates(50.0, 40.0), SETTINGS).kind == "clarify"  # 50 + 10 < 65
    assert decide(candidates(50.0, 40.0, kind="handoff"), SETTINGS).kind == "handoff"
    assert decide(candidates(48.0, 40.0, kind="handoff"), SETTINGS).kind == "clarify"


def test_an_asking_sentence_never_trades_a_hand_off_for_an_answer() -> None:
    handoff_first = candidates(40.0, 34.0, 20.0, kind="handoff")
    whole = decide(handoff_first, SETTINGS)
    runner_up = Decision("answer", entry=handoff_first[1].entry, score=80.0)
    assert whole.kind == "clarify" and focused(whole, runner_up) is whole
