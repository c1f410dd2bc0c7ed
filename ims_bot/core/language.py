"""The language file, ``data/language.yaml``: the words the bot reads and the sentences
it says, apart from the FAQ's own.

``language()`` is the process's language: the packaged file, read once, when first asked
for (a prepared engine read from the cache brings it along, see ``adopt``, so a one-shot
``ask`` reads no YAML). ``load_language`` reads and validates any such file; every
defect raises :class:`~ims_bot.errors.LanguageError` naming ``file:line``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from string import Formatter
from typing import Any, NamedTuple

from ims_bot.errors import LanguageError

FILE = "language.yaml"
SMALLTALK_KINDS = (
    "greeting",
    "thanks",
    "bye",
    "help",
    "acknowledge",
    "yes",
    "no",
    "sorry",
    "topics",
)
LIGHT_KINDS = ("function", "frame", "backstory")
ENDING = "-"
"""A shorthand form beginning with this is the end of any word ("-'ll")."""
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
"""Every character read as an apostrophe, in the FAQ, in questions and in this file."""


class KioskSentences(NamedTuple):
    """What the kiosk says: its start screen, its answer to a quit word, its bottom line
    and the countdown before it starts over (``{seconds}``)."""

    welcome: str
    stays_on: str
    hint: str
    countdown: str


class Sentences(NamedTuple):
    """What the bot says besides the FAQ's answers; ``out_of_range`` fills in ``{last}``."""

    greeting: str
    help: str
    thanks: str
    bye: str
    sorry: str
    anything_else: str
    go_ahead: str
    no_more: str
    menu_intro: str
    no_list: str
    out_of_range: str
    clarify_body: str
    clarify_intro: str
    related_intro: str
    none_of_these: str
    kiosk: KioskSentences


PLACEHOLDERS = {"out_of_range": {"last"}, "countdown": {"seconds"}}
"""The sentences filled in, with the names they take; the others are said as written."""


class Language(NamedTuple):
    """The loaded language file.

    ``light``: words that weigh at most the function weight, even where the FAQ uses
    them (function, frame and backstory words); ``common``: words that weigh little only
    where the FAQ does not use them. Neither is ever read as a typing slip.
    ``shorthand``: whole written forms and the words they stand for; ``endings``: word
    endings ("'ll") and theirs. ``smalltalk``: phrases by kind; ``numbers``: number words.
    ``quit``: the lines that end the chat; ``kiosk_quit``: more lines the kiosk reads as
    wanting to leave; ``new_patient``: the lines that start the kiosk over. ``relays``:
    the openings of a question relayed for someone else ("caller asks"), which matching
    leaves out.
    """

    light: frozenset[str]
    common: frozenset[str]
    question_words: tuple[str, ...]
    shorthand: Mapping[str, tuple[str, ...]]
    endings: Mapping[str, tuple[str, ...]]
    smalltalk: Mapping[str, frozenset[str]]
    numbers: Mapping[str, int]
    quit: frozenset[str]
    kiosk_quit: frozenset[str]
    new_patient: frozenset[str]
    sentences: Sentences
    relays: tuple[str, ...] = ()
    path: str = FILE

    @property
    def everyday(self) -> frozenset[str]:
        """Every word of ``light`` and ``common``: none is ever read as a typing slip."""
        return self.light | self.common


_loaded: Language | None = None


def language() -> Language:
    """The process's language: the packaged file, read when first asked for."""
    global _loaded
    if _loaded is None:
        _loaded = load_language(packaged_path())
    return _loaded


def adopt(found: Language) -> None:
    """Use ``found`` (stored with a prepared engine) unless a language is already read."""
    global _loaded
    if _loaded is None:
        _loaded = found


def packaged_path() -> Path:
    """The shipped language file: the installed package's, else the checkout's."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data" / FILE
    return packaged if packaged.is_file() else package.parent / "data" / FILE


def load_language(path: Path | str) -> Language:
    """Read, parse and validate the language file at ``path``."""
    from ims_bot.core import yamlfile

    path = Path(path)
    return parse_language(yamlfile.read_text(path, LanguageError), str(path))


def parse_language(text: str, path: str = FILE) -> Language:
    """Validate language ``text`` (named ``path`` in errors) into a :class:`Language`."""
    from ims_bot.core import yamlfile
    from ims_bot.core.loader import Validator

    data = yamlfile.parse(text, path, LanguageError)
    reader = _Reader(Validator(path, text, LanguageError))
    reader.check.plain(data)
    return reader.language(data, path)


class _Reader:
    """Turns the parsed file into a :class:`Language`, raising at the first defect."""

    def __init__(self, check: Any) -> None:
        self.check = check
        self.seen: dict[str, int] = {}

    def language(self, data: Any, path: str) -> Language:
        check = self.check
        if data is None:
            raise check.fail(None, "is empty")
        top = check.mapping(data, 1, "the language file")
        sections: tuple[str, ...] = ("weights", "question_words", "shorthand", "smalltalk")
        sections += ("numbers", "commands", "sentences")
        check.keys(top, {*sections, "relays"}, sections, "the language file")
        weights = check.mapping(top["weights"], top.line_of("weights"), "'weights'")
        check.keys(weights, {"light", "common"}, ("light", "common"), "'weights'")
        light = check.mapping(weights["light"], weights.line_of("light"), "'light' of 'weights'")
        check.keys(light, set(LIGHT_KINDS), LIGHT_KINDS, "'light' of 'weights'")
        light_words = frozenset(
            word for kind in LIGHT_KINDS for word in self.words(light, kind, "'light'")
        )
        common_words = frozenset(self.words(weights, "common", "'weights'"))
        endings, shorthand = self.shorthand(top)
        commands = check.mapping(top["commands"], top.line_of("commands"), "'commands'")
        names = ("quit", "kiosk_quit", "new_patient")
        check.keys(commands, set(names), names, "'commands'")
        quit_lines, kiosk_quit, new_patient = (
            frozenset(self.phrases(commands, name, "'commands'")) for name in names
        )
        return Language(
            light=light_words,
            common=common_words - light_words,
            question_words=self.phrases(top, "question_words", "the language file"),
            shorthand=shorthand,
            endings=endings,
            smalltalk=self.smalltalk(top),
            numbers=self.numbers(top),
            quit=quit_lines,
            kiosk_quit=kiosk_quit - quit_lines,
            new_patient=new_patient,
            sentences=self.sentences(top),
            relays=self.phrases(top, "relays", "the language file") if "relays" in top else (),
            path=path,
        )

    def phrases(self, data: Any, key: str, what: str) -> tuple[str, ...]:
        """A non-empty list of lower-case phrases."""
        found, lines = self.check.texts(data, key, what)
        if not found:
            raise self.check.fail(data.line_of(key), f"'{key}' of {what} is empty")
        for phrase, line in zip(found, lines, strict=True):
            if phrase != phrase.casefold():
                raise self.check.fail(line, f"'{phrase}' of '{key}' must be written in lower case")
        return found

    def words(self, data: Any, key: str, what: str) -> tuple[str, ...]:
        """A weight list: single words, none listed twice in any weight list."""
        found = self.phrases(data, key, what)
        lines = data[key].item_lines
        for word, line in zip(found, lines, strict=True):
            if len(word.split()) != 1:
                raise self.check.fail(line, f"'{word}' of '{key}' must be a single word")
            if word in self.seen:
                raise self.check.fail(
                    line, f"'{word}' is listed twice (first at line {self.seen[word]})"
                )
            self.seen[word] = line
        return found

    def shorthand(self, top: Any) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """The endings ("-'ll") and the whole forms, each with the words it stands for."""
        data = self.check.mapping(top["shorthand"], top.line_of("shorthand"), "'shorthand'")
        endings: dict[str, tuple[str, ...]] = {}
        whole: dict[str, tuple[str, ...]] = {}
        for form, said in data.items():
            line = data.line_of(form)
            if not isinstance(form, str) or not form.strip() or form != form.casefold():
                raise self.check.fail(line, "a shorthand form must be lower-case text")
            form = form.strip().translate(APOSTROPHES)
            is_ending = form.startswith(ENDING) and len(form) > 1
            name = form[1:] if is_ending else form
            if not all(char.isalnum() or char == "'" for char in name):
                raise self.check.fail(
                    line, f"shorthand form '{form}' must be one word (letters, digits, ')"
                )
            if not isinstance(said, str) or not (said.strip() or is_ending):
                raise self.check.fail(
                    line, f"shorthand form '{form}' must stand for words (text, not empty)"
                )
            if said != said.casefold():
                raise self.check.fail(line, f"what '{form}' stands for must be in lower case")
            table = endings if is_ending else whole
            if name in table:
                raise self.check.fail(line, f"shorthand form '{form}' is given twice")
            table[name] = tuple(said.split())
        return endings, whole

    def smalltalk(self, top: Any) -> dict[str, frozenset[str]]:
        data = self.check.mapping(top["smalltalk"], top.line_of("smalltalk"), "'smalltalk'")
        self.check.keys(data, set(SMALLTALK_KINDS), SMALLTALK_KINDS, "'smalltalk'")
        return {
            kind: frozenset(self.phrases(data, kind, "'smalltalk'")) for kind in SMALLTALK_KINDS
        }

    def numbers(self, top: Any) -> dict[str, int]:
        data = self.check.mapping(top["numbers"], top.line_of("numbers"), "'numbers'")
        if not data:
            raise self.check.fail(data.line, "'numbers' is empty")
        result = {}
        for word in data:
            if not isinstance(word, str) or word != word.casefold() or len(word.split()) != 1:
                raise self.check.fail(
                    data.line_of(word), "a number word must be one lower-case word"
                )
            result[word] = self.check.whole(data, word, 0, 99)
        return result

    def sentences(self, top: Any) -> Sentences:
        data = self.check.mapping(top["sentences"], top.line_of("sentences"), "'sentences'")
        names = Sentences._fields
        self.check.keys(data, set(names), names, "'sentences'")
        kiosk = self.check.mapping(data["kiosk"], data.line_of("kiosk"), "'kiosk' of 'sentences'")
        kiosk_names = KioskSentences._fields
        self.check.keys(kiosk, set(kiosk_names), kiosk_names, "'kiosk' of 'sentences'")
        said = {name: self.sentence(data, name) for name in names if name != "kiosk"}
        return Sentences(
            **said,
            kiosk=KioskSentences(**{name: self.sentence(kiosk, name) for name in kiosk_names}),
        )

    def sentence(self, data: Any, name: str) -> str:
        """One sentence; those filled in must name exactly their placeholders."""
        text = self.check.text(data, name, "'sentences'")
        wanted = PLACEHOLDERS.get(name, set())
        try:
            named = {field for _, field, _, _ in Formatter().parse(text) if field is not None}
        except ValueError:
            named = None
        if wanted and named != wanted:
            places = ", ".join(f"{{{place}}}" for place in sorted(wanted))
            raise self.check.fail(
                data.line_of(name),
                f"sentence '{name}' must hold {places} (and no other {{...}}; write braces as "
                "{{ and }})",
            )
        return text
