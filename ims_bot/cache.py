"""Prepared engines kept between runs, so a one-shot command such as ``ask`` starts quickly.

Reading the FAQ and preparing its index takes longer than starting Python, and ``ask``
runs once per question. The prepared engine is stored under ``$XDG_CACHE_HOME/ims-bot/``
(``~/.cache/ims-bot/``), named by a hash of the package version, the size and
modification time of each core module, and the FAQ file's path (as given, since the
engine reports it, and resolved) and bytes: any edit to the file or the code, or an
upgrade, makes a new one. The folder is the user's own (0700, files 0600), because a
stored engine is read back with ``pickle``.
A cache file that cannot be read or written is ignored and the engine prepared afresh;
``IMS_BOT_CACHE=off`` turns the cache off. ``check`` and the kiosk never use it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from ims_bot import __version__
from ims_bot.core.engine import Engine
from ims_bot.env import Environment

KEEP = 8
"""How many prepared engines stay in the cache; the least recently written go first."""
PREFIX = "engine-"


def prepared_engine(path: Path, env: Environment) -> Engine:
    """The engine for the FAQ at ``path``: from the cache, else loaded, prepared and stored.

    Raises ``FaqError`` exactly as loading the file would.
    """
    folder = None if env.environ.get("IMS_BOT_CACHE") == "off" else env.cache_dir()
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    stored = folder / f"{PREFIX}{_key(path, data)}.pickle" if folder and data else None
    if stored is not None:
        engine = _read(stored)
        if engine is not None:
            return engine
    from ims_bot.core.loader import load_faq

    engine = Engine(load_faq(path))
    if stored is not None:
        _write(stored, engine)
    return engine


def _key(path: Path, data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__, sys.version, _code(), str(path), str(path.resolve())):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()[:32]


def _code() -> str:
    """The size and modification time of each core module, which decide what an engine holds."""
    core = Path(__file__).resolve().parent / "core"
    stamps = []
    for module in sorted(core.glob("*.py")):
        found = module.stat()
        stamps.append(f"{module.name}:{found.st_size}:{found.st_mtime_ns}")
    return " ".join(stamps)


def _read(stored: Path) -> Engine | None:
    """The engine in ``stored``, or None when it is missing, unreadable or not ours."""
    try:
        if hasattr(os, "getuid") and stored.stat().st_uid != os.getuid():
            return None
        with stored.open("rb") as file:
            engine = pickle.load(file)
    except Exception:  # a missing, truncated or stale cache file is simply rebuilt
        return None
    return engine if isinstance(engine, Engine) else None


def _write(stored: Path, engine: Engine) -> None:
    """Store ``engine`` atomically and trim the cache; any failure leaves no trace."""
    import tempfile

    try:
        stored.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=stored.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(engine, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, stored)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        older = sorted(
            stored.parent.glob(f"{PREFIX}*.pickle"),
            key=lambda item: item.stat().st_mtime,
            reverse=True,
        )
        for item in older[KEEP:]:
            item.unlink(missing_ok=True)
    except OSError:
        return
