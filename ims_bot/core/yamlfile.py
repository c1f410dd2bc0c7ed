"""YAML loading that remembers line numbers and rejects duplicate keys.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both know the
line of every key or item, so validators can name ``file:line`` in their errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ims_bot.errors import FileError

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping (PyYAML would silently keep the last)."""


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader (C when available) building line-aware containers."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):
            key = key_node.value  # YAML 1.1 reads a bare `on:` key as true; keep the word
        try:
            hash(key)
        except TypeError:
            raise _DuplicateKey(
                None, None, "a key must be plain text", key_node.start_mark
            ) from None
        if key in result:
            raise _DuplicateKey(None, None, f"duplicate key '{key}'", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


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
    """Parse YAML ``text``; syntax errors and duplicate keys raise ``error`` with the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        if not isinstance(exc, _DuplicateKey):
            reason = f"invalid YAML: {reason}"
        raise error(path, line, reason) from None
    except yaml.YAMLError as exc:
        raise error(path, None, f"invalid YAML: {exc}") from None


def load(path: Path, error: type[FileError]) -> Any:
    """Read and parse a YAML file with line-aware containers."""
    return parse(read_text(path, error), str(path), error)
