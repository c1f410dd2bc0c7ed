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
    """Offers FAQ phrasings whose words start with every word typed so far.

    The canonical question of each entry comes first; an alternate is offered with
    its entry's question beside it.

    Args:
        faq: the loaded FAQ; its phrasings are the only completions.
    """

    def __init__(self, faq: Faq) -> None:
        self._phrasings = [
            (phrasing, words(phrasing), "" if phrasing == entry.question else entry.question)
            for entry in faq.entries
            for phrasing in entry.phrasings
        ]
        self._phrasings.sort(key=lambda item: bool(item[2]))

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        typed = document.text_before_cursor
        if len(typed.strip()) < MIN_TYPED:
            return
        wanted = words(typed)
        count = 0
        for phrasing, phrasing_words, meta in self._phrasings:
            if all(any(word.startswith(w) for word in phrasing_words) for w in wanted):
                yield Completion(phrasing, start_position=-len(typed), display_meta=meta)
                count += 1
                if count == MAX_COMPLETIONS:
                    return
