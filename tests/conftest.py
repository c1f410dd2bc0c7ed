"""Shared fixtures: every test runs with its own state directory and no FAQ or log override.

Unit tests build their own FAQs (``tests/data``); only tests marked ``shipped_faq`` (the
shipped FAQ's smoke tests and the eval and triage sets) may load ``data/faq.yaml``, so a
curator's edit of it never breaks a unit test.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

import pytest

from ims_bot.commands import common
from ims_bot.core import confidence, triage
from ims_bot.core.confidence import Calibration, Calibrator, Features
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import load_faq
from ims_bot.core.urgency import Linear, UrgencyModel

DATA = Path(__file__).parent / "data"
JSON_KEYS = {
    "question",
    "kind",
    "id",
    "score",
    "answer",
    "text",
    "disclaimer",
    "alert",
    "suggestions",
}
"""The fields of an ``ask --json`` object: a contract for tools outside the package."""
SHIPPED_FAQ = Path(__file__).resolve().parents[1] / "data" / "faq.yaml"
MINI_FAQ = DATA / "mini_faq.yaml"
NO_FAQ = Path("/nonexistent/the shipped FAQ is only for tests marked shipped_faq.yaml")
"""Where the command line looks for its FAQ, in unit tests not given one."""


@pytest.fixture(autouse=True)
def isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the state and cache directories and home at a temporary folder; clear overrides."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("XDG_CACHE_HOME", str(state / "cache"))
    monkeypatch.setenv("HOME", str(state / "home"))
    for name in ("IMS_BOT_FAQ", "IMS_BOT_LOG", "IMS_BOT_KIOSK_EXIT", "IMS_BOT_CACHE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return state


@pytest.fixture(autouse=True)
def no_shipped_faq(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside tests marked ``shipped_faq``, the shipped-FAQ fixtures fail, and a command
    given no FAQ (no ``--faq``, no ``IMS_BOT_FAQ``) fails to load one instead of reading
    the shipped file."""
    if request.node.get_closest_marker("shipped_faq") is not None:
        return
    if {"shipped_faq", "shipped_engine"} & set(request.fixturenames):
        pytest.fail("only tests marked shipped_faq may use the shipped FAQ")
    real = common.default_path

    def guarded(environ: Mapping[str, str] | None = None) -> Path:
        given = (os.environ if environ is None else environ).get("IMS_BOT_FAQ")
        return real(environ) if given else NO_FAQ

    monkeypatch.setattr(common, "default_path", guarded)
    monkeypatch.setattr(triage, "shipped", lambda: SILENT_MODEL)
    monkeypatch.setattr(confidence, "shipped", lambda: DOUBTFUL_CALIBRATION)


def _constant(p: float) -> Calibrator:
    """A calibrator that gives every question probability ``p``."""
    size = len(Features.names())
    return Calibrator((0.0,) * size, (1.0,) * size, (0.0,) * size, math.log(p / (1 - p)))


DOUBTFUL_CALIBRATION = Calibration(_constant(0.01), _constant(0.5), {0.02: 0.9}, 0.5, 3)
"""The calibration unit tests get: it never turns a clarification into an answer, so a
test's decisions rest on its own FAQ and the reply policy's rules."""

SILENT_MODEL = UrgencyModel(Linear(math.log(0.1 / 0.9), {}), {})
"""The emergency model unit tests get: 0.1 for every message, too little to make anything
urgent or to open a reply by the emergency line, too much to doubt a sign, so a test's
triage rests on its own FAQ's signs (tests of the model build their own; the shipped one
is fitted from the development lists and is measured with them)."""


@pytest.fixture(scope="session")
def mini_faq() -> Faq:
    """A small FAQ whose content the tests control."""
    return load_faq(DATA / "mini_faq.yaml")


@pytest.fixture(scope="session")
def mini_engine(mini_faq: Faq) -> Engine:
    """An engine over the small FAQ."""
    return Engine(mini_faq)


@pytest.fixture(scope="session")
def story_engine() -> Engine:
    """An engine over a small FAQ of questions told with a story: plain answers, personal
    hand-offs, a front-desk hand-off and an entry for another meaning of "IMS"."""
    return Engine(load_faq(DATA / "story_faq.yaml"))


@pytest.fixture(scope="session")
def shipped_faq() -> Faq:
    """The FAQ that ships with the package, for tests marked ``shipped_faq``."""
    return load_faq(SHIPPED_FAQ)


@pytest.fixture(scope="session")
def shipped_engine(shipped_faq: Faq) -> Engine:
    """An engine over the shipped FAQ, for tests marked ``shipped_faq``."""
    return Engine(shipped_faq)


@functools.cache
def _bench_script(name: str) -> ModuleType:
    folder = Path(__file__).resolve().parents[1] / "bench"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(folder))  # a script imports its neighbours by name
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


@pytest.fixture(scope="session")
def bench_script() -> Callable[[str], ModuleType]:
    """Imports a script of ``bench/`` by name (once), so tests measure as it does."""
    return _bench_script
