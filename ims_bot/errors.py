"""The exceptions ims-bot turns into one-line messages and exit statuses."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit statuses, a contract for tools that call ims-bot."""

    OK = 0
    FAILED = 1
    USAGE = 2


class ImsBotError(Exception):
    """Base class of the errors shown to the user as one line."""


class FileError(ImsBotError):
    """A data file (FAQ or dialogue script) that cannot be used, with the line at fault."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class FaqError(FileError):
    """The FAQ file cannot be loaded."""


class ScriptError(FileError):
    """A dialogue script cannot be loaded."""
