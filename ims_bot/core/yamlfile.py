"""YAML loading that remembers line numbers and cannot be fooled.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both know the
line of every key or item, so validators can name ``file:line`` in their errors.
Scalars are read as YAML 1.2 reads them (``on``, ``no``, ``yes`` and ``off`` are words,
dates are text for the validator to check), keys given twice are refused, merge keys
(``<<: *base``) merge, any value the constructor cannot build is an error at its line,
and aliases may not repeat anchored lists or mappings into a document much larger than
the one written (a small file must not take hundreds of megabytes to load).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

from ims_bot.errors import FileError

_Parsing: tuple[type, ...]
try:  # libyaml's parser when PyYAML was built with it
    from yaml.cyaml import CParser  # type: ignore[attr-defined]  # absent from the stubs

    _Parsing = (CParser,)
except ImportError:  # pragma: no cover
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _Parsing = (Reader, Scanner, Parser, Composer)
MERGE_TAG = "tag:yaml.org,2002:merge"
REPEATED = 10_000
"""How many values aliases may add beyond those written, or beyond twice as many when
the document is larger."""


class LineDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of item ``index``."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Refused(yaml.MarkedYAMLError):
    """A document the loader refuses: a duplicate key, a bad value, too many aliases."""


class _Resolver(BaseResolver):
    """The YAML 1.2 core schema: only ``true``/``false`` are booleans, only ``null``
    and ``~`` are null, numbers are decimal (or ``0o``/``0x``), and there are no
    timestamps, so a date stays text until the validator reads it strictly."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    ("merge", r"^<<$", "<"),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


class _Constructor(SafeConstructor):
    """The safe constructor with YAML 1.2 numbers, line-aware containers and merge keys."""

    aliases = True
    """Whether the document may hold aliases (checked with ``_check_repetition``)."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)

    def construct_document(self, node: yaml.Node) -> Any:
        if self.aliases:
            _check_repetition(node)
        return super().construct_document(node)


def _at_its_line(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``construct``, with a value it cannot build refused at the value's line."""

    def checked(constructor: Any, node: yaml.Node) -> Any:
        try:
            return construct(constructor, node)
        except yaml.MarkedYAMLError:
            raise
        except Exception as exc:  # PyYAML's constructors fail in many ways on bad values
            reason = f"cannot read this {node.tag.rsplit(':', 1)[-1]} value ({exc!r})"
            raise _Refused(None, None, reason, node.start_mark) from None

    return checked


# PyYAML's stubs type a constructor by the loader class, which this one is not yet.
_add: Any = _Constructor.add_constructor
_add("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_add(BaseResolver.DEFAULT_MAPPING_TAG, lambda c, n: _mapping(c, n))
_add(BaseResolver.DEFAULT_SEQUENCE_TAG, lambda c, n: _sequence(c, n))
for _value_tag, _construct in list(_Constructor.yaml_constructors.items()):
    if _value_tag not in (None, "tag:yaml.org,2002:str"):
        _add(_value_tag, _at_its_line(_construct))


class _Loader(*_Parsing, _Constructor, _Resolver):  # type: ignore[misc]
    """The safe loader (C parser when available) with the rules above."""

    def __init__(self, stream: str) -> None:
        _Parsing[0].__init__(self, stream)  # type: ignore[misc]
        for base in _Parsing[1:]:
            base.__init__(self)  # type: ignore[misc]
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.aliases = "*" in stream


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _key(loader: _Constructor, key_node: yaml.Node) -> Any:
    key = loader.construct_object(key_node, deep=True)
    try:
        hash(key)
    except TypeError:
        raise _Refused(None, None, "a key must be plain text", key_node.start_mark) from None
    return key


def _mapping(loader: _Constructor, node: yaml.MappingNode) -> LineDict:
    """A line-aware mapping; its own keys must differ, and merged keys fill in the rest."""
    result = LineDict()
    result.line = _line(node)
    result.key_lines = {}
    merged: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            many = isinstance(value_node, yaml.SequenceNode)
            merged += value_node.value if many else [value_node]
            continue
        key = _key(loader, key_node)
        if key in result:
            raise _Refused(None, None, f"duplicate key '{key}'", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = _line(key_node)
    for source in merged:
        if not isinstance(source, yaml.MappingNode):
            raise _Refused(None, None, "a merge key ('<<') takes a mapping", source.start_mark)
        base = loader.construct_object(source, deep=True)
        for key, value in base.items():
            if key not in result:
                result[key] = value
                result.key_lines[key] = base.line_of(key)
    return result


def _sequence(loader: _Constructor, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = _line(node)
    result.item_lines = [_line(child) for child in node.value]
    return result


def _check_repetition(root: yaml.Node) -> None:
    """Refuse a document that contains itself, or whose aliases add more than
    ``REPEATED`` values to those written (or more than were written)."""
    sizes: dict[int, int] = {}  # expanded size; -1 while its children are counted
    repeated: dict[int, tuple[int, yaml.Node]] = {}
    written = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        size = sizes.get(id(node))
        if size == -1:
            raise _Refused(None, None, "an alias refers to its own anchor", node.start_mark)
        if size is not None:
            extra = repeated.get(id(node), (0, node))[0] + size
            repeated[id(node)] = (extra, node)
            continue
        sizes[id(node)] = -1
        written += 1
        stack.append((node, True))
        stack += [(child, False) for child in reversed(children)]
    total = sizes[id(root)]
    if total - written > max(REPEATED, written):
        _, worst = max(repeated.values(), key=lambda found: found[0])
        raise _Refused(
            None,
            None,
            f"aliases repeat what is anchored here into {total:,} values where "
            f"{written:,} are written; write the items out, or repeat fewer",
            worst.start_mark,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def read_text(path: Path, error: type[FileError]) -> str:
    """Read a UTF-8 text file, raising ``error`` with a one-sentence reason."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(str(path), None, "file not found") from None
    except IsADirectoryError:
        raise error(str(path), None, "is a directory, not a file") from None
    except OSError as exc:
        raise error(str(path), None, f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise error(str(path), None, "is not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(str(path), line, "is not valid UTF-8 text") from None


def parse(text: str, path: str, error: type[FileError]) -> Any:
    """Parse YAML ``text``; syntax errors and refused documents raise ``error`` with the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        if not isinstance(exc, _Refused):
            reason = f"invalid YAML: {reason}"
        raise error(path, line, reason) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text[: exc.position].count("\n") + 1
        reason = f"invalid YAML: the control character U+{code:04X} is not allowed"
        raise error(path, line, reason) from None
    except yaml.YAMLError as exc:
        raise error(path, None, f"invalid YAML: {exc}") from None


def load(path: Path, error: type[FileError]) -> Any:
    """Read and parse a YAML file with line-aware containers."""
    return parse(read_text(path, error), str(path), error)
