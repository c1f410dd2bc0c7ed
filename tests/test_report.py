"""``ims-bot report``: grouped unanswered questions for curators, and retention."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ims_bot.cli import main
from ims_bot.commands.report import when
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.unanswered import Logbook
from tests.conftest import MINI_FAQ

OFF_TOPIC = "what is the weather in paris? call 604-555-0199, jo@example.com, card 1234567890"


def run(log: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    environ = {"IMS_BOT_LOG": str(log), "IMS_BOT_FAQ": str(MINI_FAQ)}
    env = Environment(stdin=io.StringIO(stdin), environ=environ)
    status = main(list(argv), env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def store(log: Path, *questions: str) -> None:
    book = Logbook(log, "kiosk", io.StringIO())
    for question in questions:
        book.record(Reply(kind="escalate", question=question, body="", disclaimer=""))
    book.close()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "log.sqlite"


def test_a_chat_question_reaches_the_report_redacted(log: Path) -> None:
    status, _, err = run(log, "chat", "--plain", stdin=f"{OFF_TOPIC}\ndoes ims hurt\n")
    assert (status, err) == (0, "")
    status, out, err = run(log, "report", "--json")
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["questions"] == 1
    (group,) = report["groups"]
    assert group["question"] == "what is the weather in paris? call [phone], [email], card [number]"
    assert group["count"] == 1
    assert group["modes"] == ["chat"]
    assert group["action"] == "new"
    assert group["suggestion"] == "write a new entry"
    assert set(group["nearest"]) == {"id", "question", "score"}


def test_groups_are_counted_and_near_questions_become_alternates(log: Path) -> None:
    store(
        log,
        "is there parking",
        "does ims hurt a lot",
        "Is there parking?",
        "is there any parking",
    )
    status, out, _ = run(log, "report", "--json")
    groups = json.loads(out)["groups"]
    assert status == 0
    assert [(g["question"], g["count"]) for g in groups] == [
        ("is there parking", 3),
        ("does ims hurt a lot", 1),
    ]
    assert [w["question"] for w in groups[0]["wordings"]] == [
        "is there parking",
        "Is there parking?",
        "is there any parking",
    ]
    assert groups[1]["nearest"]["id"] == "is-ims-painful"
    assert groups[1]["action"] == "alternate"
    assert groups[1]["suggestion"] == "add as an alternate of is-ims-painful"
    assert groups[0]["modes"] == ["kiosk"]


def test_csv_for_spreadsheets(log: Path) -> None:
    store(log, "is there parking", "is there parking", "can i bring my dog, it is small")
    status, out, _ = run(log, "report", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert [(r["count"], r["question"]) for r in rows] == [
        ("2", "is there parking"),
        ("1", "can i bring my dog, it is small"),
    ]
    assert rows[0]["action"] in (
        "write a new entry",
        f"add as an alternate of {rows[0]['nearest_id']}",
    )
    assert rows[0]["last_seen"].endswith("Z")


def test_the_table(log: Path) -> None:
    store(log, "is there parking", "Is there parking?")
    status, out, _ = run(log, "report")
    assert status == 0
    assert "Unanswered questions: 2 in 1 groups" in out
    assert "is there parking" in out
    assert "\x1b" not in out


def test_no_log_yet(log: Path) -> None:
    status, out, _ = run(log, "report")
    assert status == 0
    assert "No unanswered questions recorded" in out
    status, out, _ = run(log, "report", "--json")
    assert (status, json.loads(out)["groups"]) == (0, [])


def test_a_corrupt_log_is_one_line_and_exit_2(log: Path) -> None:
    log.write_bytes(b"not sqlite" * 100)
    status, out, err = run(log, "report")
    assert (status, out) == (2, "")
    assert err.startswith("ims-bot: error: ")
    assert len(err.splitlines()) == 1


def age(log: Path, question: str, days: int) -> None:
    moment = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with sqlite3.connect(log) as connection:
        connection.execute("UPDATE questions SET at = ? WHERE question = ?", (moment, question))


def test_since_and_purge_before(log: Path) -> None:
    store(log, "an old question about parking", "a new question about the dog")
    age(log, "an old question about parking", 400)
    since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    _, out, _ = run(log, "report", "--json", "--since", since)
    assert [g["question"] for g in json.loads(out)["groups"]] == ["a new question about the dog"]
    status, out, _ = run(log, "report", "--purge-before", "365d")
    assert status == 0
    assert "deleted 1 questions" in out
    _, out, _ = run(log, "report", "--json")
    assert json.loads(out)["questions"] == 1


def test_a_bad_date_is_a_usage_error(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(log, "report", "--since", "last tuesday")
    assert status == 2
    assert "is not a date" in capsys.readouterr().err


def test_dates() -> None:
    assert when("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)
    assert when("2025-03-01T10:00:00+02:00") == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert datetime.now(UTC) - when("30d") - timedelta(days=30) < timedelta(minutes=1)


def test_csv_cells_never_become_formulas(log: Path) -> None:
    store(log, "=HYPERLINK(1+1) parking")
    _, out, _ = run(log, "report", "--csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["question"] == "'=HYPERLINK(1+1) parking"
