"""The kiosk's decisions, and its key handling through prompt-toolkit's pipe input."""

from __future__ import annotations

import argparse
import io
import os
import signal
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.data_structures import Size
from prompt_toolkit.formatted_text import to_plain_text
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from ims_bot.cli import main
from ims_bot.commands.common import positive as seconds
from ims_bot.commands.kiosk import ErrorLogStream
from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.language import language
from ims_bot.core.reply import Reply
from ims_bot.env import Environment
from ims_bot.errorlog import error_log
from ims_bot.errors import ExitStatus
from ims_bot.ui.kiosk import (
    CLEAR_ALL,
    IGNORED_SIGNALS,
    Action,
    Display,
    Kiosk,
    classify,
    clean_buffer,
    clean_line,
    countdown_line,
    countdown_seconds,
    handle_signals,
    is_passphrase,
    near_passphrase,
    passphrase_from,
    quiet_terminal,
    should_start_over,
    wrap_plain,
)
from ims_bot.ui.session import make_session
from tests.conftest import MINI_FAQ

PASSPHRASE = "staff only 42"
F2 = "\x1bOQ"
WAIT = 10.0

KIOSK = language().sentences.kiosk
COUNTDOWN, HINT, STAYS_ON, WELCOME = KIOSK.countdown, KIOSK.hint, KIOSK.stays_on, KIOSK.welcome


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does it hurt", Action.ASK),
        ("", Action.NOTHING),
        ("   \t ", Action.NOTHING),
        ("\x1b[31m", Action.NOTHING),
        ("new", Action.NEW_PATIENT),
        ("  New  ", Action.NEW_PATIENT),
        ("start over", Action.NEW_PATIENT),
        ("quit", Action.STAYS_ON),
        ("EXIT", Action.STAYS_ON),
        ("staff only 42", Action.STAFF_EXIT),
        ("  staff only 42 ", Action.STAFF_EXIT),
        ("staff only 4", Action.ASK),
        ("STAFF ONLY 42", Action.ASK),
    ],
)
def test_classify(text: str, expected: Action) -> None:
    assert classify(text, PASSPHRASE) is expected


def test_without_a_passphrase_nothing_exits() -> None:
    assert not is_passphrase("", None)
    assert not is_passphrase("", "")
    assert classify("staff only 42", None) is Action.ASK


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, None), ({"IMS_BOT_KIOSK_EXIT": "  "}, None), ({"IMS_BOT_KIOSK_EXIT": " go "}, "go")],
)
def test_passphrase_from_the_environment(environ: dict[str, str], expected: str | None) -> None:
    assert passphrase_from(environ) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does it hurt", "does it hurt"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),
        ("a\x1b[31mb\x1b]0;title\x07c", "abc"),
        ("line\nbreak\ttab", "line break tab"),
        ("bell\x07 nul\x00 rtl\u202e", "bell nul rtl"),
        ("x" * 600, "x" * 500),
    ],
)
def test_clean_line(text: str, expected: str) -> None:
    assert clean_line(text) == expected


def test_clean_buffer_caps_and_strips_while_typing() -> None:
    buffer = Buffer()
    buffer.on_text_changed += clean_buffer
    buffer.insert_text("a\x1b[2Jb")
    assert (buffer.text, buffer.cursor_position) == ("ab", 2)
    buffer.insert_text("y" * 1000)
    assert len(buffer.text) == 500
    assert buffer.cursor_position == 500


def test_wrap_plain_keeps_lines_short_and_list_items_indented() -> None:
    text = "word " * 30 + "\n\n  1) " + "long option " * 8 + "\nshort"
    lines = wrap_plain(text, 40).splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[lines.index("") + 2].startswith("     long")
    assert lines[-1] == "short"
    assert " ".join(wrap_plain(text, 40).split()) == " ".join(text.split())


@pytest.mark.parametrize(
    ("idle_for", "expected"),
    [(0, None), (74.9, None), (75, 15), (78.2, 12), (89.5, 1), (90, 0), (120, 0)],
)
def test_countdown_seconds(idle_for: float, expected: int | None) -> None:
    assert countdown_seconds(idle_for, 90) == expected


def test_the_countdown_shows_only_in_an_active_conversation() -> None:
    assert countdown_line(78.2, 90, active=True) == COUNTDOWN.format(seconds=12)
    assert "Starting over for the next person in 12 s" in COUNTDOWN.format(seconds=12)
    assert countdown_line(78.2, 90, active=False) is None
    assert countdown_line(10, 90, active=True) is None
    assert "F2" in HINT


def test_should_start_over() -> None:
    assert should_start_over(90, 90, active=True)
    assert not should_start_over(89.9, 90, active=True)
    assert not should_start_over(1000, 90, active=False)


@pytest.mark.parametrize("plain", [True, False])
def test_display_keeps_lines_short_and_user_text_literal(mini_engine: Engine, plain: bool) -> None:
    out = io.StringIO()
    display = Display(Environment(stdout=out), plain=plain)
    display.clear()
    display.echo("ask> [bold]x[/bold] \x1b[31mred")
    display.show(mini_engine.reply("xylophone quartz"))
    display.fallback(mini_engine.reply("does it hurt"))
    text = out.getvalue()
    assert text.startswith(CLEAR_ALL)
    assert "ask> [bold]x[/bold] red\n" in text
    assert "\x1b" not in text[len(CLEAR_ALL) :]
    assert max(len(line) for line in text.splitlines()) <= 72
    assert text.rstrip().endswith(mini_engine.faq.disclaimer)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeDisplay:
    """Records what the kiosk draws, and lets another thread wait for it."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.events: list[str | Reply] = []
        self.fallbacks: list[Reply] = []
        self.fail_on = fail_on
        self.changed = threading.Condition()

    def clear(self) -> None:
        self._add("clear")

    def show(self, reply: Reply) -> None:
        if self.fail_on is not None and self.fail_on in reply.question:
            raise RuntimeError("rendering failed")
        self._add(reply)

    def echo(self, line: str) -> None:
        self._add(f"echo {line}")

    def fallback(self, reply: Reply) -> None:
        self.fallbacks.append(reply)
        self._add(reply)

    @property
    def replies(self) -> list[Reply]:
        """Every reply shown, start screens excluded."""
        return [e for e in self.events if isinstance(e, Reply) and e.body != WELCOME]

    @property
    def starts(self) -> int:
        return sum(1 for e in self.events if isinstance(e, Reply) and e.body == WELCOME)

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until ``condition`` holds, looking again on every drawing and every 10 ms."""
        deadline = time.monotonic() + WAIT
        with self.changed:
            while not condition():
                if time.monotonic() > deadline:
                    raise AssertionError(f"the kiosk never got there; it drew {self.events}")
                self.changed.wait(0.01)

    def _add(self, event: str | Reply) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input, create_app_session(pipe_input, DummyOutput()):
        yield pipe_input


def make_kiosk(
    engine: Engine,
    pipe: PipeInput,
    display: FakeDisplay,
    clock: Callable[[], float] | None = None,
    idle: float = 90,
    passphrase: str | None = PASSPHRASE,
    record: Callable[[Reply], None] = lambda reply: None,
) -> Kiosk:
    session = make_session(engine.faq, input=pipe, output=DummyOutput(), kiosk=True)
    return Kiosk(
        Conversation(engine),
        session,
        display,  # type: ignore[arg-type]
        idle=idle,
        passphrase=passphrase,
        record=record,
        clock=clock or FakeClock(),
        tick=0.01,
    )


def run_keys(engine: Engine, pipe: PipeInput, keys: str, **options: object) -> FakeDisplay:
    """Type ``keys``, close the input (the end of input stops the kiosk), return the drawing."""
    display = FakeDisplay()
    pipe.send_text(keys)
    pipe.close()
    assert make_kiosk(engine, pipe, display, **options).run() == 0  # type: ignore[arg-type]
    return display


def test_start_screen_shows_welcome_and_numbered_common_questions(
    mini_engine: Engine, pipe: PipeInput
) -> None:
    display = run_keys(mini_engine, pipe, "")
    assert display.events[:2] == ["clear", display.events[1]]
    start = display.events[1]
    assert isinstance(start, Reply)
    assert start.body == WELCOME
    assert [o.question for o in start.options] == ["What is IMS?", "Is IMS painful?"]
    assert start.text.endswith(mini_engine.faq.disclaimer)
    assert display.events[-1] == "clear"


def test_ctrl_d_ctrl_z_and_ctrl_backslash_do_nothing(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "\x04\x1a\x1c\x04does it hurt\r\x04")
    assert [(r.kind, r.id, r.question) for r in display.replies] == [
        ("answer", "is-ims-painful", "does it hurt")
    ]


def test_ctrl_c_clears_the_line(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "what is the weath\x03does it hurt\r")
    assert [r.question for r in display.replies] == ["does it hurt"]


def test_quit_and_exit_keep_the_kiosk_running(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "quit\rexit\rdoes it hurt\r")
    assert [r.body for r in display.replies[:2]] == [STAYS_ON, STAYS_ON]
    assert display.replies[2].id == "is-ims-painful"
    assert all(r.text.endswith(mini_engine.faq.disclaimer) for r in display.replies)


def test_the_passphrase_exits_and_is_never_answered(mini_engine: Engine, pipe: PipeInput) -> None:
    recorded: list[Reply] = []
    display = run_keys(mini_engine, pipe, f"{PASSPHRASE}\rdoes it hurt\r", record=recorded.append)
    assert display.replies == []
    assert recorded == []
    assert display.events[-1] == "clear"


def test_without_a_passphrase_it_is_just_a_question(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, f"{PASSPHRASE}\rdoes it hurt\r", passphrase=None)
    assert [r.question for r in display.replies] == [PASSPHRASE, "does it hurt"]


def test_a_number_picks_from_the_start_screen(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "2\r")
    assert [r.id for r in display.replies] == ["is-ims-painful"]


def test_f2_starts_over_at_once_and_drops_the_half_typed_line(
    mini_engine: Engine, pipe: PipeInput
) -> None:
    display = run_keys(mini_engine, pipe, f"does it hurt\rwhat is{F2}2\r")
    assert display.starts == 2
    # After the reset "2" picks from the start screen, not from the answer's related list.
    assert [(r.id, r.question) for r in display.replies] == [
        ("is-ims-painful", "does it hurt"),
        ("is-ims-painful", "2"),
    ]
    assert display.events.index("clear", 1) < display.events.index(display.replies[1])


def test_typing_new_starts_over(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "does it hurt\rnew\r1\r")
    assert display.starts == 2
    assert [r.id for r in display.replies] == ["is-ims-painful", "what-is-ims"]


def test_replies_are_recorded_for_the_unanswered_log(mini_engine: Engine, pipe: PipeInput) -> None:
    recorded: list[Reply] = []
    run_keys(mini_engine, pipe, "xylophone quartz\rdoes it hurt\r", record=recorded.append)
    assert [r.kind for r in recorded] == ["escalate", "answer"]


def test_idle_time_counts_down_then_starts_over(mini_engine: Engine, pipe: PipeInput) -> None:
    clock = FakeClock()
    display = FakeDisplay()
    kiosk = make_kiosk(mini_engine, pipe, display, clock=clock, idle=30)
    seen: dict[str, object] = {}

    def patient() -> None:
        try:
            display.wait_until(lambda: display.starts == 1)
            seen["before typing"] = kiosk.message()
            pipe.send_text("does it hurt\r")
            display.wait_until(lambda: len(display.replies) == 1)
            pipe.send_text("what is")
            buffer = kiosk.session.default_buffer
            display.wait_until(
                lambda: buffer.text == "what is" and buffer.complete_state is not None
            )
            clock.now += 18
            seen["after 18 s"] = kiosk.message()
            display.wait_until(lambda: buffer.complete_state is None)
            clock.now += 12
            display.wait_until(lambda: display.starts == 2)
            seen["after the reset"] = kiosk.message()
            seen["pending"] = kiosk.conversation.pending
            pipe.send_text(f"{PASSPHRASE}\r")
        finally:
            pipe.close()

    thread = threading.Thread(target=patient)
    thread.start()
    assert kiosk.run() == 0
    thread.join()
    countdown = COUNTDOWN.format(seconds=12)
    assert to_plain_text(seen["before typing"]) == "ask> "
    assert to_plain_text(seen["after 18 s"]) == f"{countdown}\nask> "
    assert to_plain_text(seen["after the reset"]) == "ask> "
    assert seen["pending"] == kiosk.conversation.menu().options
    assert [r.question for r in display.replies] == ["does it hurt"]
    assert display.events.count("clear") == 3


class ResizableOutput(DummyOutput):
    """A dummy output whose terminal size the test changes."""

    def __init__(self) -> None:
        self.size = Size(rows=24, columns=80)

    def get_size(self) -> Size:
        return self.size


def test_a_resize_draws_the_screen_again_and_keeps_the_typed_line(
    mini_engine: Engine, pipe: PipeInput
) -> None:
    display = FakeDisplay()
    output = ResizableOutput()
    kiosk = make_kiosk(mini_engine, pipe, display)
    kiosk.session.app.output = output

    def patient() -> None:
        try:
            display.wait_until(lambda: display.starts == 1)
            pipe.send_text("quit\rdoes it hurt\r")
            display.wait_until(lambda: len(display.replies) == 2)
            pipe.send_text("what is")
            display.wait_until(lambda: kiosk.session.default_buffer.text == "what is")
            output.size = Size(rows=20, columns=50)
            display.wait_until(lambda: display.starts == 2)
            pipe.send_text(" ims\r")
            display.wait_until(lambda: len(display.replies) == 5)
        finally:
            pipe.close()

    thread = threading.Thread(target=patient)
    thread.start()
    assert kiosk.run() == 0
    thread.join()
    clear, start, stays_on, answer = display.events[:4]
    assert display.events[4:10] == [
        clear,
        start,
        "echo ask> quit",
        stays_on,
        "echo ask> does it hurt",
        answer,
    ]
    assert display.replies[-1].question == "what is ims"


def test_stop_ends_a_running_prompt(mini_engine: Engine, pipe: PipeInput) -> None:
    display = FakeDisplay()
    kiosk = make_kiosk(mini_engine, pipe, display)

    def staff() -> None:
        display.wait_until(lambda: display.starts == 1)
        pipe.send_text("half a question")
        display.wait_until(lambda: kiosk.session.default_buffer.text == "half a question")
        kiosk.stop()

    thread = threading.Thread(target=staff)
    thread.start()
    assert kiosk.run() == 0
    thread.join()
    assert display.replies == []
    assert display.events[-1] == "clear"


def test_an_error_while_answering_shows_the_escalation_and_goes_on(
    mini_engine: Engine, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    display = FakeDisplay(fail_on="side effects")
    kiosk = make_kiosk(mini_engine, pipe, display)
    real_respond = kiosk.conversation.respond

    def respond(text: str) -> Reply:
        if "boom" in text:
            raise ValueError("a bug in the engine")
        return real_respond(text)

    monkeypatch.setattr(kiosk.conversation, "respond", respond)
    pipe.send_text("boom\rwhat are the side effects\rdoes it hurt\r")
    pipe.close()
    env = Environment(environ={"XDG_STATE_HOME": str(tmp_path)})
    with error_log(env) as path:
        assert kiosk.run() == 0
    assert [r.kind for r in display.replies] == ["escalate", "escalate", "answer"]
    assert display.fallbacks == [display.replies[1]]
    assert all(r.text.endswith(mini_engine.faq.disclaimer) for r in display.replies)
    logged = path.read_text()
    assert "ValueError: a bug in the engine" in logged
    assert "RuntimeError: rendering failed" in logged


def test_an_error_while_starting_over_is_logged_and_the_kiosk_goes_on(
    mini_engine: Engine, pipe: PipeInput, tmp_path: Path
) -> None:
    display = FakeDisplay()
    kiosk = make_kiosk(mini_engine, pipe, display)
    resets = iter([None])

    def reset() -> None:
        if next(resets, "broken") == "broken":
            raise RuntimeError("reset failed")

    kiosk.conversation.reset = reset  # type: ignore[method-assign]
    pipe.send_text("new\rdoes it hurt\r")
    pipe.close()
    with error_log(Environment(environ={"XDG_STATE_HOME": str(tmp_path)})) as path:
        assert kiosk.run() == 0
    assert [r.id for r in display.replies] == ["is-ims-painful"]
    assert "RuntimeError: reset failed" in path.read_text()


def test_a_failing_unanswered_log_does_not_stop_the_kiosk(
    mini_engine: Engine, pipe: PipeInput
) -> None:
    def record(reply: Reply) -> None:
        raise OSError("disk full")

    display = run_keys(mini_engine, pipe, "does it hurt\rwhat is ims\r", record=record)
    assert [r.id for r in display.replies] == ["is-ims-painful", "what-is-ims"]


def test_a_typed_mouse_report_is_ignored(mini_engine: Engine, pipe: PipeInput) -> None:
    display = run_keys(mini_engine, pipe, "\x1b[31mdoes it hurt\r")
    assert [r.id for r in display.replies] == ["is-ims-painful"]


def test_signals_stop_or_are_ignored_while_the_kiosk_runs() -> None:
    stops: list[bool] = []
    before = signal.getsignal(signal.SIGTERM)
    with handle_signals(lambda: stops.append(True)):
        for name in IGNORED_SIGNALS:
            assert signal.getsignal(getattr(signal, name)) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGHUP)
    assert stops == [True, True]
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_command_needs_a_terminal() -> None:
    env = Environment(environ={"IMS_BOT_FAQ": str(MINI_FAQ)})
    assert main(["kiosk"], env=env) == 2
    message = "ims-bot: error: kiosk needs a terminal for its input and output\n"
    assert env.stderr.getvalue() == message


@pytest.mark.parametrize("idle", ["0", "-5", "soon", "nan", "inf"])
def test_the_idle_time_must_be_a_positive_number(idle: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        seconds(idle)
    assert seconds("2.5") == 2.5


def test_log_warnings_go_to_the_error_log_not_the_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with error_log(Environment(environ={"XDG_STATE_HOME": str(tmp_path)})) as path:
        ErrorLogStream().write("ims-bot: warning: cannot write the log\n")
    assert "WARNING ims_bot: ims-bot: warning: cannot write the log" in path.read_text()
    assert capsys.readouterr() == ("", "")


def test_quiet_terminal_turns_off_echo_and_flow_control_then_restores() -> None:
    controller, device = os.openpty()
    try:
        with os.fdopen(device, "r", closefd=False) as stream:
            before = termios.tcgetattr(device)
            assert before[0] & termios.IXON and before[3] & termios.ECHO
            with quiet_terminal(stream):
                during = termios.tcgetattr(device)
                assert not during[0] & termios.IXON
                assert not during[3] & termios.ECHO
            assert termios.tcgetattr(device) == before
    finally:
        os.close(controller)
        os.close(device)


def test_quiet_terminal_runs_the_block_on_a_stream_that_is_no_terminal() -> None:
    read_end, write_end = os.pipe()
    ran = []
    try:
        for stream in (io.StringIO(), os.fdopen(read_end, "r", closefd=False)):
            with quiet_terminal(stream):
                ran.append(type(stream).__name__)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert ran == ["StringIO", "TextIOWrapper"]


@pytest.mark.parametrize(
    ("text", "near"),
    [
        ("staff only 42", True),
        ("Staff Only 42 ", True),
        ("staff onyl 42", True),
        ("staf only 4", True),
        ("please staff only 42 thanks", True),
        ("stuff only 24", True),
        ("staff meeting today", False),
        ("does it hurt", False),
        ("staff", False),
    ],
)
def test_a_slip_of_the_passphrase_is_recognised(text: str, near: bool) -> None:
    assert near_passphrase(text, PASSPHRASE) is near
    assert near_passphrase(text, None) is False


def test_a_mistyped_passphrase_is_answered_but_never_recorded(
    mini_engine: Engine, pipe: PipeInput
) -> None:
    recorded: list[Reply] = []
    display = run_keys(
        mini_engine, pipe, "staff onyl 42\rwhat is the weather\r", record=recorded.append
    )
    assert [r.question for r in display.replies] == ["staff onyl 42", "what is the weather"]
    assert [r.question for r in recorded] == ["what is the weather"]


def test_a_prompt_that_keeps_failing_stops_the_kiosk_with_the_internal_error_status(
    mini_engine: Engine, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    display = FakeDisplay()
    kiosk = make_kiosk(mini_engine, pipe, display)

    def prompt(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the terminal is gone")

    monkeypatch.setattr(kiosk.session, "prompt", prompt)
    with error_log(Environment(environ={"XDG_STATE_HOME": str(tmp_path)})) as path:
        assert kiosk.run() == ExitStatus.INTERNAL == 3
    assert path.read_text().count("RuntimeError: the terminal is gone") == 5
    assert display.events[-1] == "clear"
