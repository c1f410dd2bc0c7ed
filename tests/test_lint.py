"""``check`` as a curator's linter: the findings, their lines, and the command's output."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from ims_bot.cli import main
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.lint import Finding, Limits, _similar_pairs, closed_groups, lint
from ims_bot.core.loader import parse_faq
from ims_bot.env import Environment

TODAY = date(2025, 6, 1)
HEAD = """\
disclaimer: General information only, not medical advice.
escalation: I do not have a reliable answer. Please ask your physiotherapist.
reviewed: {by: Test Curator, on: 2024-01-02}
entries:
"""


def entry(
    id: str,
    question: str,
    alternates: list[str],
    answer: str = "A short answer.",
    related: list[str] | None = None,
    reviewed: str = "",
) -> str:
    lines = [f"  - id: {id}", f"    question: {question}", "    alternates:"]
    lines += [f"      - {alternate}" for alternate in alternates]
    lines.append(f"    answer: {answer}")
    if related is not None:
        lines.append(f"    related: [{', '.join(related)}]")
    if reviewed:
        lines.append(f"    reviewed: {{by: Someone, on: {reviewed}}}")
    return "\n".join(lines) + "\n"


KNEE = entry("knee-pain", "Can IMS help knee pain?", ["does ims work for knees", "sore knee"])
ELBOW = entry(
    "tennis-elbow", "Can IMS help tennis elbow?", ["does ims work for elbows", "elbow pain"]
)
SLEEP = entry("sleep", "Will IMS help me sleep?", ["can ims fix my insomnia", "trouble sleeping"])


def faq_of(*entries: str, head: str = HEAD) -> Faq:
    return parse_faq(head + "".join(entries), "faq.yaml")


def findings(faq: Faq, code: str, **limits: Any) -> list[Finding]:
    found = lint(Engine(faq), Limits(today=TODAY, **limits))
    return [f for f in found if f.code == code]


def test_a_clean_faq_has_no_findings() -> None:
    assert lint(Engine(faq_of(KNEE, ELBOW, SLEEP)), Limits(today=TODAY)) == []


def test_a_phrasing_that_retrieves_another_entry_is_an_error() -> None:
    stolen = entry(
        "sleep", "Will IMS help me sleep?", ["can ims fix my insomnia", "does ims work for knees"]
    )
    faq = faq_of(KNEE, ELBOW, stolen)
    (finding,) = [f for f in findings(faq, "self-retrieval") if f.entry == "sleep"]
    assert finding.level == "error"
    assert finding.entry == "sleep"
    assert finding.line == faq.by_id["sleep"].alternate_lines[1]
    assert "'does ims work for knees' of 'sleep' does not retrieve it" in finding.message


def test_an_entry_none_of_whose_phrasings_works_is_unreachable() -> None:
    copy = entry("knee-again", "Can IMS help knee pain?", ["does ims work for knees"])
    faq = faq_of(KNEE, ELBOW, copy)
    (finding,) = findings(faq, "unreachable")
    assert (finding.level, finding.entry, finding.line) == ("error", "knee-again", 17)


def test_near_duplicate_phrasings_across_entries_are_warned() -> None:
    twin = entry("tennis-elbow", "Can IMS help tennis elbow?", ["does ims work for knee", "elbow"])
    faq = faq_of(KNEE, twin)
    found = findings(faq, "near-duplicate")
    assert [(f.level, f.entry, f.line) for f in found] == [("warning", "tennis-elbow", 14)]
    assert "nearly repeats 'does ims work for knees' of 'knee-pain' (line 8" in found[0].message


def allowing(text: str, *allowed: str) -> str:
    return text + f"    lint: {{allow: [{', '.join(allowed)}], reason: Judged and accepted.}}\n"


def test_an_entry_silences_a_warning_by_code_and_other_entry() -> None:
    twin = entry("tennis-elbow", "Can IMS help tennis elbow?", ["does ims work for knee", "elbow"])
    assert (
        findings(faq_of(KNEE, allowing(twin, "near-duplicate:knee-pain")), "near-duplicate") == []
    )
    assert findings(faq_of(KNEE, allowing(twin, "near-duplicate")), "near-duplicate") == []
    found = findings(faq_of(KNEE, allowing(twin, "near-duplicate:sleep")), "near-duplicate")
    assert [f.entry for f in found] == ["tennis-elbow"]
    found = findings(faq_of(allowing(KNEE, "near-duplicate"), twin), "near-duplicate")
    assert [f.entry for f in found] == ["tennis-elbow"], "only the entry reported at silences"


def test_a_floor_keeps_every_entry_that_reaches_it(story_engine: Engine) -> None:
    index = story_engine.index
    phrasings = [p for entry in story_engine.faq.entries for p in entry.phrasings]
    for phrasing in phrasings:
        terms = index.read_text(phrasing)
        for floor in (30.0, 58.0, 80.0):
            for exclude in (frozenset(), frozenset([phrasing])):
                every = index.rank(terms, 5, exclude)
                above = index.rank(terms, 5, exclude, floor)
                reached = [c for c in every if c.score >= floor]
                assert above[: len(reached)] == reached, (phrasing, floor)
                assert all(c in every or c.score < floor for c in above)


def _pairs_by_comparing_all(keys: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    return [
        (later, earlier, score)
        for later in range(len(keys))
        for earlier in range(later)
        if keys[later] and (score := fuzz.token_sort_ratio(keys[later], keys[earlier])) >= cutoff
    ]


def test_near_duplicate_pairs_are_those_comparing_every_pair_finds() -> None:
    rng = random.Random(3)
    topics = ["nerve", "neck", "knee", "knees", "elbow", "elbows", "ruzo", "ruzota", "back"]
    frames = ["does ims work for {} pain", "what is {}", "can ims help my {}", "{} ache at night"]
    keys = [rng.choice(frames).format(rng.choice(topics)) for _ in range(300)]
    keys += ["", "pain", "ims work does for neck pain", "work ims for pain does nerve", ""]
    assert list(_similar_pairs(keys, 92.0)) == _pairs_by_comparing_all(keys, 92.0)


def test_stale_reviews_the_file_once_and_each_entry_its_own() -> None:
    old_entry = entry(
        "sleep", "Will IMS help me sleep?", ["trouble sleeping"], reviewed="2019-02-03"
    )
    faq = faq_of(KNEE, ELBOW, old_entry)
    assert findings(faq, "stale-review") == [
        Finding(
            "warning",
            faq.by_id["sleep"].line,
            "sleep",
            "'sleep' was last reviewed 2019-02-03, more than 3 years ago",
            "stale-review",
        )
    ]
    found = findings(faq, "stale-review", review_years=1)
    assert [(f.line, f.entry) for f in found] == [(3, ""), (faq.by_id["sleep"].line, "sleep")]
    assert "2 entries rely on it" in found[0].message


def test_long_answers_are_warned() -> None:
    long = entry("sleep", "Will IMS help me sleep?", ["trouble sleeping"], answer="word " * 130)
    faq = faq_of(KNEE, long)
    (finding,) = findings(faq, "long-answer")
    assert (finding.entry, finding.line) == ("sleep", faq.by_id["sleep"].line)
    assert "130 words" in finding.message
    assert findings(faq, "long-answer", answer_words=200) == []


def related_faq(links: dict[str, list[str]]) -> Faq:
    entries = [
        entry(id, f"Question about {id}?", [f"tell me about {id}"], related=targets)
        for id, targets in links.items()
    ]
    return faq_of(*entries)


@pytest.mark.parametrize(
    ("links", "closed"),
    [
        ({"aa": ["bb"], "bb": ["aa"], "cc": []}, [["aa", "bb"]]),
        ({"aa": ["aa"], "bb": []}, [["aa"]]),
        ({"aa": ["bb"], "bb": ["cc"], "cc": ["aa"]}, [["aa", "bb", "cc"]]),
        ({"aa": ["bb"], "bb": ["aa", "cc"], "cc": []}, []),
        ({"aa": ["bb"], "bb": ["aa"], "cc": ["aa"], "dd": ["dd", "cc"]}, [["aa", "bb"]]),
        ({"aa": ["bb"], "bb": ["cc"], "cc": []}, []),
        ({"aa": ["bb"], "bb": ["aa"], "cc": ["dd"], "dd": ["cc"]}, [["aa", "bb"], ["cc", "dd"]]),
    ],
)
def test_closed_related_groups(links: dict[str, list[str]], closed: list[list[str]]) -> None:
    groups = closed_groups(related_faq(links))
    assert [[e.id for e in group] for group in groups] == closed


def test_a_related_cycle_is_one_warning_at_its_first_entry() -> None:
    faq = related_faq({"aa": ["bb"], "bb": ["aa"], "cc": ["aa"]})
    (finding,) = findings(faq, "related-cycle")
    assert (finding.level, finding.entry, finding.line) == ("warning", "aa", faq.by_id["aa"].line)
    assert "aa, bb only lead back to each other" in finding.message


def test_entries_no_dialogue_reaches_are_warned() -> None:
    faq = faq_of(KNEE, ELBOW)
    found = lint(Engine(faq), Limits(today=TODAY), unreached=[faq.by_id["tennis-elbow"]])
    assert [(f.code, f.level, f.entry) for f in found] == [
        ("no-dialogue", "warning", "tennis-elbow")
    ]


def check(tmp_path: Path, text: str, *argv: str) -> tuple[int, str, str]:
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")
    env = Environment(environ={})
    status = main(["check", "--faq", str(path), *argv], env)
    return status, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def test_check_exit_status_and_file_line(tmp_path: Path) -> None:
    status, out, _ = check(tmp_path, HEAD + KNEE + ELBOW + SLEEP)
    assert status == 0
    assert out.endswith("3 entries, 9 phrasings, 0 errors, 0 warnings\n")
    stale = HEAD.replace("2024-01-02", "2001-01-01")
    status, out, _ = check(tmp_path, stale + KNEE + ELBOW + SLEEP)
    assert status == 0
    assert f"{tmp_path / 'faq.yaml'}:3: warning: the file's review (2001-01-01" in out
    broken = entry("sleep", "Will IMS help me sleep?", ["does ims work for knees"])
    status, out, _ = check(tmp_path, HEAD + KNEE + ELBOW + broken)
    assert status == 1
    assert ":20: error: alternate 'does ims work for knees' of 'sleep' does not retrieve it" in out
    assert out.endswith("2 errors, 1 warnings\n")
    status, out, err = check(tmp_path, HEAD + "  - id: [oops\n")
    assert (status, out) == (2, f"FAQ: {tmp_path / 'faq.yaml'}\n")
    assert err.startswith(f"ims-bot: error: {tmp_path / 'faq.yaml'}:")


def test_check_options_and_json(tmp_path: Path) -> None:
    status, out, _ = check(tmp_path, HEAD + KNEE + ELBOW, "--json", "--max-age-years", "0.5")
    report = json.loads(out)
    assert status == 0
    assert (report["entries"], report["errors"], report["warnings"]) == (2, 0, 1)
    (finding,) = report["findings"]
    assert finding == {
        "file": str(tmp_path / "faq.yaml"),
        "line": 3,
        "level": "warning",
        "code": "stale-review",
        "entry": None,
        "message": finding["message"],
    }


def test_check_with_dialogues(tmp_path: Path) -> None:
    scripts = tmp_path / "dialogues"
    scripts.mkdir()
    (scripts / "knee.yaml").write_text(
        "name: knee\nturns:\n  - user: does ims work for knees\n    expect: {id: knee-pain}\n",
        encoding="utf-8",
    )
    status, out, _ = check(tmp_path, HEAD + KNEE + ELBOW, "--dialogues", str(scripts))
    assert status == 0
    assert "warning: no dialogue script reaches 'tennis-elbow'" in out
    assert "'knee-pain'" not in out


@pytest.mark.parametrize(
    "argv", [["--max-age-years", "0"], ["--max-answer-words", "2.5"], ["--max-age-years", "x"]]
)
def test_check_rejects_bad_limits(tmp_path: Path, argv: list[str]) -> None:
    status, out, _ = check(tmp_path, HEAD + KNEE, *argv)
    assert (status, out) == (2, "")
