"""Smoke tests of the shipped FAQ: it loads, checks clean and answers.

They assert structure (the required ids, enough alternates, a clean ``check``), never
wording: what a given question gets from the shipped FAQ is checked by the dialogue
scripts in ``tests/dialogues`` and the eval sets. Every other unit test builds its own
FAQ, and the ``no_shipped_faq`` fixture (``tests/conftest.py``) keeps it that way.
"""

from __future__ import annotations

import io
import json

import pytest

from ims_bot.cli import main
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.lint import lint
from ims_bot.env import Environment
from tests.conftest import NO_FAQ

REQUIRED_ANSWERS = (
    "what-is-ims",
    "who-performs-ims",
    "ims-and-dry-needling",
    "how-ims-works",
    "twitch-response",
    "blood-flow-healing",
    "benefits",
    "pain-relief",
    "function-mobility",
    "how-soon-results",
    "is-ims-painful",
    "side-effects",
    "is-ims-safe",
    "conditions-treated",
    "back-and-neck-pain",
    "shoulder-pain",
    "tennis-elbow",
    "knee-pain",
    "sciatica",
    "myofascial-pain-fibromyalgia",
    "peripheral-neuropathy",
    "muscle-imbalance",
    "age-suitability",
    "children",
    "compared-to-other-treatments",
    "no-medication",
    "long-term-effects",
    "personalised-treatment",
    "with-exercise-rehab",
    "before-treatment",
)
"""The ids the product specification requires; tools and tests outside the package use them."""
REQUIRED_HANDOFFS = (
    "handoff-pregnancy",
    "handoff-blood-thinners",
    "handoff-implants-devices",
    "handoff-medication",
    "handoff-personal-diagnosis",
    "handoff-other-conditions",
    "handoff-needle-fear",
    "handoff-aftercare",
    "ims-vs-acupuncture",
    "handoff-pain-after-treatment",
    "handoff-serious-risks",
    "handoff-cost-insurance",
    "handoff-booking",
)
MIN_ALTERNATES = 6


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    env = Environment(stdin=io.StringIO(stdin), environ={})
    status = main(list(argv), env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


@pytest.mark.shipped_faq
def test_the_shipped_faq_has_the_required_entries(shipped_faq: Faq) -> None:
    missing = [i for i in (*REQUIRED_ANSWERS, *REQUIRED_HANDOFFS) if i not in shipped_faq.by_id]
    assert missing == []
    assert all(shipped_faq.by_id[i].kind == "handoff" for i in REQUIRED_HANDOFFS)


@pytest.mark.shipped_faq
def test_every_shipped_entry_has_enough_alternates(shipped_faq: Faq) -> None:
    few = [e.id for e in shipped_faq.entries if len(e.alternates) < MIN_ALTERNATES]
    assert few == []


@pytest.mark.shipped_faq
def test_the_shipped_faq_checks_clean() -> None:
    status, out, _ = run("check")
    assert status == 0, out
    assert " 0 errors" in out


@pytest.mark.shipped_faq
def test_the_shipped_faq_lints_quiet(shipped_engine: Engine) -> None:
    assert [f.code for f in lint(shipped_engine)] in ([], ["stale-review"])


@pytest.mark.shipped_faq
def test_the_shipped_faq_answers_with_its_disclaimer(shipped_faq: Faq) -> None:
    status, out, err = run("ask", "--json", stdin="does ims hurt\nwhat is the capital of peru\n")
    assert (status, err) == (0, "")
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["kind"], second["kind"]) == ("answer", "escalate")
    assert first["id"] in shipped_faq.by_id
    assert all(r["text"].endswith(shipped_faq.disclaimer) for r in (first, second))


def test_an_unmarked_test_cannot_reach_the_shipped_faq() -> None:
    status, _, err = run("list")
    assert status == 2
    assert str(NO_FAQ) in err
