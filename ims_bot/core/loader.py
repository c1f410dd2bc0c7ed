"""Load and validate ``faq.yaml`` into a :class:`~ims_bot.core.faq.Faq`.

Every defect raises :class:`~ims_bot.errors.FaqError` naming ``file:line`` and one
reason: invalid YAML, duplicate keys, unknown keys, missing or empty fields, wrong
types, values that are not what they claim (a date that is no date), control or escape
characters anywhere in the text (they would drive the terminals the text is shown on),
duplicate ids and ``related`` ids that do not exist.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from ims_bot.core import yamlfile
from ims_bot.core.faq import (
    CONTEXT_KINDS,
    DEFAULT_URGENT,
    WEIGHT_LEVELS,
    Category,
    Context,
    ContextKind,
    Entry,
    Faq,
    Review,
    Situation,
    Triggers,
    Urgent,
    Weighting,
    flat_urgent,
)
from ims_bot.core.settings import Settings, bounds, whole
from ims_bot.core.yamlfile import LineDict, LineList
from ims_bot.errors import FaqError, FileError

TOP_KEYS = {
    "disclaimer",
    "escalation",
    "urgent",
    "synonyms",
    "weights",
    "settings",
    "reviewed",
    "entries",
}
TOP_REQUIRED = ("disclaimer", "escalation", "entries")
ENTRY_KEYS = {
    "id",
    "kind",
    "question",
    "alternates",
    "answer",
    "tags",
    "related",
    "source",
    "reviewed",
    "lint",
}
ENTRY_REQUIRED = ("id", "question", "answer")
KINDS = ("answer", "handoff")
TRIGGER_SIDES = ("before", "after", "right_before", "right_after")
URGENT_KEYS = {"check", "unwell", "concepts", "categories", "context", "situations", "pseudo"}
SILENCEABLE = ("overlap", "near-duplicate", "related-cycle", "long-answer", "no-dialogue")
"""The lint warnings an entry's ``lint: {allow: [...], reason: ...}`` may silence."""
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters no FAQ text may hold: C0 controls but newline and tab (ESC among them, so
no escape sequence), DEL, C1 controls, and lone surrogates."""
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_faq(path: Path | str) -> Faq:
    """Read, parse and validate the FAQ file at ``path``."""
    path = Path(path)
    text = yamlfile.read_text(path, FaqError)
    return parse_faq(text, str(path))


def parse_faq(text: str, path: str = "faq.yaml") -> Faq:
    """Validate FAQ ``text`` (named ``path`` in errors) into a :class:`Faq`."""
    data = yamlfile.parse(text, path, FaqError)
    validator = Validator(path, text)
    validator.plain(data)
    return validator.faq(data, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12])


class Validator:
    """Turns parsed YAML into the model, raising ``FaqError`` at the first defect."""

    def __init__(self, path: str, text: str = "", error: type[FileError] = FaqError) -> None:
        self.path = path
        self.related_lines: dict[str, tuple[int, ...]] = {}
        self.source = text
        self.error = error

    def fail(self, line: int | None, reason: str) -> FileError:
        return self.error(self.path, line, reason)

    def plain(self, data: Any) -> None:
        """Refuse control and escape characters in any key or text of the file (only
        raw ones, refused by the parser, or escaped ones after a backslash can be)."""
        if "\\" not in self.source:
            return
        stack: list[tuple[Any, int, str]] = [(data, 1, "the file")]
        while stack:
            value, line, where = stack.pop()
            if isinstance(value, LineDict):
                for key, item in value.items():  # the key is checked before it is named
                    stack.append((item, value.line_of(key), f"'{key}'"))
                    stack.append((key, value.line_of(key), "a key"))
            elif isinstance(value, LineList):
                stack += [(item, value.line_of(i), where) for i, item in enumerate(value)]
            elif isinstance(value, str) and (found := CONTROL.search(value)):
                raise self.fail(
                    line,
                    f"{where} holds the control character U+{ord(found.group()):04X}; "
                    "FAQ text must be plain, since it is shown on terminals",
                )

    def mapping(self, value: Any, line: int, what: str) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(line, f"{what} must be a mapping of keys to values")
        return value

    def keys(self, data: LineDict, allowed: set[str], required: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(
                    data.line_of(key), f"unknown key '{key}' in {what} (known: {known})"
                )
        for key in required:
            if key not in data:
                raise self.fail(data.line, f"{what} is missing the required field '{key}'")

    def text(self, data: LineDict, key: str, what: str) -> str:
        value = data[key]
        line = data.line_of(key)
        if not isinstance(value, str):
            raise self.fail(line, f"'{key}' of {what} must be text, not {_type_name(value)}")
        if not value.strip():
            raise self.fail(line, f"'{key}' of {what} is empty")
        return value.strip()

    def texts(self, data: LineDict, key: str, what: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        value = data.get(key)
        line = data.line_of(key)
        if value is None:
            return (), ()
        if isinstance(value, str):
            value = LineList([value])
            value.line, value.item_lines = line, [line]
        if not isinstance(value, LineList):
            raise self.fail(line, f"'{key}' of {what} must be a list of text")
        items: list[str] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index)
            if not isinstance(item, str):
                raise self.fail(
                    item_line, f"'{key}' of {what} must hold text, not {_type_name(item)}"
                )
            if not item.strip():
                raise self.fail(item_line, f"'{key}' of {what} has an empty item")
            items.append(" ".join(item.split()))
        return tuple(items), tuple(value.item_lines)

    def review(self, value: Any, line: int, what: str) -> Review:
        data = self.mapping(value, line, f"'reviewed' of {what}")
        self.keys(data, {"by", "on"}, ("by", "on"), f"'reviewed' of {what}")
        by = self.text(data, "by", f"'reviewed' of {what}")
        on = data["on"]
        if isinstance(on, str) and DATE.fullmatch(on.strip()):
            try:
                on = date.fromisoformat(on.strip())
            except ValueError:
                raise self.fail(
                    data.line_of("on"), f"'on' is no date ('{on.strip()}' does not exist)"
                ) from None
        if not isinstance(on, date) or isinstance(on, datetime):
            raise self.fail(data.line_of("on"), "'on' must be a date like 2023-05-11")
        return Review(by=by, on=on, line=line)

    def faq(self, data: Any, content_hash: str) -> Faq:
        if data is None:
            raise self.fail(None, "is empty; it must define disclaimer, escalation and entries")
        top = self.mapping(data, 1, "the FAQ file")
        self.keys(top, TOP_KEYS, TOP_REQUIRED, "the FAQ file")
        entries = self.entries(top["entries"], top.line_of("entries"))
        urgent = self.urgent(top) if "urgent" in top else DEFAULT_URGENT
        ids = {entry.id for entry in entries}
        for situation in urgent.situations:
            if situation.handoff not in ids:
                raise self.fail(situation.line, f"situation names unknown id '{situation.handoff}'")
        return Faq(
            disclaimer=self.text(top, "disclaimer", "the FAQ file"),
            escalation=self.text(top, "escalation", "the FAQ file"),
            entries=entries,
            urgent=urgent,
            synonyms=self.synonyms(top),
            weights=self.weights(top),
            settings=self.settings(top),
            reviewed=self.review(top["reviewed"], top.line_of("reviewed"), "the FAQ file")
            if "reviewed" in top
            else None,
            path=self.path,
            content_hash=content_hash,
        )

    def urgent(self, top: LineDict) -> Urgent:
        data = self.mapping(top["urgent"], top.line_of("urgent"), "'urgent'")
        if "phrases" in data:
            self.keys(data, {"phrases", "reply"}, ("phrases", "reply"), "'urgent'")
            phrases, _ = self.texts(data, "phrases", "'urgent'")
            if not phrases:
                raise self.fail(data.line_of("phrases"), "'phrases' of 'urgent' is empty")
            return flat_urgent(phrases, self.text(data, "reply", "'urgent'"), data.line)
        self.keys(data, URGENT_KEYS, ("concepts", "categories"), "'urgent'")
        concepts = self.concepts(data)
        categories = self.items(data, "categories", "'urgent'")
        seen: dict[str, int] = {}
        built = []
        for item, line in categories:
            what = "a category of 'urgent'"
            known = {"id", "reply", "signs", "reach", "still_urgent", "doubt"}
            self.keys(item, known, ("id", "reply", "signs"), what)
            category_id = self.text(item, "id", what)
            if category_id in seen:
                raise self.fail(
                    item.line_of("id"),
                    f"duplicate category id '{category_id}' (first at line {seen[category_id]})",
                )
            seen[category_id] = item.line_of("id")
            signs = self.signs(item, f"category '{category_id}'", concepts)
            reach = self.whole(item, "reach", 0, 30) if "reach" in item else None
            reply = self.text(item, "reply", what)
            still = self.context_kinds(item, "still_urgent", f"category '{category_id}'")
            doubt = self.flag(item, "doubt") if "doubt" in item else True
            built.append(Category(category_id, reply, signs, line, reach, still, doubt))
        unwell_reply = Urgent._field_defaults["unwell"]
        unwell_signs: tuple[tuple[str, ...], ...] = ()
        if "unwell" in data:
            unwell = self.mapping(data["unwell"], data.line_of("unwell"), "'unwell' of 'urgent'")
            self.keys(unwell, {"reply", "signs"}, ("reply", "signs"), "'unwell' of 'urgent'")
            unwell_reply = self.text(unwell, "reply", "'unwell' of 'urgent'")
            unwell_signs = self.signs(unwell, "'unwell' of 'urgent'", concepts)
        situations = []
        for item, _ in self.items(data, "situations", "'urgent'"):
            what = "a situation of 'urgent'"
            self.keys(item, {"handoff", "signs"}, ("handoff", "signs"), what)
            handoff = self.text(item, "handoff", what)
            signs = self.signs(item, f"situation '{handoff}'", concepts)
            situations.append(Situation(handoff, signs, item.line_of("handoff")))
        return Urgent(
            concepts=tuple(concepts.items()),
            categories=tuple(built),
            context=self.context(data),
            check=self.text(data, "check", "'urgent'")
            if "check" in data
            else Urgent._field_defaults["check"],
            unwell=unwell_reply,
            unwell_signs=unwell_signs,
            situations=tuple(situations),
            pseudo=self.texts(data, "pseudo", "'urgent'")[0],
        )

    def flag(self, data: LineDict, key: str) -> bool:
        """``data[key]``, which must be true or false."""
        value = data[key]
        if not isinstance(value, bool):
            raise self.fail(data.line_of(key), f"'{key}' must be true or false")
        return value

    def whole(self, data: LineDict, key: str, lowest: int, highest: int) -> int:
        """``data[key]`` as a whole number from ``lowest`` to ``highest``."""
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            raise self.fail(
                data.line_of(key), f"'{key}' must be a whole number from {lowest} to {highest}"
            )
        return value

    def items(self, data: LineDict, key: str, what: str) -> list[tuple[LineDict, int]]:
        """The mappings listed under ``key`` (none when it is absent), with their lines."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList) or not value:
            raise self.fail(data.line_of(key), f"'{key}' of {what} must be a list of mappings")
        return [
            (self.mapping(item, value.line_of(n), f"an item of '{key}'"), value.line_of(n))
            for n, item in enumerate(value)
        ]

    def concepts(self, data: LineDict) -> dict[str, tuple[str, ...]]:
        concepts = self.mapping(data["concepts"], data.line_of("concepts"), "'concepts'")
        result: dict[str, tuple[str, ...]] = {}
        for name in concepts:
            if not isinstance(name, str) or not name.strip():
                raise self.fail(concepts.line_of(name), "a concept's name must be text")
            forms, _ = self.texts(concepts, name, f"concept '{name}'")
            if not forms:
                raise self.fail(concepts.line_of(name), f"concept '{name}' has no words")
            result[name] = forms
        return result

    def signs(
        self, data: LineDict, what: str, concepts: dict[str, tuple[str, ...]]
    ) -> tuple[tuple[str, ...], ...]:
        """The signs under ``data['signs']``: lists of concept names or literal words; a
        literal ("short of breath", "lips|mouth") becomes a concept of its own."""
        value = data["signs"]
        line = data.line_of("signs")
        if not isinstance(value, LineList) or not value:
            raise self.fail(line, f"'signs' of {what} must be a list of signs")
        signs = []
        for n, sign in enumerate(value):
            if isinstance(sign, str):
                sign = [sign]
            if not isinstance(sign, list) or not sign:
                raise self.fail(value.line_of(n), f"a sign of {what} must be a list of concepts")
            names = []
            for element in sign:
                if not isinstance(element, str) or not element.strip():
                    raise self.fail(value.line_of(n), f"a sign of {what} must hold text")
                element = " ".join(element.split())
                if element not in concepts:
                    concepts[element] = tuple(f for f in element.split("|") if f)
                names.append(element)
            signs.append(tuple(names))
        return tuple(signs)

    def context_kinds(self, data: LineDict, key: str, what: str) -> tuple[ContextKind, ...]:
        """The context kinds listed under ``key``, each one of ``CONTEXT_KINDS``."""
        kinds, lines = self.texts(data, key, what)
        for kind, line in zip(kinds, lines, strict=True):
            if kind not in CONTEXT_KINDS:
                raise self.fail(
                    line, f"'{kind}' in '{key}' of {what} is not one of {', '.join(CONTEXT_KINDS)}"
                )
        return cast(tuple[ContextKind, ...], kinds)

    def context(self, data: LineDict) -> Context:
        if data.get("context") is None:
            return Context()
        what = "'context' of 'urgent'"
        context = self.mapping(data["context"], data.line_of("context"), what)
        known = {*CONTEXT_KINDS, "current", "ends", "pseudo", "joins", "scope"}
        self.keys(context, known, (), what)
        triggers = []
        for kind in CONTEXT_KINDS:
            if kind in context:
                sides = self.mapping(context[kind], context.line_of(kind), f"'{kind}' of {what}")
                self.keys(sides, set(TRIGGER_SIDES), (), f"'{kind}' of {what}")
                lists = {side: self.texts(sides, side, f"'{kind}' of {what}")[0] for side in sides}
                triggers.append((kind, Triggers(**lists)))
        scope = (
            self.whole(context, "scope", 1, 30)
            if "scope" in context
            else Context._field_defaults["scope"]
        )
        return Context(
            triggers=tuple(triggers),
            current=self.texts(context, "current", what)[0],
            ends=self.texts(context, "ends", what)[0],
            pseudo=self.texts(context, "pseudo", what)[0],
            joins=self.texts(context, "joins", what)[0],
            scope=scope,
        )

    def synonyms(self, top: LineDict) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if top.get("synonyms") is None:
            return ()
        data = self.mapping(top["synonyms"], top.line_of("synonyms"), "'synonyms'")
        result = []
        for word in data:
            if not isinstance(word, str) or not word.strip():
                raise self.fail(data.line_of(word), "a synonym's canonical word must be text")
            variants, _ = self.texts(data, word, "'synonyms'")
            result.append((word, variants))
        return tuple(result)

    def weights(self, top: LineDict) -> tuple[Weighting, ...]:
        """``weights: {word: level}``: the FAQ's own weight level for single words."""
        if top.get("weights") is None:
            return ()
        data = self.mapping(top["weights"], top.line_of("weights"), "'weights'")
        result = []
        for word, level in data.items():
            line = data.line_of(word)
            if not isinstance(word, str) or len(word.split()) != 1 or not word.isalpha():
                raise self.fail(line, f"'weights' sets a level for single words, not '{word}'")
            if level not in WEIGHT_LEVELS:
                known = ", ".join(WEIGHT_LEVELS)
                raise self.fail(
                    line, f"unknown weight level '{level}' for '{word}' (known: {known})"
                )
            result.append(Weighting(word.casefold(), level, line))
        return tuple(result)

    def settings(self, top: LineDict) -> Settings:
        if top.get("settings") is None:
            return Settings()
        data = self.mapping(top["settings"], top.line_of("settings"), "'settings'")
        self.keys(data, set(Settings._fields), (), "'settings'")
        values: dict[str, Any] = {}
        for key in data:
            value = data[key]
            low, high = bounds(key)
            kind = "a whole number" if whole(key) else "a number"
            if (
                isinstance(value, bool)
                or not isinstance(value, int if whole(key) else int | float)
                or not low <= value <= high
            ):
                raise self.fail(
                    data.line_of(key), f"setting '{key}' must be {kind} from {low:g} to {high:g}"
                )
            values[key] = value
        settings = Settings(**values)
        if settings.clarify_at > settings.answer_at:
            raise self.fail(data.line, "setting 'clarify_at' must not be above 'answer_at'")
        return settings

    def entries(self, value: Any, line: int) -> tuple[Entry, ...]:
        if not isinstance(value, LineList):
            raise self.fail(line, "'entries' must be a list of entries")
        if not value:
            raise self.fail(line, "'entries' is empty; the FAQ needs at least one entry")
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            entry = self.entry(item, value.line_of(index), index)
            if entry.id in seen:
                raise self.fail(
                    entry.line, f"duplicate id '{entry.id}' (first at line {seen[entry.id]})"
                )
            seen[entry.id] = entry.line
            entries.append(entry)
        for entry in entries:
            lines = self.related_lines.get(entry.id, ())
            for number, related in enumerate(entry.related):
                if related not in seen:
                    line = lines[number] if number < len(lines) else entry.line
                    raise self.fail(line, f"entry '{entry.id}' relates to unknown id '{related}'")
        return tuple(entries)

    def allowances(self, data: LineDict, what: str) -> tuple[str, ...]:
        """An entry's ``lint: {allow: [...], reason: ...}``: the warnings it silences."""
        if "lint" not in data:
            return ()
        lint = self.mapping(data["lint"], data.line_of("lint"), f"'lint' of {what}")
        self.keys(lint, {"allow", "reason"}, ("allow", "reason"), f"'lint' of {what}")
        self.text(lint, "reason", f"'lint' of {what}")
        allowed, lines = self.texts(lint, "allow", f"'lint' of {what}")
        for item, line in zip(allowed, lines, strict=False):
            if item.partition(":")[0] not in SILENCEABLE:
                raise self.fail(
                    line,
                    f"'lint' of {what} cannot allow '{item}' "
                    f"(known: {', '.join(SILENCEABLE)}, optionally ':OTHER-ID')",
                )
        return allowed

    def entry(self, item: Any, line: int, index: int) -> Entry:
        data = self.mapping(item, line, f"entry {index + 1}")
        what = f"entry {index + 1}"
        if isinstance(data.get("id"), str) and data["id"].strip():
            what = f"entry '{data['id']}'"
        self.keys(data, ENTRY_KEYS, ENTRY_REQUIRED, what)
        entry_id = self.text(data, "id", what)
        if any(ch.isspace() for ch in entry_id):
            raise self.fail(data.line_of("id"), f"id '{entry_id}' must not contain spaces")
        kind = data.get("kind", "answer")
        if kind not in KINDS:
            raise self.fail(data.line_of("kind"), f"'kind' of {what} must be 'answer' or 'handoff'")
        alternates, alternate_lines = self.texts(data, "alternates", what)
        related, self.related_lines[entry_id] = self.texts(data, "related", what)
        source = self.text(data, "source", what) if "source" in data else None
        return Entry(
            id=entry_id,
            question=self.text(data, "question", what),
            answer=self.text(data, "answer", what),
            kind=kind,
            alternates=alternates,
            tags=self.texts(data, "tags", what)[0],
            related=related,
            source=source,
            reviewed=self.review(data["reviewed"], data.line_of("reviewed"), what)
            if "reviewed" in data
            else None,
            line=data.line,
            question_line=data.line_of("question"),
            alternate_lines=alternate_lines,
            lint_allow=self.allowances(data, what),
        )


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number"}
    for cls, name in names.items():
        if isinstance(value, cls):
            return name
    if isinstance(value, float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    if value is None:
        return "nothing"
    return type(value).__name__
