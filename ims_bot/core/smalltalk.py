"""Small talk and bare numbers: what a whole message says when it asks nothing.

Recognisers the reply policy runs before matching ("hi", "thanks", "2", "option two");
the phrases and number words are the language file's (``data/language.yaml``).
"""

from __future__ import annotations

import re

from ims_bot.core.language import language
from ims_bot.core.normalise import words

STATE_KEEPING = frozenset({"acknowledge", "yes", "no", "sorry", "out of range"})
"""Small talk (and a number out of range) that leaves the numbered list the person may
pick from as it was."""
_NUMBER = re.compile(r"^\s*(?:#|no\.?|number|option)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """The number a message picks ("2", "2)", "#2", "option two"), or None."""
    match = _NUMBER.match(text)
    if match:
        return int(match.group(1))
    tokens = words(text)
    if tokens and tokens[0] in ("option", "number"):
        tokens = tokens[1:]
    if len(tokens) == 1:
        return language().numbers.get(tokens[0])
    return None


def smalltalk_kind(text: str) -> str | None:
    """Which kind of small talk the whole message is, if any."""
    phrase = " ".join(words(text))
    if not phrase and text.strip() == "?":
        return "help"
    for kind, phrases in language().smalltalk.items():
        if phrase in phrases:
            return kind
    return None
