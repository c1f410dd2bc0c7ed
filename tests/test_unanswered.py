"""The unanswered-question log: what is stored, where, and what happens when it fails."""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ims_bot import unanswered
from ims_bot.core.decide import ReplyKind
from ims_bot.core.reply import Reply, Suggestion
from ims_bot.env import Environment
from ims_bot.unanswered import (
    LOG_NAME,
    SCHEMA_VERSION,
    Logbook,
    LogError,
    add_log_argument,
    open_log,
    purge,
    read_rows,
    reading_only,
)

REPO = Path(__file__).resolve().parents[1]


def reply(
    kind: ReplyKind, question: str, best: tuple[str, float] | None = ("knee-pain", 41.26)
) -> Reply:
    ranked = (Suggestion(best[0], "Can IMS help knee pain?", best[1]),) if best else ()
    return Reply(kind=kind, question=question, body="", disclaimer="", suggestions=ranked)


def rows_of(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM questions ORDER BY id").fetchall()


def logbook(path: Path | None, stderr: io.StringIO | None = None) -> Logbook:
    return Logbook(path, "chat", stderr or io.StringIO())


def test_records_escalations_and_clarifications_only(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("answer", "does it hurt"))
    book.record(reply("escalate", "what is the weather"))
    book.record(reply("clarify", "ims knee or shoulder"))
    book.record(reply("handoff", "how much does it cost"))
    book.record(reply("urgent", "chest pain"))
    book.record(reply("smalltalk", "hello"))
    book.close()
    assert [row[3] for row in rows_of(path)] == ["what is the weather", "ims knee or shoulder"]


def test_a_row_holds_time_mode_redacted_question_and_best_candidate(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "weather? call 604-555-0199 or jo@example.com, card 1234567890"))
    book.record(reply("escalate", "something else entirely", best=None))
    book.close()
    first, second = rows_of(path)
    _, at, mode, question, candidate, score = first
    assert datetime.strptime(str(at), "%Y-%m-%dT%H:%M:%SZ").year >= 2024
    assert (mode, candidate, score) == ("chat", "knee-pain", 41.3)
    assert question == "weather? call [phone] or [email], card [number]"
    assert second[4:] == (None, None)
    with sqlite3.connect(path) as connection:
        columns = [c[1] for c in connection.execute("PRAGMA table_info(questions)")]
    assert columns == ["id", "at", "mode", "question", "candidate", "score"]


def test_bare_numbers_and_empty_questions_are_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    for text in ("0", "none", "", "  "):
        book.record(reply("escalate", text))
    book.record(reply("escalate", "a real question"))
    book.close()
    assert [row[3] for row in rows_of(path)] == ["a real question"]


def test_schema_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "anything"))
    book.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_empty_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    sqlite3.connect(path).close()
    book = logbook(path)
    book.record(reply("escalate", "anything"))
    book.close()
    assert len(rows_of(path)) == 1


def test_a_log_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    stderr = io.StringIO()
    book = logbook(path, stderr)
    book.record(reply("escalate", "anything"))
    assert "newer" in stderr.getvalue()
    with pytest.raises(LogError, match="newer"):
        read_rows(path)


@pytest.mark.parametrize("kind", ["unwritable", "corrupt"])
def test_a_broken_log_warns_once_and_never_raises(tmp_path: Path, kind: str) -> None:
    if kind == "unwritable":
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        path = blocker / "log.sqlite"
    else:
        path = tmp_path / "log.sqlite"
        path.write_bytes(b"this is not a database" * 100)
    stderr = io.StringIO()
    book = logbook(path, stderr)
    for _ in range(5):
        book.record(reply("escalate", "what is the weather"))
    warnings = stderr.getvalue().splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("ims-bot: warning: cannot write the unanswered-question log")
    assert warnings[0].endswith("carrying on, and trying again later")
    assert book.enabled and book.failing


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_lock_held_past_the_busy_timeout_loses_only_the_questions_during_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.sqlite"
    clock = Clock()
    stderr = io.StringIO()
    book = Logbook(path, "kiosk", stderr, busy_timeout_ms=20, clock=clock)
    book.record(reply("escalate", "before the lock"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    book.record(reply("escalate", "during the lock, tried"))
    book.record(reply("escalate", "during the lock, in the pause"))
    clock.now += unanswered.RETRY_AFTER
    book.record(reply("escalate", "during the lock, tried again"))
    holder.execute("COMMIT")
    holder.close()
    book.record(reply("escalate", "after the lock, still in the pause"))
    clock.now += unanswered.RETRY_AFTER * 2
    book.record(reply("escalate", "after the lock"))
    book.record(reply("escalate", "later still"))
    book.close()
    assert [row[3] for row in rows_of(path)] == ["before the lock", "after the lock", "later still"]
    assert len(stderr.getvalue().splitlines()) == 1
    assert "locked" in stderr.getvalue()
    assert not book.failing


def test_the_pause_after_failures_grows_and_is_bounded(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    clock = Clock()
    book = Logbook(blocker / "log.sqlite", "chat", io.StringIO(), clock=clock)
    pauses = []
    for _ in range(8):
        book.record(reply("escalate", "what is the weather"))
        assert book._retry_at is not None
        pauses.append(book._retry_at - clock.now)
        clock.now = book._retry_at
    assert pauses[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(pauses) == unanswered.RETRY_MAX
    blocker.unlink()
    blocker.mkdir()
    book.record(reply("escalate", "the folder is back"))
    book.close()
    assert [row[3] for row in rows_of(blocker / "log.sqlite")] == ["the folder is back"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_and_its_side_files_are_the_owners_alone(tmp_path: Path) -> None:
    path = tmp_path / "new" / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "my name is Jane"))
    sides = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(side.exists() for side in sides)
    assert [mode(p) for p in (path, *sides)] == [0o600, 0o600, 0o600]
    assert mode(path.parent) == 0o700
    book.close()


def test_an_existing_permissive_state_folder_and_log_are_tightened(tmp_path: Path) -> None:
    state = tmp_path / "state"
    folder = state / "ims-bot"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    (folder / LOG_NAME).touch(mode=0o644)
    (folder / LOG_NAME).chmod(0o644)
    env = Environment(environ={"XDG_STATE_HOME": str(state)})
    book = open_log(parse([]), env, "chat", default_on=True)
    book.record(reply("escalate", "anything"))
    book.close()
    assert (mode(folder), mode(folder / LOG_NAME)) == (0o700, 0o600)


def test_a_folder_named_with_log_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    env = Environment(environ={"XDG_STATE_HOME": str(tmp_path / "state")})
    book = open_log(parse(["--log", str(shared / "log.sqlite")]), env, "chat", default_on=True)
    book.record(reply("escalate", "anything"))
    book.close()
    assert (mode(shared), mode(shared / "log.sqlite")) == (0o755, 0o600)


def test_reading_opens_the_log_read_only(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "a question"))
    book.close()
    with reading_only(path) as connection:
        assert connection is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM questions")
    assert [r.question for r in read_rows(path)] == ["a question"]


def test_reading_an_empty_database_finds_no_rows_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    sqlite3.connect(path).close()
    assert read_rows(path) == []
    assert path.stat().st_size == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_reading_works_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    book = logbook(folder / "log.sqlite")
    book.record(reply("escalate", "a question"))
    book.close()
    folder.chmod(0o500)
    try:
        assert [r.question for r in read_rows(folder / "log.sqlite")] == ["a question"]
    finally:
        folder.chmod(0o700)


def test_a_long_question_is_redacted_before_it_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "x" * 480 + " jo.smith@example.com"))
    book.close()
    (row,) = rows_of(path)
    assert row[3] == "x" * 480 + " [email]"


def test_a_disabled_logbook_records_nothing(tmp_path: Path) -> None:
    book = logbook(None)
    book.record(reply("escalate", "what is the weather"))
    assert not book.enabled
    assert list(tmp_path.iterdir()) == []


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_log_argument(parser)
    return parser.parse_args(argv)


def test_where_the_log_goes(tmp_path: Path) -> None:
    state = tmp_path / "state"
    environ = {"XDG_STATE_HOME": str(state)}
    env = Environment(environ=environ)
    assert open_log(parse([]), env, "chat", default_on=True).path == state / "ims-bot" / LOG_NAME
    assert open_log(parse([]), env, "ask", default_on=False).path is None
    from_variable = Environment(environ={**environ, "IMS_BOT_LOG": str(tmp_path / "v.sqlite")})
    assert open_log(parse([]), from_variable, "ask", False).path == tmp_path / "v.sqlite"
    given = parse(["--log", str(tmp_path / "a.sqlite")])
    assert open_log(given, from_variable, "chat", True).path == tmp_path / "a.sqlite"


def test_read_and_purge(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    book = logbook(path)
    book.record(reply("escalate", "old question"))
    book.record(reply("escalate", "new question"))
    book.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE questions SET at = '2020-01-01T00:00:00Z' WHERE id = 1")
    cutoff = datetime(2021, 1, 1, tzinfo=UTC)
    assert [r.question for r in read_rows(path)] == ["old question", "new question"]
    assert [r.question for r in read_rows(path, since=cutoff)] == ["new question"]
    assert purge(path, cutoff) == 1
    assert [r.question for r in read_rows(path)] == ["new question"]


def test_reading_a_missing_or_corrupt_log_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="no unanswered-question log"):
        read_rows(tmp_path / "missing.sqlite")
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"garbage" * 200)
    with pytest.raises(LogError, match="cannot read"):
        read_rows(corrupt)


def test_concurrent_chats_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    questions = "".join(f"what is the weather like on planet number {n} x\n" for n in range(100))
    chats = [
        subprocess.Popen(
            [sys.executable, "-m", "ims_bot", "chat", "--plain", "--log", str(path)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for chat in chats:
        assert chat.stdin is not None
        chat.stdin.write(questions)
        chat.stdin.close()
    for chat in chats:
        assert chat.wait(timeout=60) == 0
        assert chat.stderr is not None
        assert chat.stderr.read() == ""
    rows = rows_of(path)
    assert len(rows) == 400
    assert {row[2] for row in rows} == {"chat"}
