"""Dialogue scripts: loading with file:line errors, expectations, the runner, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from ims_bot.core.conversation import Conversation
from ims_bot.core.dialogue import (
    Dialogue,
    Expect,
    Turn,
    check,
    load_dialogue,
    load_folder,
    parse_dialogue,
    run,
    script_paths,
    unreached_entries,
)
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.reply import Reply
from ims_bot.errors import ScriptError

SCRIPT = """\
name: pain questions
turns:
  - user: does it hurt
    expect: {kind: answer, id: is-ims-painful, contains: NOT CONSIDERED   painful}
  - user: 2
    expect:
      id: side-effects
      not_contains: [migraine, headache]
  - user: hello
"""


def dialogue(*turns: Turn) -> Dialogue:
    return Dialogue(name="t", turns=turns)


def test_parse_builds_the_model() -> None:
    script = parse_dialogue(SCRIPT, "pain.yaml")
    assert script.name == "pain questions"
    assert script.path == "pain.yaml"
    assert script.faq is None
    assert script.turns == (
        Turn("does it hurt", Expect("answer", "is-ims-painful", ("NOT CONSIDERED   painful",)), 3),
        Turn("2", Expect(id="side-effects", not_contains=("migraine", "headache")), 5),
        Turn("hello", Expect(), 9),
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "d.yaml: is empty; a dialogue needs 'name' and 'turns'"),
        ("- a\n- b\n", "d.yaml:1: the dialogue must be a mapping of keys to values"),
        ("name: x\n", "d.yaml:1: the dialogue is missing the required field 'turns'"),
        ("turns: [{user: hi}]\n", "d.yaml:1: the dialogue is missing the required field 'name'"),
        ("name: x\nturns: []\n", "d.yaml:2: 'turns' must be a non-empty list of turns"),
        (
            "name: x\ndescription: y\nturns: [{user: hi}]\n",
            "d.yaml:2: unknown key 'description' in the dialogue (known: name, faq, turns)",
        ),
        ("name: x\nturns:\n  - hi\n", "d.yaml:3: a turn must be a mapping of keys to values"),
        (
            "name: x\nturns:\n  - expect: {kind: answer}\n",
            "d.yaml:3: a turn is missing the required field 'user'",
        ),
        ("name: x\nturns:\n  - user: '  '\n", "d.yaml:3: 'user' of a turn is empty"),
        (
            "name: x\nturns:\n  - user: hi\n    exepct: {kind: answer}\n",
            "d.yaml:4: unknown key 'exepct' in a turn (known: user, expect)",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect:\n      kind: answer\n      kind: clarify\n",
            "d.yaml:6: duplicate key 'kind'",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect: {kind: answered}\n",
            "d.yaml:4: unknown kind 'answered' "
            "(known: answer, clarify, escalate, handoff, urgent, smalltalk)",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect: {id: what is ims}\n",
            "d.yaml:4: id 'what is ims' must not contain spaces",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect: {contains: []}\n",
            "d.yaml:4: 'contains' of 'expect' is empty",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect:\n      not_contains: [a, {b: c}]\n",
            "d.yaml:5: 'not_contains' of 'expect' must be text or a list of text",
        ),
        (
            "name: x\nturns:\n  - user: hi\n    expect: {text: hello}\n",
            "d.yaml:4: unknown key 'text' in 'expect' (known: kind, id, contains, not_contains)",
        ),
        (
            "name: x\nturns:\n  - user: [hi\n",
            "d.yaml:4: invalid YAML: did not find expected ',' or ']'",
        ),
        (
            "name: x\nfaq: nowhere.yaml\nturns: [{user: hi}]\n",
            "d.yaml:2: FAQ file 'nowhere.yaml' not found",
        ),
    ],
)
def test_load_errors_name_file_line_and_reason(text: str, error: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_dialogue(text, "d.yaml")
    assert str(caught.value) == error


def test_faq_key_is_relative_to_the_script(tmp_path: Path) -> None:
    (tmp_path / "faqs").mkdir()
    (tmp_path / "faqs" / "small.yaml").write_text("x", encoding="utf-8")
    script = tmp_path / "dialogues" / "d.yaml"
    script.parent.mkdir()
    script.write_text("name: x\nfaq: ../faqs/small.yaml\nturns: [{user: hi}]\n", "utf-8")
    assert load_dialogue(script).faq == tmp_path / "dialogues" / "../faqs/small.yaml"


def test_unreadable_script_is_a_script_error(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"name: \xff\n")
    with pytest.raises(ScriptError, match=r"bin.yaml:1: is not valid UTF-8 text"):
        load_dialogue(path)


def test_check_reports_each_failure_in_words(mini_engine: Engine, mini_faq: Faq) -> None:
    reply = mini_engine.reply("does it hurt")
    expect = Expect(
        kind="handoff",
        id="no-such-entry",
        contains=("bruising", "typically NOT considered"),
        not_contains=("painful",),
    )
    assert check(expect, reply, mini_faq) == (
        "expected kind 'handoff', got 'answer'",
        "expected entry 'no-such-entry' (the FAQ has no entry with that id), got 'is-ims-painful'",
        "expected the reply to contain 'bruising'",
        "expected the reply not to contain 'painful'",
    )
    assert check(Expect(id="side-effects"), mini_engine.reply("weather"), mini_faq) == (
        "expected entry 'side-effects', got no entry (escalate)",
    )


def test_check_requires_the_disclaimer(mini_engine: Engine, mini_faq: Faq) -> None:
    reply = mini_engine.reply("does it hurt")
    other = Faq(disclaimer="Another disclaimer.", escalation="e", entries=mini_faq.entries)
    assert check(Expect(), reply, other) == ("the reply does not end with the disclaimer",)
    assert check(Expect(), reply, mini_faq) == ()


def test_run_carries_state_between_turns(mini_engine: Engine) -> None:
    script = dialogue(
        Turn("does it hurt", Expect(kind="answer", id="is-ims-painful")),
        Turn("2", Expect(id="side-effects")),
        Turn("3", Expect(kind="escalate")),
        Turn("hi", Expect(kind="escalate")),
    )
    results = list(run(script, mini_engine))
    assert [r.number for r in results] == [1, 2, 3, 4]
    assert [r.reply.id for r in results] == ["is-ims-painful", "side-effects", None, None]
    assert [r.passed for r in results] == [True, True, False, False]
    assert results[3].failures == ("expected kind 'escalate', got 'smalltalk'",)


def test_run_streams_one_result_at_a_time(
    mini_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    respond = Conversation.respond

    def counting(self: Conversation, text: str) -> Reply:
        calls.append(text)
        return respond(self, text)

    monkeypatch.setattr(Conversation, "respond", counting)
    results = run(dialogue(*(Turn("does it hurt") for _ in range(1000))), mini_engine)
    assert next(results).reply.id == "is-ims-painful"
    assert calls == ["does it hurt"]


def test_each_dialogue_starts_a_fresh_conversation(mini_engine: Engine) -> None:
    list(run(dialogue(Turn("does it hurt")), mini_engine))
    (result,) = run(dialogue(Turn("2")), mini_engine)
    assert result.reply.id == "is-ims-painful"  # the start menu, not the last related list


def test_unreached_entries(mini_faq: Faq) -> None:
    scripts = [
        dialogue(Turn("does it hurt"), Turn("2")),
        dialogue(Turn("I am pregnant"), Turn("what is the weather")),
    ]
    unreached = unreached_entries(mini_faq, scripts)
    assert [e.id for e in unreached] == ["what-is-ims", "knee-pain", "shoulder-pain"]
    assert [e.id for e in unreached_entries(mini_faq, [])] == [e.id for e in mini_faq.entries]


def test_script_paths_expand_folders_in_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "c.convo.txt", "notes.txt", "d.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.yaml").mkdir()
    extra = tmp_path / "notes.txt"
    assert script_paths([tmp_path, extra]) == [
        tmp_path / "a.yml",
        tmp_path / "b.yaml",
        tmp_path / "c.convo.txt",
        extra,
    ]


def test_script_paths_errors(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="holds no dialogue scripts"):
        script_paths([tmp_path])
    with pytest.raises(ScriptError, match=r"missing\.yaml: file not found"):
        script_paths([tmp_path / "missing.yaml"])


def test_load_folder_reads_yaml_and_botium(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nturns: [{user: hi}]\n", encoding="utf-8")
    (tmp_path / "b.convo.txt").write_text("b\n#me\nhello\n#bot\nask me\n", encoding="utf-8")
    scripts = load_folder(tmp_path)
    assert [(s.name, s.turns[0].user) for s in scripts] == [("a", "hi"), ("b", "hello")]
