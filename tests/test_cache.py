"""The prepared-engine cache: reused while the FAQ is unchanged, never trusted blindly."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from ims_bot import cache
from ims_bot.cache import prepared_engine
from ims_bot.env import Environment
from ims_bot.errors import FaqError
from tests.conftest import DATA


def _env(tmp_path: Path, **extra: str) -> Environment:
    return Environment(environ={"XDG_CACHE_HOME": str(tmp_path / "cache"), **extra})


def _stored(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "ims-bot").glob("engine-*.pickle"))


@pytest.fixture
def faq_file(tmp_path: Path) -> Path:
    path = tmp_path / "faq.yaml"
    shutil.copy(DATA / "mini_faq.yaml", path)
    return path


def test_the_second_run_reads_the_stored_engine(tmp_path: Path, faq_file: Path) -> None:
    first = prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    second = prepared_engine(faq_file, _env(tmp_path))
    assert second is not first
    assert second.reply("does ims hurt") == first.reply("does ims hurt")
    assert second.triager.scan("my chest hurts") == first.triager.scan("my chest hurts")


def test_an_edited_faq_is_prepared_again(tmp_path: Path, faq_file: Path) -> None:
    before = prepared_engine(faq_file, _env(tmp_path))
    text = faq_file.read_text(encoding="utf-8")
    faq_file.write_text(text.replace(before.faq.disclaimer.strip(), "A new disclaimer."))
    after = prepared_engine(faq_file, _env(tmp_path))
    assert after.faq.disclaimer.strip() == "A new disclaimer."
    assert len(_stored(tmp_path)) == 2


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, faq_file: Path) -> None:
    prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    stored.write_bytes(b"not a pickle")
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"
    assert stored.read_bytes() != b"not a pickle"


def test_off_writes_nothing(tmp_path: Path, faq_file: Path) -> None:
    prepared_engine(faq_file, _env(tmp_path, IMS_BOT_CACHE="off"))
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_is_ignored(tmp_path: Path, faq_file: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"


def test_a_broken_faq_still_fails_as_loading_does(tmp_path: Path) -> None:
    broken = tmp_path / "faq.yaml"
    broken.write_text("entries: [")
    with pytest.raises(FaqError):
        prepared_engine(broken, _env(tmp_path))
    with pytest.raises(FaqError):
        prepared_engine(tmp_path / "missing.yaml", _env(tmp_path))
    assert _stored(tmp_path) == []


def test_only_the_newest_engines_are_kept(
    tmp_path: Path, faq_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    text = faq_file.read_text(encoding="utf-8")
    for n in range(4):
        faq_file.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        prepared_engine(faq_file, _env(tmp_path))
    assert len(_stored(tmp_path)) == 2


def test_a_change_to_the_code_prepares_the_engine_again(
    tmp_path: Path, faq_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared_engine(faq_file, _env(tmp_path))
    monkeypatch.setattr(cache, "_code", lambda: "index.py:1:2")
    prepared_engine(faq_file, _env(tmp_path))
    assert len(_stored(tmp_path)) == 2
