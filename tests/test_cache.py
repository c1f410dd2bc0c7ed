"""The prepared-engine cache: reused while the FAQ is unchanged, never trusted blindly."""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ims_bot import cache
from ims_bot.cache import prepared_engine
from ims_bot.core.faq import Review
from ims_bot.env import Environment
from ims_bot.errors import FaqError
from tests.conftest import DATA


def _env(tmp_path: Path, **extra: str) -> Environment:
    return Environment(environ={"XDG_CACHE_HOME": str(tmp_path / "cache"), **extra})


def _stored(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "ims-bot").glob("engine-*.json"))


def _cache_file(tmp_path: Path, faq_file: Path) -> Path:
    """Where the engine for ``faq_file`` is stored."""
    name = f"{cache.PREFIX}{cache._key(faq_file, faq_file.read_bytes())}{cache.SUFFIX}"
    return tmp_path / "cache" / "ims-bot" / name


class _Touch:
    """Unpickling this creates a marker file: what a hostile cache file would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


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
    stored.write_bytes(b"not json")
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"
    assert stored.read_bytes() != b"not json"


def test_the_stored_engine_is_plain_data(tmp_path: Path, faq_file: Path) -> None:
    prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    document = json.loads(stored.read_text(encoding="utf-8"))
    assert document["format"] == cache.FORMAT


def test_a_crafted_pickle_at_the_cache_path_runs_no_code(tmp_path: Path, faq_file: Path) -> None:
    marker = tmp_path / "marker"
    hostile = pickle.dumps(_Touch(marker))
    stored = _cache_file(tmp_path, faq_file)
    stored.parent.mkdir(mode=0o700, parents=True)
    stored.write_bytes(hostile)
    stored.with_suffix(".pickle").write_bytes(hostile)
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"
    assert engine.reply("does ims hurt").id == "is-ims-painful"
    assert not marker.exists()


@pytest.mark.parametrize(
    "part",
    [
        {"\u0000o": ["builtins:print", {}]},
        {"\u0000o": ["os:system", {}]},
        {"\u0000o": ["ims_bot.core.engine:decide", {}]},
        {"\u0000o": ["ims_bot.core.nowhere:Engine", {}]},
        {"\u0000r": 99},
        {"\u0000x": 1},
    ],
    ids=[
        "builtin",
        "os",
        "function",
        "module-not-imported",
        "dangling-reference",
        "unknown-tag",
    ],
)
def test_a_crafted_json_file_is_refused(tmp_path: Path, faq_file: Path, part: object) -> None:
    stored = _cache_file(tmp_path, faq_file)
    stored.parent.mkdir(mode=0o700, parents=True)
    stored.write_text(json.dumps({"format": cache.FORMAT, "engine": part}), encoding="utf-8")
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"
    assert json.loads(stored.read_text(encoding="utf-8"))["engine"] != part


def test_a_record_is_rebuilt_only_from_exactly_its_fields() -> None:
    review = cache._instance("ims_bot.core.faq:Review", {"by": "x", "on": "2024", "line": 3})
    assert review == Review("x", "2024", 3)  # type: ignore[arg-type]
    for state in ({"by": "x", "on": "2024"}, {"by": "x", "on": "2024", "line": 3, "evil": 1}):
        with pytest.raises(ValueError, match="not a stored engine part"):
            cache._instance("ims_bot.core.faq:Review", state)


def test_a_fifo_at_the_cache_path_does_not_hang(tmp_path: Path, faq_file: Path) -> None:
    stored = _cache_file(tmp_path, faq_file)
    stored.parent.mkdir(mode=0o700, parents=True)
    os.mkfifo(stored)
    done = subprocess.run(
        [sys.executable, "-m", "ims_bot", "ask", "--faq", str(faq_file), "does ims hurt"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert done.returncode == 0
    assert "[answer]" in done.stdout
    assert stat.S_ISREG(stored.stat().st_mode)


def test_a_link_at_the_cache_path_is_not_followed(tmp_path: Path, faq_file: Path) -> None:
    prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    stored.rename(elsewhere)
    stored.symlink_to(elsewhere)
    elsewhere.write_text("{}", encoding="utf-8")
    engine = prepared_engine(faq_file, _env(tmp_path))
    assert engine.reply("does ims hurt").kind == "answer"
    assert elsewhere.read_text(encoding="utf-8") == "{}"


def test_a_permissive_cache_folder_is_tightened(tmp_path: Path, faq_file: Path) -> None:
    folder = tmp_path / "cache" / "ims-bot"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    prepared_engine(faq_file, _env(tmp_path))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o755)
    prepared_engine(faq_file, _env(tmp_path))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


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


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_cache_file_of_another_user_is_not_read(tmp_path: Path, faq_file: Path) -> None:
    engine = prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    text = stored.read_text(encoding="utf-8")
    stored.write_text(text.replace(engine.faq.disclaimer, "Planted."), encoding="utf-8")
    assert prepared_engine(faq_file, _env(tmp_path)).faq.disclaimer == "Planted."
    os.chown(stored, 12345, 12345)
    assert prepared_engine(faq_file, _env(tmp_path)).faq.disclaimer == engine.faq.disclaimer


def test_reading_leaves_the_collector_as_it_was(tmp_path: Path, faq_file: Path) -> None:
    prepared_engine(faq_file, _env(tmp_path))
    [stored] = _stored(tmp_path)
    assert gc.isenabled()
    assert cache._read(stored) is not None
    assert gc.isenabled()
    gc.disable()
    try:
        assert cache._read(stored) is not None
        assert not gc.isenabled()
        stored.write_text('{"format": 1, "engine": {"\\u0000x": 1}}', encoding="utf-8")
        assert cache._read(stored) is None
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert cache._read(stored) is None
    assert gc.isenabled()
