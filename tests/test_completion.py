"""Completion offers the FAQ's phrasings only."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from ims_bot.core.faq import Faq
from ims_bot.ui.completion import FaqCompleter


def complete(faq: Faq, typed: str) -> list[str]:
    completer = FaqCompleter(faq)
    return [c.text for c in completer.get_completions(Document(typed), CompleteEvent())]


def test_questions_come_before_alternates(mini_faq: Faq) -> None:
    assert complete(mini_faq, "is ims") == [
        "What is IMS?",
        "Is IMS painful?",
        "is ims safe when breastfeeding",
    ]


def test_every_typed_word_is_a_prefix(mini_faq: Faq) -> None:
    assert complete(mini_faq, "does it hu") == ["does it hurt"]
    assert complete(mini_faq, "zebra") == []


def test_too_little_typed_offers_nothing(mini_faq: Faq) -> None:
    assert complete(mini_faq, "i") == []
