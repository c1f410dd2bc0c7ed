"""Matching speed: per-question latency, growth with FAQ size, cold start and memory.

Measures, in one run on one machine, the product's ``Engine.decide`` per question on the
shipped FAQ and on generated FAQs of 1,000 and 10,000 entries, against a raw
``rapidfuzz.process.extractOne`` and a difflib ``SequenceMatcher`` search over the same
strings; ``ims-bot ask "does it hurt"`` cold start (the console script installed beside
this Python, as a user runs it; ``python -m ims_bot`` too, which also pays for ``runpy``)
against ``python -c "import rapidfuzz, rich, yaml"``, and their ratio; and the peak memory
of building and querying each index. Usage::

    python bench/speed.py
"""

from __future__ import annotations

import difflib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import process

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry, Faq
from ims_bot.core.loader import load_faq

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "faq.yaml"
QUESTIONS = 200
DIFFLIB_QUESTIONS = 20


def generated_faq(size: int, seed: int = 7) -> Faq:
    """A synthetic FAQ of ``size`` entries, each with five phrasings of 4-9 words."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(8000)
    ]
    common = [
        "what",
        "how",
        "can",
        "is",
        "does",
        "the",
        "a",
        "my",
        "i",
        "for",
        "with",
        "of",
        "to",
        "do",
        "it",
    ]
    entries = []
    for number in range(size):
        topic = rng.sample(vocabulary, 3)
        phrasings = [
            " ".join(rng.sample(common, 2) + topic[: rng.randint(1, 3)] + rng.sample(vocabulary, 3))
            for _ in range(5)
        ]
        entries.append(
            Entry(
                id=f"entry-{number}",
                question=phrasings[0],
                answer="Generated.",
                alternates=tuple(phrasings[1:]),
            )
        )
    return Faq(disclaimer="Generated.", escalation="Ask a person.", entries=tuple(entries))


def questions_for(faq: Faq, count: int, seed: int = 11) -> list[str]:
    """Distinct questions like users type: phrasings with a word dropped, a typo, or words
    added. Being distinct, none is answered from the engine's store of recent decisions."""
    rng = random.Random(seed)
    phrasings = [p for entry in faq.entries for p in entry.phrasings]
    result: dict[str, None] = {}
    while len(result) < count:
        words = rng.choice(phrasings).split()
        if len(words) > 2:
            words.pop(rng.randrange(len(words)))
        word = rng.randrange(len(words))
        if len(words[word]) > 4:
            chars = list(words[word])
            position = rng.randrange(len(chars) - 1)
            chars[position], chars[position + 1] = chars[position + 1], chars[position]
            words[word] = "".join(chars)
        words += rng.sample(["please", "really", "now", "tell", "me"], 2)
        result[" ".join(words)] = None
    return list(result)


def per_question(function: Callable[[str], object], questions: Sequence[str]) -> float:
    """Median seconds per question."""
    times = []
    for question in questions:
        start = time.perf_counter()
        function(question)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def difflib_best(strings: Sequence[str]) -> Callable[[str], object]:
    """The plain difflib search: the best ``ratio`` over every string."""

    def best(question: str) -> object:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(question.lower())
        top = (0.0, "")
        for text in strings:
            matcher.set_seq1(text)
            if matcher.real_quick_ratio() > top[0] and matcher.quick_ratio() > top[0]:
                top = max(top, (matcher.ratio(), text))
        return top

    return best


def latency(name: str, faq: Faq) -> dict[str, float]:
    """Median per-question times and peak memory for one FAQ."""
    questions = questions_for(faq, QUESTIONS)
    start = time.perf_counter()
    engine = Engine(faq)
    build = time.perf_counter() - start
    ours = per_question(engine.decide, questions)
    tracemalloc.start()
    Engine(faq).decide(questions[0])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    strings = [p.lower() for entry in faq.entries for p in entry.phrasings]
    raw = per_question(lambda q: process.extractOne(q, strings), questions)
    slow = per_question(difflib_best(strings), questions[:DIFFLIB_QUESTIONS])
    print(
        f"| {name} | {len(faq.entries)} | {len(strings)} | {1e3 * ours:.3f} | {1 / ours:,.0f} "
        f"| {1e3 * raw:.3f} | {ours / raw:.2f} | {1e3 * slow:.2f} | {slow / ours:.1f} "
        f"| {build:.2f} | {peak / 2**20:.1f} |",
        flush=True,
    )
    return {"ours": ours, "raw": raw, "difflib": slow}


Run = tuple[Sequence[str], dict[str, str] | None]
"""A command and its environment (None: this process's)."""


def cold_starts(commands: dict[str, Run], runs: int = 9) -> dict[str, float]:
    """Median wall time of running each command to completion, in seconds.

    The commands take turns, run after run, so that a change in the machine's load
    weighs on all of them alike and their ratios hold.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, environ) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=environ)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(spent) for name, spent in times.items()}


def main() -> None:
    print(
        "| FAQ | entries | phrasings | ims-bot ms/q | q/s | extractOne ms/q | ims-bot / extractOne "
        "| difflib ms/q | difflib / ims-bot | build s | peak MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = {"shipped": latency("shipped", load_faq(SHIPPED))}
    for size in (1000, 10000):
        results[str(size)] = latency(f"generated {size:,}", generated_faq(size))
    growth = results["10000"]["ours"] / results["1000"]["ours"]
    print(f"\nGrowth from 1,000 to 10,000 entries: x{growth:.1f} per question.")
    module = [sys.executable, "-m", "ims_bot", "ask", "does it hurt"]
    script = Path(sys.executable).with_name("ims-bot")
    ask = [str(script), "ask", "does it hurt"] if script.is_file() else module
    with tempfile.TemporaryDirectory() as cache:
        environ = {**os.environ, "XDG_CACHE_HOME": cache}
        subprocess.run(ask, check=True, capture_output=True, env=environ)  # stores the engine
        spent = cold_starts(
            {
                "bare": ([sys.executable, "-c", "import rapidfuzz, rich, yaml"], None),
                "cached": (ask, environ),
                "module": (module, environ),
                "uncached": (ask, {**os.environ, "IMS_BOT_CACHE": "off"}),
            }
        )
    bare, cached, uncached = spent["bare"], spent["cached"], spent["uncached"]
    print(
        f"Cold start: bare imports {1e3 * bare:.0f} ms; `{' '.join(ask[:2])}` "
        f"{1e3 * cached:.0f} ms with the prepared engine cached (ratio {cached / bare:.2f}; "
        f"`python -m ims_bot` {spent['module'] / bare:.2f}), {1e3 * uncached:.0f} ms preparing "
        f"it (first run after an FAQ edit, or IMS_BOT_CACHE=off; ratio {uncached / bare:.2f})."
    )
    print(
        f"Cold-start ratio, cached `ask` / bare imports: {cached / bare:.2f} (target 1.5 at most)."
    )


if __name__ == "__main__":
    main()
