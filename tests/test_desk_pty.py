"""``ims-bot desk`` end to end in a real pseudo-terminal, read through a terminal emulator."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

import pexpect
import pyte
from test_kiosk_pty import COLUMNS, LINES, Terminal

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import load_faq

KNEE_FAQ = """\
disclaimer: Desk test disclaimer.
escalation: Please ask your physiotherapist.
entries:
  - {id: knee-help, question: Can IMS help knee pain?, answer: Knee help answer.,
     alternates: [knee, knee pain, does ims work for knees]}
  - {id: knee-surgery, kind: handoff, question: Can I have IMS after knee surgery?,
     answer: Knee surgery referral., alternates: [i had my knee replaced]}
  - {id: knee-runner, question: Is IMS good for a runner's knee?, answer: Runner answer.,
     alternates: [my knee hurts when i run]}
  - {id: hip-help, question: Can IMS help hip pain?, answer: Hip help answer.,
     alternates: [does ims work for hips]}
"""
ROW = re.compile(r"^[> ][* ] *\d+\.\d  (?:answer |handoff)  (.+)$")


class DeskTerminal(Terminal):
    """The desk running in a pseudo-terminal, and its screen as an emulator draws it."""

    def __init__(self, home: Path, environ: dict[str, str]) -> None:
        self.screen = pyte.HistoryScreen(COLUMNS, LINES, history=100)
        self.stream = pyte.Stream(self.screen)
        self.raw: list[str] = []
        self.seen: list[str] = []
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "ims_bot", "desk"],
            env=environ,
            cwd=str(home),
            dimensions=(LINES, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
        )


def test_desk_in_a_pseudo_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = tmp_path / "faq.yaml"
    path.write_text(KNEE_FAQ, encoding="utf-8")
    environ = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "IMS_BOT_FAQ": str(path),
    }
    term = DeskTerminal(home, environ)
    try:
        type_letter_by_letter(term, load_faq(path))
        term.child.sendcontrol("q")
        term.child.expect(pexpect.EOF, timeout=5)
        term.child.wait()
        assert term.child.exitstatus == 0
    finally:
        if term.child.isalive():
            term.child.kill(signal.SIGKILL)
    files = [p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()]
    assert all(f.startswith(".cache/ims-bot/") for f in files), files  # the prepared FAQ only


def type_letter_by_letter(term: DeskTerminal, faq: Faq) -> None:
    """Type "knee" one key at a time: the list and the answer follow without Enter."""
    term.wait_for(lambda: "Search:" in term.text(), "the search line")
    for typed in ("k", "kn", "kne", "knee"):
        term.child.send(typed[-1])
        line = f"Search: {typed}"
        term.wait_for(lambda line=line: line in term.text().splitlines(), repr(line))
    entry = faq.by_id["knee-help"]
    answer = " ".join(entry.answer.split())
    term.wait_for(lambda: answer in term.words(), "the knee answer")
    rows = [ROW.match(line) for line in term.text().splitlines()]
    questions = [row.group(1) for row in rows if row]
    assert len(questions) >= 3
    assert len(set(questions)) == len(questions), term.text()
    best = Engine(faq).decide("knee").candidates[0]
    assert best.entry == entry
    assert f"> {best.score:5.1f}  answer   {entry.question}" in term.text()
    assert " ".join(faq.disclaimer.split()) in term.words()
    assert all(len(line) <= COLUMNS for line in term.text().splitlines())
