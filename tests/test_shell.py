"""What every command does with errors, streams, signals and the conventions of a shell."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ims_bot.cli import ENVIRONMENT, main
from ims_bot.commands import browse
from ims_bot.env import Environment
from ims_bot.errors import MEANINGS, ExitStatus
from tests.conftest import MINI_FAQ

REPO = Path(__file__).resolve().parents[1]


def in_process(argv: list[str], state: Path) -> tuple[int, Environment]:
    environ = {"XDG_STATE_HOME": str(state), "HOME": str(state / "home")}
    env = Environment(environ=environ | {"IMS_BOT_FAQ": str(MINI_FAQ)})
    return main(argv, env), env


def python(code: str, state: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("IMS_BOT_")}
    environ["XDG_STATE_HOME"] = str(state)
    environ["IMS_BOT_FAQ"] = str(MINI_FAQ)
    return subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        env=environ,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_an_internal_error_is_one_line_exit_3_and_a_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> int:
        raise ZeroDivisionError("a bug in list")

    monkeypatch.setattr(browse, "run", broken)
    status, env = in_process(["list"], tmp_path)
    log = tmp_path / "ims-bot" / "errors.log"
    assert status == ExitStatus.INTERNAL == 3
    assert env.stderr.getvalue() == f"ims-bot: internal error; the details are in {log}\n"  # type: ignore[attr-defined]
    text = log.read_text()
    assert "ERROR ims_bot: internal error in ims-bot list" in text
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: a bug in list" in text


def test_no_traceback_reaches_the_screen_from_a_real_process(tmp_path: Path) -> None:
    code = (
        "import sys, logging\n"
        "from ims_bot.commands import browse\n"
        "def broken(args, env):\n"
        "    try:\n"
        "        1 / 0\n"
        "    except ZeroDivisionError:\n"
        "        logging.getLogger('ims_bot').exception('caught while answering')\n"
        "        logging.getLogger('asyncio').error('another library', exc_info=True)\n"
        "    raise KeyError('a bug')\n"
        "browse.run = broken\n"
        "from ims_bot.cli import main\n"
        "sys.exit(main(['list']))\n"
    )
    result = python(code, tmp_path)
    assert result.returncode == 3
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1
    text = (tmp_path / "ims-bot" / "errors.log").read_text()
    assert text.count("Traceback (most recent call last)") == 3
    assert "ERROR asyncio: another library" in text


LIST = "import sys; from ims_bot.cli import main; sys.exit(main(['list']))"
ASK = "import sys; from ims_bot.cli import main; sys.exit(main(['ask']))"


@pytest.mark.parametrize(
    "command",
    [
        f'"{sys.executable}" -c "{LIST}" >&-',
        f'yes does it hurt | head -n 2000 | "{sys.executable}" -c "{ASK}" | head -c 10',
    ],
    ids=["closed", "closed early"],
)
def test_a_closed_standard_output_is_quiet(tmp_path: Path, command: str) -> None:
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path), "IMS_BOT_FAQ": str(MINI_FAQ)},
        timeout=60,
        check=False,
    )
    assert result.stderr == b""
    assert result.returncode == 0


@pytest.mark.parametrize(
    "argv",
    [["show", "\x1b]52;c;aGk=\x07\x1b[31m"], ["--faq", "/no/\x1b[2Jfaq.yaml", "list"]],
)
def test_control_characters_from_the_command_line_are_escaped(
    argv: list[str], tmp_path: Path
) -> None:
    status, env = in_process(argv, tmp_path)
    error = env.stderr.getvalue()  # type: ignore[attr-defined]
    assert status == ExitStatus.USAGE
    assert "\x1b" not in error and "\x07" not in error
    assert "\\x1b" in error
    assert error.count("\n") == 1


def test_a_bad_option_value_is_escaped_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--top", "\x1b[31m"]) == ExitStatus.USAGE
    error = capsys.readouterr().err
    assert "\x1b" not in error and "\\x1b[31m" in error


def test_help_lists_the_environment_and_the_exit_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for name, _ in ENVIRONMENT:
        assert f"\n  {name} " in text
    assert "IMS_BOT_KIOSK_EXIT" in text and "NO_COLOR" in text
    for status, meaning in MEANINGS.items():
        assert f"\n  {int(status):<5}{meaning}\n" in text


@pytest.mark.parametrize(
    ("value", "no_color"), [(None, False), ("", False), ("1", True), ("0", True)]
)
def test_no_color_counts_only_when_not_empty(value: str | None, no_color: bool) -> None:
    environ = {} if value is None else {"NO_COLOR": value}
    assert Environment(environ=environ, stdout_isatty=True).no_color is no_color
    assert Environment(environ=environ, stdout_isatty=False).no_color is True


def test_relative_xdg_paths_are_ignored(tmp_path: Path) -> None:
    home = str(tmp_path)
    relative = Environment(environ={"HOME": home, "XDG_STATE_HOME": "state", "XDG_CACHE_HOME": "."})
    assert relative.state_dir() == tmp_path / ".local" / "state" / "ims-bot"
    assert relative.cache_dir() == tmp_path / ".cache" / "ims-bot"
    absolute = Environment(environ={"HOME": home, "XDG_STATE_HOME": str(tmp_path / "s")})
    assert absolute.state_dir() == tmp_path / "s" / "ims-bot"


def chat_process(tmp_path: Path) -> subprocess.Popen[bytes]:
    """A piped chat that has answered one question and waits for the next line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ims_bot", "chat", "--log", str(tmp_path / "log.sqlite")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path), "IMS_BOT_FAQ": str(MINI_FAQ)},
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"does it hurt\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    seen = b""
    while b"not medical advice" not in seen and time.monotonic() < deadline:
        seen += process.stdout.read1(4096)
    return process


@pytest.mark.parametrize(
    ("signal_number", "status"),
    [(signal.SIGTERM, ExitStatus.TERMINATED), (signal.SIGINT, ExitStatus.INTERRUPTED)],
)
def test_sigterm_and_ctrl_c_exit_with_their_own_statuses(
    tmp_path: Path, signal_number: int, status: int
) -> None:
    process = chat_process(tmp_path)
    process.send_signal(signal_number)
    _, error = process.communicate(timeout=60)
    assert process.returncode == status
    assert error == b""
