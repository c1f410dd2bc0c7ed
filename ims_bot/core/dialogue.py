"""Scripted dialogues: the script model, its YAML loader, and the runner that checks it.

A dialogue is a list of turns: what the user types and what the reply must be. The
runner sends every turn through one :class:`~ims_bot.core.conversation.Conversation`,
so state carries exactly as in the chat (a number typed after a list picks from it),
and yields one :class:`TurnResult` per turn as it goes, keeping nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from ims_bot.core import yamlfile
from ims_bot.core.conversation import Conversation
from ims_bot.core.decide import ReplyKind
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry, Faq
from ims_bot.core.reply import Reply
from ims_bot.core.yamlfile import LineDict, LineList
from ims_bot.errors import ScriptError

KINDS: tuple[str, ...] = get_args(ReplyKind)
DIALOGUE_KEYS = ("name", "faq", "turns")
TURN_KEYS = ("user", "expect")
EXPECT_KEYS = ("kind", "id", "contains", "not_contains")
YAML_SUFFIXES = (".yaml", ".yml")
BOTIUM_SUFFIX = ".convo.txt"


@dataclass(frozen=True)
class Expect:
    """What a reply must be; ``contains`` and ``not_contains`` ignore case and spacing."""

    kind: str | None = None
    id: str | None = None
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One message of the user and the expectation on the reply to it."""

    user: str
    expect: Expect = Expect()
    line: int = 0


@dataclass(frozen=True)
class Dialogue:
    """A named list of turns from one script file, optionally with its own FAQ file."""

    name: str
    turns: tuple[Turn, ...]
    path: str = "dialogue.yaml"
    faq: Path | None = None


@dataclass(frozen=True)
class TurnResult:
    """The outcome of one turn: the reply and every expectation it failed, in words."""

    number: int
    turn: Turn
    reply: Reply
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the reply met every expectation."""
        return not self.failures


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def check(expect: Expect, reply: Reply, faq: Faq) -> tuple[str, ...]:
    """Every way ``reply`` misses ``expect`` or the disclaimer rule, in plain words."""
    failures: list[str] = []
    if expect.kind is not None and reply.kind != expect.kind:
        failures.append(f"expected kind '{expect.kind}', got '{reply.kind}'")
    if expect.id is not None and reply.id != expect.id:
        got = f"'{reply.id}'" if reply.id else f"no entry ({reply.kind})"
        unknown = "" if expect.id in faq.by_id else " (the FAQ has no entry with that id)"
        failures.append(f"expected entry '{expect.id}'{unknown}, got {got}")
    text = _folded(reply.text)
    failures += [
        f"expected the reply to contain '{part}'"
        for part in expect.contains
        if _folded(part) not in text
    ]
    failures += [
        f"expected the reply not to contain '{part}'"
        for part in expect.not_contains
        if _folded(part) in text
    ]
    if not reply.text.endswith(faq.disclaimer):
        failures.append("the reply does not end with the disclaimer")
    return tuple(failures)


def run(script: Dialogue, engine: Engine) -> Iterator[TurnResult]:
    """Send each turn through one conversation and yield its result as soon as it is known."""
    conversation = Conversation(engine)
    for number, turn in enumerate(script.turns, start=1):
        reply = conversation.respond(turn.user)
        yield TurnResult(number, turn, reply, check(turn.expect, reply, engine.faq))


def unreached_entries(faq: Faq, scripts: Iterable[Dialogue]) -> list[Entry]:
    """The entries of ``faq`` that no turn of ``scripts`` gets as its reply, in file order.

    Every script runs against ``faq`` (a script's own ``faq`` key is not used here).
    """
    engine = Engine(faq)
    reached: set[str] = set()
    for script in scripts:
        reached.update(r.reply.id for r in run(script, engine) if r.reply.id)
    return [entry for entry in faq.entries if entry.id not in reached]


def is_script(path: Path) -> bool:
    """True for a file name that ``ims-bot test`` runs: YAML or a Botium convo file."""
    return path.name.endswith(BOTIUM_SUFFIX) or path.suffix in YAML_SUFFIXES


def script_paths(paths: Iterable[Path]) -> list[Path]:
    """The script files named by ``paths``: files as given, folders expanded and sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and is_script(p))
            if not inside:
                raise ScriptError(
                    str(path), None, "holds no dialogue scripts (*.yaml, *.yml, *.convo.txt)"
                )
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise ScriptError(str(path), None, "file not found")
    return found


def load_folder(folder: Path | str) -> list[Dialogue]:
    """Load every script in ``folder`` (as :func:`script_paths` finds them)."""
    return [load_dialogue(path) for path in script_paths([Path(folder)])]


def load_dialogue(path: Path | str) -> Dialogue:
    """Read and validate one script: a ``*.convo.txt`` Botium file, else dialogue YAML."""
    from ims_bot.core import botium  # imported here: botium builds on this module's model

    path = Path(path)
    text = yamlfile.read_text(path, ScriptError)
    if path.name.endswith(BOTIUM_SUFFIX):
        return botium.parse_convo(text, str(path))
    return parse_dialogue(text, str(path), path.parent)


def parse_dialogue(text: str, path: str = "dialogue.yaml", base: Path | None = None) -> Dialogue:
    """Validate dialogue YAML ``text`` (named ``path`` in errors).

    A ``faq`` key is resolved against ``base``, the script's folder.
    """
    return _Validator(path).dialogue(yamlfile.parse(text, path, ScriptError), base or Path("."))


class _Validator:
    """Turns parsed YAML into a :class:`Dialogue`, raising ``ScriptError`` at the first defect."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, line: int | None, reason: str) -> ScriptError:
        return ScriptError(self.path, line, reason)

    def mapping(self, value: Any, line: int, what: str, keys: tuple[str, ...]) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(line, f"{what} must be a mapping of keys to values")
        for key in value:
            if key not in keys:
                known = ", ".join(keys)
                raise self.fail(
                    value.line_of(key), f"unknown key '{key}' in {what} (known: {known})"
                )
        return value

    def text(self, data: LineDict, key: str, what: str) -> str:
        value = data[key]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(data.line_of(key), f"'{key}' of {what} must be text")
        if not value.strip():
            raise self.fail(data.line_of(key), f"'{key}' of {what} is empty")
        return value.strip()

    def texts(self, data: LineDict, key: str) -> tuple[str, ...]:
        value = data[key]
        items = value if isinstance(value, LineList) else [value]
        lines = value.item_lines if isinstance(value, LineList) else [data.line_of(key)]
        if not items:
            raise self.fail(data.line_of(key), f"'{key}' of 'expect' is empty")
        result = []
        for item, line in zip(items, lines, strict=True):
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise self.fail(line, f"'{key}' of 'expect' must be text or a list of text")
            result.append(item.strip())
        return tuple(result)

    def dialogue(self, data: Any, base: Path) -> Dialogue:
        if data is None:
            raise self.fail(None, "is empty; a dialogue needs 'name' and 'turns'")
        top = self.mapping(data, 1, "the dialogue", DIALOGUE_KEYS)
        for key in ("name", "turns"):
            if key not in top:
                raise self.fail(top.line, f"the dialogue is missing the required field '{key}'")
        turns = top["turns"]
        if not isinstance(turns, LineList) or not turns:
            raise self.fail(top.line_of("turns"), "'turns' must be a non-empty list of turns")
        faq = None
        if "faq" in top:
            faq = base / self.text(top, "faq", "the dialogue")
            if not faq.is_file():
                raise self.fail(top.line_of("faq"), f"FAQ file '{faq}' not found")
        return Dialogue(
            name=self.text(top, "name", "the dialogue"),
            turns=tuple(self.turn(item, turns.line_of(i)) for i, item in enumerate(turns)),
            path=self.path,
            faq=faq,
        )

    def turn(self, item: Any, line: int) -> Turn:
        data = self.mapping(item, line, "a turn", TURN_KEYS)
        if "user" not in data:
            raise self.fail(data.line, "a turn is missing the required field 'user'")
        user = self.text(data, "user", "a turn")
        if data.get("expect") is None:
            return Turn(user=user, line=data.line)
        return Turn(
            user=user, expect=self.expect(data["expect"], data.line_of("expect")), line=data.line
        )

    def expect(self, value: Any, line: int) -> Expect:
        data = self.mapping(value, line, "'expect'", EXPECT_KEYS)
        kind = self.text(data, "kind", "'expect'") if "kind" in data else None
        if kind is not None and kind not in KINDS:
            raise self.fail(
                data.line_of("kind"), f"unknown kind '{kind}' (known: {', '.join(KINDS)})"
            )
        entry_id = self.text(data, "id", "'expect'") if "id" in data else None
        if entry_id is not None and any(ch.isspace() for ch in entry_id):
            raise self.fail(data.line_of("id"), f"id '{entry_id}' must not contain spaces")
        return Expect(
            kind=kind,
            id=entry_id,
            contains=self.texts(data, "contains") if "contains" in data else (),
            not_contains=self.texts(data, "not_contains") if "not_contains" in data else (),
        )
