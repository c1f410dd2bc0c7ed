"""Completion offers the FAQ's questions only, one row per entry."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from ims_bot.core.faq import Faq
from ims_bot.ui.completion import FaqCompleter


def complete(faq: Faq, typed: str) -> list[str]:
    completer = FaqCompleter(faq)
    return [c.text for c in completer.get_completions(Document(typed), CompleteEvent())]


def test_questions_come_before_entries_found_by_an_alternate(mini_faq: Faq) -> None:
    assert complete(mini_faq, "is ims") == [
        "What is IMS?",
        "Is IMS painful?",
        mini_faq.by_id["handoff-pregnancy"].question,
    ]


def test_every_typed_word_is_a_prefix_and_the_whole_question_is_offered(mini_faq: Faq) -> None:
    assert complete(mini_faq, "does it hu") == ["Is IMS painful?"]
    assert complete(mini_faq, "zebra") == []


def test_one_row_per_entry(mini_faq: Faq) -> None:
    offered = complete(mini_faq, "does i")
    assert len(offered) == len(set(offered)) > 1
    assert set(offered) <= {entry.question for entry in mini_faq.entries}


def test_too_little_typed_offers_nothing(mini_faq: Faq) -> None:
    assert complete(mini_faq, "i") == []
