"""Prompt sessions for the chat and the kiosk: completion from the FAQ, nothing kept on disk."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.clipboard import DummyClipboard
from prompt_toolkit.history import DummyHistory, InMemoryHistory
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
    *,
    kiosk: bool = False,
) -> PromptSession[str]:
    """A prompt session completing FAQ questions; nothing is written to disk.

    With ``kiosk``, nothing typed is kept in memory either: no history to recall with
    the arrow keys and no kill ring to paste from, so the next person cannot see it; and
    no blank lines are reserved below the prompt, so a start screen fits a small screen.
    """
    return PromptSession(
        completer=FaqCompleter(faq),
        complete_while_typing=True,
        history=DummyHistory() if kiosk else InMemoryHistory(),
        clipboard=DummyClipboard() if kiosk else None,
        key_bindings=key_bindings,
        input=input,
        output=output,
        enable_history_search=False,
        mouse_support=False,
        reserve_space_for_menu=0 if kiosk else 8,
    )
