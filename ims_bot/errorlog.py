"""The error log: internal errors go to a rotating file under the state directory, never the screen.

Every command runs inside ``error_log``: the ``ims_bot`` logger (where the core reports
what it caught), any other library's warnings and errors, Python's warnings, and
exceptions in threads or finalizers all go to ``$XDG_STATE_HOME/ims-bot/errors.log``
(``0600``, in a ``0700`` folder) with their tracebacks, and nothing of them reaches the
screen: a traceback would frighten a patient and could show the previous patient's
words. The file and its folder are only made when the first record is written, and the
rotating handler is only imported then, so a command that meets no error pays nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from ims_bot.env import Environment
from ims_bot.private import FILE_MODE, private_folder

LOGGER_NAME = "ims_bot"
FILE_NAME = "errors.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(LOGGER_NAME)


class ErrorLogHandler(logging.Handler):
    """Writes records to a rotating, owner-only file made at the first record.

    A record that cannot be written (no such folder, a full disk) is dropped: a broken
    log must never reach the screen either.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.setFormatter(logging.Formatter(FORMAT))
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` to the file, opening it first if need be."""
        try:
            if self._file is None:
                self._file = rotating_handler(self.path)
                self._file.setFormatter(self.formatter)
            self._file.emit(record)
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop the record."""

    def close(self) -> None:
        """Close the file, if it was opened."""
        if self._file is not None:
            self._file.close()
        super().close()


def rotating_handler(path: Path) -> logging.Handler:
    """A rotating handler for ``path`` whose files are ``0600`` in a ``0700`` folder."""
    from logging.handlers import RotatingFileHandler

    class Quiet(RotatingFileHandler):
        def handleError(self, record: logging.LogRecord) -> None:
            """Drop the record: a broken log file must never reach the screen."""

        def _open(self) -> TextIO:  # type: ignore[override]  # any text stream will do
            descriptor = os.open(
                self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE
            )
            return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)

    private_folder(path.parent, tighten=True)
    return Quiet(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)


def error_log_path(env: Environment) -> Path:
    """Where the error log lives: ``<state dir>/errors.log``."""
    return env.state_dir() / FILE_NAME


def _thread_error(args: threading.ExceptHookArgs) -> None:
    """An exception that ended a thread, logged with its traceback."""
    log.error("uncaught error in a thread", exc_info=_info(args))


def _unraisable(unraisable: Any) -> None:
    """An exception Python could not raise (in a finalizer, say), logged with its traceback."""
    log.error("%s", unraisable.err_msg or "exception ignored", exc_info=_info(unraisable))


def _info(
    hook: Any,
) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    """``exc_info`` for a logging call from a hook's arguments."""
    value = hook.exc_value if hook.exc_value is not None else hook.exc_type()
    return hook.exc_type, value, hook.exc_traceback


@contextmanager
def error_log(env: Environment) -> Iterator[Path]:
    """Send every log record, warning and stray exception to the error log while the block runs.

    The ``ims_bot`` logger does not propagate, so a test's log capture never sees it;
    everything is put back as it was afterwards.

    Yields:
        The log file's path (it may not exist yet: it is created on the first error).
    """
    root = logging.getLogger()
    path = error_log_path(env)
    handler = ErrorLogHandler(path)
    saved = (log.level, log.propagate, threading.excepthook, sys.unraisablehook)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    root.addHandler(handler)
    threading.excepthook = _thread_error
    sys.unraisablehook = _unraisable
    logging.captureWarnings(True)
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        log.removeHandler(handler)
        root.removeHandler(handler)
        handler.close()
        log.setLevel(saved[0])
        log.propagate, threading.excepthook, sys.unraisablehook = saved[1:]
