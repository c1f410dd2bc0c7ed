"""``ims-bot kiosk`` end to end in a real pseudo-terminal, read through a terminal emulator."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest

from ims_bot.core.faq import Faq
from tests.conftest import MINI_FAQ

COLUMNS, LINES = 80, 24
IDLE = 3
WAIT = 10.0


class Terminal:
    """A kiosk process and what its screen shows, as a VT100 emulator draws it."""

    def __init__(self, home: Path, environ: dict[str, str]) -> None:
        self.screen = pyte.HistoryScreen(COLUMNS, LINES, history=500)
        self.stream = pyte.Stream(self.screen)
        self.raw: list[str] = []
        self.seen: list[str] = []
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "ims_bot", "kiosk", "--idle", str(IDLE)],
            env=environ,
            cwd=str(home),
            dimensions=(LINES, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
        )

    def text(self) -> str:
        """The visible screen, one line per row."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def words(self) -> str:
        """The visible screen with all whitespace runs made one space (undoes wrapping)."""
        return " ".join(self.text().split())

    def history(self) -> str:
        """The lines scrolled off the top that the terminal still keeps (its scrollback)."""
        return "\n".join(
            "".join(line[x].data for x in range(COLUMNS)).rstrip()
            for line in self.screen.history.top
        )

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        """Read output until ``condition`` holds; fail with the screen when it never does."""
        deadline = time.monotonic() + WAIT
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what}; the screen was:\n{self.text()}")
            self.read(0.1)

    def read(self, timeout: float) -> None:
        """Feed whatever output arrives within ``timeout`` to the emulator."""
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            return
        self.raw.append(data)
        self.stream.feed(data)
        self.seen.append(self.text())

    def settle(self, seconds: float = 0.5) -> None:
        """Read for a while, for keys that should change nothing."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.read(0.05)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.mark.parametrize("cpr", ["no cursor position reports", "unanswered cursor reports"])
def test_kiosk_in_a_pseudo_terminal(home: Path, mini_faq: Faq, cpr: str) -> None:
    environ = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "IMS_BOT_FAQ": str(MINI_FAQ),
    }
    if cpr == "no cursor position reports":
        environ["PROMPT_TOOLKIT_NO_CPR"] = "1"
    term = Terminal(home, environ)
    try:
        run_a_patient_through(term, mini_faq)
    finally:
        if term.child.isalive():
            term.child.kill(signal.SIGKILL)
    files = [p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()]
    assert ".local/state/ims-bot/unanswered.sqlite" in files, files
    assert all(f.startswith(".local/state/ims-bot/") for f in files), files


def run_a_patient_through(term: Terminal, faq: Faq) -> None:
    disclaimer = " ".join(faq.disclaimer.split())
    answer_start = " ".join(faq.by_id["is-ims-painful"].answer.split()[:6])

    term.wait_for(lambda: "ask>" in term.text() and "1)" in term.text(), "the start screen")
    assert "Welcome" in term.text()
    assert "F2" in term.text()

    for key in ("c", "d", "z", "\\"):
        term.child.sendcontrol(key)
    term.settle()
    assert term.child.isalive()

    term.child.send("quit\r")
    term.wait_for(lambda: "screen stays on" in term.words(), "the reply to quit")
    assert term.child.isalive()

    escalation_start = " ".join(faq.escalation.split()[:6])
    term.child.send("[bold]xylophone quartz[/bold]\r")
    term.wait_for(lambda: escalation_start in term.words(), "the escalation")
    assert "ask> [bold]xylophone quartz[/bold]" in term.text()

    def after_question() -> str:
        return term.words().partition("ask> does it hurt")[2]

    term.child.send("does it hurt\r")
    term.wait_for(lambda: answer_start in after_question(), "the answer to 'does it hurt'")
    term.wait_for(lambda: disclaimer in after_question(), "the disclaimer after the answer")
    assert "ask> does it hurt" in term.text()

    term.wait_for(lambda: "does it hurt" not in term.text(), "the idle reset")
    term.wait_for(lambda: "ask>" in term.text() and "1)" in term.text(), "the start screen again")
    assert "does it hurt" not in term.text()
    assert "does it hurt" not in term.history()
    assert any("Starting over for the next person in" in screen for screen in term.seen)
    assert not any("WARNING" in screen for screen in term.seen)
    assert "".join(term.raw).count("\x1b[2J\x1b[3J") == 2

    term.child.kill(signal.SIGTERM)
    term.child.expect(pexpect.EOF, timeout=5)
    term.child.wait()
    assert term.child.exitstatus == 0
