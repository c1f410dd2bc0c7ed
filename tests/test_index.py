"""The match index: weighting, ranking, ties, leave-one-out and explanations."""

from __future__ import annotations

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.index import MatchIndex, Term
from ims_bot.core.loader import parse_faq
from ims_bot.core.settings import Settings

HEAD = """\
disclaimer: General information only.
escalation: Please ask your physiotherapist.
entries:
"""

FUNCTION_WEIGHT = Settings().function_weight


def faq_of(body: str) -> Faq:
    return parse_faq(HEAD + body, "faq.yaml")


def test_the_right_entry_ranks_first(mini_engine: Engine) -> None:
    index = mini_engine.index
    assert index.search("does ims hurt")[0].entry.id == "is-ims-painful"
    assert index.search("will i be sore afterwards?")[0].entry.id == "side-effects"
    assert index.search("does IMS work for my knees")[0].entry.id == "knee-pain"


def test_a_typo_still_finds_the_entry(mini_engine: Engine) -> None:
    assert mini_engine.index.search("does ims hurst")[0].entry.id == "is-ims-painful"


def test_candidates_are_sorted_scored_and_limited(mini_engine: Engine) -> None:
    candidates = mini_engine.index.search("can ims help knee or shoulder pain", limit=3)
    assert len(candidates) <= 3
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 100 for score in scores)
    assert {c.entry.id for c in candidates[:2]} == {"knee-pain", "shoulder-pain"}


def test_an_exact_phrasing_scores_100(mini_engine: Engine) -> None:
    best = mini_engine.index.search("Is IMS painful?")[0]
    assert (best.entry.id, best.score, best.phrasing) == (
        "is-ims-painful",
        100.0,
        "Is IMS painful?",
    )


def test_off_topic_questions_score_low(mini_engine: Engine) -> None:
    candidates = mini_engine.index.search("what is the capital of peru")
    assert not candidates or candidates[0].score < mini_engine.faq.settings.clarify_at


def test_nothing_readable_gives_no_candidates(mini_engine: Engine) -> None:
    assert mini_engine.index.search("?!") == []


def test_ties_keep_file_order() -> None:
    faq = faq_of(
        "  - id: first\n    question: Is it safe?\n    answer: A.\n"
        "  - id: second\n    question: Is it safe?\n    answer: B.\n"
    )
    first, second = MatchIndex(faq).search("is it safe")
    assert (first.entry.id, second.entry.id) == ("first", "second")
    assert first.score == second.score


def test_leaving_a_phrasing_out_removes_its_evidence(mini_engine: Engine) -> None:
    index = mini_engine.index
    alone = index.search("explain ims to me", exclude=["explain ims to me"])
    full = index.search("explain ims to me")
    assert full[0].phrasing == "explain ims to me"
    assert all(c.phrasing != "explain ims to me" for c in alone)
    assert alone[0].score < full[0].score


def test_read_explains_every_word(mini_engine: Engine) -> None:
    terms = {t.word: t for t in mini_engine.index.read_text("does the needle hurt zebra")}
    assert terms["pain"].faq_word == "pain"
    assert terms["the"].weight <= FUNCTION_WEIGHT
    assert terms["zebra"].faq_word is None
    assert terms["zebra"].weight == mini_engine.index.unknown_idf
    assert terms["needl"].weight > terms["the"].weight


def test_distinctive_words_outweigh_shared_ones(mini_engine: Engine) -> None:
    idf = mini_engine.index.idf
    assert idf["knee"] > idf["ims"]


def test_search_is_deterministic(mini_engine: Engine) -> None:
    question = "can the needles help my sore shoulder"
    assert mini_engine.index.search(question) == mini_engine.index.search(question)


def test_everyday_words_weigh_little_and_are_not_read_as_faq_words() -> None:
    faq = faq_of(
        "  - id: calls\n    question: Does IMS affect wifi calling?\n    answer: A.\n"
        "  - id: stiffness\n    question: Can IMS loosen a stiff neck?\n    answer: B.\n"
    )
    terms = MatchIndex(faq).read_text("my wife asked about the stuff")
    assert Term("wife", None, FUNCTION_WEIGHT) in terms
    assert Term("stuff", None, FUNCTION_WEIGHT) in terms
    assert MatchIndex(faq).search("my wife asked about the stuff") == []


def test_an_entry_several_phrasings_fit_outranks_one_incidental_phrasing() -> None:
    body = (
        "  - id: {id}\n    question: Will my knee pain ease?\n"
        "    alternates: [{second}]\n    answer: A.\n"
    )
    corroborated = faq_of(body.format(id="knee", second="does knee pain get better"))
    incidental = faq_of(body.format(id="knee", second="can I swim afterwards"))
    question = "will the knee pain get better"
    assert MatchIndex(corroborated).search(question)[0].score > (
        MatchIndex(incidental).search(question)[0].score
    )
    lone = faq_of("  - id: knee\n    question: Will my knee pain ease?\n    answer: A.\n")
    assert MatchIndex(lone).search("will my knee pain ease")[0].score == 100.0


def test_words_only_other_meanings_of_ims_use_are_not_known() -> None:
    index = MatchIndex(
        faq_of(
            """\
  - id: sore
    question: Will my back be sore?
    answer: A.
  - id: other
    question: Where is the member login?
    answer: B.
    tags: [off-topic]
"""
        )
    )
    assert index.known_share(index.read_text("sore back")) == 1.0
    assert index.known_share(index.read_text("member login")) == 0.0
    assert index.known_share(index.read_text("back login")) == 0.5


def test_a_common_word_weighs_little_only_where_the_faq_does_not_use_it() -> None:
    index = MatchIndex(
        faq_of(
            """\
  - id: truth
    question: Is that true?
    answer: A.
  - id: sore
    question: Will my back be sore?
    answer: B.
  - id: knee
    question: Can IMS help my knee?
    answer: C.
  - id: cost
    question: How much does IMS cost?
    answer: D.
"""
        )
    )
    true, nothing = index.read_text("true nothing")
    assert (nothing.faq_word, nothing.weight) == (None, FUNCTION_WEIGHT)
    assert true.faq_word == "true" and true.weight > FUNCTION_WEIGHT


def test_leaving_a_phrasing_out_leaves_no_rounding_remainder() -> None:
    faq = faq_of(
        """\
  - id: e0
    question: sore muscle difference?
    alternates: [versus back strain sore]
    answer: A.
  - id: e1
    question: ims strain pain hurt?
    answer: A.
  - id: e2
    question: sore strain ims?
    answer: A.
  - id: e3
    question: needle ims difference?
    answer: A.
"""
    )
    phrasing = "ims strain pain hurt?"
    found = MatchIndex(faq).search(phrasing, limit=2, exclude=[phrasing])
    assert found and "e1" not in {candidate.entry.id for candidate in found}
