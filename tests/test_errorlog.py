"""The rotating error log under the state directory."""

from __future__ import annotations

import logging
import shutil
import threading
import warnings
from pathlib import Path

import pytest

from ims_bot import errorlog
from ims_bot.env import Environment
from ims_bot.errorlog import error_log, error_log_path

log = logging.getLogger("ims_bot")


def state_env(state: Path) -> Environment:
    return Environment(environ={"XDG_STATE_HOME": str(state), "HOME": str(state / "home")})


def fail() -> None:
    try:
        raise ZeroDivisionError("a bug")
    except ZeroDivisionError:
        log.exception("internal error while answering")


def test_the_log_lives_in_the_state_directory(tmp_path: Path) -> None:
    assert error_log_path(state_env(tmp_path)) == tmp_path / "ims-bot" / "errors.log"
    home_only = Environment(environ={"HOME": str(tmp_path)})
    assert error_log_path(home_only) == tmp_path / ".local" / "state" / "ims-bot" / "errors.log"


def test_an_error_goes_to_the_file_with_its_traceback_and_not_to_the_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with error_log(state_env(tmp_path)) as path:
        assert not path.exists()
        fail()
    text = path.read_text()
    assert "ERROR ims_bot: internal error while answering" in text
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: a bug" in text
    assert capsys.readouterr() == ("", "")
    assert caplog.records == []


def test_the_logger_is_restored_afterwards(tmp_path: Path) -> None:
    before = (list(log.handlers), log.level, log.propagate)
    with error_log(state_env(tmp_path)):
        assert log.propagate is False
    assert (list(log.handlers), log.level, log.propagate) == before


def test_the_log_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errorlog, "MAX_BYTES", 2000)
    with error_log(state_env(tmp_path)) as path:
        for _ in range(50):
            fail()
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["errors.log", "errors.log.1", "errors.log.2", "errors.log.3"]
    assert all(p.stat().st_size <= 2000 for p in path.parent.iterdir())


def test_an_unusable_state_directory_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with error_log(state_env(blocker)) as path:
        fail()
    assert not path.exists()
    assert capsys.readouterr() == ("", "")


def test_a_log_file_that_disappears_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with error_log(state_env(tmp_path)) as path:
        fail()
        shutil.rmtree(path.parent)
        fail()
    assert not path.exists()
    assert capsys.readouterr() == ("", "")


def test_the_error_log_is_private(tmp_path: Path) -> None:
    env = Environment(environ={"XDG_STATE_HOME": str(tmp_path)})
    with error_log(env) as path:
        logging.getLogger("ims_bot").error("a patient typed something")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_nothing_is_made_until_the_first_error(tmp_path: Path) -> None:
    with error_log(state_env(tmp_path)) as path:
        log.debug("below the level")
        assert not path.parent.exists()
        log.error("now")
    assert path.exists()


def test_an_existing_permissive_state_folder_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "ims-bot"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with error_log(state_env(tmp_path)):
        fail()
    assert folder.stat().st_mode & 0o777 == 0o700


def test_other_loggers_warnings_and_thread_errors_go_to_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise RuntimeError("a thread failed")

    hook = threading.excepthook
    with error_log(state_env(tmp_path)) as path:
        logging.getLogger("asyncio").error("Task exception was never retrieved")
        warnings.warn("an old call", DeprecationWarning, stacklevel=1)
        thread = threading.Thread(target=broken)
        thread.start()
        thread.join()
    text = path.read_text()
    assert "ERROR asyncio: Task exception was never retrieved" in text
    assert "DeprecationWarning: an old call" in text
    assert "RuntimeError: a thread failed" in text
    assert capsys.readouterr() == ("", "")
    assert threading.excepthook is hook
