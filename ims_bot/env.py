"""The process environment that commands run in: streams, terminal flags and variables.

Passed into every command so tests can run them in-process with string streams.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO


class Environment:
    """Streams and settings of one run; nothing here probes the terminal at import.

    Args:
        stdin, stdout, stderr: the streams (default: empty string streams, for tests).
        environ: the environment variables (default: none).
        stdin_isatty, stdout_isatty: whether those streams are terminals.
    """

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        environ: Mapping[str, str] | None = None,
        stdin_isatty: bool = False,
        stdout_isatty: bool = False,
    ) -> None:
        self.stdin: TextIO = stdin if stdin is not None else io.StringIO()
        self.stdout: TextIO = stdout if stdout is not None else io.StringIO()
        self.stderr: TextIO = stderr if stderr is not None else io.StringIO()
        self.environ: Mapping[str, str] = environ if environ is not None else {}
        self.stdin_isatty = stdin_isatty
        self.stdout_isatty = stdout_isatty

    @classmethod
    def from_system(cls) -> Environment:
        """The real process environment; undecodable input bytes become U+FFFD.

        A closed standard stream (``ims-bot list >&-``) reads as empty or writes nowhere.
        """
        stdin = sys.stdin
        if stdin is not None and hasattr(stdin, "buffer"):
            stdin = io.TextIOWrapper(stdin.buffer, encoding="utf-8", errors="replace")
        stdout = sys.stdout if sys.stdout is not None else nowhere()
        if hasattr(stdout, "reconfigure"):
            stdout.reconfigure(errors="replace")
        return cls(
            stdin=stdin if stdin is not None else io.StringIO(),
            stdout=stdout,
            stderr=sys.stderr if sys.stderr is not None else nowhere(),
            environ=os.environ,
            stdin_isatty=bool(sys.stdin and sys.stdin.isatty()),
            stdout_isatty=bool(sys.stdout and sys.stdout.isatty()),
        )

    def with_stderr(self, stderr: TextIO) -> Environment:
        """The same environment with errors written to ``stderr``."""
        return Environment(
            self.stdin, self.stdout, stderr, self.environ, self.stdin_isatty, self.stdout_isatty
        )

    @property
    def no_color(self) -> bool:
        """True when colour is off: ``NO_COLOR`` set to a non-empty value, or output not a
        terminal (https://no-color.org: an empty ``NO_COLOR`` does not count)."""
        return bool(self.environ.get("NO_COLOR")) or not self.stdout_isatty

    def state_dir(self) -> Path:
        """Where ims-bot keeps its logs: ``$XDG_STATE_HOME/ims-bot``."""
        return self._xdg("XDG_STATE_HOME", ".local/state")

    def cache_dir(self) -> Path:
        """Where ims-bot keeps prepared engines: ``$XDG_CACHE_HOME/ims-bot``."""
        return self._xdg("XDG_CACHE_HOME", ".cache")

    def _xdg(self, variable: str, default: str) -> Path:
        """``$variable/ims-bot``, else ``~/default/ims-bot`` (XDG base directories).

        The XDG specification says a relative path in these variables is invalid and must
        be ignored, so ``XDG_STATE_HOME=logs`` falls back to the default.
        """
        given = Path(self.environ.get(variable) or "")
        home = Path(self.environ.get("HOME") or Path.home())
        return (given if given.is_absolute() else home / default) / "ims-bot"


def nowhere() -> TextIO:
    """A text stream that discards what is written: stands in for a closed stream."""
    return open(os.devnull, "w", encoding="utf-8")
