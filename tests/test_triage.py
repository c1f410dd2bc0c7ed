"""Safety triage: signs from concepts, ConText-style context, and the three outcomes.

These tests build a small FAQ of their own; the shipped FAQ's triage is measured by the
lists under ``tests/triage`` (see ``test_triage_lists.py`` and ``bench/triage.py``).
"""

from __future__ import annotations

import pytest

from ims_bot.core.conversation import Conversation
from ims_bot.core.engine import Engine
from ims_bot.core.faq import Faq
from ims_bot.core.loader import parse_faq
from ims_bot.core.normalise import Normaliser
from ims_bot.core.policy import Ask
from ims_bot.core.triage import Triager
from ims_bot.errors import FaqError

FAQ_TEXT = """
disclaimer: General information only.
escalation: Please ask your physiotherapist.
synonyms:
  painful: [hurt, hurts]
urgent:
  check: If this is happening now, call 911.
  unwell:
    reply: If you feel unwell now, tell the front desk or call 911.
    signs: [[me, unwell]]
  concepts:
    me: [i, my, me]
    chest: [chest, ribs]
    pain: [pain, painful, tight, tightness, pressure]
    breathe: [breathe, breath, breathing]
    cannot: [can not, struggling to, hard to]
    faint: [faint, fainted, pass out]
    unwell: [sick, shaky, dizzy]
    diabetes: [diabetes, diabetic]
  categories:
    - id: breathing
      reply: Trouble breathing is an emergency. Call 911.
      signs: [[cannot, breathe], [breathe, pain]]
    - id: chest
      reply: Chest pain is an emergency. Call 911.
      signs: [[chest, pain]]
    - id: fainting
      reply: Fainting is an emergency. Call 911.
      signs: [[faint]]
    - id: self-harm
      reply: Call 911, or call or text 988.
      signs: [[want to die], [kill myself]]
  situations:
    - handoff: conditions
      signs: [[me, diabetes]]
  pseudo: [stroke of luck]
  context:
    scope: 6
    negated:
      right_before: ["no", not, never]
    historical:
      after: [years ago, last time]
      right_before: [history of]
    hypothetical:
      before: [can ims, will ims, what if, risk of]
    other:
      before: [family history of]
    current: [now, still]
    ends: [but]
entries:
  - id: sore
    question: Will I be sore after IMS?
    alternates: [is ims painful, does ims hurt, will ims make me faint]
    answer: Some soreness is common.
  - id: conditions
    kind: handoff
    question: Can I have IMS with another health condition?
    alternates: [i have a health condition]
    answer: Please ask your physiotherapist about your condition.
"""


@pytest.fixture(scope="module")
def faq() -> Faq:
    return parse_faq(FAQ_TEXT, "triage.yaml")


@pytest.fixture(scope="module")
def engine(faq: Faq) -> Engine:
    return Engine(faq)


@pytest.fixture(scope="module")
def triager(faq: Faq, engine: Engine) -> Triager:
    return Triager(faq.urgent, engine.index.normaliser, dictionary=lambda word: word == "fait")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I have chest pain", "chest"),
        ("my chest hurts", "chest"),
        ("pain in my chest since this morning", "chest"),
        ("i cant breathe", "breathing"),
        ("i am struggling to braethe", "breathing"),
        ("it hurts when i breathe in", "breathing"),
        ("I fainted after the session", "fainting"),
        ("i want to die", "self-harm"),
        ("I had a stroke years ago but now my chest is tight", "chest"),
    ],
)
def test_a_sign_happening_now_is_urgent(triager: Triager, text: str, category: str) -> None:
    triage = triager.scan(text)
    assert (triage.level, triage.category) == ("urgent", category)
    assert triage.alert == {"level": "urgent", "category": category}


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("no chest pain, just a sore neck", "negated"),
        ("I fainted last time I had blood taken", "historical"),
        ("chest pain years ago", "historical"),
        ("can IMS help chest tightness from my desk", "hypothetical"),
        ("what if I faint during the session", "hypothetical"),
        ("is there a risk of chest pain", "hypothetical"),
        ("family history of chest pain", "other"),
    ],
)
def test_a_sign_with_context_is_a_check(triager: Triager, text: str, context: str) -> None:
    triage = triager.scan(text)
    assert triage.level == "check"
    assert context in triage.mentions[0].context
    assert triage.alert == {"level": "check", "category": triage.category}


def test_a_word_that_says_now_ends_a_trigger_scope(triager: Triager) -> None:
    assert triager.scan("what if my chest pain is still there").level == "check"
    assert triager.scan("what if, well, now my chest is tight").level == "urgent"


def test_a_trigger_that_is_part_of_the_sign_does_not_count(triager: Triager) -> None:
    assert triager.scan("i can not breathe").level == "urgent"


@pytest.mark.parametrize(
    "text", ["does ims hurt", "est-ce que ça fait mal", "what a stroke of luck"]
)
def test_ordinary_text_has_no_sign(triager: Triager, text: str) -> None:
    assert triager.scan(text).level is None


def test_a_real_word_is_never_read_as_a_slip_of_a_danger_word(triager: Triager) -> None:
    assert triager.tokens("fait")[0] == "fait"
    assert triager.tokens("faimt")[0] == "faint"


def test_the_unwell_level_needs_the_writer_now(triager: Triager) -> None:
    assert triager.scan("I feel really sick and shaky").level == "unwell"
    assert triager.scan("will ims make me dizzy").level is None


def test_a_named_situation_is_found_unless_denied(triager: Triager) -> None:
    assert triager.scan("I am diabetic, does ims hurt").situation == "conditions"
    assert triager.scan("i do not have diabetes").situation is None


def test_urgent_replies_come_from_their_category(engine: Engine) -> None:
    reply = engine.reply("I can't breathe")
    assert reply.kind == "urgent"
    assert reply.body == "Trouble breathing is an emergency. Call 911."
    assert reply.to_json()["alert"] == {"level": "urgent", "category": "breathing"}
    assert reply.text.endswith(reply.disclaimer)


def test_a_check_opens_the_ordinary_reply_with_one_line(engine: Engine) -> None:
    reply = engine.reply("will ims make me faint")
    assert (reply.kind, reply.id) == ("answer", "sore")
    assert reply.body == "If this is happening now, call 911.\n\nSome soreness is common."
    assert reply.to_json()["alert"] == {"level": "check", "category": "fainting"}


def test_a_distressed_writer_is_never_sent_the_plain_escalation(engine: Engine) -> None:
    reply = engine.reply("I feel really sick and shaky")
    assert reply.kind == "handoff"
    assert reply.body.startswith("If you feel unwell now, tell the front desk or call 911")
    assert "Please ask your physiotherapist." not in reply.text


def test_a_named_situation_wins_over_an_ordinary_answer(engine: Engine) -> None:
    reply = engine.reply("I am diabetic. Does IMS hurt?")
    assert (reply.kind, reply.id) == ("handoff", "conditions")


def test_no_sign_leaves_the_reply_and_the_alert_empty(engine: Engine) -> None:
    reply = engine.reply("does ims hurt")
    assert (reply.kind, reply.id, reply.alert) == ("answer", "sore", None)


def test_an_internal_error_keeps_the_urgent_reply(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("injected")

    fresh = Engine(engine.faq)
    monkeypatch.setattr(Ask, "match", broken)
    assert fresh.reply("I have chest pain").kind == "urgent"
    assert fresh.reply("does ims hurt").kind == "escalate"


def test_the_old_flat_form_loads_as_one_category() -> None:
    faq = parse_faq(
        "disclaimer: d\nescalation: e\nurgent:\n  phrases: [chest pain, face|lips blue]\n"
        "  reply: Call 911 now.\nentries:\n  - {id: a, question: q, answer: x}\n"
    )
    triager = Triager(faq.urgent, Normaliser())
    assert [c.id for c in faq.urgent.categories] == ["urgent"]
    assert triager.scan("her lips have gone blue").level == "urgent"
    assert triager.scan("his face is blue").level == "urgent"
    assert triager.scan("grey skies today").level is None
    assert Engine(faq).reply("pain in my chest").body == "Call 911 now."


def test_the_explanation_names_the_category_and_context(triager: Triager) -> None:
    silent = "model: 0.10 - (no telling words)"
    assert triager.scan("no chest pain").explain() == (
        f"triage: check chest ('chest pain': negated); {silent}"
    )
    assert triager.scan("hello").explain() == f"triage: no danger sign; {silent}"


def test_a_conversation_keeps_the_urgent_reply_through_an_internal_error(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("injected")

    conversation = Conversation(Engine(engine.faq))
    monkeypatch.setattr(conversation.engine, "decide", broken)
    reply = conversation.respond("I have chest pain")
    assert reply.kind == "urgent"
    assert reply.text.endswith(reply.disclaimer)
    assert conversation.respond("does ims hurt").kind == "escalate"


ONE_CATEGORY = "  concepts: {a: [x]}\n  categories:\n    - {id: c, reply: r, signs: [[a]]}\n"


@pytest.mark.parametrize(
    ("urgent", "line", "reason"),
    [
        (
            ONE_CATEGORY + "    - {id: c, reply: r, signs: [[a]]}\n",
            7,
            "duplicate category id 'c' (first at line 6)",
        ),
        (
            ONE_CATEGORY.replace("[[a]]}", "[[a]], reach: 99}"),
            6,
            "'reach' must be a whole number from 0 to 30",
        ),
        (
            ONE_CATEGORY + "  context: {scope: 0}\n",
            7,
            "'scope' must be a whole number from 1 to 30",
        ),
        (
            ONE_CATEGORY + "  situations:\n    - {handoff: nowhere, signs: [[a]]}\n",
            8,
            "situation names unknown id 'nowhere'",
        ),
        (ONE_CATEGORY + "  context: {negated: {ahead: [no]}}\n", 7, "unknown key 'ahead'"),
        (
            ONE_CATEGORY.replace("[[a]]}", "[[a]], still_urgent: [later]}"),
            6,
            "'later' in 'still_urgent' of category 'c' is not one of negated, historical,",
        ),
        (
            ONE_CATEGORY.replace("[[a]]}", "[[a]], doubt: sometimes}"),
            6,
            "'doubt' must be true or false",
        ),
    ],
)
def test_a_broken_triage_section_is_a_file_line_error(urgent: str, line: int, reason: str) -> None:
    entries = "entries:\n  - {id: q, question: q, answer: a}\n"
    text = f"disclaimer: d\nescalation: e\nurgent:\n{urgent}{entries}"
    with pytest.raises(FaqError) as caught:
        parse_faq(text, "t.yaml")
    assert str(caught.value).startswith(f"t.yaml:{line}: {reason}")


def test_a_habitual_sign_is_urgent_only_where_its_category_says_so() -> None:
    text = FAQ_TEXT.replace(
        "      signs: [[want to die], [kill myself]]",
        "      signs: [[want to die], [kill myself]]\n      still_urgent: [habitual]",
    ).replace("    other:\n", "    habitual:\n      before: [sometimes]\n    other:\n")
    faq = parse_faq(text, "habitual.yaml")
    scan = Triager(faq.urgent, Engine(faq).index.normaliser).scan
    thoughts = scan("sometimes i want to die")
    assert (thoughts.level, thoughts.category) == ("urgent", "self-harm")
    assert thoughts.mentions[0].context == ("habitual",)
    assert scan("sometimes i get chest pain").level == "check"
    assert scan("i wanted to die years ago").level == "check"
