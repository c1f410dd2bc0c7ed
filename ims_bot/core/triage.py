"""Safety triage: is a danger sign named, and is it happening now?

Two questions, answered from data (the FAQ's ``urgent`` section), never from the fuzzy
entry score:

1. *Signs.* A concept is a word group ("chest": chest, breastbone, ribs; "pain": pain,
   hurts, stabbing, tight). A sign combines concepts that must all occur in one sentence,
   close together, in any order: ``[chest, pain]`` catches "my chest hurts" and "pain in
   my chest". Words are read as questions are (synonyms, stems), and a word one typing
   slip from a concept's word counts as that word only when it is no word of its own: it
   is unknown to the FAQ and to the English, French and Spanish word lists ("braeth" is
   "breath"; "fait", "crash" and "pass" stay what they are).
2. *Context*, after the ConText algorithm (Harkema et al., J Biomed Inform 2009):
   trigger words mark the signs in their scope (the next or previous few words of the
   same sentence, up to a word that ends scopes) as negated ("no chest pain"),
   historical ("a stroke 5 years ago"), hypothetical or asked in general ("can IMS cause
   a collapsed lung?") or someone else's ("family history of stroke"). A word that says
   "now" ends a scope ("I had a stroke years ago but now my face droops").

A sign with no context is happening now: the category's emergency reply. A sign whose
every mention carries context gets the ordinary reply, opened by one line that says what
to do if it is happening now.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

from rapidfuzz.distance import OSA

from ims_bot.core.faq import ContextKind, Urgent
from ims_bot.core.normalise import Normaliser, sentences, stem, words
from ims_bot.core.settings import DEFAULTS, Settings
from ims_bot.core.urgency import Opinion, UrgencyModel, shipped

Level = Literal["urgent", "check", "unwell"]
RIGHT = 1
"""How many words may stand between a ``right_before`` or ``right_after`` trigger and its sign."""
LIST_REACH = 4
"""How many words a list ahead of a sign may take ("no red streaks or" pus): beyond it, a
joining word no longer carries a trigger that reaches one word."""
YEAR = "#year"
"""A word of a trigger or form that stands for any year from 1900 to 2099."""
WordCheck = Callable[[str], bool]
"""Whether a word is a word of its own (so never read as a typing slip)."""


class Mention(NamedTuple):
    """One sign found in the text, with the context triggers that apply to it."""

    category: str
    sign: tuple[str, ...]
    words: str
    context: tuple[ContextKind, ...] = ()

    @property
    def now(self) -> bool:
        """Whether nothing says it is negated, past, hypothetical or someone else's."""
        return not self.context


class Triage(NamedTuple):
    """What the triage found in one message.

    ``level``: ``urgent`` (a sign happening now), ``check`` (a sign named, not now),
    ``unwell`` (the writer feels unwell now, no sign named) or None; ``category``: the
    emergency category's id (``unwell`` for the unwell level); ``situation``: the
    hand-off entry id of a personal situation the message names, if any.
    """

    level: Level | None = None
    category: str | None = None
    mentions: tuple[Mention, ...] = ()
    situation: str | None = None
    opinion: Opinion | None = None
    """The emergency model's opinion, where the triage asked it."""

    @property
    def alert(self) -> dict[str, str] | None:
        """The ``alert`` field of ``ask --json``."""
        if self.level is None or self.category is None:
            return None
        return {"level": "urgent" if self.level == "urgent" else "check", "category": self.category}

    def explain(self) -> str:
        """One line for staff: what fired, which context, and the model's opinion."""
        model = f"; {self.opinion.explain()}" if self.opinion else ""
        if not self.mentions:
            found = (
                f"{self.level} {self.category}, no danger sign" if self.level else "no danger sign"
            )
            return f"triage: {found}{model}"
        first = next((m for m in self.mentions if m.category == self.category), self.mentions[0])
        context = ", ".join(first.context) or "happening now"
        if self.level == "check" and first.now:
            context += ", doubted by the model"
        return f"triage: {self.level} {self.category} ('{first.words}': {context}){model}"


_Form = tuple[str, ...]
Found = tuple[int, _Form, Any]
"""Where a phrase was found: its start, the phrase and its label."""


def _by_first(items: Iterable[tuple[_Form, Any]]) -> dict[str, list[tuple[_Form, Any]]]:
    """The non-empty phrases of ``items`` with their labels, by the phrase's first word."""
    by_first: dict[str, list[tuple[_Form, Any]]] = {}
    for form, label in items:
        if form:
            by_first.setdefault(form[0], []).append((form, label))
    return by_first


class Phrases:
    """Phrases (token tuples), each with a label, found in text by their first word.

    Args:
        items: pairs of a phrase's tokens and its label; empty phrases are left out.
    """

    def __init__(self, items: Iterable[tuple[_Form, Any]]) -> None:
        self.by_first = _by_first(items)

    def __getstate__(self) -> dict[str, object]:
        """The phrases as plain lists, which a cache file stores and reads quickly."""
        pairs = [pair for found in self.by_first.values() for pair in found]
        return {"forms": [list(form) for form, _ in pairs], "labels": [label for _, label in pairs]}

    def __setstate__(self, state: dict[str, list[Any]]) -> None:
        self.by_first = _by_first(zip(map(tuple, state["forms"]), state["labels"], strict=True))

    def find(self, tokens: Sequence[str], lo: int = 0, hi: int | None = None) -> Iterator[Found]:
        """Each (start, phrase, label) found starting in ``tokens[lo:hi]``."""
        for at in range(lo, len(tokens) if hi is None else hi):
            candidates = self.by_first.get(tokens[at], [])
            if _is_year(tokens[at]):
                candidates = [*candidates, *self.by_first.get(YEAR, [])]
            for form, label in candidates:
                if _at(tokens, at, form):
                    yield at, form, label

    def any_in(self, tokens: Sequence[str]) -> bool:
        """Whether any phrase occurs in ``tokens``."""
        return next(self.find(tokens), None) is not None


class Triager:
    """Finds danger signs and their context in text, for one FAQ.

    Args:
        urgent: the FAQ's triage data.
        normaliser: the FAQ's normaliser (synonyms, and the vocabulary that says which
            words are the FAQ's own).
        dictionary: whether a word is a word of its own (never read as a typing slip);
            by default the packaged word lists (see ``is_word``).
        model: the emergency model asked for a second opinion: by default the packaged
            one (``urgency.shipped``, read when first needed); None asks none.
    """

    def __init__(
        self,
        urgent: Urgent,
        normaliser: Normaliser,
        dictionary: WordCheck | None = None,
        settings: Settings = DEFAULTS,
        model: UrgencyModel | Literal["shipped"] | None = "shipped",
    ) -> None:
        self.urgent = urgent
        self.min_slip = settings.triage_min_slip
        self.settings = settings
        self._model = model
        self.normaliser = normaliser
        self._is_word = dictionary or is_word
        self._concept_forms = Phrases(
            (self._read_form(form), name) for name, forms in urgent.concepts for form in forms
        )
        self._words = sorted(
            t for t in self._concept_forms.by_first if len(t) >= self.min_slip and t.isalpha()
        )
        self._order = {category.id: n for n, category in enumerate(urgent.categories)}
        self._doubt = {category.id: category.doubt for category in urgent.categories}
        self._still_urgent = {
            category.id: set(category.still_urgent) for category in urgent.categories
        }
        self._signs = [
            (
                category.id,
                sign,
                settings.triage_reach if category.reach is None else category.reach,
                frozenset(sign),
            )
            for category in urgent.categories
            for sign in category.signs
        ]
        self._unwell = [
            ("unwell", sign, settings.triage_reach, frozenset(sign)) for sign in urgent.unwell_signs
        ]
        self._situations = [
            (situation.handoff, sign, settings.triage_reach, frozenset(sign))
            for situation in urgent.situations
            for sign in situation.signs
        ]
        self._pseudo = Phrases((self._read_form(phrase), None) for phrase in urgent.pseudo)
        context = urgent.context
        scope = context.scope
        before: list[tuple[_Form, tuple[ContextKind, int]]] = []
        after: list[tuple[_Form, tuple[ContextKind, int]]] = []
        for kind, triggers in context.triggers:
            before += [(self._read_form(t), (kind, scope)) for t in triggers.before]
            before += [(self._read_form(t), (kind, RIGHT)) for t in triggers.right_before]
            after += [(self._read_form(t), (kind, scope)) for t in triggers.after]
            after += [(self._read_form(t), (kind, RIGHT)) for t in triggers.right_after]
        self._before = Phrases(before)
        self._after = Phrases(after)
        current = [(self._read_form(word), None) for word in context.current]
        self._current = Phrases(current)
        self._stops = Phrases([*current, *((self._read_form(w), None) for w in context.ends)])
        self._pseudo_triggers = Phrases((self._read_form(p), None) for p in context.pseudo)
        self._joins = frozenset(stem(word) for join in context.joins for word in words(join))
        self._scope = scope
        self._slips: dict[str, str] = {}
        self._own = frozenset(
            word
            for text in (
                *urgent.forms(),
                *urgent.pseudo,
                *context.current,
                *context.ends,
                *context.pseudo,
                *(t for _, triggers in context.triggers for t in triggers.all()),
            )
            for raw in words(text)
            for word in (raw, stem(raw))
        )
        """Every word the triage data itself uses (and its stem): spelt as meant, never
        corrected; a word read as a slip of one of them must be no word of its own."""

    def __getstate__(self) -> dict[str, object]:
        """The prepared data, without the word-list check or the slips met so far."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_is_word", "_slips")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._is_word = is_word
        self._slips = {}

    def _read_form(self, text: str) -> _Form:
        """The tokens of a concept form or trigger: synonyms and stems, never corrected."""
        tokens: list[str] = []
        for n, part in enumerate(text.split(YEAR)):
            tokens += [YEAR] if n else []
            tokens += [stem(w) for w in self.normaliser.apply_synonyms(words(part))]
        return tuple(tokens)

    def tokens(self, text: str) -> tuple[str, ...]:
        """The triage tokens of one sentence: a word the FAQ's spelling step corrects, or
        that is one slip from a concept word, is read so only when it is no word of its
        own."""
        read = [self._correct(word) for word in words(text)]
        return tuple(stem(word) for word in self.normaliser.apply_synonyms(read))

    def _correct(self, word: str) -> str:
        if word in self._own:
            return word
        corrected = self.normaliser.correct(word)
        if corrected == word:
            corrected = self._slip(word)
        if corrected == word or corrected not in self._own:
            return corrected
        return word if self._is_word(word) else corrected

    def _slip(self, word: str) -> str:
        """The concept word that ``word`` is one typing slip of (same first letter), if any."""
        if len(word) < self.min_slip - 1 or not word.isalpha() or self.normaliser.knows(stem(word)):
            return word
        found = self._slips.get(word)
        if found is None:
            found = next(
                (
                    w
                    for w in self._words
                    if w[0] == word[0]
                    and abs(len(w) - len(word)) <= 1
                    and OSA.distance(w, word, score_cutoff=1) <= 1
                ),
                word,
            )
            if len(self._slips) < 10_000:
                self._slips[word] = found
        return found

    def scan(self, text: str) -> Triage:
        """The triage of one message, the first of: a sign happening now (urgent, or check
        when the model gives less than ``urgency_doubt``); no sign and the model at least
        ``urgency_alone``, or ``urgency_unwell`` when the writer says they feel unwell
        (urgent); a sign in context (check); the writer unwell now (unwell); the model at
        least ``urgency_check`` (check)."""
        found: list[Mention] = []
        unwell: list[Mention] = []
        situations: list[Mention] = []
        for sentence in sentences(text):
            tokens = self.tokens(sentence)
            if not tokens:
                continue
            places = self._concepts(tokens)
            for signs, into in (
                (self._signs, found),
                (self._unwell, unwell),
                (self._situations, situations),
            ):
                into += self._mentions(tokens, places, signs)
        situation = next((m.category for m in situations if "negated" not in m.context), None)
        found.sort(key=lambda m: self._order[m.category])
        model = shipped() if self._model == "shipped" else self._model
        opinion = model.assess(text) if model else None
        p = opinion.probability if opinion else None
        settings = self.settings
        now = [m for m in found if set(m.context) <= self._still_urgent[m.category]]
        if now:
            doubtable = all(self._doubt[m.category] for m in now)
            doubted = doubtable and p is not None and p < settings.urgency_doubt
            level: Level = "check" if doubted else "urgent"
            return Triage(level, now[0].category, tuple(found), situation, opinion)
        guessed = self._category(opinion)
        felt = [m for m in unwell if m.now]
        alone = settings.urgency_unwell if felt else settings.urgency_alone
        if p is not None and p >= alone and not found:
            return Triage("urgent", guessed, (), situation, opinion)
        if found:
            return Triage("check", found[0].category, tuple(found), situation, opinion)
        if felt:
            return Triage("unwell", "unwell", tuple(felt), situation, opinion)
        if p is not None and p >= settings.urgency_check:
            return Triage("check", guessed, (), situation, opinion)
        return Triage(situation=situation, opinion=opinion)

    def _category(self, opinion: Opinion | None) -> str:
        """The FAQ's category the model's opinion names, else the FAQ's first."""
        if opinion is not None and opinion.category in self._order:
            return opinion.category
        return self.urgent.categories[0].id

    def _concepts(self, tokens: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        """Where each concept occurs in ``tokens``: (start, end) spans, none of them in a
        pseudo phrase ("stroke of luck")."""
        masked = {i for at, form, _ in self._pseudo.find(tokens) for i in range(at, at + len(form))}
        places: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, form, name in self._concept_forms.find(tokens):
            end = start + len(form)
            if (start, end) not in places[name] and masked.isdisjoint(range(start, end)):
                places[name].append((start, end))
        return places

    def _mentions(
        self,
        tokens: Sequence[str],
        places: dict[str, list[tuple[int, int]]],
        signs: Iterable[tuple[str, tuple[str, ...], int, frozenset[str]]],
    ) -> list[Mention]:
        result = []
        present = {name for name, found in places.items() if found}
        for label, sign, reach, needed in signs:
            if not needed <= present:
                continue
            for span in _spans([places[name] for name in sign], len(sign) + reach):
                covered = {
                    i
                    for name in sign
                    for start, end in places[name]
                    if end >= span[0] and start <= span[1]
                    for i in range(start, end)
                }
                context = self._context(tokens, span, covered)
                words = " ".join(tokens[span[0] : span[1]])
                result.append(Mention(label, sign, words, context))
        return result

    def _context(
        self, tokens: Sequence[str], span: tuple[int, int], covered: set[int]
    ) -> tuple[ContextKind, ...]:
        """The context kinds whose triggers reach the sign at ``span``. A trigger does not
        count where it is a word of the sign's own concepts touching the sign ("not" in
        "can not catch my breath") or part of a pseudo-trigger ("will not stop")."""
        start, end = span
        kinds: list[ContextKind] = []
        ignored = covered | {
            i
            for at, phrase, _ in self._pseudo_triggers.find(tokens)
            for i in range(at, at + len(phrase))
        }
        for at, form, (kind, reach) in self._before.find(
            tokens, max(0, start - self._scope - 3), end
        ):
            after = at + len(form)
            target = next((i for i in range(max(after, start), end) if i in covered), None)
            if (
                target is not None
                and target - after - self._listed(tokens[after:target]) <= reach
                and ignored.isdisjoint(range(at, after))
                and not self._stops.any_in(tokens[after:target])
            ):
                kinds.append(kind)
        tail = tokens[end : end + self._scope + 3]
        for at, form, (kind, reach) in self._after.find(tail):
            if (
                at <= reach
                and ignored.isdisjoint(range(end + at, end + at + len(form)))
                and not self._current.any_in(tail[:at])
            ):
                kinds.append(kind)
        return tuple(dict.fromkeys(kinds))

    def _listed(self, gap: Sequence[str]) -> int:
        """How many words of ``gap`` (between a trigger and its sign) are earlier items of a
        list the sign ends ("red streaks or" in "no red streaks or pus"); none when the
        list is longer than ``LIST_REACH``."""
        joined = max((n + 1 for n, token in enumerate(gap) if token in self._joins), default=0)
        return joined if joined <= LIST_REACH else 0


def _at(tokens: Sequence[str], at: int, form: _Form) -> bool:
    """Whether ``form`` stands in ``tokens`` at ``at``; the word ``#year`` in a form stands
    for a year from 1900 to 2099 ("in #year": "in 2015")."""
    if at + len(form) > len(tokens):
        return False
    return all(
        token == word or (word == YEAR and _is_year(token))
        for token, word in zip(tokens[at : at + len(form)], form, strict=True)
    )


def _is_year(token: str) -> bool:
    return len(token) == 4 and token[:2] in ("19", "20") and token.isdigit()


def _spans(places: list[list[tuple[int, int]]], width: int) -> list[tuple[int, int]]:
    """The spans that hold one place of each concept, taking each place of the first
    concept with the nearest place of each other one, if they lie within ``width`` words
    beyond the concepts' own (a place two concepts share counts once)."""
    found: list[tuple[int, int]] = []
    for anchor in places[0]:
        chosen = {anchor} | {
            min(group, key=lambda p: abs(p[0] - anchor[0])) for group in places[1:]
        }
        start = min(p[0] for p in chosen)
        end = max(p[1] for p in chosen)
        own = sum(p[1] - p[0] for p in chosen)
        if end - start - own + len(chosen) <= width and (start, end) not in found:
            found.append((start, end))
    return found


@functools.cache
def _dictionaries() -> object:
    from spellchecker import SpellChecker

    return SpellChecker(language=["en", "fr", "es"], distance=1)


def is_word(word: str) -> bool:
    """Whether ``word`` is in the English, French or Spanish word list (loaded on first
    use: it is asked only about a word the triage might read as a slip of a danger word)."""
    return word in _dictionaries()  # type: ignore[operator]


def load_word_lists_in_background() -> None:
    """Load the word lists on a background thread, for the interactive shells: loading
    takes about a second, and a patient's first typing slip should not wait for it."""
    threading.Thread(target=_dictionaries, name="word-lists", daemon=True).start()
