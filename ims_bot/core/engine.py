"""The prepared FAQ: its index and triage, the reply policy run with a memory of recent
decisions, and replies composed so that none raises."""

from __future__ import annotations

import logging
from collections import OrderedDict

from ims_bot.core.decide import MAX_OPTIONS, Decision
from ims_bot.core.faq import Faq
from ims_bot.core.index import MatchIndex
from ims_bot.core.normalise import sanitise
from ims_bot.core.policy import NO_STATE, Ask, State, run
from ims_bot.core.reply import Reply, compose, escalation
from ims_bot.core.triage import Triager

RECENT = 1024
"""How many recent decisions are kept, so a question asked again (the common ones at a
kiosk, the same turn in several dialogues) is not scored again."""


class Engine:
    """Answers one question at a time from one FAQ, prepared once.

    Args:
        faq: the loaded FAQ.
    """

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.index = MatchIndex(faq)
        self.triager = Triager(faq.urgent, self.index.normaliser, settings=faq.settings)
        self._recent: OrderedDict[tuple[str, int, State], Decision] = OrderedDict()

    def __getstate__(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if name != "_recent"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._recent = OrderedDict()

    def decide(
        self, question: str, limit: int = MAX_OPTIONS + 1, state: State = NO_STATE
    ) -> Decision:
        """The decision for a sanitised ``question`` in conversation ``state``, made by
        the reply policy (``ims_bot.core.policy``); a question decided before in the same
        state is not decided again."""
        key = (_key(question), max(limit, MAX_OPTIONS + 1), state)
        decision = self._recent.get(key)
        if decision is None:
            decision = self._recent[key] = run(Ask(self, question, state, key[1]))
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        return decision

    def reply(self, text: str, top: int = 3) -> Reply:
        """The reply to one message, with no conversation state; never raises."""
        question = sanitise(text)
        try:
            return compose(self.decide(question, top), self.faq, question, top)
        except Exception:
            logging.getLogger("ims_bot").exception("internal error while answering")
            return self.fallback(question)

    def fallback(self, question: str) -> Reply:
        """The reply when answering failed: the urgent reply if the triage alone still
        finds a danger sign happening now, else the escalation; never raises."""
        try:
            triage = self.triager.scan(question)
            if triage.level == "urgent":
                return compose(Decision("urgent", triage=triage), self.faq, question)
        except Exception:
            logging.getLogger("ims_bot").exception("internal error in the triage")
        return escalation(self.faq, question)


def _key(question: str) -> str:
    """The form of a question its decision is remembered by: case, spacing and closing
    punctuation do not change a decision ("Does IMS hurt?!" is "does ims hurt")."""
    return " ".join(question.casefold().split()).rstrip("?!. ")
