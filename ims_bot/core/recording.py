"""Recording: a conversation written back as a dialogue script, to replay as a regression test.

Each turn expects the kind the reply had and, for answers and hand-offs, the entry id;
never answer text, so a curator rewording an answer does not break the recording.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from ims_bot.core.reply import Reply

HEADER = (
    "# Recorded with `ims-bot chat --record`: each turn expects the reply's kind and entry id.\n"
    "# Replay with `ims-bot test FILE`; edit the expectations where the bot was wrong.\n"
)


def record(exchanges: Iterable[tuple[str, Reply]], name: str, faq: str | None = None) -> str:
    """The dialogue YAML for ``exchanges`` (user text, reply), in order.

    Args:
        exchanges: each message the user sent with the reply it got.
        name: the dialogue's name.
        faq: the FAQ path to write as the ``faq`` key (relative to the script's folder),
            or None for the default FAQ.
    """
    turns = []
    for user, reply in exchanges:
        expect: dict[str, str] = {"kind": reply.kind}
        if reply.id is not None:
            expect["id"] = reply.id
        turns.append({"user": user, "expect": expect})
    data: dict[str, object] = {"name": name}
    if faq is not None:
        data["faq"] = faq
    data["turns"] = turns
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=None
    )
    return HEADER + body
