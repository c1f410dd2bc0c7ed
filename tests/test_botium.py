"""BotiumScript convo files: the mapping onto dialogue turns and what is rejected."""

from __future__ import annotations

import pytest

from ims_bot.core.botium import parse_convo
from ims_bot.core.dialogue import Expect, Turn, run
from ims_bot.core.engine import Engine
from ims_bot.errors import ScriptError

CONVO = """\
Pain questions
A patient asks whether it hurts.

#me
does it
hurt?

#bot
typically NOT
considered painful
!migraine

#me
2

#bot
soreness * bruising

#me
what is the weather

#me
hi
#bot
"""


def test_mapping_onto_turns() -> None:
    script = parse_convo(CONVO, "pain.convo.txt")
    assert script.name == "Pain questions"
    assert script.path == "pain.convo.txt"
    assert script.turns == (
        Turn(
            "does it hurt?",
            Expect(contains=("typically NOT considered painful",), not_contains=("migraine",)),
            4,
        ),
        Turn("2", Expect(contains=("soreness", "bruising")), 13),
        Turn("what is the weather", Expect(), 19),
        Turn("hi", Expect(), 22),
    )


def test_convo_runs_like_a_dialogue(mini_engine: Engine) -> None:
    results = list(run(parse_convo(CONVO, "pain.convo.txt"), mini_engine))
    assert [r.passed for r in results] == [True, True, True, True]
    assert [r.reply.id for r in results[:2]] == ["is-ims-painful", "side-effects"]


def test_bot_text_is_a_case_insensitive_substring(mini_engine: Engine) -> None:
    script = parse_convo("t\n#me\ndoes it hurt\n#bot\nTYPICALLY not\n#me\nhi\n#bot\nbanana\n")
    first, second = run(script, mini_engine)
    assert first.passed
    assert second.failures == ("expected the reply to contain 'banana'",)


def test_name_falls_back_to_the_file_name() -> None:
    script = parse_convo("#me\nhi\n", "dir/greeting.convo.txt")
    assert script.name == "greeting"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("t\n#bot\nHello!\n#me\nhi\n", "c.convo.txt:2: a '#bot' block must follow a '#me' block"),
        ("t\n#me\nhi\n#bot\na\n#bot\nb\n", "c.convo.txt:6: a '#bot' block must follow a '#me'"),
        ("t\n#begin\nPAUSE 100\n", "c.convo.txt:2: section '#begin' is not supported"),
        ("t\n#me\nhi\n#bot\nBUTTONS yes|no\n", "c.convo.txt:5: Botium asserter or logic hook"),
        ("t\n#me\nhi\n#bot\n!INTENT greeting\n", "c.convo.txt:5: Botium asserter or logic hook"),
        ("t\n#me\n\n#bot\nhello\n", "c.convo.txt:2: the '#me' block is empty"),
        ("just a name\n", "c.convo.txt: has no '#me' block"),
    ],
)
def test_unsupported_parts_are_rejected_with_the_line(text: str, error: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_convo(text, "c.convo.txt")
    assert str(caught.value).startswith(error)


def test_capitalised_text_that_is_no_asserter_is_text() -> None:
    script = parse_convo("t\n#me\nIMS HURT?\n#bot\nIMS CAN cause\n")
    assert script.turns[0].user == "IMS HURT?"
    assert script.turns[0].expect.contains == ("IMS CAN cause",)
