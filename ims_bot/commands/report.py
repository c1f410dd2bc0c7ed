"""``ims-bot report``: the unanswered questions, grouped, with the entry each is nearest to.

The nearest entry is recomputed with today's FAQ, so a question that a newer alternate
now answers shows it. ``--purge-before`` deletes old rows instead (retention).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ims_bot.commands.common import load
from ims_bot.core.clustering import Cluster, cluster
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.normalise import sanitise
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus
from ims_bot.unanswered import Row, add_log_argument, log_path, purge, read_rows

_DAYS_AGO = re.compile(r"^(\d+)d$")
REPORT_WIDTH = 120
_FORMULA_START = frozenset("=+-@\t\r")
CSV_FIELDS = (
    "count",
    "question",
    "wordings",
    "nearest_id",
    "nearest_question",
    "nearest_score",
    "action",
    "first_seen",
    "last_seen",
)


def when(text: str) -> datetime:
    """A UTC time from ``YYYY-MM-DD``, an ISO date-time, or ``Nd`` (N days ago)."""
    days = _DAYS_AGO.match(text.strip())
    if days:
        return datetime.now(UTC) - timedelta(days=int(days.group(1)))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (use YYYY-MM-DD, or 30d for 30 days ago)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``report``."""
    add_log_argument(parser)
    parser.add_argument(
        "--since", metavar="DATE", type=when, help="Only questions from DATE on (or e.g. 30d)."
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    output.add_argument("--csv", action="store_true", help="Print CSV, for spreadsheets.")
    output.add_argument(
        "--purge-before",
        metavar="DATE",
        type=when,
        help="Delete the questions recorded before DATE (or e.g. 365d), then stop.",
    )


@dataclass(frozen=True)
class Topic:
    """One group of unanswered questions and what a curator could do about it."""

    group: Cluster
    rows: tuple[Row, ...]
    nearest_id: str | None
    nearest_question: str | None
    nearest_score: float | None
    alternate: bool

    @property
    def action(self) -> str:
        """The suggestion, in words."""
        if self.alternate:
            return f"add as an alternate of {self.nearest_id}"
        return "write a new entry"

    def to_json(self) -> dict[str, object]:
        """The topic as a JSON object."""
        return {
            "count": self.group.count,
            "question": self.group.representative,
            "wordings": [{"question": q, "count": n} for q, n in self.group.wordings],
            "nearest": (
                {
                    "id": self.nearest_id,
                    "question": self.nearest_question,
                    "score": self.nearest_score,
                }
                if self.nearest_id
                else None
            ),
            "action": "alternate" if self.alternate else "new",
            "suggestion": self.action,
            "modes": sorted({row.mode for row in self.rows}),
            "first_seen": stamp(self.rows[0]),
            "last_seen": stamp(self.rows[-1]),
        }


def stamp(row: Row) -> str:
    """A row's time as ISO 8601 UTC."""
    return row.at.strftime("%Y-%m-%dT%H:%M:%SZ")


def topics(rows: list[Row], faq: Faq) -> list[Topic]:
    """Group the rows and find each group's nearest entry in the current FAQ.

    A group is suggested as an alternate when its representative scores at least the
    FAQ's ``clarify_at`` against its nearest entry, else as a new entry.
    """
    engine = Engine(faq)
    groups = cluster([row.question for row in rows], similar_at=faq.settings.similar_at)
    found = []
    for group in groups:
        ranked = engine.decide(sanitise(group.representative)).candidates
        nearest = ranked[0] if ranked else None
        score = round(nearest.score, 1) if nearest else None
        found.append(
            Topic(
                group=group,
                rows=tuple(rows[i] for i in group.indices),
                nearest_id=nearest.entry.id if nearest else None,
                nearest_question=nearest.entry.question if nearest else None,
                nearest_score=score,
                alternate=score is not None and score >= faq.settings.clarify_at,
            )
        )
    return found


def run(args: argparse.Namespace, env: Environment) -> int:
    """Print the report, or purge old rows."""
    path = log_path(args, env, default_on=True)
    assert path is not None
    if args.purge_before is not None:
        deleted = purge(path, args.purge_before) if path.exists() else 0
        env.stdout.write(
            f"{path}: deleted {deleted} questions recorded before "
            f"{args.purge_before.strftime('%Y-%m-%d %H:%M')} UTC\n"
        )
        return ExitStatus.OK
    faq = load(args, env)
    rows = read_rows(path, args.since) if path.exists() else []
    found = topics(rows, faq)
    if args.json:
        document = {
            "log": str(path),
            "since": args.since.isoformat() if args.since else None,
            "questions": len(rows),
            "groups": [topic.to_json() for topic in found],
        }
        env.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.csv:
        write_csv(env, found)
    else:
        show_table(env, path, rows, found)
    return ExitStatus.OK


def cell(text: str) -> str:
    """Text for a spreadsheet cell: a leading ``= + - @`` is quoted so it is never a formula."""
    return f"'{text}" if text[:1] in _FORMULA_START else text


def write_csv(env: Environment, found: list[Topic]) -> None:
    """One CSV row per group, with a header; patients' text never becomes a formula."""
    writer = csv.writer(env.stdout, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for topic in found:
        writer.writerow(
            (
                topic.group.count,
                cell(topic.group.representative),
                cell(" | ".join(q for q, _ in topic.group.wordings)),
                topic.nearest_id or "",
                topic.nearest_question or "",
                "" if topic.nearest_score is None else f"{topic.nearest_score:.1f}",
                topic.action,
                stamp(topic.rows[0]),
                stamp(topic.rows[-1]),
            )
        )


def show_table(env: Environment, path: object, rows: list[Row], found: list[Topic]) -> None:
    """A rich table, most asked first."""
    from rich.table import Table
    from rich.text import Text

    from ims_bot.ui.render import make_console

    width = shutil.get_terminal_size().columns if env.stdout_isatty else REPORT_WIDTH
    console = make_console(env, width=width)
    if not rows:
        console.print(Text(f"No unanswered questions recorded in {path}."))
        return
    table = Table(title=Text(f"Unanswered questions: {len(rows)} in {len(found)} groups"))
    table.add_column("#", justify="right")
    table.add_column("Question (and similar)")
    table.add_column("Nearest entry")
    table.add_column("Score", justify="right")
    table.add_column("Suggestion")
    table.add_column("Last seen")
    for topic in found:
        others = len(topic.group.wordings) - 1
        question = topic.group.representative + (f"\n(+{others} similar)" if others else "")
        table.add_row(
            str(topic.group.count),
            Text(question),
            Text(topic.nearest_id or "-"),
            "-" if topic.nearest_score is None else f"{topic.nearest_score:.0f}",
            Text(topic.action),
            stamp(topic.rows[-1])[:10],
        )
    console.print(table)
