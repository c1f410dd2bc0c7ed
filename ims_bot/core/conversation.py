"""The conversation: what one person was last shown, so a number picks from it.

One small object that the chat, the kiosk and the dialogue runner share, so a number
typed after a list picks from that list the same way everywhere.
"""

from __future__ import annotations

import logging

from ims_bot.core.decide import MAX_OPTIONS
from ims_bot.core.engine import Engine
from ims_bot.core.language import language
from ims_bot.core.normalise import sanitise
from ims_bot.core.policy import State
from ims_bot.core.reply import Option, Reply, compose, menu_entries, smalltalk
from ims_bot.core.smalltalk import STATE_KEEPING

log = logging.getLogger("ims_bot")


class Conversation:
    """The state of one person's conversation: the numbered list they may pick from.

    Args:
        engine: the prepared matching engine.
        top: how many ranked entries a reply carries as suggestions (``ask --top``).
        menu: whether a number typed first picks from the topic menu; a one-shot
            question (``ask``) has no menu shown, so there a number picks nothing.
    """

    def __init__(self, engine: Engine, top: int = MAX_OPTIONS, menu: bool = True) -> None:
        self.engine = engine
        self.faq = engine.faq
        self.top = top
        self.starts_with_menu = menu
        self.pending: tuple[Option, ...] = ()
        self.clarifying = False
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next person starts with the topic menu (if there is one)."""
        self.pending = tuple(self.menu().options) if self.starts_with_menu else ()
        self.clarifying = False

    def menu(self) -> Reply:
        """The topic menu as a reply (also what a start screen shows)."""
        said = language().sentences
        return smalltalk(self.faq, "", said.greeting, menu_entries(self.faq), said.menu_intro)

    def respond(self, text: str) -> Reply:
        """The reply to one message; never raises, and the text ends with the disclaimer.

        A reply that only acknowledges (small talk such as "ok" or "sorry") or asks for
        a number in range keeps the list the person may still pick from.
        """
        question = sanitise(text)
        state = State(tuple(option.id for option in self.pending), self.clarifying)
        try:
            decision = self.engine.decide(question, self.top, state)
            reply = compose(decision, self.faq, question, self.top)
        except Exception:
            log.exception("internal error while answering")
            reply, decision = self.engine.fallback(question), None
        if decision is None or decision.talk not in STATE_KEEPING:
            self.clarifying = reply.kind == "clarify"
            self.pending = reply.options
        return reply
