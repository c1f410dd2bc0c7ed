"""Shared fixtures: every test runs with its own state directory and no FAQ or log override."""

from __future__ import annotations

from pathlib import Path

import pytest

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import load_faq

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


@pytest.fixture(scope="session")
def mini_faq() -> Faq:
    """A small FAQ whose content the tests control."""
    return load_faq(DATA / "mini_faq.yaml")


@pytest.fixture(scope="session")
def mini_engine(mini_faq: Faq) -> Engine:
    """An engine over the small FAQ."""
    return Engine(mini_faq)


@pytest.fixture(scope="session")
def shipped_faq() -> Faq:
    """The FAQ that ships with the package."""
    return load_faq(SHIPPED_FAQ)


@pytest.fixture(scope="session")
def shipped_engine(shipped_faq: Faq) -> Engine:
    """An engine over the shipped FAQ."""
    return Engine(shipped_faq)
