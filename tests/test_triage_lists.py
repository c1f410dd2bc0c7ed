"""The shipped FAQ's triage on the development lists under ``tests/triage/dev-*`` and on
``tests/eval/emergencies.txt`` (all development: they prompted the triage's words).

The held-out lists beside them are measured by ``bench/triage.py`` only, never asserted
here, so that no test failure can prompt a change from them. Figures are asserted within
the stated tolerances (see ``docs/triage.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from ims_bot.core.engine import Engine

pytestmark = pytest.mark.shipped_faq

HERE = Path(__file__).parent
DEV_SETS = sorted((HERE / "triage").glob("dev-*"))


@pytest.fixture(scope="module", params=DEV_SETS, ids=lambda path: path.name)
def figures(  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
    shipped_engine: Engine,
    bench_script: Callable[[str], ModuleType],
):
    return bench_script("triage").measure(shipped_engine, request.param)


def test_dev_emergencies_are_urgent_in_every_category(figures) -> None:  # type: ignore[no-untyped-def]
    for category, total in figures.emergencies.items():
        assert figures.urgent[category] >= 0.9 * total, category
    assert sum(figures.urgent.values()) >= 0.97 * sum(figures.emergencies.values())


def test_every_dev_emergency_is_at_least_opened_by_the_emergency_line(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.alerted == figures.emergencies


FALSE_URGENT = {"dev-9": 0.04, "dev-10": 0.06, "dev-12": 0.03}
"""The most calm questions a set may see urgent, where it is not 2 %: dev-9 and dev-10 are
400 calm messages each written to trip the triage (other people's past, a general
question in a second sentence, idioms); their first figures were 8.2 and 10.5 %. dev-12's
first figure (as heldout-14) was 2.7 %: words of a job or a hobby read as signs ("doing
chest compressions all shift", "the tent collapsed")."""


def test_dev_ordinary_questions_rarely_get_the_urgent_reply(  # type: ignore[no-untyped-def]
    figures, request: pytest.FixtureRequest
) -> None:
    allowed = FALSE_URGENT.get(request.node.callspec.id, 0.02)
    assert figures.false_urgent <= allowed * figures.ordinary


def test_dev_personal_situations_are_handed_off(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.personal_answered <= 0.04 * figures.personal


def test_the_older_emergency_list_is_urgent(shipped_engine: Engine) -> None:
    lines = (HERE / "eval" / "emergencies.txt").read_text().splitlines()
    messages = [line for line in lines if line and not line.startswith("#")]
    missed = [text for text in messages if shipped_engine.reply(text).kind != "urgent"]
    assert len(missed) <= 0.01 * len(messages), missed
