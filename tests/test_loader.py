"""Loading and validating faq.yaml: one defect per file, one exact file:line message each."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from ims_bot.cli import main
from ims_bot.commands.common import default_path
from ims_bot.core.loader import load_faq, parse_faq
from ims_bot.core.settings import BOUNDS, DEFAULTS, Settings
from ims_bot.env import Environment
from ims_bot.errors import FaqError
from tests.conftest import DATA

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
    (
        "impossible_date",
        "reviewed: {by: Me, on: 2024-13-45}\n" + GOOD_TOP + ENTRY,
        1,
        "'on' is no date ('2024-13-45' does not exist)",
    ),
    (
        "tagged_impossible_date",
        GOOD_TOP + ENTRY + "    reviewed: {by: Me, on: !!timestamp 2024-02-30}\n",
        7,
        "cannot read this timestamp value",
    ),
    (
        "date_and_time",
        GOOD_TOP + ENTRY + "    reviewed: {by: Me, on: !!timestamp 2024-02-03T10:00:00}\n",
        7,
        "'on' must be a date like 2023-05-11",
    ),
    (
        "unreadable_number",
        "settings: {answer_at: !!int 0b1}\n" + GOOD_TOP + ENTRY,
        1,
        "cannot read this int value",
    ),
    (
        "merge_of_a_list",
        GOOD_TOP + "  - <<: [a, b]\n    id: one\n    question: Q?\n    answer: A.\n",
        4,
        "a merge key ('<<') takes a mapping",
    ),
    ("self_alias", GOOD_TOP + "  - &e\n    id: one\n    related: [*e]\n", 4, "an alias refers"),
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


def test_a_bad_date_is_a_file_line_error_with_exit_2() -> None:
    env = Environment()
    status = main(["check", "--faq", str(DATA / "bad_date.yaml")], env)
    assert status == 2
    assert env.stderr.getvalue() == (
        f"ims-bot: error: {DATA / 'bad_date.yaml'}:3: 'on' is no date "
        "('2024-13-45' does not exist)\n"
    )


def test_yaml_1_2_words_stay_words() -> None:
    faq = parse_faq(
        GOOD_TOP
        + ENTRY
        + "  - id: two\n    question: no\n    answer: yes\n    alternates: [on, off, y, n, No]\n"
    )
    two = faq.by_id["two"]
    assert (two.question, two.answer) == ("no", "yes")
    assert two.alternates == ("on", "off", "y", "n", "No")


def test_merge_keys_merge_and_own_keys_win() -> None:
    faq = parse_faq(
        GOOD_TOP
        + ENTRY
        + "  - <<: &shared {answer: Shared answer., kind: handoff}\n"
        + "    id: two\n    question: Two?\n"
        + "  - <<: *shared\n    id: three\n    question: Three?\n    answer: Its own.\n"
    )
    assert (faq.by_id["two"].answer, faq.by_id["two"].kind) == ("Shared answer.", "handoff")
    assert (faq.by_id["three"].answer, faq.by_id["three"].kind) == ("Its own.", "handoff")


def test_a_key_given_twice_beside_a_merge_is_still_a_duplicate() -> None:
    text = GOOD_TOP + "  - <<: {answer: A.}\n    id: one\n    id: two\n    question: Q?\n"
    with pytest.raises(FaqError, match=r"faq\.yaml:6: duplicate key 'id'"):
        parse_faq(text)


CONTROLLED = [
    ("disclaimer", 'disclaimer: "Not advice.\\e[8m"\nescalation: Ask.\nentries:\n' + ENTRY, 1),
    ("escalation", 'disclaimer: Not advice.\nescalation: "Ask\\x07"\nentries:\n' + ENTRY, 2),
    ("question", GOOD_TOP + '  - id: one\n    question: "Q\\e]0;title\\a?"\n    answer: A.\n', 5),
    ("alternate", GOOD_TOP + ENTRY + '    alternates: [fine, "bad\\x1b[31m"]\n', 7),
    ("answer", GOOD_TOP + '  - id: one\n    question: Q?\n    answer: "A\\u009b2J"\n', 6),
    ("urgent reply", 'urgent: {phrases: [chest pain], reply: "Call\\x7f"}\n' + GOOD_TOP + ENTRY, 1),
    (
        "urgent phrase",
        'urgent: {phrases: ["chest\\x00pain"], reply: Call.}\n' + GOOD_TOP + ENTRY,
        1,
    ),
    ("synonym", 'synonyms: {painful: ["hurt\\x0c"]}\n' + GOOD_TOP + ENTRY, 1),
    ("key", 'synonyms: {"pa\\x1bin": ["hurt\\x1b"]}\n' + GOOD_TOP + ENTRY, 1),
    ("carriage return", GOOD_TOP + ENTRY + '    source: "a\\rb"\n', 7),
    ("raw escape byte", GOOD_TOP + "  - id: one\n    question: Q \x1b[2J?\n    answer: A.\n", 5),
]


@pytest.mark.parametrize(("what", "text", "line"), CONTROLLED, ids=[c[0] for c in CONTROLLED])
def test_control_and_escape_characters_are_refused(what: str, text: str, line: int) -> None:
    with pytest.raises(FaqError) as caught:
        parse_faq(text)
    assert caught.value.line == line
    assert "control character U+" in caught.value.reason
    assert "\n" not in str(caught.value)
    assert not any(char in str(caught.value) for char in "\x1b\x00\x07\x0c\x7f\x9b\r")


def test_the_escape_fixture_is_refused_at_its_line() -> None:
    with pytest.raises(FaqError) as caught:
        load_faq(DATA / "bad_escape.yaml")
    assert caught.value.line == 6
    assert caught.value.reason.startswith("'answer' holds the control character U+001B")


def test_newlines_and_tabs_are_plain_text() -> None:
    faq = parse_faq(GOOD_TOP + '  - id: one\n    question: Q?\n    answer: "Line\\n\\tnext."\n')
    assert faq.entries[0].answer == "Line\n\tnext."


def test_an_anchored_list_repeated_by_every_entry_is_refused() -> None:
    items = "".join(f"      - how does alternate number {n} read\n" for n in range(1000))
    first = "  - id: e0\n    question: Q0?\n    answer: A.\n    alternates: &alternates\n"
    rest = "".join(
        f"  - id: e{n}\n    question: Q{n}?\n    answer: A.\n    alternates: *alternates\n"
        for n in range(1, 400)
    )
    with pytest.raises(FaqError) as caught:
        parse_faq(GOOD_TOP + first + items + rest)
    assert caught.value.line == 7
    assert caught.value.reason.startswith("aliases repeat what is anchored here into")


def test_a_few_aliases_are_fine() -> None:
    text = "synonyms: {hurt: &pain [sore, ache], painful: *pain}\n" + GOOD_TOP + ENTRY
    assert dict(parse_faq(text).synonyms) == {"hurt": ("sore", "ache"), "painful": ("sore", "ache")}


def test_billion_laughs_and_deep_nesting_are_refused() -> None:
    laughs = "".join(
        f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n"
        for b, a in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(FaqError, match="aliases repeat"):
        parse_faq("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + laughs)
    with pytest.raises(FaqError, match="invalid YAML"):
        parse_faq("disclaimer: " + "[" * 100_000 + "]" * 100_000 + "\n")


@pytest.mark.parametrize(
    "value",
    [
        "!!bool maybe",
        "!!timestamp nope",
        "!!int 1.5",
        "!!map [a]",
        "!!seq {a: b}",
        "!!float abc",
    ],
)
def test_a_value_its_tag_cannot_build_is_refused_at_its_line(value: str) -> None:
    with pytest.raises(FaqError) as caught:
        parse_faq(GOOD_TOP + ENTRY + f"    source: {value}\n")
    assert caught.value.line == 7
    assert caught.value.reason.startswith("cannot read this ")


def test_every_setting_has_bounds_that_hold_its_default() -> None:
    assert tuple(BOUNDS) == Settings._fields, "BOUNDS lists the settings in field order"
    for name, (low, high) in BOUNDS.items():
        assert low <= getattr(DEFAULTS, name) <= high, name
