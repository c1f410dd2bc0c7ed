"""``ims-bot test``: run scripted dialogues and report per turn as tables, JUnit XML or JSON."""

from __future__ import annotations

import argparse
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ims_bot.cache import prepared_engine
from ims_bot.commands.common import faq_path
from ims_bot.core import dialogue
from ims_bot.core.dialogue import Dialogue, TurnResult, load_dialogue, script_paths
from ims_bot.core.engine import Engine
from ims_bot.core.normalise import strip_controls
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus, ScriptError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

TABLE_WIDTH = 110


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``test``."""
    parser.add_argument(
        "scripts",
        nargs="+",
        metavar="SCRIPT_OR_FOLDER",
        help="Dialogue scripts (*.yaml, *.yml, Botium *.convo.txt), or folders of them.",
    )
    parser.add_argument(
        "--junit", metavar="FILE", help="Write JUnit XML: one testsuite per dialogue."
    )
    parser.add_argument(
        "--json", action="store_true", help="Print one JSON object per turn instead of tables."
    )
    parser.add_argument(
        "--fail-fast", action="store_true", help="Stop at the first turn that fails."
    )


class _Engines:
    """One engine per FAQ file, built on first use."""

    def __init__(self, default: Path, env: Environment) -> None:
        self.default = default
        self.env = env
        self.engines: dict[Path, Engine] = {}

    def for_script(self, script: Dialogue) -> Engine:
        path = (script.faq or self.default).resolve()
        if path not in self.engines:
            self.engines[path] = prepared_engine(path, self.env)
        return self.engines[path]


def run(args: argparse.Namespace, env: Environment) -> int:
    """Load every script (exit 2 if one cannot be), run them, exit 1 if any turn failed."""
    scripts = [load_dialogue(path) for path in script_paths(Path(p) for p in args.scripts)]
    engines = _Engines(faq_path(args, env), env)
    suites = ET.Element("testsuites", name="ims-bot test")
    console = None if args.json else _console(env)
    totals = {"dialogues": 0, "turns": 0, "failed": 0}
    for script in scripts:
        totals["dialogues"] += 1
        junit = (
            ET.SubElement(suites, "testsuite", name=_xml(script.name), file=_xml(script.path))
            if args.junit
            else None
        )
        rows = []
        for result in _results(script, engines.for_script(script), args.fail_fast):
            totals["turns"] += 1
            totals["failed"] += not result.passed
            if junit is not None:
                _junit_case(junit, script, result)
            if args.json:
                env.stdout.write(json.dumps(turn_json(script, result)) + "\n")
            else:
                rows.append(result)
        if junit is not None:
            _count(junit)
        if console is not None:
            console.print(_table(script, rows))
        if args.fail_fast and totals["failed"]:
            break
    if args.junit:
        _count(suites)
        _write_junit(suites, Path(args.junit))
    if console is not None:
        console.print(_summary(totals))
    return ExitStatus.FAILED if totals["failed"] else ExitStatus.OK


def _results(script: Dialogue, engine: Engine, fail_fast: bool) -> Iterator[TurnResult]:
    for result in dialogue.run(script, engine):
        yield result
        if fail_fast and not result.passed:
            return


def turn_json(script: Dialogue, result: TurnResult) -> dict[str, object]:
    """One turn as the ``--json`` object."""
    reply, expect = result.reply, result.turn.expect
    return {
        "dialogue": script.name,
        "file": script.path,
        "line": result.turn.line,
        "turn": result.number,
        "user": result.turn.user,
        "expect": {
            "kind": expect.kind,
            "id": expect.id,
            "contains": list(expect.contains),
            "not_contains": list(expect.not_contains),
        },
        "kind": reply.kind,
        "id": reply.id,
        "score": reply.score,
        "text": reply.text,
        "passed": result.passed,
        "failures": list(result.failures),
        **({} if result.passed else {"trace": reply.trace.to_json()}),
    }


def _junit_case(suite: ET.Element, script: Dialogue, result: TurnResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=_xml(script.name),
        name=_xml(f"turn {result.number}: {result.turn.user}"),
        file=_xml(script.path),
        line=str(result.turn.line),
    )
    if result.passed:
        return
    expect, reply = result.turn.expect, result.reply
    wanted = [f"kind {expect.kind}"] if expect.kind else []
    wanted += [f"id {expect.id}"] if expect.id else []
    wanted += [f"contains '{part}'" for part in expect.contains]
    wanted += [f"does not contain '{part}'" for part in expect.not_contains]
    wanted.append("ends with the disclaimer")
    message = _xml("; ".join(result.failures))
    failure = ET.SubElement(case, "failure", message=message, type="expectation")
    failure.text = _xml(
        f"user: {result.turn.user}\n"
        f"expected: {', '.join(wanted)}\n"
        f"got: kind {reply.kind}, id {reply.id or '-'}\n"
        f"why:\n{_why(reply)}\n"
        f"reply:\n{reply.text}\n"
    )


def _why(reply: Reply) -> str:
    """The trace of the rule that decided ``reply``, indented, for a failed turn."""
    return "\n".join(f"  {line}" for line in reply.trace.lines())


def _xml(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return strip_controls(text, keep="\n")


def _count(element: ET.Element) -> None:
    """Set the ``tests`` and ``failures`` attributes from the testcases below."""
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(case.find("failure") is not None for case in cases)))
    element.set("errors", "0")


def _write_junit(suites: ET.Element, path: Path) -> None:
    ET.indent(suites)
    xml = ET.tostring(suites, encoding="unicode", xml_declaration=True)
    try:
        path.write_text(xml + "\n", encoding="utf-8")
    except OSError as exc:
        raise ScriptError(str(path), None, f"cannot be written ({exc.strerror or exc})") from None


def _console(env: Environment) -> Console:
    from ims_bot.ui.render import make_console

    width = shutil.get_terminal_size().columns if env.stdout_isatty else TABLE_WIDTH
    return make_console(env, width=width)


def _table(script: Dialogue, results: list[TurnResult]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from ims_bot.ui.render import safe_text

    failed = sum(not r.passed for r in results)
    verdict = Text(f"{failed} failed", style="bold red") if failed else Text("passed", "green")
    turns = "1 turn" if len(results) == 1 else f"{len(results)} turns"
    heading = safe_text(f"{script.name} ({script.path}): {turns}, ", "bold")
    heading.append_text(verdict)
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("user")
    table.add_column("kind")
    table.add_column("id")
    table.add_column("verdict")
    for result in results:
        if result.passed:
            mark = Text("pass", style="green")
        else:
            mark = Text("FAIL: ", style="bold red")
            mark.append(safe_text("; ".join(result.failures)))
            mark.append(safe_text(f"\n{_why(result.reply)}", "dim"))
        table.add_row(
            str(result.number),
            safe_text(result.turn.user),
            result.reply.kind,
            result.reply.id or "",
            mark,
        )
    return Group(heading, table)


def _summary(totals: dict[str, int]) -> str:
    failed = totals["failed"]
    outcome = f"{failed} failed" if failed else "all passed"
    dialogues = "1 dialogue" if totals["dialogues"] == 1 else f"{totals['dialogues']} dialogues"
    turns = "1 turn" if totals["turns"] == 1 else f"{totals['turns']} turns"
    return f"{dialogues}, {turns}: {outcome}"
