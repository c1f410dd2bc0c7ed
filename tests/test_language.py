"""The language file: the shipped one loads, a broken one is refused at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ims_bot.core.language import Language, language, load_language, packaged_path, parse_language
from ims_bot.core.normalise import words
from ims_bot.errors import LanguageError

SHIPPED = packaged_path().read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_shipped_language_loads_with_every_part() -> None:
    said = load_language(packaged_path())
    assert isinstance(said, Language)
    assert {"wife", "help", "the"} <= said.light
    assert "true" in said.common and not said.light & said.common
    assert said.smalltalk["greeting"] >= {"hi", "hello"}
    assert said.numbers["two"] == 2
    assert "quit" in said.quit and "bye" in said.kiosk_quit and "bye" not in said.quit
    assert "{seconds}" in said.sentences.kiosk.countdown
    assert language() == said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I can't sleep", ["i", "can", "not", "sleep"]),
        ("Don’t u think", ["do", "not", "you", "think"]),
        ("she'll say it's fine", ["she", "will", "say", "it", "is", "fine"]),
        ("the doctor's 'advice'", ["the", "doctor", "advice"]),
        ("needn't wait til 3 o'clock", ["need", "not", "wait", "until", "3", "o", "clock"]),
    ],
)
def test_shorthand_and_contractions_read_from_one_table(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("smalltalk:", "smalltalk:\n  hello: [hiya]", "unknown key 'hello' in 'smalltalk'"),
        ("  common: [\n", "  common: [\n    wife,\n", "'wife' is listed twice (first at line"),
        ("numbers: {zero: 0,", "numbers: {zero: -1,", "'zero' must be a whole number from 0 to 99"),
        ("to {last},", "to {count},", "sentence 'out_of_range' must hold {last}"),
        ("  quit: [quit,", "  quit: [3,", "'quit' of 'commands' must hold text, not a number"),
        ("  u: you\n", "  u: [you]\n", "shorthand form 'u' must stand for words"),
        ("relays: [\n", "relays: [\n  Caller Says,\n", "'Caller Says' of 'relays' must be"),
        (
            "  common: [\n",
            "  common: [\n    two words,\n",
            "'two words' of 'common' must be a single",
        ),
    ],
)
def test_a_defect_is_refused_at_its_line(old: str, new: str, reason: str) -> None:
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    changed = line_of(text, new) + new.rstrip("\n").count("\n")
    with pytest.raises(LanguageError) as caught:
        parse_language(text, "language.yaml")
    assert reason in caught.value.reason
    assert caught.value.line in range(line_of(text, new), changed + 1)
    assert str(caught.value).startswith(f"language.yaml:{caught.value.line}: ")


def test_relays_are_optional() -> None:
    assert "caller asks" in language().relays
    without = re.sub(r"^relays: \[\n(?:  .*\n)*\]\n", "", SHIPPED, flags=re.MULTILINE)
    assert "relays" not in without
    assert parse_language(without).relays == ()


def test_a_missing_section_or_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LanguageError, match="missing the required field 'numbers'"):
        parse_language(re.sub(r"^numbers:.*\n", "", SHIPPED, flags=re.MULTILINE))
    with pytest.raises(LanguageError, match="file not found"):
        load_language(tmp_path / "language.yaml")
