"""Small talk and bare numbers: what a whole message says when it asks nothing.

Pure recognisers the reply policy runs before matching ("hi", "thanks", "2", "option two").
"""

from __future__ import annotations

import re

from ims_bot.core.normalise import words

_SMALLTALK = {
    "greeting": {
        "hi",
        "hello",
        "hey",
        "hiya",
        "howdy",
        "hi there",
        "hello there",
        "good morning",
        "good afternoon",
        "good evening",
        "yo",
        "greetings",
    },
    "thanks": {
        "thanks",
        "thank you",
        "thank you very much",
        "thanks a lot",
        "thx",
        "ty",
        "cheers",
        "ok thanks",
        "ok thank you",
        "great thanks",
        "thanks so much",
        "many thanks",
    },
    "bye": {"bye", "goodbye", "good bye", "bye bye", "see you", "see ya", "that is all", "done"},
    "help": {
        "help",
        "help me",
        "what can you do",
        "how does this work",
        "what can i ask",
        "instructions",
        "how do i use this",
        "what do i do",
    },
    "acknowledge": {
        "ok",
        "okay",
        "k",
        "cool",
        "hmm",
        "hmmm",
        "right",
        "i see",
        "got it",
        "fine",
        "alright",
        "all right",
        "great",
        "good",
        "nice",
    },
    "yes": {"yes", "yep", "yeah", "yes please", "sure"},
    "no": {"no", "nope", "nah", "no thanks", "no thank you", "not really"},
    "sorry": {"sorry", "oops", "my bad", "sorry about that"},
    "topics": {
        "topics",
        "topic",
        "menu",
        "main menu",
        "list",
        "options",
        "show topics",
        "faq",
        "questions",
    },
}
STATE_KEEPING = frozenset({"acknowledge", "yes", "no", "sorry", "out of range"})
"""Small talk (and a number out of range) that leaves the numbered list the person may
pick from as it was."""
_NUMBER_WORDS = {
    "zero": 0,
    "none": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
}
_NUMBER = re.compile(r"^\s*(?:#|no\.?|number|option)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """The number a message picks ("2", "2)", "#2", "option two"), or None."""
    match = _NUMBER.match(text)
    if match:
        return int(match.group(1))
    tokens = words(text)
    if tokens and tokens[0] in ("option", "number"):
        tokens = tokens[1:]
    if len(tokens) == 1 and tokens[0] in _NUMBER_WORDS:
        return _NUMBER_WORDS[tokens[0]]
    return None


def smalltalk_kind(text: str) -> str | None:
    """Which kind of small talk the whole message is, if any."""
    phrase = " ".join(words(text))
    if not phrase and text.strip() == "?":
        return "help"
    for kind, phrases in _SMALLTALK.items():
        if phrase in phrases:
            return kind
    return None
