"""Completion from the FAQ's own questions and alternates; never from anything a user typed."""

from __future__ import annotations

from collections.abc import Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ims_bot.core.faq import Faq
from ims_bot.core.normalise import words

MIN_TYPED = 2
MAX_COMPLETIONS = 8


class FaqCompleter(Completer):
    """Offers each FAQ entry whose question or alternates have a word starting with every
    word typed so far: one row per entry, its whole question, which is what it inserts.

    Entries whose own question fits come first, then those that fit by an alternate,
    each in file order.

    Args:
        faq: the loaded FAQ; its questions are the only completions.
    """

    def __init__(self, faq: Faq) -> None:
        self._entries = [
            (entry.question, [words(phrasing) for phrasing in entry.phrasings])
            for entry in faq.entries
        ]

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        typed = document.text_before_cursor
        if len(typed.strip()) < MIN_TYPED:
            return
        wanted = words(typed)
        by_question: list[str] = []
        by_alternate: list[str] = []
        for question, phrasings in self._entries:
            fits = [all(any(w.startswith(t) for w in ws) for t in wanted) for ws in phrasings]
            if fits[0]:
                by_question.append(question)
            elif any(fits):
                by_alternate.append(question)
        for question in (by_question + by_alternate)[:MAX_COMPLETIONS]:
            yield Completion(question, start_position=-len(typed))
