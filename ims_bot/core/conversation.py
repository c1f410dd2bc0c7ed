"""The conversation: numbered choices, one clarification round, and small talk.

One small object that the chat, the kiosk and the dialogue runner share, so a number
typed after a list picks from that list the same way everywhere.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from ims_bot.core.decide import MAX_OPTIONS, Decision
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry
from ims_bot.core.language import language
from ims_bot.core.normalise import sanitise, words
from ims_bot.core.reply import Option, Reply, compose, escalation, smalltalk

log = logging.getLogger("ims_bot")

MENU_SIZE = 6
STATE_KEEPING = frozenset({"acknowledge", "yes", "no", "sorry"})
"""Small talk that leaves the numbered list the person may pick from as it was."""
_NUMBER = re.compile(r"^\s*(?:#|no\.?|number|option)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """The number a message picks ("2", "2)", "#2", "option two"), or None."""
    match = _NUMBER.match(text)
    if match:
        return int(match.group(1))
    tokens = words(text)
    if tokens and tokens[0] in ("option", "number"):
        tokens = tokens[1:]
    if len(tokens) == 1:
        return language().numbers.get(tokens[0])
    return None


def smalltalk_kind(text: str) -> str | None:
    """Which kind of small talk the whole message is, if any."""
    phrase = " ".join(words(text))
    if not phrase and text.strip() == "?":
        return "help"
    for kind, phrases in language().smalltalk.items():
        if phrase in phrases:
            return kind
    return None


def menu_entries(engine: Engine) -> tuple[Entry, ...]:
    """The most common questions: entries tagged ``common``, else the first answers."""
    entries = engine.faq.entries
    tagged = [e for e in entries if "common" in e.tags]
    chosen = tagged or [e for e in entries if e.kind == "answer"]
    return tuple(chosen[:MENU_SIZE])


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
        return smalltalk(self.faq, "", said.greeting, menu_entries(self.engine), said.menu_intro)

    def respond(self, text: str) -> Reply:
        """The reply to one message; never raises, and the text ends with the disclaimer.

        A reply that only acknowledges (small talk such as "ok" or "sorry") or asks for
        a number in range keeps the list the person may still pick from.
        """
        question = sanitise(text)
        try:
            reply, keep = self._respond(question)
        except Exception:
            log.exception("internal error while answering")
            reply, keep = self.engine.fallback(question), False
        if not keep:
            self.clarifying = reply.kind == "clarify"
            self.pending = reply.options
        return reply

    def _respond(self, question: str) -> tuple[Reply, bool]:
        number = parse_number(question)
        if number is not None:
            return self._pick(question, number)
        decision = self.engine.decide(question, self.top)
        if decision.kind == "urgent":
            return compose(decision, self.faq, question, self.top), False
        kind = smalltalk_kind(question)
        if kind is not None:
            return self._smalltalk(question, kind), kind in STATE_KEEPING
        if decision.kind == "clarify" and self.clarifying and self._asked_again(decision):
            decision = Decision("escalate", score=decision.score, candidates=decision.candidates)
        return compose(decision, self.faq, question, self.top), False

    def _asked_again(self, decision: Decision) -> bool:
        """Whether a clarify offers any option the last clarify offered: the same unclear
        question again, which escalates rather than asking a second time. A clarify about
        other entries is a new question, and is asked afresh."""
        offered = {option.id for option in self.pending}
        return any(entry.id in offered for entry in decision.options)

    def _pick(self, question: str, number: int) -> tuple[Reply, bool]:
        said = language().sentences
        if not self.pending:
            return smalltalk(self.faq, question, said.no_list), False
        if number == 0:
            return escalation(self.faq, question), False
        if number > len(self.pending):
            body = said.out_of_range.format(last=len(self.pending))
            return replace(smalltalk(self.faq, question, body), options=self.pending), True
        entry = self.faq.by_id[self.pending[number - 1].id]
        return compose(Decision(entry.kind, entry=entry), self.faq, question), False

    def _smalltalk(self, question: str, kind: str) -> Reply:
        said = language().sentences
        if kind == "topics":
            return smalltalk(self.faq, question, "", menu_entries(self.engine), said.menu_intro)
        body = {
            "greeting": said.greeting,
            "thanks": said.thanks,
            "bye": said.bye,
            "help": said.help,
            "acknowledge": said.anything_else,
            "yes": said.go_ahead,
            "no": said.no_more,
            "sorry": said.sorry,
        }[kind]
        return smalltalk(self.faq, question, body)
