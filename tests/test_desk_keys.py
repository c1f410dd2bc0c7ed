"""The desk's state and its keys, driven through prompt-toolkit's pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from ims_bot.cli import main
from ims_bot.commands.desk import mark
from ims_bot.core.engine import Engine
from ims_bot.core.reply import Reply, Suggestion
from ims_bot.env import Environment
from ims_bot.ui.desk import (
    HELP,
    START,
    Copier,
    DeskState,
    Row,
    fitted,
    make_app,
    osc52,
    rows_of,
    triage_banner,
)
from ims_bot.unanswered import Logbook, read_rows
from tests.conftest import MINI_FAQ

UP, DOWN, ENTER, ESC = "\x1b[A", "\x1b[B", "\r", "\x1b"
F1, F2, F3, CTRL_Y, CTRL_Q, CTRL_C = "\x1bOP", "\x1bOQ", "\x1bOR", "\x19", "\x11", "\x03"


class RecordingOutput(DummyOutput):
    """A dummy screen that keeps what is written raw to it (the OSC 52 sequence)."""

    def __init__(self) -> None:
        self.raw: list[str] = []

    def write_raw(self, data: str) -> None:
        self.raw.append(data)


class Desk:
    """A desk on pipe input: the keys sent, the searches made, the replies marked."""

    def __init__(self, engine: Engine, pipe: PipeInput, copier: Copier | None = None) -> None:
        self.state = DeskState(engine)
        self.searched: list[tuple[str, tuple[str, ...]]] = []
        self.marked: list[Reply] = []
        self.output = RecordingOutput()
        self.pipe = pipe
        search = self.state.search

        def searching(text: str) -> None:
            search(text)
            self.searched.append((text, tuple(row.id for row in self.state.rows)))

        self.state.search = searching  # type: ignore[method-assign]
        self.app = make_app(
            self.state,
            copier or Copier({}, terminal=False, which=lambda name: None),
            self._mark,
            input=pipe,
            output=self.output,
        )

    def _mark(self, reply: Reply) -> str:
        self.marked.append(reply)
        return "marked"

    def keys(self, keys: str, end: str = CTRL_Q) -> DeskState:
        """Send ``keys`` and a quit key, run the application to its end, return the state."""
        self.pipe.send_text(keys + end)
        self.app.run()
        return self.state


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input, create_app_session(pipe_input, DummyOutput()):
        yield pipe_input


@pytest.fixture
def desk(mini_engine: Engine, pipe: PipeInput) -> Desk:
    return Desk(mini_engine, pipe)


def ids(state: DeskState) -> list[str]:
    return [row.id for row in state.rows]


def test_every_key_typed_searches_again_one_row_per_entry(desk: Desk) -> None:
    state = desk.keys("does it hurt")
    assert [text for text, _ in desk.searched] == [
        "does it hurt"[:n] for n in range(1, len("does it hurt") + 1)
    ]
    assert all(len(set(found)) == len(found) for _, found in desk.searched)
    assert state.query == "does it hurt"
    assert ids(state)[0] == "is-ims-painful"
    assert (state.selected, state.shown.id) == (0, "is-ims-painful")  # type: ignore[union-attr]
    assert state.reply is not None and state.reply.kind == "answer"


def test_the_pane_holds_the_answer_related_questions_in_words_and_the_disclaimer(
    desk: Desk, mini_engine: Engine
) -> None:
    state = desk.keys("does it hurt")
    faq = mini_engine.faq
    text = [line for _, line in state.pane()]
    entry = faq.by_id["is-ims-painful"]
    assert entry.answer in text
    assert [f"  - {faq.by_id[i].question}" for i in entry.related] == [
        line for line in text if line.startswith("  - ")
    ]
    assert not any(i in " ".join(text) for i in entry.related)
    assert text[-1] == faq.disclaimer


def test_the_pane_wraps_to_the_width_without_breaking_words(desk: Desk) -> None:
    state = desk.keys("does it hurt")
    for width in (30, 57, 100):
        lines = [line for _, line in fitted(state.pane(), width)]
        assert max(len(line) for line in lines) <= width
        assert " ".join(" ".join(lines).split()) == " ".join(
            " ".join(line for _, line in state.pane()).split()
        )


def test_up_and_down_choose_within_the_list(desk: Desk) -> None:
    state = desk.keys("pain" + DOWN + DOWN + UP + DOWN * 20)
    assert len(state.rows) > 2
    assert state.selected == len(state.rows) - 1
    assert state.shown is not None and state.shown.id == ids(state)[-1]


def test_enter_pins_the_answer_while_typing_goes_on(desk: Desk) -> None:
    state = desk.keys("knee" + ENTER + "\x7f" * 4 + "pregnant")
    assert state.pinned == "knee-pain"
    assert state.shown is not None and state.shown.id == "knee-pain"
    assert state.pane()[0] == ("class:question", "Can IMS help knee pain?  [pinned]")
    assert ids(state)[0] != "knee-pain"


def test_enter_again_unpins(desk: Desk) -> None:
    state = desk.keys("knee" + ENTER + ENTER)
    assert (state.pinned, state.message) == (None, "Unpinned.")


def test_esc_clears_the_search_and_the_pin(desk: Desk) -> None:
    state = desk.keys("knee" + ENTER + ESC)
    assert (state.query, state.rows, state.pinned, state.reply) == ("", (), None, None)
    assert desk.app.layout.current_buffer.text == ""  # type: ignore[union-attr]
    assert state.pane() == [("", START)]


def test_f1_shows_and_hides_the_help(mini_engine: Engine, pipe: PipeInput) -> None:
    assert Desk(mini_engine, pipe).keys(F1).help
    assert Desk(mini_engine, pipe).keys(F1).pane()[0] == ("", HELP[0])
    assert not Desk(mini_engine, pipe).keys(F1 + F1).help


def test_ctrl_c_quits_too(desk: Desk) -> None:
    assert desk.keys("knee", end=CTRL_C).query == "knee"


def test_copy_with_a_clipboard_command(mini_engine: Engine, pipe: PipeInput) -> None:
    copied: list[tuple[Sequence[str], bytes]] = []
    copier = Copier(
        {"DISPLAY": ":0"},
        terminal=True,
        which=lambda name: f"/usr/bin/{name}" if name == "xclip" else None,
        run=lambda command, data: copied.append((command, data)),
    )
    desk = Desk(mini_engine, pipe, copier)
    state = desk.keys("does it hurt" + CTRL_Y)
    entry = mini_engine.faq.by_id["is-ims-painful"]
    assert state.message == "Copied to the clipboard with xclip."
    assert copied == [
        (
            ("xclip", "-selection", "clipboard"),
            f"{entry.answer}\n\n{mini_engine.faq.disclaimer}".encode(),
        )
    ]
    assert desk.output.raw == []


def test_copy_through_the_terminal(mini_engine: Engine, pipe: PipeInput) -> None:
    copier = Copier({"DISPLAY": ":0"}, terminal=True, which=lambda name: None)
    desk = Desk(mini_engine, pipe, copier)
    state = desk.keys("knee" + F2)
    assert "OSC 52" in state.message
    assert desk.output.raw == [osc52(state.copy_text() or "")]
    assert desk.output.raw[0].startswith("\x1b]52;c;")


def test_copy_says_when_it_cannot(desk: Desk) -> None:
    state = desk.keys("knee" + F2)
    assert state.message.startswith("Cannot copy here")
    assert desk.keys(ESC + F2).message == "Nothing to copy yet."


def test_f3_marks_the_question_not_answered(desk: Desk) -> None:
    state = desk.keys("does it hurt" + F3)
    assert state.message == "marked"
    assert [(r.question, r.kind) for r in desk.marked] == [("does it hurt", "escalate")]
    assert desk.marked[0].suggestions[0].id == "is-ims-painful"


def test_f3_with_nothing_typed_marks_nothing(desk: Desk) -> None:
    assert desk.keys(F3).message == "Type the caller's question first."
    assert desk.marked == []


def test_a_danger_sign_shows_the_triage_banner(desk: Desk, mini_engine: Engine) -> None:
    state = desk.keys("sharp chest pain after my session")
    assert state.banner is not None
    assert state.banner.startswith(mini_engine.faq.urgent.reply)
    assert "('chest pain': happening now)" in state.banner
    assert state.verdict().startswith("urgent")
    assert mini_engine.faq.urgent.reply not in [line for _, line in state.pane()]


def test_pasted_control_characters_never_reach_the_screen(desk: Desk) -> None:
    state = desk.keys("\x1b[200~kn\x1b[31mee\x07\x1b[201~")
    assert state.query == "knee"
    assert desk.app.layout.current_buffer.text == "knee"  # type: ignore[union-attr]


def test_triage_banner_names_the_advice_and_what_fired(mini_engine: Engine) -> None:
    banner = triage_banner(mini_engine.reply("I fainted"))
    assert banner == (
        f"{mini_engine.faq.urgent.reply}\ntriage: urgent urgent ('faint': happening now); "
        "model: 0.10 - (no telling words)"
    )
    assert triage_banner(mini_engine.reply("does it hurt")) is None


def test_rows_hold_each_entry_once(mini_engine: Engine) -> None:
    faq = mini_engine.faq
    reply = Reply(
        kind="clarify",
        question="q",
        body="",
        disclaimer="",
        suggestions=(
            Suggestion("knee-pain", "Can IMS help knee pain?", 60.0),
            Suggestion("knee-pain", "Can IMS help knee pain?", 50.0),
            Suggestion("handoff-pregnancy", "x", 40.0),
        ),
    )
    assert rows_of(reply, faq.by_id) == (
        Row("knee-pain", "Can IMS help knee pain?", "answer", 60.0),
        Row("handoff-pregnancy", faq.by_id["handoff-pregnancy"].question, "handoff", 40.0),
    )


def test_the_desk_lists_the_entries_the_decision_ranks(mini_engine: Engine) -> None:
    state = DeskState(mini_engine)
    state.search("knee")
    reply = mini_engine.reply("knee", top=len(state.rows) or 1)
    assert [s.id for s in reply.suggestions] == ids(state)[: len(reply.suggestions)]


def test_mark_writes_the_log_in_desk_mode(tmp_path: Path, mini_engine: Engine) -> None:
    logbook = Logbook(tmp_path / "log.sqlite", "desk", io.StringIO())
    state = DeskState(mini_engine)
    state.search("does it hurt")
    reply = state.unanswered()
    assert reply is not None
    assert mark(logbook, io.StringIO(), reply).startswith("Marked not answered")
    logbook.close()
    rows = read_rows(tmp_path / "log.sqlite")
    assert [(r.mode, r.question, r.candidate) for r in rows] == [
        ("desk", "does it hurt", "is-ims-painful")
    ]


def test_mark_says_when_the_log_cannot_be_written(tmp_path: Path, mini_engine: Engine) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    warnings = io.StringIO()
    logbook = Logbook(blocked / "log.sqlite", "desk", warnings)
    state = DeskState(mini_engine)
    state.search("does it hurt")
    assert mark(logbook, warnings, state.unanswered()).startswith("Not recorded: cannot write")  # type: ignore[arg-type]


def test_desk_needs_a_terminal() -> None:
    env = Environment(environ={"IMS_BOT_FAQ": str(MINI_FAQ)})
    assert main(["desk"], env) == 2
    assert "desk needs a terminal" in env.stderr.getvalue()  # type: ignore[attr-defined]
