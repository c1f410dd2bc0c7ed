"""Recording a chat as a dialogue script, and replaying the recording."""

from __future__ import annotations

import io
import stat
from pathlib import Path

from ims_bot.cli import main
from ims_bot.core.conversation import Conversation
from ims_bot.core.dialogue import Expect, load_dialogue, parse_dialogue, run
from ims_bot.core.engine import Engine
from ims_bot.core.recording import record
from ims_bot.env import Environment
from tests.conftest import MINI_FAQ

MESSAGES = ["hi", "does it hurt", "2", "yes: 'quoted' #not a comment", "I am pregnant", "0"]


def test_recording_expects_kinds_and_ids(mini_engine: Engine) -> None:
    conversation = Conversation(mini_engine)
    text = record([(m, conversation.respond(m)) for m in MESSAGES], "my session")
    script = parse_dialogue(text, "rec.yaml")
    assert script.name == "my session"
    assert [t.user for t in script.turns] == MESSAGES
    assert [t.expect for t in script.turns] == [
        Expect(kind="smalltalk"),
        Expect(kind="answer", id="is-ims-painful"),
        Expect(kind="answer", id="side-effects"),
        Expect(kind="escalate"),
        Expect(kind="handoff", id="handoff-pregnancy"),
        Expect(kind="smalltalk"),
    ]
    assert all(result.passed for result in run(script, mini_engine))


def test_recording_names_the_faq(mini_engine: Engine) -> None:
    reply = mini_engine.reply("does it hurt")
    text = record([("does it hurt", reply)], "s", faq="../data/faq.yaml")
    assert text.startswith("# Recorded with `ims-bot chat --record`")
    assert "\nfaq: ../data/faq.yaml\n" in text
    assert "  expect: {kind: answer, id: is-ims-painful}\n" in text


def chat(args: list[str], stdin: str) -> tuple[int, Environment]:
    env = Environment(stdin=io.StringIO(stdin), environ={"IMS_BOT_FAQ": str(MINI_FAQ)})
    return main(["chat", *args], env), env


def test_chat_record_then_test_replays_green(tmp_path: Path) -> None:
    path = tmp_path / "session.yaml"
    status, _ = chat(["--faq", str(MINI_FAQ), "--record", str(path)], "\n".join(MESSAGES))
    assert status == 0
    script = load_dialogue(path)
    assert script.faq is not None
    assert script.faq.resolve() == MINI_FAQ.resolve()
    assert len(script.turns) == len(MESSAGES)
    env = Environment()
    assert main(["test", str(path)], env) == 0
    assert "all passed" in env.stdout.getvalue()


def test_chat_with_no_messages_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    status, env = chat(["--record", str(path)], "\n  \n")
    assert status == 0
    assert not path.exists()
    assert "nothing to record" in env.stderr.getvalue()


def test_unwritable_recording_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "s.yaml"
    status, env = chat(["--record", str(path)], "does it hurt\n")
    assert status == 2
    assert env.stderr.getvalue() == (
        f"ims-bot: error: {path}: cannot be written: no folder {path.parent}\n"
    )
    assert env.stdout.getvalue() == ""


def test_an_existing_recording_is_refused_before_the_first_question(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("keep me")
    status, env = chat(["--record", str(path)], "does it hurt\n")
    assert status == 2
    assert env.stderr.getvalue() == (
        f"ims-bot: error: {path}: exists already (use --force to overwrite it)\n"
    )
    assert env.stdout.getvalue() == ""
    assert path.read_text() == "keep me"


def test_force_overwrites_a_recording_and_leaves_it_alone_when_nothing_was_said(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("keep me")
    assert chat(["--force", "--record", str(path)], "\n")[0] == 0
    assert path.read_text() == "keep me"
    assert chat(["--force", "--record", str(path)], "does it hurt\n")[0] == 0
    assert "does it hurt" in path.read_text()


def test_a_recording_is_readable_by_its_owner_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    assert chat(["--record", str(path)], "my name is Jane, does it hurt\n")[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
