"""Loading and validating faq.yaml: one defect per file, one exact file:line message each."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from ims_bot.commands.common import default_path
from ims_bot.core.loader import load_faq, parse_faq
from ims_bot.errors import FaqError

GOOD_TOP = """\
disclaimer: Not medical advice.
escalation: Ask your physiotherapist.
entries:
"""

ENTRY = """\
  - id: one
    question: What is one?
    answer: One is one.
"""

BROKEN = [
    ("invalid_yaml", GOOD_TOP + ENTRY + "    source: a: b\n", 7, "invalid YAML"),
    ("tab_indent", "disclaimer: x\n\tescalation: y\n", 2, "invalid YAML"),
    (
        "duplicate_key",
        GOOD_TOP + "  - id: one\n    question: Q?\n    question: Again?\n    answer: A.\n",
        6,
        "duplicate key 'question'",
    ),
    (
        "unknown_top_key",
        "disclaimers: typo\n" + GOOD_TOP + ENTRY,
        1,
        "unknown key 'disclaimers' in the FAQ file",
    ),
    (
        "unknown_entry_key",
        GOOD_TOP + ENTRY + "    answr: typo\n",
        7,
        "unknown key 'answr' in entry 'one'",
    ),
    (
        "missing_answer",
        GOOD_TOP + "  - id: one\n    question: Q?\n",
        4,
        "entry 'one' is missing the required field 'answer'",
    ),
    (
        "empty_question",
        GOOD_TOP + "  - id: one\n    question: '  '\n    answer: A.\n",
        5,
        "'question' of entry 'one' is empty",
    ),
    (
        "missing_disclaimer",
        "escalation: Ask.\nentries:\n" + ENTRY,
        1,
        "the FAQ file is missing the required field 'disclaimer'",
    ),
    (
        "wrong_type_alternates",
        GOOD_TOP + ENTRY + "    alternates: {a: b}\n",
        7,
        "'alternates' of entry 'one' must be a list of text",
    ),
    (
        "wrong_type_answer",
        GOOD_TOP + "  - id: one\n    question: Q?\n    answer: [a, b]\n",
        6,
        "'answer' of entry 'one' must be text, not a list",
    ),
    (
        "duplicate_id",
        GOOD_TOP + ENTRY + ENTRY,
        7,
        "duplicate id 'one' (first at line 4)",
    ),
    (
        "unknown_related",
        GOOD_TOP + ENTRY + "    related: [two]\n",
        7,
        "entry 'one' relates to unknown id 'two'",
    ),
    (
        "unknown_related_in_a_block_list",
        GOOD_TOP + ENTRY + "    related:\n      - one\n      - three\n",
        9,
        "entry 'one' relates to unknown id 'three'",
    ),
    (
        "lint_without_reason",
        GOOD_TOP + ENTRY + "    lint: {allow: [overlap]}\n",
        7,
        "'lint' of entry 'one' is missing the required field 'reason'",
    ),
    (
        "lint_allows_an_error",
        GOOD_TOP + ENTRY + "    lint:\n      allow: [self-retrieval]\n      reason: judged\n",
        8,
        "'lint' of entry 'one' cannot allow 'self-retrieval'",
    ),
    (
        "bad_kind",
        GOOD_TOP + ENTRY + "    kind: answr\n",
        7,
        "'kind' of entry 'one' must be 'answer' or 'handoff'",
    ),
    (
        "bad_setting",
        "settings: {answer_at: high}\n" + GOOD_TOP + ENTRY,
        1,
        "setting 'answer_at' must be a number from 0 to 100",
    ),
    (
        "bad_review_date",
        "reviewed: {by: Me, on: someday}\n" + GOOD_TOP + ENTRY,
        1,
        "'on' must be a date like 2023-05-11",
    ),
    ("empty_entries", GOOD_TOP + "  []\n", 3, "'entries' is empty"),
    ("entries_not_list", GOOD_TOP + "  one: two\n", 3, "'entries' must be a list of entries"),
    ("top_is_list", "- a\n- b\n", 1, "the FAQ file must be a mapping of keys to values"),
]


@pytest.mark.parametrize(("name", "text", "line", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_defect_names_its_line_and_reason(
    tmp_path: Path, name: str, text: str, line: int, reason: str
) -> None:
    path = tmp_path / f"bad_{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FaqError) as caught:
        load_faq(path)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith(f"{path}:{line}: {reason}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty; it must define disclaimer, escalation and entries"),
        (b"\x00\x01\x02binary\xff", "is not a text file (it contains NUL bytes)"),
        (b"disclaimer: caf\xe9\n", "is not valid UTF-8 text"),
    ],
    ids=["empty", "binary", "latin1"],
)
def test_unusable_bytes(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "faq.yaml"
    path.write_bytes(content)
    with pytest.raises(FaqError, match=re.escape(reason)):
        load_faq(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FaqError, match="file not found"):
        load_faq(tmp_path / "nope.yaml")
    with pytest.raises(FaqError, match="is a directory"):
        load_faq(tmp_path)


def test_minimal_file_gets_defaults() -> None:
    faq = parse_faq(GOOD_TOP + ENTRY)
    assert [e.id for e in faq.entries] == ["one"]
    assert faq.entries[0].kind == "answer"
    assert faq.urgent.categories[0].signs, "red flags apply even when the file lists none"
    assert faq.settings.answer_at > faq.settings.clarify_at
    assert len(faq.content_hash) == 12


def test_bare_on_key_reads_as_a_date_not_a_boolean(mini_faq) -> None:
    assert mini_faq.reviewed is not None
    assert mini_faq.reviewed.on == date(2024, 1, 2)
    assert mini_faq.reviewed.by == "Test Curator"


def test_lines_are_remembered(mini_faq) -> None:
    entry = mini_faq.by_id["is-ims-painful"]
    assert entry.phrasing_line(0) == entry.question_line
    assert entry.phrasing_line(1) == entry.question_line + 2
    assert entry.phrasings == ("Is IMS painful?", "does it hurt", "will the needles hurt")


def test_default_path_prefers_the_environment(tmp_path: Path) -> None:
    assert default_path({"IMS_BOT_FAQ": str(tmp_path / "x.yaml")}) == tmp_path / "x.yaml"
    assert default_path({}).name == "faq.yaml"
    assert default_path({}).is_file()
