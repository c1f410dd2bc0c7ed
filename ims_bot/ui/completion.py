"""Completion from the FAQ's own questions; never from anything a user typed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ims_bot.core.faq import Faq
from ims_bot.core.normalise import words

MIN_TYPED = 2
MAX_COMPLETIONS = 8


class FaqCompleter(Completer):
    """Offers FAQ questions whose words start with every word typed so far.

    Args:
        faq: the loaded FAQ; its questions are the only completions.
    """

    def __init__(self, faq: Faq) -> None:
        self._questions = [(entry.question, words(entry.question)) for entry in faq.entries]

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        typed = document.text_before_cursor
        if len(typed.strip()) < MIN_TYPED:
            return
        wanted = words(typed)
        count = 0
        for question, question_words in self._questions:
            if _all_prefixes(wanted, question_words):
                yield Completion(question, start_position=-len(typed))
                count += 1
                if count == MAX_COMPLETIONS:
                    return


def _all_prefixes(wanted: Iterable[str], available: list[str]) -> bool:
    return all(any(word.startswith(w) for word in available) for w in wanted)
