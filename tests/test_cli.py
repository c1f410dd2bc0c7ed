"""The command line, in-process through ``main(argv, env)`` and as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ims_bot import __version__
from ims_bot.cli import COMMANDS, build_parser, main
from ims_bot.core.faq import Faq
from ims_bot.env import Environment
from ims_bot.unanswered import read_rows
from tests.conftest import DATA, JSON_KEYS, MINI_FAQ

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    env = Environment(stdin=io.StringIO(stdin), environ={"IMS_BOT_FAQ": str(MINI_FAQ)})
    status = main(list(argv), env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def test_ask_json_has_the_contract(mini_faq: Faq) -> None:
    status, out, err = run("ask", "--json", "does ims hurt")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert (data["kind"], data["id"]) == ("answer", "is-ims-painful")
    assert data["text"].endswith(mini_faq.disclaimer)
    assert set(data) == JSON_KEYS
    assert data["alert"] is None


def test_ask_explain_shows_the_rule_and_the_calibrated_probability() -> None:
    status, out, _ = run("ask", "--explain", "does ims hurt")
    assert status == 0
    assert "rule: whole question" in out
    probability = re.search(r"probability: (0\.\d\d|1\.00) that is-ims-painful is right", out)
    assert probability is not None
    assert "features: score " in out
    status, out, _ = run("ask", "--json", "--explain", "does ims hurt")
    figures = json.loads(out)["trace"]["figures"]
    assert figures["probability"].split()[1:4] == ["that", "is-ims-painful", "is"]
    assert "coverage" in figures["features"]
    status, out, _ = run("ask", "--json", "--explain", "hi")
    assert "probability" not in json.loads(out)["trace"]["figures"]


def test_ask_explain_says_when_the_probability_decides(tmp_path: Path) -> None:
    text = MINI_FAQ.read_text(encoding="utf-8")
    rated = tmp_path / "rated.yaml"
    rated.write_text(text.replace("entries:", "settings: {wrong_rate: 0.02}\nentries:", 1))
    _, out, _ = run("ask", "--json", "--explain", "does ims hurt")
    assert (
        "(calibrated; the rules above decide)" in json.loads(out)["trace"]["figures"]["probability"]
    )
    status, out, err = run("ask", "--faq", str(rated), "--json", "--explain", "does ims hurt")
    assert (status, err) == (0, "")
    figures = json.loads(out)["trace"]["figures"]
    assert figures["probability"].endswith("(calibrated; it decides, wrong_rate 0.02)")
    assert "wrong_rate 0.02" in figures["calibrated"]


def test_ask_explain_measures_a_relayed_question_as_matching_reads_it() -> None:
    figures = [
        json.loads(run("ask", "--json", "--explain", question)[1])["trace"]["figures"]
        for question in ("Caller asks whether IMS is painful", "whether IMS is painful")
    ]
    assert figures[0]["probability"] == figures[1]["probability"]
    assert figures[0]["features"] == figures[1]["features"]


def test_ask_reads_one_question_per_line() -> None:
    status, out, _ = run("ask", "--json", "--top", "2", stdin="does it hurt\n\nwhat is ims\n")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [d["question"] for d in lines] == ["does it hurt", "what is ims"]
    assert all(len(d["suggestions"]) <= 2 for d in lines)


def test_ask_text_shows_the_best_matches() -> None:
    status, out, _ = run("ask", "does", "ims", "hurt")
    assert status == 0
    assert "[answer] best matches:" in out
    assert "is-ims-painful" in out


def test_ask_text_says_when_it_matched_part_of_the_question() -> None:
    story = ("--faq", str(DATA / "story_faq.yaml"))
    status, out, _ = run(*story, "ask", "My back is shot. Does IMS help back pain?")
    assert status == 0
    assert "[answer, on its asking sentence] best matches:" in out
    assert "back-trouble" in out
    status, out, _ = run(*story, "ask", "I'm 30 weeks pregnant. What are the side effects?")
    assert "[handoff, on its story] best matches:" in out
    assert "pregnant-patients" in out


@pytest.mark.parametrize(
    "argv", [["ask", "--top", "0", "x"], ["ask", "--top", "many", "x"], ["nope"]]
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv, Environment()) == 2


def test_list_and_show(mini_faq: Faq) -> None:
    status, out, _ = run("list")
    assert status == 0
    assert len(out.splitlines()) == len(mini_faq.entries)
    status, out, _ = run("list", "--json")
    assert [e["id"] for e in json.loads(out)] == [e.id for e in mini_faq.entries]
    status, out, _ = run("show", "is-ims-painful")
    assert status == 0 and out.startswith("is-ims-painful (answer)\nQ: Is IMS painful?")
    status, _, err = run("show", "no-such-id")
    assert (
        status == 2 and err == "ims-bot: error: no entry with id 'no-such-id' (see ims-bot list)\n"
    )


def test_unusable_faq_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text("disclaimer: x\nescalation: y\nentries: [{id: a, question: q}]\n")
    for command in (["ask", "x"], ["list"], ["show", "a"], ["check"], ["chat"]):
        status, _, err = run("--faq", str(bad), *command)
        assert status == 2, command
        assert err == f"ims-bot: error: {bad}:3: entry 'a' is missing the required field 'answer'\n"


def test_faq_option_works_before_and_after_the_command(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.yaml")
    assert run("--faq", missing, "list")[0] == 2
    assert run("list", "--faq", missing)[0] == 2


def test_version_names_the_faq_content(mini_faq: Faq) -> None:
    status, out, _ = run("--version")
    assert status == 0
    assert out.startswith(f"ims-bot {__version__}\n")
    assert mini_faq.content_hash in out
    assert mini_faq.reviewed.on.isoformat() in out


def test_every_command_has_help_ending_with_a_period() -> None:
    parser = build_parser()
    assert {name for name, _, _ in COMMANDS} >= {"chat", "ask", "list", "show", "check"}
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for choice in action._choices_actions:
            assert choice.help.endswith("."), choice.dest
        for sub in action.choices.values():
            for option in sub._actions:
                if option.dest != "help" and option.help != "==SUPPRESS==":
                    assert option.help.endswith("."), (sub.prog, option.dest)


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, _, _ in COMMANDS:
        assert f"ims-bot {name}" in readme, name


def subprocess_run(
    args: list[str], stdin: bytes = b"", **env: str
) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("IMS_BOT_")}
    environ |= {"IMS_BOT_FAQ": str(MINI_FAQ)} | env
    return subprocess.run(
        [sys.executable, "-m", "ims_bot", *args],
        input=stdin,
        capture_output=True,
        env=environ,
        cwd=env.get("CWD", str(REPO)),
        timeout=60,
        check=False,
    )


HOSTILE = [
    b"[bold red]does it hurt[/bold red]",
    b"\x1b[2J\x1b[31mdoes it hurt\x1b]0;owned\x07",
    b"does\x00 it\x07 hurt\x08\x7f",
    b"does it hurt \xff\xfe\xc3",
    "does it hurt \U0001f915\U0001f489".encode(),
    "\u202eهل هذا مؤلم\u202c does it hurt".encode(),
    b"x" * 1_000_000,
]


def test_hostile_lines_get_safe_replies(mini_faq: Faq) -> None:
    result = subprocess_run(["ask", "--json"], stdin=b"\n".join(HOSTILE) + b"\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"\x1b" not in result.stdout
    replies = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(replies) == len(HOSTILE)
    for reply in replies:
        assert reply["text"].endswith(mini_faq.disclaimer)
        assert len(reply["question"]) <= 500


def test_hostile_arguments_are_safe() -> None:
    result = subprocess_run(["ask", "--json", "\x1b[31m[bold]hi\udcff"])
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout


def test_subprocess_ask_from_another_folder_never_imports_prompt_toolkit(tmp_path: Path) -> None:
    code = (
        "import sys; from ims_bot.cli import main; status = main(['ask', 'does ims hurt']);"
        "assert 'prompt_toolkit' not in sys.modules, 'prompt_toolkit imported';"
        "sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        cwd=tmp_path,
        env=os.environ | {"IMS_BOT_FAQ": str(MINI_FAQ)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"typically not considered painful" in result.stdout


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"a: [", b"just text"])
def test_broken_faq_files_exit_2_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "faq.yaml"
    path.write_bytes(content)
    result = subprocess_run(["ask", "hi"], IMS_BOT_FAQ=str(path))
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1
    assert result.stderr.startswith(b"ims-bot: error: " + str(path).encode())


def test_piped_chat_replies_to_each_line(mini_faq: Faq) -> None:
    result = subprocess_run(["chat"], stdin=b"does it hurt\nwhat is the capital of peru\n")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count(mini_faq.disclaimer) == 3  # the start menu, then the two replies
    assert "typically not considered painful" in out
    assert b"\x1b" not in result.stdout


def test_ask_goes_through_the_chats_small_talk() -> None:
    for text in ("hi", "ok", "no", "yes"):
        status, out, _ = run("ask", "--json", text)
        assert (status, json.loads(out)["kind"]) == (0, "smalltalk"), text
    status, out, _ = run("ask", "2")
    assert "no numbered list" in out


@pytest.mark.parametrize("columns", ["60", "100"])
def test_ask_wraps_without_breaking_words(columns: str, tmp_path: Path) -> None:
    answer = " ".join(["A long answer made of many short words that must wrap."] * 6)
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        "disclaimer: Not medical advice.\nescalation: Ask your physiotherapist.\nentries:\n"
        f"  - {{id: long, question: Does it hurt?, answer: {answer}}}\n"
    )
    env = Environment(environ={"COLUMNS": columns, "IMS_BOT_FAQ": str(faq)})
    assert main(["ask", "does it hurt"], env) == 0
    out = env.stdout.getvalue()  # type: ignore[attr-defined]
    limit = min(int(columns), 80)
    assert max(len(line) for line in out.splitlines()) <= limit
    assert " ".join(out.split()).startswith(answer)


def test_ask_answer_only_prints_the_answer_and_the_disclaimer(mini_faq: Faq) -> None:
    status, out, _ = run("ask", "--answer-only", "does it hurt")
    entry = mini_faq.by_id["is-ims-painful"]
    assert status == 0
    assert " ".join(out.split()) == " ".join(f"{entry.answer} {mini_faq.disclaimer}".split())


def test_ask_prompts_on_a_terminal() -> None:
    env = Environment(
        stdin=io.StringIO("does it hurt\n"),
        stdin_isatty=True,
        environ={"IMS_BOT_FAQ": str(MINI_FAQ)},
    )
    assert main(["ask", "--json"], env) == 0
    out = env.stdout.getvalue()  # type: ignore[attr-defined]
    assert out.startswith("Question: {")
    assert out.endswith("Question: ")


def test_show_puts_the_answer_first_and_counts_the_alternates(mini_faq: Faq) -> None:
    entry = mini_faq.by_id["is-ims-painful"]
    status, out, _ = run("show", entry.id)
    assert status == 0
    related = [mini_faq.by_id[i].question for i in entry.related]
    assert all(question in out for question in related)
    assert out.index(related[0]) < out.index("Also asked as")
    assert f"Also asked as: {len(entry.alternates)} other wordings" in out
    assert entry.alternates[0] not in out
    status, out, _ = run("show", "--all", entry.id)
    assert all(alternate in " ".join(out.split()) for alternate in entry.alternates)


@pytest.mark.parametrize(
    ("wanted", "named"), [("knee", "knee-pain"), ("is-ims-painfull", "is-ims-painful")]
)
def test_show_of_an_unknown_id_names_the_nearest(wanted: str, named: str) -> None:
    status, out, err = run("show", wanted)
    assert (status, out) == (2, "")
    assert err.startswith(f"ims-bot: error: no entry with id '{wanted}'; did you mean: {named}")


def test_check_names_the_file_it_checks_and_warns_of_an_edited_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "installed.yaml"
    installed.write_text(MINI_FAQ.read_text(encoding="utf-8"))
    (tmp_path / "data").mkdir()
    edited = tmp_path / "data" / "faq.yaml"
    edited.write_text(installed.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    env = {"IMS_BOT_FAQ": str(installed)}
    status, out, _ = run_with(env, "check")
    assert status == 0
    assert out.splitlines()[0] == f"FAQ: {installed}"
    assert "differs" not in out
    edited.write_text(installed.read_text(encoding="utf-8") + "# edited\n")
    status, out, _ = run_with(env, "check")
    assert out.splitlines()[1] == (
        f"warning: ./data/faq.yaml differs from the FAQ checked ({installed}); "
        "use --faq data/faq.yaml or pip install -e ."
    )
    status, out, _ = run_with(env, "check", "--faq", "data/faq.yaml")
    assert out.splitlines()[0] == f"FAQ: {edited}"
    assert "differs" not in out
    status, out, err = run_with(env, "check", "--json")
    assert json.loads(out)["file"] == str(installed)
    assert err.startswith("warning: ./data/faq.yaml differs")


def run_with(environ: dict[str, str], *argv: str) -> tuple[int, str, str]:
    env = Environment(environ=environ)
    status = main(list(argv), env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def test_piped_chat_shows_the_menu_and_echoes_each_question(mini_faq: Faq) -> None:
    status, out, _ = run("chat", stdin="does it hurt\n2\nok\n")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("FAQ: ")
    assert out.index("Common questions") < out.index("> does it hurt") < out.index("> 2")
    after = out.split("> does it hurt", 1)[1]
    assert after.lstrip().startswith(mini_faq.by_id["is-ims-painful"].answer)
    assert "Is there anything else you would like to know about IMS?" in out.split("> ok")[1]


def test_no_help_text_uses_restructured_text_quoting() -> None:
    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        texts += [sub.format_help() for sub in action.choices.values()]
    assert not [text for text in texts if "``" in text]


def test_short_replies_are_not_logged_as_unanswered(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite"
    lines = "ok\nno\nyes\nsorry\nhmm\nxylophone quartz\n"
    assert run("chat", "--log", str(log), stdin=lines)[0] == 0
    assert [row.question for row in read_rows(log)] == ["xylophone quartz"]
