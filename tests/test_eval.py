"""The project's own evaluation sets under ``tests/eval/``, scored at the defaults.

``questions.yaml`` is the main set; the ``independent-*.yaml`` sets were written from the
entries' questions and answers (sets A to C) or from the specification's entry table and the
source article (sets D and I to P) only, never from the alternates. All thirteen are
development sets (each file's header says why): they have prompted changes, so their figures
describe the matcher on wording it was tuned with, not on new wording. A held-out set
(written by someone who never saw the rules, frozen on arrival, measured once and reported
with that first figure, never mined) is not kept here; one that prompts a change becomes a
development set. No set holds a question that reads the same as a phrasing of the shipped
FAQ once normalised (case, punctuation, contractions and synonyms): such a question measures
only that the FAQ knows its own wording.

Each question is labelled with its acceptable entry ids, or ``escalate`` (off-topic) or
``urgent``; a question whose ids are all ``handoff`` entries is a hand-off question.
Asserted, as absolutes: no off-topic question given an ordinary answer, nor a hand-off
question (but the known cases, ``KNOWN_OFF_TOPIC_ANSWERED`` and ``KNOWN_HANDOFF_ANSWERED``);
every urgent question caught. Asserted within bounds, so that a curator's ordinary edit,
which trades a few questions one way or the other, does not fail the tests: each set's share
of in-scope questions answered with an acceptable entry stays within ``TOLERANCE`` of the
figure stated in ``SETS``, and no set has more than ``MOST_WRONG`` in-scope questions
answered with a wrong entry. A share outside its band, either way, means the matcher's
behaviour changed: find out why, then restate the figure. The figures are written to the
test report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.normalise import Normaliser, words

pytestmark = pytest.mark.shipped_faq

EVAL = Path(__file__).parent / "eval"
SETS = {
    "questions.yaml": 0.916,
    "independent-a.yaml": 0.918,
    "independent-b.yaml": 0.944,
    "independent-c.yaml": 0.919,
    "independent-d.yaml": 0.943,
    "independent-i.yaml": 0.885,
    "independent-j.yaml": 0.853,
    "independent-k.yaml": 0.924,
    "independent-l.yaml": 0.895,
    "independent-m.yaml": 0.906,
    "independent-n.yaml": 0.891,
    "independent-o.yaml": 0.906,
    "independent-p.yaml": 0.899,
    "independent-s.yaml": 0.898,
    "independent-t.yaml": 0.903,
    "independent-x.yaml": 0.881,
}
"""Each set's share of in-scope questions answered right at the shipped FAQ and defaults:
152/166, 123/134, 135/143, 125/136, 116/123, 100/113, 93/109, 97/105, 102/114, 115/127,
98/110, 106/117, 98/109, 106/118, 102/113 and 104/118. The FAQ's own phrasings were taken
out of every set. Sets I to P, S, T and X were held-out sets, each measured once
(docs/matching.md) before it became a development set."""
HELD_OUT = (
    "heldout-e.yaml",
    "heldout-f.yaml",
    "heldout-g.yaml",
    "heldout-h.yaml",
    "heldout-q.yaml",
    "heldout-r.yaml",
    "heldout-u.yaml",
    "heldout-v.yaml",
    "heldout-w.yaml",
)
"""Held-out sets: written by people who saw only the specification and the source article,
frozen on arrival, measured once by ``bench/ims_eval.py`` (figures in docs/matching.md).
No test asserts their figures; only that their labels name real entries and that no
question is a phrasing of the FAQ."""
TOLERANCE = 0.04
"""How far a set's in-scope share may move from its stated figure: four to six questions
of a set of 105 to 166 in-scope questions, a curator's ordinary edit."""
MOST_WRONG = 3
"""The most in-scope questions of one set answered with a wrong entry (about 2 % of a set's in-
scope questions). Measured: 3, 1, 0, 0, 1, 0, 0, 0, 2, 1, 1, 1 and 2; the main set's three
are "what kind of practitioner gives IMS therapy?" (what-is-ims), "how does sticking a
needle in a muscle make the pain go away" (pain-relief) and "does intramuscular stimulation
actually work" (how-ims-works)."""
KNOWN_HANDOFF_ANSWERED = {
    "Why do I keep getting this sharp ache under my shoulder blade, and would IMS fix it?"
}
"""The one hand-off question given an ordinary answer (set C: shoulder-pain, where the
label is handoff-personal-diagnosis); any other is a failure."""
KNOWN_OFF_TOPIC_ANSWERED = {
    "What does IMS stand for in IT?",
    "whats ur name lol",
    "is a chiropractor better than a massage therapist",
    "how do i get rid of a headache",
    "How do I treat a bee sting?",
}
"""The off-topic questions given an ordinary answer; any other is a failure. Set M's reads
"IT" as the word "it", so it asks what IMS stands for (what-is-ims). Set N's is small talk
("what is your name" is) but for its "lol", and "name" is its one weighty word
(ims-and-dry-needling: "another name for dry needling"). Set O's reads as "is ims better than
a chiropractor" (compared-to-other-treatments); the wording tried in other-health-topics to
catch it came closer to that entry's phrasings than to its own. Set P's bee sting was once
caught by an other-health-topics wording that all but copied it ("how do i treat a bee
sting or an insect bite"), and set O's headache by one that copied set J's heartburn
question ("how do i get rid of heartburn or acid reflux"); both were reworded, as no eval
question may be an FAQ phrasing, and the two went back to is-ims-painful ("worse than a
bee sting") and pain-relief ("can ims get rid of my pain")."""


@dataclass
class Score:
    """Counts per question group of one set: how many, how many right, what went wrong."""

    name: str
    total: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, group: str, line: str) -> None:
        self.failures.setdefault(group, []).append(line)

    def summary(self) -> str:
        return (
            "; ".join(
                f"{group} {self.right[group]}/{self.total[group]}"
                + (
                    f" ({100 * self.right[group] / self.total[group]:.1f}%)"
                    if self.total[group]
                    else ""
                )
                for group in ("in-scope", "hand-off", "off-topic", "urgent")
            )
            + "; "
            + ", ".join(f"{key} {len(lines)}" for key, lines in sorted(self.failures.items()))
        )


def load_questions(name: str) -> list[dict[str, object]]:
    """The labelled questions of set ``name``."""
    return yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(SETS))
def score(
    shipped_engine: Engine,
    request: pytest.FixtureRequest,
    bench_script: Callable[[str], ModuleType],
) -> Score:
    """Every question of one set decided at the shipped FAQ's settings, counted and reported
    (grouped as ``bench/ims_eval.py`` groups them)."""
    group_of = bench_script("ims_eval").group_of
    kinds = {entry.id: entry.kind for entry in shipped_engine.faq.entries}
    result = Score(request.param)
    for item in load_questions(request.param):
        question, expect = str(item["q"]), item["expect"]
        decision = shipped_engine.decide(question)
        got = decision.entry.id if decision.entry else None
        seen = f"{question!r} -> {decision.kind} {got or ''}"
        group = group_of(expect, kinds)
        if group == "urgent":
            right = decision.kind == "urgent"
        elif group == "off-topic":
            right = decision.kind != "answer"
        elif group == "hand-off":
            right = decision.kind == "handoff" and got in expect
            if decision.kind == "answer":
                result.fail("hand-off answered", seen)
            elif decision.kind == "handoff" and got not in expect:
                result.fail("hand-off to another entry", seen)
        else:
            right = decision.kind in ("answer", "handoff") and got in expect
            if decision.kind in ("answer", "handoff") and not right:
                result.fail("in-scope wrong entry", seen)
        result.total[group] += 1
        result.right[group] += right
        if not right and group in ("urgent", "off-topic"):
            result.fail(f"{group} missed", seen)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nIMS eval {request.param}: {result.summary()}")
    return result


@pytest.mark.parametrize("name", sorted(SETS) + list(HELD_OUT))
def test_labels_name_real_entries(shipped_engine: Engine, name: str) -> None:
    ids = {entry.id for entry in shipped_engine.faq.entries}
    for item in load_questions(name):
        expect = item["expect"]
        assert expect in ("urgent", "escalate") or set(expect) <= ids, item


def test_the_main_set_has_the_required_size(
    shipped_engine: Engine, bench_script: Callable[[str], ModuleType]
) -> None:
    group_of = bench_script("ims_eval").group_of
    kinds = {entry.id: entry.kind for entry in shipped_engine.faq.entries}
    items = load_questions("questions.yaml")
    groups = Counter(group_of(item["expect"], kinds) for item in items)
    assert len(items) >= 200
    assert groups["off-topic"] >= 50
    assert groups["hand-off"] >= 30
    assert groups["urgent"] >= 15


def test_in_scope_share_stays_near_its_figure(score: Score) -> None:
    share = score.right["in-scope"] / score.total["in-scope"]
    assert abs(share - SETS[score.name]) <= TOLERANCE, (
        f"{share:.3f} is outside {SETS[score.name]} ± {TOLERANCE}: {score.summary()}"
    )


def test_in_scope_wrong_answers_stay_rare(score: Score) -> None:
    wrong = score.failures.get("in-scope wrong entry", [])
    assert len(wrong) <= MOST_WRONG, wrong


def test_no_off_topic_question_gets_an_answer(score: Score) -> None:
    missed = score.failures.get("off-topic missed", [])
    known = tuple(f"{question!r} -> " for question in KNOWN_OFF_TOPIC_ANSWERED)
    unexpected = [line for line in missed if not line.startswith(known)]
    assert not unexpected, unexpected


def test_hand_off_questions_get_no_ordinary_answer(score: Score) -> None:
    answered = score.failures.get("hand-off answered", [])
    known = tuple(f"{question!r} -> " for question in KNOWN_HANDOFF_ANSWERED)
    unexpected = [line for line in answered if not line.startswith(known)]
    assert not unexpected, unexpected


def test_every_urgent_question_is_caught(score: Score) -> None:
    assert not score.failures.get("urgent missed")


def reading(normaliser: Normaliser, text: str) -> tuple[str, ...]:
    """``text`` as the matcher reads it before spelling and stems: case-folded words,
    contractions expanded, punctuation dropped, synonyms replaced by their canonical word."""
    return tuple(normaliser.apply_synonyms(words(text)))


@pytest.mark.parametrize("name", sorted(SETS) + list(HELD_OUT))
def test_no_question_is_a_phrasing_of_the_faq(shipped_faq: Faq, name: str) -> None:
    normaliser = Normaliser(shipped_faq.synonyms)
    phrasings = {
        reading(normaliser, phrasing): entry.id
        for entry in shipped_faq.entries
        for phrasing in entry.phrasings
    }
    verbatim = [
        f"{item['q']!r} reads as a phrasing of {phrasings[key]}"
        for item in load_questions(name)
        if (key := reading(normaliser, str(item["q"]))) in phrasings
    ]
    assert not verbatim, verbatim
