"""Prepared engines kept between runs, so a one-shot command such as ``ask`` starts quickly.

Reading the FAQ and preparing its index takes longer than starting Python, and ``ask``
runs once per question. The prepared engine is stored as plain JSON data under
``$XDG_CACHE_HOME/ims-bot/`` (``~/.cache/ims-bot/``), named by a checksum of the package
version, the size and modification time of each core module, the language file's bytes,
and the FAQ file's path (as given, since the engine reports it, and resolved) and bytes:
any edit to either file or the code, or an upgrade, makes a new one. The language the
engine was prepared with is stored beside it, so a one-shot command reads no YAML.

The file holds data only: reading it builds strings, numbers, lists, tuples, sets, dicts
and dates, and instances of the classes of ``ims_bot.core`` that are already imported,
filled in field by field (a record) or attribute by attribute; it names no function to
call, so a crafted file can at worst be refused, never run code. Only a regular file
owned by the user is read (a link, a FIFO or someone else's file is ignored without
being opened for long), the folder is the user's own (0700, tightened if it exists with
wider rights) and the files are 0600. A cache file that cannot be read or written is
ignored and the engine prepared afresh; ``IMS_BOT_CACHE=off`` turns the cache off.
``check`` and the kiosk never use it."""

from __future__ import annotations

import datetime
import gc
import json
import os
import stat
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from ims_bot import __version__
from ims_bot.core.engine import Engine
from ims_bot.core.language import Language, adopt, language, packaged_path
from ims_bot.env import Environment

KEEP = 8
"""How many prepared engines stay in the cache; the least recently written go first."""
PREFIX = "engine-"
SUFFIX = ".json"
FORMAT = "ims-bot engine 2"
"""Names the layout of a cache file; a file of another layout is prepared afresh."""
CORE = "ims_bot.core."
"""Only classes of modules under this package are rebuilt from a cache file."""
_TAG = "\x00"
"""Marks a one-key JSON object as an encoded value; FAQ text holds no control characters."""

_SEQUENCES: dict[type, str] = {list: "l", tuple: "t", set: "s", frozenset: "f"}
"""The tag of each kind of sequence; a sequence of tuples or of frozensets is tagged with
two letters and stored as lists, so reading builds it in one step."""
_INNER = (tuple, frozenset)
_BUILDERS: dict[str, Any] = {tag: kind for kind, tag in _SEQUENCES.items()}


class Unstorable(ValueError):
    """A value the cache format does not hold (the engine is then not stored)."""


def prepared_engine(path: Path, env: Environment) -> Engine:
    """The engine for the FAQ at ``path``: from the cache, else loaded, prepared and stored.

    Raises ``FaqError`` exactly as loading the file would.
    """
    folder = None if env.environ.get("IMS_BOT_CACHE") == "off" else env.cache_dir()
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    stored = folder / f"{PREFIX}{_key(path, data)}{SUFFIX}" if folder and data else None
    if stored is not None and _own_folder(stored.parent):
        found = _read(stored)
        if found is not None:
            engine, said = found
            adopt(said)
            return engine
    from ims_bot.core.loader import load_faq

    engine = Engine(load_faq(path))
    if stored is not None:
        _write(stored, engine, language())
    return engine


def _key(path: Path, data: bytes) -> str:
    """A checksum of what decides the engine; a cache key, not a guard (the folder is)."""
    parts = (__version__, sys.version, _code(), _language(), str(path), str(path.resolve()))
    head = "\0".join(parts).encode("utf-8", "surrogateescape") + b"\0"
    return (
        f"{zlib.crc32(data, zlib.crc32(head)):08x}{zlib.adler32(data, zlib.adler32(head)):08x}"
        f"{len(data):x}"
    )


def _code() -> str:
    """The size and modification time of each core module, which decide what an engine holds."""
    core = Path(__file__).resolve().parent / "core"
    stamps = []
    for module in sorted(core.glob("*.py")):
        found = module.stat()
        stamps.append(f"{module.name}:{found.st_size}:{found.st_mtime_ns}")
    return " ".join(stamps)


def _language() -> str:
    """A checksum of the packaged language file, which decides what an engine holds."""
    try:
        return f"{zlib.crc32(packaged_path().read_bytes()):08x}"
    except OSError:
        return ""


def _own_folder(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of this user, made 0700 if it was wider."""
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        return True  # made 0700 when the first engine is stored
    except OSError:
        return False
    if not stat.S_ISDIR(found.st_mode) or not _mine(found):
        return False
    if stat.S_IMODE(found.st_mode) & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def _mine(found: os.stat_result) -> bool:
    """Whether this user owns what ``found`` describes (always, where there are no uids)."""
    return not hasattr(os, "getuid") or found.st_uid == os.getuid()


def _read(stored: Path) -> tuple[Engine, Language] | None:
    """The engine in ``stored`` and its language, or None when it is missing, unreadable
    or not ours."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(stored, flags)
    except OSError:
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or not _mine(found):
            return None
        with os.fdopen(handle, "rb", closefd=False) as file:
            text = file.read()
        document = _parsed(text)
        if document.get("format") != FORMAT:
            return None
        engine, said = document.get("engine"), document.get("language")
    except Exception:  # a damaged, stale or crafted file is simply prepared afresh
        return None
    finally:
        os.close(handle)
    if not isinstance(engine, Engine) or not isinstance(said, Language):
        return None
    return engine, said


def _parsed(text: bytes) -> Any:
    """The cache file's JSON, read with the cyclic garbage collector paused: everything
    it builds (some 95,000 objects for the shipped FAQ) is kept, so collecting while it is
    built finds nothing to free; the collector is left as it was found."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text, object_hook=_Decoder())
    finally:
        if collecting:
            gc.enable()


def _write(stored: Path, engine: Engine, said: Language) -> None:
    """Store ``engine`` and its language atomically and trim the cache; any failure
    leaves no trace."""
    import tempfile

    try:
        encoder = _Encoder()
        document = {
            "format": FORMAT,
            "engine": encoder.value(engine),
            "language": encoder.value(said),
        }
        text = json.dumps(document, separators=(",", ":"))
    except (Unstorable, RecursionError):
        return
    try:
        stored.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_folder(stored.parent):
            return
        handle, temporary = tempfile.mkstemp(dir=stored.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, stored)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in stored.parent.glob(f"{PREFIX}*.pickle"):  # the former format
            old.unlink(missing_ok=True)
        older = sorted(
            stored.parent.glob(f"{PREFIX}*{SUFFIX}"),
            key=lambda item: item.stat().st_mtime,
            reverse=True,
        )
        for item in older[KEEP:]:
            item.unlink(missing_ok=True)
    except OSError:
        return


class _Encoder:
    """Turns an engine into JSON-ready data; each core object is written once, then
    referred to by number (numbered in the order a reader finishes them)."""

    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}
        self.kept: list[object] = []  # the numbered objects, so their ids stay unique

    def value(self, value: Any) -> Any:
        """``value`` as JSON data: plain where JSON has the type, else a tagged object."""
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind in _SEQUENCES:
            inner = {type(item) for item in value}
            if len(value) > 1 and len(inner) == 1 and (element := inner.pop()) in _INNER:
                tag = _SEQUENCES[kind] + _SEQUENCES[element]
                return {_TAG + tag: [[self.value(x) for x in item] for item in value]}
            items = [self.value(item) for item in value]
            return items if kind is list else {_TAG + _SEQUENCES[kind]: items}
        if kind is dict and all(type(k) is str and not k.startswith(_TAG) for k in value):
            return {key: self.value(item) for key, item in value.items()}
        if kind in (dict, Counter):
            pairs = [[self.value(k), self.value(v)] for k, v in value.items()]
            return {_TAG + ("d" if kind is dict else "c"): pairs}
        if kind is datetime.date:
            return {_TAG + "date": value.isoformat()}
        return self.instance(value)

    def instance(self, value: Any) -> Any:
        kind = type(value)
        record = isinstance(value, tuple) and hasattr(kind, "_fields")
        if not kind.__module__.startswith(CORE) or not (record or hasattr(value, "__dict__")):
            raise Unstorable(f"cannot store a {kind.__qualname__}")
        if id(value) in self.numbers:
            return {_TAG + "r": self.numbers[id(value)]}
        getstate = getattr(kind, "__getstate__", object.__getstate__)
        if record:  # a NamedTuple: its fields (a Faq's worked-out parts are made afresh)
            state = value._asdict()
        else:
            state = value.__getstate__() if getstate is not object.__getstate__ else vars(value)
        encoded = {_TAG + "o": [f"{kind.__module__}:{kind.__qualname__}", self.value(state)]}
        self.numbers[id(value)] = len(self.numbers)
        self.kept.append(value)
        return encoded


class _Decoder:
    """Rebuilds the objects of one cache file, in the order the JSON parser finishes them."""

    def __init__(self) -> None:
        self.objects: list[object] = []

    def __call__(self, data: dict[str, Any]) -> Any:
        if len(data) != 1:
            return data
        [(key, value)] = data.items()
        if not key.startswith(_TAG):
            return data
        tag = key[1:]
        build = _BUILDERS.get(tag)
        if build is not None:
            return build(value)
        if len(tag) == 2 and tag[0] in _BUILDERS and tag[1] in _BUILDERS:
            return _BUILDERS[tag[0]](map(_BUILDERS[tag[1]], value))
        if tag == "d":
            return {k: v for k, v in value}
        if tag == "c":
            return Counter({k: v for k, v in value})
        if tag == "date":
            return datetime.date.fromisoformat(value)
        if tag == "r":
            return self.objects[value]
        if tag == "o":
            built = _instance(*value)
            self.objects.append(built)
            return built
        raise ValueError(f"unknown tag {tag!r}")


def _instance(name: str, state: Any) -> object:
    """An instance of the already imported core class ``name``, its attributes ``state``."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith(CORE) else None
    kind = getattr(module, qualname, None) if module and qualname.isidentifier() else None
    if not isinstance(kind, type) or kind.__module__ != module_name or type(state) is not dict:
        raise ValueError(f"not a stored engine part: {name}")
    if issubclass(kind, tuple):
        fields = getattr(kind, "_fields", None)
        if not isinstance(fields, tuple) or set(state) != set(fields):
            raise ValueError(f"not a stored engine part: {name}")
        return tuple.__new__(kind, [state[field] for field in fields])
    built: Any = object.__new__(kind)
    if "__setstate__" in vars(kind):
        built.__setstate__(state)
    else:
        for attribute, value in state.items():
            object.__setattr__(built, attribute, value)
    return built
