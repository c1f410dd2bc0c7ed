"""BotiumScript convo files (``*.convo.txt``) read into the dialogue model.

The mapping, and what it leaves out on purpose:

- The first line is the dialogue's name (the file name when the first line is a
  section header); lines before the first section are a description and are skipped.
- Each ``#me`` block is one turn; its lines, joined with spaces, are what the user types.
- A ``#bot`` block after a ``#me`` block is that turn's expectation: its text, joined
  with spaces, must appear in the reply, ignoring case and spacing. A line starting with
  ``!`` must not appear. A ``*`` (Botium's wildcard) splits the text into parts that
  must each appear, in any order. An empty ``#bot`` block expects only the disclaimer.
- ims-bot gives exactly one reply per message and does not speak first, so a ``#bot``
  block must follow a ``#me`` block.
- Not supported, and rejected with ``file:line``: ``#begin`` and ``#end`` sections,
  other senders, and Botium asserters and logic hooks (``BUTTONS``, ``INTENT``,
  ``PAUSE``, ``INCLUDE``, ...). Utterance files are not read: a ``#me`` line that names
  an utterance list is sent as literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ims_bot.core.dialogue import BOTIUM_SUFFIX, Dialogue, Expect, Turn
from ims_bot.errors import ScriptError

ASSERTERS = frozenset(
    {
        "BUTTONS",
        "BUTTON",
        "CARDS",
        "MEDIA",
        "FORM",
        "INTENT",
        "INTENT_CONFIDENCE",
        "INTENT_UNIQUE",
        "ENTITIES",
        "ENTITY_VALUES",
        "ENTITY_CONTENT",
        "JSON_PATH",
        "RESPONSE_LENGTH",
        "TEXT",
        "TEXT_CONTAINS_ANY",
        "TEXT_CONTAINS_ALL",
        "TEXT_REGEX_ANY",
        "TEXT_REGEX_ALL",
        "TEXT_WILDCARD_ANY",
        "TEXT_WILDCARD_ALL",
        "PAUSE",
        "WAITFORBOT",
        "INCLUDE",
        "SET_SCRIPTING_MEMORY",
        "CLEAR_SCRIPTING_MEMORY",
        "UPDATE_CUSTOM",
        "SKIP_BOT_UNCONSUMED",
    }
)
_ASSERTER = re.compile(r"^!?([A-Z][A-Z_]+)(?:\s|$)")


@dataclass
class _Block:
    sender: str
    line: int
    lines: list[str] = field(default_factory=list)


def parse_convo(text: str, path: str = "dialogue.convo.txt") -> Dialogue:
    """Read Botium convo ``text`` (named ``path`` in errors) into a :class:`Dialogue`."""
    lines = [line.strip() for line in text.splitlines()]
    name = ""
    if lines and lines[0] and not lines[0].startswith("#"):
        name = lines[0]
    if not name:
        name = Path(path).name.removesuffix(BOTIUM_SUFFIX)
    turns: list[Turn] = []
    pending: _Block | None = None
    for block in _blocks(lines, path):
        if block.sender == "me":
            if pending is not None:
                turns.append(_turn(pending, None, path))
            pending = block
        elif pending is None:
            raise ScriptError(
                path,
                block.line,
                "a '#bot' block must follow a '#me' block (ims-bot replies once per message "
                "and does not speak first)",
            )
        else:
            turns.append(_turn(pending, block, path))
            pending = None
    if pending is not None:
        turns.append(_turn(pending, None, path))
    if not turns:
        raise ScriptError(path, None, "has no '#me' block; a dialogue needs at least one turn")
    return Dialogue(name=name, turns=tuple(turns), path=path)


def _blocks(lines: list[str], path: str) -> list[_Block]:
    """The ``#me`` and ``#bot`` blocks in file order, with their non-empty text lines."""
    blocks: list[_Block] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            sender = line[1:].strip().casefold()
            if sender not in ("me", "bot"):
                raise ScriptError(
                    path, number, f"section '{line}' is not supported (only '#me' and '#bot')"
                )
            blocks.append(_Block(sender, number))
        elif line and blocks:
            match = _ASSERTER.match(line)
            if match and match.group(1) in ASSERTERS:
                raise ScriptError(
                    path,
                    number,
                    f"Botium asserter or logic hook '{match.group(1)}' is not supported",
                )
            blocks[-1].lines.append(line)
    return blocks


def _turn(me: _Block, bot: _Block | None, path: str) -> Turn:
    if not me.lines:
        raise ScriptError(path, me.line, "the '#me' block is empty")
    user = " ".join(me.lines)
    if bot is None:
        return Turn(user=user, line=me.line)
    wanted = " ".join(line for line in bot.lines if not line.startswith("!"))
    unwanted = [line[1:].strip() for line in bot.lines if line.startswith("!")]
    expect = Expect(
        contains=tuple(part.strip() for part in wanted.split("*") if part.strip()),
        not_contains=tuple(part for part in unwanted if part),
    )
    return Turn(user=user, expect=expect, line=me.line)
