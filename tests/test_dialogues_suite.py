"""The dialogue suite (one test per file in tests/dialogues, on the shipped FAQ) and the
``ims-bot test`` command (on a small FAQ of its own)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ims_bot.cli import main
from ims_bot.core.dialogue import KINDS, load_dialogue, load_folder, run, unreached_entries
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.env import Environment
from tests.conftest import DATA, MINI_FAQ

SUITE = Path(__file__).parent / "dialogues"
STORY_FAQ = DATA / "story_faq.yaml"
SCRIPTS = sorted(SUITE.glob("*.yaml"))

PASSING = """\
name: pain
turns:
  - user: does it hurt
    expect: {kind: answer, id: is-ims-painful}
  - user: "1"
    expect: {id: what-is-ims}
"""
FAILING = """\
name: wrong
turns:
  - user: does it hurt
    expect: {kind: handoff, contains: banana}
  - user: hi
    expect: {kind: smalltalk}
"""


@pytest.mark.shipped_faq
@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_dialogue_file(path: Path, shipped_engine: Engine) -> None:
    failures = [
        f"{path.name}:{r.turn.line}: turn {r.number} '{r.turn.user}': " + "; ".join(r.failures)
        for r in run(load_dialogue(path), shipped_engine)
        if not r.passed
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.shipped_faq
def test_suite_reaches_every_entry(shipped_faq: Faq) -> None:
    assert [e.id for e in unreached_entries(shipped_faq, load_folder(SUITE))] == []


def test_suite_expects_every_reply_kind() -> None:
    expected = {t.expect.kind for script in load_folder(SUITE) for t in script.turns}
    assert expected >= set(KINDS)


def ims_bot(*args: str, faq: Path = MINI_FAQ) -> tuple[int, str, str]:
    env = Environment(environ={"IMS_BOT_FAQ": str(faq)})
    status = main(list(args), env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_passing_dialogue_exits_0_with_one_testcase_per_turn(tmp_path: Path) -> None:
    script = write(tmp_path, "pain.yaml", PASSING)
    junit = tmp_path / "out.xml"
    status, out, err = ims_bot("test", str(script), "--junit", str(junit))
    assert (status, err) == (0, "")
    assert "pain (" in out
    assert "1 dialogue, 2 turns: all passed" in out
    suites = ET.parse(junit).getroot()
    assert suites.tag == "testsuites"
    (suite,) = suites
    assert suite.get("name") == "pain"
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["turn 1: does it hurt", "turn 2: 1"]
    assert [c.get("line") for c in cases] == ["3", "5"]
    assert all(c.find("failure") is None for c in cases)


def test_failing_dialogue_exits_1_and_says_what_was_expected(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PASSING)
    write(tmp_path, "b.yaml", FAILING)
    junit = tmp_path / "out.xml"
    status, out, _ = ims_bot("test", str(tmp_path), "--junit", str(junit))
    assert status == 1
    assert "FAIL: expected kind 'handoff', got 'answer'" in out
    assert "2 dialogues, 4 turns: 1 failed" in out
    suites = ET.parse(junit).getroot()
    assert (suites.get("tests"), suites.get("failures")) == ("4", "1")
    failure = suites.find("testsuite[@name='wrong']/testcase/failure")
    assert failure is not None
    assert failure.get("message") == (
        "expected kind 'handoff', got 'answer'; expected the reply to contain 'banana'"
    )
    assert "expected: kind handoff, contains 'banana', ends with the disclaimer" in failure.text
    assert "got: kind answer, id is-ims-painful" in failure.text


def test_json_prints_one_object_per_turn(tmp_path: Path, mini_faq: Faq) -> None:
    script = write(tmp_path, "b.yaml", FAILING)
    status, out, _ = ims_bot("test", str(script), "--json")
    assert status == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["dialogue"] == "wrong"
    assert (first["turn"], first["line"], first["user"]) == (1, 3, "does it hurt")
    assert (first["kind"], first["id"], first["passed"]) == ("answer", "is-ims-painful", False)
    assert first["expect"] == {
        "kind": "handoff",
        "id": None,
        "contains": ["banana"],
        "not_contains": [],
    }
    assert first["failures"][0] == "expected kind 'handoff', got 'answer'"
    assert first["text"].endswith(mini_faq.disclaimer)
    assert (second["kind"], second["passed"], second["failures"]) == ("smalltalk", True, [])


def test_fail_fast_stops_at_the_first_failing_turn(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", FAILING)
    write(tmp_path, "b.yaml", PASSING)
    status, out, _ = ims_bot("test", str(tmp_path), "--json", "--fail-fast")
    assert status == 1
    assert [json.loads(line)["turn"] for line in out.splitlines()] == [1]


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("bad.yaml", "name: x\nturns:\n  - user: hi\n    expct: {}\n", "bad.yaml:4: unknown key"),
        ("bad.yaml", "name: x\nturns: [\n", "bad.yaml:3: invalid YAML"),
        ("bad.convo.txt", "x\n#bot\nhello\n", "bad.convo.txt:2: a '#bot' block must follow"),
    ],
)
def test_malformed_script_exits_2_with_one_line(
    tmp_path: Path, name: str, text: str, error: str
) -> None:
    write(tmp_path, "good.yaml", PASSING)
    bad = write(tmp_path, name, text)
    status, out, err = ims_bot("test", str(tmp_path / "good.yaml"), str(bad))
    assert (status, out) == (2, "")
    assert err.startswith(f"ims-bot: error: {tmp_path}/{error}")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_dialogue_faq_key_overrides_the_faq(tmp_path: Path) -> None:
    text = f"name: mini\nfaq: {MINI_FAQ}\nturns:\n  - user: does it hurt\n"
    text += "    expect: {contains: general information only}\n"
    script = write(tmp_path, "mini.yaml", text)
    assert ims_bot("test", str(script), faq=STORY_FAQ)[0] == 0
    plain = write(tmp_path, "plain.yaml", text.replace(f"faq: {MINI_FAQ}\n", ""))
    assert ims_bot("test", str(plain), faq=STORY_FAQ)[0] == 1  # its disclaimer differs
    assert ims_bot("--faq", str(MINI_FAQ), "test", str(plain), faq=STORY_FAQ)[0] == 0


def test_unwritable_junit_is_exit_2(tmp_path: Path) -> None:
    script = write(tmp_path, "pain.yaml", PASSING)
    status, _, err = ims_bot("test", str(script), "--junit", str(tmp_path / "no" / "j.xml"))
    assert status == 2
    assert "j.xml: cannot be written" in err


def test_junit_stays_valid_xml_with_control_characters(tmp_path: Path) -> None:
    text = 'name: "odd \\x07 name"\nturns:\n  - user: "\\x1b[31mdoes it hurt\\x01"\n'
    text += "    expect: {kind: handoff}\n"
    script = write(tmp_path, "odd.yaml", text)
    junit = tmp_path / "out.xml"
    assert ims_bot("test", str(script), "--junit", str(junit))[0] == 1
    case = ET.parse(junit).getroot().find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "turn 1: does it hurt"
    assert case.get("classname") == "odd  name"


def test_test_command_does_not_import_prompt_toolkit(tmp_path: Path) -> None:
    script = write(tmp_path, "pain.yaml", PASSING)
    code = (
        "import sys; from ims_bot.cli import main; from ims_bot.env import Environment; "
        f"env = Environment(environ={{'IMS_BOT_FAQ': {str(MINI_FAQ)!r}}}); "
        f"status = main(['test', {str(script)!r}], env); "
        "print(status, 'prompt_toolkit' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False"]
