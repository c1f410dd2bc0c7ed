"""The unanswered-question log: escalated and clarified questions, redacted, in SQLite.

Each row holds the UTC time, the mode (``chat``, ``kiosk``, ...), the question with
personal data redacted (``ims_bot.core.redact``), and the best candidate's id and score.
Nothing else: no session or device identifier. The database runs in WAL mode with a busy
timeout so several processes can write at once; its schema version is ``PRAGMA
user_version``, and ``MIGRATIONS`` brings an older file up to date.

The log and its ``-wal`` and ``-shm`` files are readable by their owner alone (SQLite
gives the side files the database's mode). Recording never stops a chat: a log that
cannot be opened or written (a lock held by a backup, a full disk) prints one warning,
and the next questions try again after a short, growing pause (``RETRY_AFTER`` seconds,
doubled up to ``RETRY_MAX``); questions asked while it fails are lost, later ones are
written. ``report`` reads the log read-only, so it works in a read-only folder.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ims_bot.core.redact import redact
from ims_bot.core.reply import Reply
from ims_bot.core.smalltalk import parse_number
from ims_bot.env import Environment
from ims_bot.errors import FileError, printable
from ims_bot.private import private_file, private_folder

LOG_VARIABLE = "IMS_BOT_LOG"
LOG_NAME = "unanswered.sqlite"
RECORDED_KINDS = frozenset({"escalate", "clarify"})
MAX_QUESTION = 500
BUSY_TIMEOUT_MS = 2000
RETRY_AFTER = 1.0
RETRY_MAX = 8.0
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        mode TEXT NOT NULL,
        question TEXT NOT NULL,
        candidate TEXT,
        score REAL
    );
    CREATE INDEX questions_at ON questions (at);
    """,
)
"""Schema steps: ``MIGRATIONS[n]`` takes a file from version ``n`` to ``n + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)


class LogError(FileError):
    """The log exists but cannot be read: corrupt, or from a newer ims-bot."""


@dataclass(frozen=True)
class Row:
    """One recorded question."""

    at: datetime
    mode: str
    question: str
    candidate: str | None
    score: float | None


def add_log_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--log PATH`` to a command."""
    parser.add_argument(
        "--log",
        metavar="PATH",
        default=None,
        help=f"The unanswered-question log (also {LOG_VARIABLE}).",
    )


def log_path(args: argparse.Namespace, env: Environment, default_on: bool) -> Path | None:
    """``--log``, else ``IMS_BOT_LOG``, else the state directory's log when ``default_on``."""
    given = getattr(args, "log", None) or env.environ.get(LOG_VARIABLE)
    if given:
        return Path(given).expanduser()
    return env.state_dir() / LOG_NAME if default_on else None


def connect(
    path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, private_parent: bool = False
) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode with WAL and a busy timeout, migrated to the schema.

    The file is created ``0600`` (its folder ``0700``, tightened when ``private_parent``)
    before SQLite opens it, so the ``-wal`` and ``-shm`` files are ``0600`` too.
    Raises ``sqlite3.Error`` or ``OSError`` when the file cannot be used, and ``LogError``
    when it was written by a newer version.
    """
    private_folder(path.parent, tighten=private_parent)
    private_file(path)
    connection = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection, str(path))
    except BaseException:
        connection.close()
        raise
    return connection


def migrate(connection: sqlite3.Connection, name: str) -> None:
    """Bring the schema to ``SCHEMA_VERSION``, one step per transaction, safe under races."""
    while (version := connection.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION:
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] == version:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    if version > SCHEMA_VERSION:
        raise LogError(name, None, f"log schema {version} is newer than this ims-bot knows")


class Logbook:
    """Records escalated and clarified replies; a disabled logbook records nothing.

    Args:
        path: the SQLite file, or ``None`` for a disabled logbook.
        mode: what is answering (``chat``, ``kiosk``), stored with each row.
        stderr: where the warning goes when the log cannot be used.
        private_parent: the log's folder is ims-bot's own, to be tightened to ``0700``.
        busy_timeout_ms: how long a write waits for another process's lock.
        clock: monotonic seconds, for the pause before trying again; injected by tests.
    """

    def __init__(
        self,
        path: Path | None,
        mode: str,
        stderr: TextIO,
        *,
        private_parent: bool = False,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.mode = mode
        self.stderr = stderr
        self.private_parent = private_parent
        self.busy_timeout_ms = busy_timeout_ms
        self.clock = clock
        self._connection: sqlite3.Connection | None = None
        self._retry_at: float | None = None
        self._pause = RETRY_AFTER

    @property
    def enabled(self) -> bool:
        """True when recording is on (even while the log is failing and will be tried again)."""
        return self.path is not None

    @property
    def failing(self) -> bool:
        """True while the last write failed and the next is waiting for its turn."""
        return self._retry_at is not None

    def record(self, reply: Reply) -> None:
        """Store ``reply`` when it escalated or clarified a question; never raises.

        A bare number (``0`` for "none of these") carries no question and is skipped, and
        so is every question while the log pauses after a failure.
        """
        if self.path is None or reply.kind not in RECORDED_KINDS:
            return
        if not reply.question.strip() or parse_number(reply.question) is not None:
            return
        if self._retry_at is not None and self.clock() < self._retry_at:
            return
        best = reply.suggestions[0] if reply.suggestions else None
        try:
            row = (
                datetime.now(UTC).strftime(TIME_FORMAT),
                self.mode,
                redact(reply.question)[:MAX_QUESTION],
                best.id if best else None,
                round(best.score, 1) if best else None,
            )
            if self._connection is None:
                self._connection = connect(self.path, self.busy_timeout_ms, self.private_parent)
            self._connection.execute(
                "INSERT INTO questions (at, mode, question, candidate, score) "
                "VALUES (?, ?, ?, ?, ?)",
                row,
            )
        except Exception as exc:  # whatever goes wrong, the chat must go on
            self._failed(exc)
        else:
            self._retry_at = None
            self._pause = RETRY_AFTER

    def close(self) -> None:
        """Close the database connection, if one is open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _failed(self, exc: Exception) -> None:
        """Warn at the first failure of a run of them, and pause before trying again."""
        if self._retry_at is None:
            self.stderr.write(
                f"ims-bot: warning: cannot write the unanswered-question log "
                f"{printable(str(self.path))}: {printable(str(exc))}; carrying on, "
                "and trying again later\n"
            )
        else:
            self._pause = min(self._pause * 2, RETRY_MAX)
        self.close()
        self._retry_at = self.clock() + self._pause


def open_log(args: argparse.Namespace, env: Environment, mode: str, default_on: bool) -> Logbook:
    """The logbook the arguments and environment ask for; never raises.

    The state folder holding the default log is tightened to ``0700``; a folder named by
    ``--log`` or ``IMS_BOT_LOG`` is the user's choice and left as it is.
    """
    path = log_path(args, env, default_on)
    default = path is not None and path.parent == env.state_dir()
    return Logbook(path, mode, env.stderr, private_parent=default)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection to an existing log; raises ``LogError`` if unusable."""
    if not path.is_file():
        raise LogError(str(path), None, "no unanswered-question log here yet")
    try:
        with closing(connect(path)) as connection:
            yield connection
    except (sqlite3.Error, OSError) as exc:
        raise LogError(str(path), None, f"cannot read the log ({exc})") from exc


def open_read_only(path: Path) -> sqlite3.Connection:
    """``path`` opened read-only (``mode=ro``).

    SQLite reads a WAL database through its ``-shm`` file, which it cannot make in a
    read-only folder; there no writer can be at work either, so the file is then read as
    it stands (``immutable=1``).
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection.execute("PRAGMA user_version")
    except sqlite3.OperationalError as exc:
        connection.close()
        if "readonly" not in str(exc):
            raise
        return sqlite3.connect(f"{uri}&immutable=1", uri=True)
    return connection


@contextmanager
def reading_only(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to an existing log, or None when it has no table yet.

    Opened with ``mode=ro``: nothing is created or migrated, so a report works in a
    read-only folder and never takes a write lock from a kiosk. Raises ``LogError``
    when the file is missing, unreadable, or from a newer ims-bot.
    """
    if not path.is_file():
        raise LogError(str(path), None, "no unanswered-question log here yet")
    try:
        with closing(open_read_only(path)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise LogError(
                    str(path), None, f"log schema {version} is newer than this ims-bot knows"
                )
            yield connection if version else None
    except (sqlite3.Error, OSError) as exc:
        raise LogError(str(path), None, f"cannot read the log ({exc})") from exc


def read_rows(path: Path, since: datetime | None = None) -> list[Row]:
    """The rows of the log at ``path``, oldest first, from ``since`` (UTC) on."""
    start = since.strftime(TIME_FORMAT) if since else ""
    with reading_only(path) as connection:
        if connection is None:
            return []
        found = connection.execute(
            "SELECT at, mode, question, candidate, score FROM questions "
            "WHERE at >= ? ORDER BY at, id",
            (start,),
        ).fetchall()
    return [
        Row(datetime.strptime(at, TIME_FORMAT).replace(tzinfo=UTC), mode, text, candidate, score)
        for at, mode, text, candidate, score in found
    ]


def purge(path: Path, before: datetime) -> int:
    """Delete the rows recorded before ``before`` (UTC); returns how many went."""
    with reading(path) as connection:
        cursor = connection.execute(
            "DELETE FROM questions WHERE at < ?", (before.strftime(TIME_FORMAT),)
        )
        deleted = cursor.rowcount
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
    return deleted
