"""The error log: internal errors go to a rotating file under the state directory, never the screen.

The ``ims_bot`` logger is where the core reports what it caught (an exception while
answering). In the kiosk a traceback on the screen would frighten a patient and could
show the previous patient's words, so the logger writes only to
``$XDG_STATE_HOME/ims-bot/errors.log`` and does not propagate to the root logger.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from ims_bot.env import Environment

LOGGER_NAME = "ims_bot"
FILE_NAME = "errors.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class QuietRotatingFileHandler(RotatingFileHandler):
    """A rotating file handler that drops a record it cannot write instead of printing to stderr."""

    def handleError(self, record: logging.LogRecord) -> None:
        """Ignore the failure: a broken log file must never reach the screen."""

    def _open(self) -> TextIO:
        """Open the log readable by its owner only: a traceback may quote a patient."""
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)


def error_log_path(env: Environment) -> Path:
    """Where the error log lives: ``<state dir>/errors.log``."""
    return env.state_dir() / FILE_NAME


def make_handler(path: Path) -> logging.Handler:
    """A rotating handler for ``path``, or a handler that drops everything when it cannot exist.

    The file is only created when the first error is written.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler: logging.Handler = QuietRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


@contextmanager
def error_log(env: Environment) -> Iterator[Path]:
    """Send the ``ims_bot`` logger to the rotating error log while the block runs.

    Yields:
        The log file's path (it may not exist yet: it is created on the first error).
    """
    logger = logging.getLogger(LOGGER_NAME)
    path = error_log_path(env)
    handler = make_handler(path)
    previous = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(previous[0])
        logger.propagate = previous[1]
