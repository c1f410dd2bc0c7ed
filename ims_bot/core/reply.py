"""Replies: what the user is told, composed so that the text always ends with the disclaimer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ims_bot.core.decide import MAX_OPTIONS, Basis, Decision, ReplyKind, Trace
from ims_bot.core.faq import Entry, Faq
from ims_bot.core.index import Candidate
from ims_bot.core.language import language

MENU_SIZE = 6
"""How many common questions the topic menu shows."""
TALK = {
    "greeting": "greeting",
    "thanks": "thanks",
    "bye": "bye",
    "help": "help",
    "acknowledge": "anything_else",
    "yes": "go_ahead",
    "no": "no_more",
    "sorry": "sorry",
    "no list": "no_list",
}
"""The sentence (of the language file's ``sentences``) that answers each kind of small
talk; the topic menu and a number out of range are composed apart."""


class Option(NamedTuple):
    """A numbered choice the user can pick by typing its number."""

    number: int
    id: str
    question: str


class Suggestion(NamedTuple):
    """A ranked candidate entry, for staff who want the next-best matches."""

    id: str
    question: str
    score: float


class Reply(NamedTuple):
    """One reply to one message.

    ``text`` is the whole reply as a user sees it and always ends with ``disclaimer``;
    ``body``, ``options`` and ``disclaimer`` are its parts, for renderers.
    """

    kind: ReplyKind
    question: str
    body: str
    disclaimer: str
    options_intro: str = ""
    options: tuple[Option, ...] = ()
    none_option: bool = False
    id: str | None = None
    score: float | None = None
    answer: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    basis: Basis = "question"
    """The part of the message matched: all of it, its asking sentence or its story
    (``score`` and ``suggestions`` are that part's)."""
    alert: dict[str, str] | None = None
    """The triage's alert: None, or its level ("urgent" or "check") and category."""
    triage: str = ""
    """The triage's one-line account, for staff (what fired, which context)."""
    trace: Trace = Trace()
    """The rule that decided the reply and the figures it used (``ask --explain``)."""

    @property
    def text(self) -> str:
        """The full reply text, ending with the disclaimer."""
        parts = [self.body]
        if self.options:
            lines = [self.options_intro] if self.options_intro else []
            lines += [f"  {option.number}) {option.question}" for option in self.options]
            if self.none_option:
                lines.append(f"  0) {language().sentences.none_of_these}")
            parts.append("\n".join(lines))
        parts.append(self.disclaimer)
        return "\n\n".join(part for part in parts if part)

    def to_json(self, explain: bool = False) -> dict[str, object]:
        """The reply as the ``ask --json`` object (a contract for outside tools), with
        the ``trace`` when ``explain``."""
        found: dict[str, object] = {
            "question": self.question,
            "kind": self.kind,
            "id": self.id,
            "score": self.score,
            "answer": self.answer,
            "text": self.text,
            "disclaimer": self.disclaimer,
            "alert": self.alert,
            "suggestions": [
                {"id": s.id, "question": s.question, "score": s.score} for s in self.suggestions
            ],
        }
        if explain:
            found["trace"] = self.trace.to_json()
        return found


def numbered(entries: Sequence[Entry]) -> tuple[Option, ...]:
    """Number ``entries`` from 1, shown by their question text."""
    return tuple(Option(n, e.id, e.question) for n, e in enumerate(entries, start=1))


def suggestions(candidates: Sequence[Candidate], top: int) -> tuple[Suggestion, ...]:
    """The ``top`` best candidates as suggestions."""
    return tuple(Suggestion(c.entry.id, c.entry.question, c.score) for c in candidates[:top])


def compose(decision: Decision, faq: Faq, question: str, top: int = 3) -> Reply:
    """Turn a decision into the reply text the user sees.

    Args:
        decision: what ``decide`` (or the urgent scan) chose.
        faq: the texts: answers, escalation, urgent reply and disclaimer.
        question: the user's message, already sanitised.
        top: how many suggestions to attach.
    """
    triage = decision.triage
    common: dict[str, Any] = {
        "question": question,
        "disclaimer": faq.disclaimer,
        "score": decision.score,
        "suggestions": suggestions(decision.candidates, top),
        "basis": decision.basis,
        "alert": triage.alert,
        "triage": triage.explain(),
        "trace": decision.trace,
    }
    if decision.kind == "smalltalk":
        return _talk(decision, faq, question, decision.trace)
    if decision.kind == "urgent":
        categories = {category.id: category for category in faq.urgent.categories}
        category = categories.get(triage.category or "", faq.urgent.categories[0])
        return Reply(kind="urgent", body=category.reply, **common)
    opening = {"check": faq.urgent.check, "unwell": faq.urgent.unwell}.get(triage.level or "")
    if decision.kind == "handoff" and decision.entry is None:
        return Reply(kind="handoff", body=faq.urgent.unwell, **common)
    reply = _ordinary(decision, faq, common)
    if opening is None:
        return reply
    return reply._replace(body=f"{opening}\n\n{reply.body}")


def _ordinary(decision: Decision, faq: Faq, common: dict[str, Any]) -> Reply:
    """The reply for an answer, hand-off, clarify or escalation decision."""
    if decision.kind in ("answer", "handoff") and decision.entry is not None:
        entry = decision.entry
        related = [faq.by_id[i] for i in entry.related if i in faq.by_id][:MAX_OPTIONS]
        return Reply(
            kind=decision.kind,
            body=entry.answer,
            id=entry.id,
            answer=entry.answer,
            options_intro=language().sentences.related_intro if related else "",
            options=numbered(related),
            **common,
        )
    if decision.kind == "clarify" and decision.options:
        return Reply(
            kind="clarify",
            body=language().sentences.clarify_body,
            options_intro=language().sentences.clarify_intro,
            options=numbered(decision.options),
            none_option=True,
            **common,
        )
    scope = decision.entry if decision.kind == "escalate" else None
    reply = escalation(faq, common["question"], decision.score, common["suggestions"])
    if scope is not None:
        reply = reply._replace(body=scope.answer, id=scope.id)
    return reply._replace(alert=common["alert"], triage=common["triage"], trace=common["trace"])


def _talk(decision: Decision, faq: Faq, question: str, trace: Trace) -> Reply:
    """The reply to small talk, or to a number that picks nothing."""
    said = language().sentences
    if decision.talk == "topics":
        reply = smalltalk(faq, question, "", menu_entries(faq), said.menu_intro)
    elif decision.talk == "out of range":
        body = said.out_of_range.format(last=len(decision.options))
        reply = smalltalk(faq, question, body, decision.options)
    else:
        reply = smalltalk(faq, question, getattr(said, TALK[decision.talk]))
    return reply._replace(trace=trace)


def escalation(
    faq: Faq, question: str, score: float | None = None, ranked: tuple[Suggestion, ...] = ()
) -> Reply:
    """The escalation reply: ask your physiotherapist."""
    return Reply(
        kind="escalate",
        question=question,
        body=faq.escalation,
        disclaimer=faq.disclaimer,
        score=score,
        suggestions=ranked,
    )


def smalltalk(
    faq: Faq, question: str, body: str, options: Sequence[Entry] = (), intro: str = ""
) -> Reply:
    """A reply to small talk (greetings, thanks, help, the topic menu)."""
    return Reply(
        kind="smalltalk",
        question=question,
        body=body,
        disclaimer=faq.disclaimer,
        options_intro=intro if options else "",
        options=numbered(options),
    )


def menu_entries(faq: Faq) -> tuple[Entry, ...]:
    """The most common questions: entries tagged ``common``, else the first answers."""
    entries = faq.entries
    tagged = [e for e in entries if "common" in e.tags]
    chosen = tagged or [e for e in entries if e.kind == "answer"]
    return tuple(chosen[:MENU_SIZE])
