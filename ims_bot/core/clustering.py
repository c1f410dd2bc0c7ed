"""Group similar questions, so a curator reads each unanswered topic once.

Questions are compared on their normalised text (case folded, punctuation dropped,
contractions expanded, common function words left out, the rest stemmed, so "Is there
parking?" and "parking nearby" meet) with rapidfuzz's ``token_sort_ratio``. Grouping is
greedy and deterministic: the most frequent wording opens the first group, and each next
wording joins the group whose leader it is most similar to, or opens a new one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ims_bot.core.index import FUNCTION_WORDS
from ims_bot.core.normalise import stem, words
from ims_bot.core.settings import DEFAULTS


def content_key(text: str) -> str:
    """The default comparison key: the stems of the content words of ``text``."""
    stems = (stem(word) for word in words(text))
    return " ".join(word for word in stems if word not in FUNCTION_WORDS)


@dataclass(frozen=True)
class Cluster:
    """Questions that read alike.

    ``wordings`` are the distinct original texts with their counts, most frequent first;
    the first is the representative. ``indices`` are positions in the grouped sequence.
    """

    wordings: tuple[tuple[str, int], ...]
    indices: tuple[int, ...]

    @property
    def representative(self) -> str:
        """The group's most frequent wording."""
        return self.wordings[0][0]

    @property
    def count(self) -> int:
        """How many questions the group holds."""
        return len(self.indices)


def cluster(
    questions: Sequence[str],
    key: Callable[[str], str] = content_key,
    similar_at: float = DEFAULTS.similar_at,
) -> list[Cluster]:
    """Group ``questions``; largest groups first, ties in order of first appearance.

    Args:
        questions: the question texts, in any order.
        key: turns a question into the normalised text that is compared.
        similar_at: the similarity (0-100, rapidfuzz ``token_sort_ratio``) a question
            needs to join a group.
    """
    keys = [key(question) for question in questions]
    by_key: dict[str, list[int]] = {}
    for position, text in enumerate(keys):
        by_key.setdefault(text, []).append(position)
    order = sorted(by_key, key=lambda text: (-len(by_key[text]), by_key[text][0]))
    leaders: list[str] = []
    members: list[list[str]] = []
    for text in order:
        match = process.extractOne(
            text, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=similar_at
        )
        if match is None:
            leaders.append(text)
            members.append([text])
        else:
            members[match[2]].append(text)
    groups = []
    for group in members:
        indices = sorted(position for text in group for position in by_key[text])
        counts = Counter(questions[position] for position in indices)
        first = {questions[position]: position for position in reversed(indices)}
        wordings = sorted(counts.items(), key=lambda item: (-item[1], first[item[0]]))
        groups.append(Cluster(tuple(wordings), tuple(indices)))
    return sorted(groups, key=lambda group: (-group.count, group.indices[0]))
