"""The exceptions ims-bot turns into one-line messages and exit statuses."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit statuses, a contract for tools that call ims-bot."""

    OK = 0
    FAILED = 1
    """A check found an error, or a dialogue test failed."""
    USAGE = 2
    """Bad usage, or a file (FAQ, dialogue script, log, recording) that cannot be used."""
    INTERNAL = 3
    """An internal error: a bug, written with its traceback to the error log."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (128 + SIGINT)."""
    TERMINATED = 143
    """Stopped by SIGTERM (128 + SIGTERM)."""


EXIT_STATUS_HELP = (
    "exit status:\n"
    "  0    ok\n"
    "  1    a check found an error, or a dialogue test failed\n"
    "  2    bad usage, or a file that cannot be used (one line names file:line)\n"
    "  3    internal error (the details are in the error log)\n"
    "  130  stopped by Ctrl-C\n"
    "  143  stopped by SIGTERM"
)


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


class ScriptError(FileError):
    """A dialogue script cannot be loaded."""
