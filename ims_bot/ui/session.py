"""Prompt sessions for the chat: completion from the FAQ, history kept in memory only."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.output import Output

from ims_bot.core.faq import Faq
from ims_bot.ui.completion import FaqCompleter

PROMPT = "ask> "


def make_session(
    faq: Faq,
    input: Input | None = None,
    output: Output | None = None,
    key_bindings: KeyBindings | None = None,
) -> PromptSession[str]:
    """A prompt session completing FAQ questions; nothing is written to disk."""
    return PromptSession(
        completer=FaqCompleter(faq),
        complete_while_typing=True,
        history=InMemoryHistory(),
        key_bindings=key_bindings,
        input=input,
        output=output,
        enable_history_search=False,
        mouse_support=False,
    )
