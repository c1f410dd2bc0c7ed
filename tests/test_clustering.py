"""Grouping similar unanswered questions."""

from __future__ import annotations

from ims_bot.core.clustering import cluster, content_key


def test_content_key_drops_function_words_and_stems() -> None:
    assert content_key("Is there any PARKING?") == content_key("parking")


def test_similar_questions_share_a_group() -> None:
    questions = [
        "is there parking",
        "can ims help my jaw pain",
        "Is there parking?",
        "does ims help tmj jaw pain",
        "how do I pay my bill online",
        "is there any parking",
    ]
    groups = cluster(questions)
    assert [g.count for g in groups] == [3, 2, 1]
    assert groups[0].representative == "is there parking"
    assert groups[0].indices == (0, 2, 5)
    assert groups[1].indices == (1, 3)
    assert groups[2].wordings == (("how do I pay my bill online", 1),)


def test_the_most_frequent_wording_represents_its_group() -> None:
    questions = ["parking?", "is there parking", "is there parking", "Parking"]
    (group,) = cluster(questions)
    assert group.representative == "is there parking"
    assert group.wordings[0] == ("is there parking", 2)
    assert group.count == 4


def test_different_topics_stay_apart() -> None:
    groups = cluster(["weather in paris", "ims billing portal login", "reset my password"])
    assert [g.count for g in groups] == [1, 1, 1]


def test_grouping_is_deterministic_and_handles_nothing() -> None:
    questions = ["b topic", "a topic", "c other", "a topic"]
    assert cluster(questions) == cluster(list(questions))
    assert cluster([]) == []


def test_a_custom_key_and_threshold() -> None:
    questions = ["Knee", "KNEE!", "elbow"]
    assert [g.count for g in cluster(questions, key=str.casefold, similar_at=100)] == [1, 1, 1]
    assert [g.count for g in cluster(questions, similar_at=100)] == [2, 1]
