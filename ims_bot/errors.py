"""The exceptions ims-bot turns into one-line messages and exit statuses."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit statuses, a contract for tools that call ims-bot (see ``MEANINGS``)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130
    TERMINATED = 143


MEANINGS = {
    ExitStatus.OK: "ok",
    ExitStatus.FAILED: "a check found an error, or a dialogue test failed",
    ExitStatus.USAGE: "bad usage, or a file that cannot be used (one line names file:line)",
    ExitStatus.INTERNAL: "an internal error; its details are in the error log",
    ExitStatus.INTERRUPTED: "stopped by Ctrl-C (128 + SIGINT)",
    ExitStatus.TERMINATED: "stopped by SIGTERM (128 + SIGTERM)",
}
"""What each exit status means, for ``--help`` and the README."""


class Terminated(BaseException):
    """SIGTERM arrived: the command stops as Ctrl-C would, cleaning up on the way out."""


def printable(text: str) -> str:
    """``text`` with control and other unprintable characters written as escapes.

    Error lines quote what the user typed (a path, an option's value); an escape byte in
    it must be shown, not obeyed by the terminal.
    """
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode()
        for char in text
    )


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


class LanguageError(FileError):
    """The language file (the bot's own words and sentences) cannot be loaded."""


class ScriptError(FileError):
    """A dialogue script cannot be loaded."""
