"""The stateless pipeline: sanitise, scan for red flags, match, decide, compose."""

from __future__ import annotations

from ims_bot.core.decide import MAX_OPTIONS, Decision, decide
from ims_bot.core.faq import Faq
from ims_bot.core.index import MatchIndex
from ims_bot.core.normalise import sanitise
from ims_bot.core.reply import Reply, compose, escalation
from ims_bot.core.urgent import UrgentScanner


class Engine:
    """Answers one question at a time from one FAQ, prepared once.

    Args:
        faq: the loaded FAQ.
    """

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.index = MatchIndex(faq)
        self.urgent = UrgentScanner(faq.urgent.phrases, self.index.normaliser)

    def decide(self, question: str, limit: int = MAX_OPTIONS + 1) -> Decision:
        """The decision for a sanitised ``question``: urgent first, then matching."""
        tokens = self.index.normaliser.tokens(question)
        if self.urgent.scan_tokens(tokens):
            return Decision("urgent")
        terms = self.index.read_tokens(tokens)
        candidates = self.index.rank(terms, max(limit, MAX_OPTIONS + 1))
        return decide(candidates, self.faq.settings)

    def reply(self, text: str, top: int = 3) -> Reply:
        """The reply to one message, with no conversation state; never raises."""
        question = sanitise(text)
        try:
            return compose(self.decide(question, top), self.faq, question, top)
        except Exception:
            import logging

            logging.getLogger("ims_bot").exception("internal error while answering")
            return escalation(self.faq, question)
