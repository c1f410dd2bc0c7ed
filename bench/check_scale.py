"""How ``ims-bot check`` scales: time and peak memory on synthetic FAQs of growing size.

Builds FAQs of 1,250, 2,500, 5,000 and 10,000 entries (distinct questions, six alternates
each, worded from a fixed-seed pool of topic words and everyday question frames), runs
``ims-bot check`` on each in its own process, and prints the wall time, the growth per
doubling of entries and the process's peak resident memory. Usage::

    python bench/check_scale.py [--sizes 1250 2500 ...] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1250, 2500, 5000, 10000)
ALTERNATES = 6
_SYLLABLE_TEXT = """
    ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ka ke ki ko la le li lo lu
    ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu
    va ve vi vo za ze zi zo
"""
SYLLABLES = _SYLLABLE_TEXT.split()
FRAMES = (
    "what is {a}",
    "what is {a} {b}",
    "how does {a} help {b}",
    "can {a} help with {b}",
    "is {a} good for {b} {c}",
    "does {a} hurt my {b}",
    "why would i need {a} {b}",
    "tell me about {a} and {b}",
    "how long does {a} {b} take",
    "should i try {a} for {c}",
    "will {a} fix my {b}",
    "where does {a} {b} come from",
    "is {b} {a} safe",
    "what happens during {a} {c}",
)
_EVERYDAY_TEXT = """
    pain back neck shoulder knee session needle muscle doctor week day night sleep work
    sport exercise appointment treatment therapy stiffness cramp ache
"""
EVERYDAY = _EVERYDAY_TEXT.split()


def word_pool(size: int, rng: random.Random) -> list[str]:
    """``size`` distinct made-up topic words of two to four syllables."""
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


def synthetic_faq(entries: int, seed: int = 16) -> str:
    """The YAML text of a FAQ of ``entries`` entries, each with distinct phrasings."""
    rng = random.Random(seed)
    pool = word_pool(entries * 2, rng)
    lines = [
        "disclaimer: This is general information, not medical advice.",
        "escalation: Please ask your physiotherapist.",
        "entries:",
    ]
    for number in range(entries):
        topic = pool[2 * number : 2 * number + 2]
        phrasings: dict[str, None] = {}
        while len(phrasings) < 1 + ALTERNATES:
            frame = rng.choice(FRAMES)
            words = {"a": topic[0], "b": topic[1], "c": rng.choice(EVERYDAY)}
            if rng.random() < 0.5:
                words["a"], words["b"] = words["b"], words["a"]
            phrasings[frame.format(**words)] = None
        question, *alternates = phrasings
        lines += [
            f"  - id: entry-{number}",
            f"    question: {json.dumps(question.capitalize() + '?')}",
            f"    alternates: {json.dumps(alternates)}",
            f"    answer: {json.dumps(f'Answer {number} about {topic[0]} and {topic[1]}.')}",
        ]
    return "\n".join(lines) + "\n"


def timed_check(path: Path, timeout: float) -> tuple[float | None, float, str]:
    """Seconds ``check`` took (None on timeout), its peak memory in MiB, its summary line."""
    command = [sys.executable, "-m", "ims_bot", "check", "--faq", str(path)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                spent: float | None = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                spent = None
                break
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        lines = output.read().decode("utf-8", "replace").splitlines()
    summary = lines[-1].split(": ", 1)[-1] if lines else ""
    return spent, usage.ru_maxrss / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=900.0, help="Seconds per run.")
    args = parser.parse_args()
    print("| entries | phrasings | check s | x per doubling | peak MiB | summary |")
    print("|---:|---:|---:|---:|---:|---|")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"faq-{size}.yaml"
            path.write_text(synthetic_faq(size), encoding="utf-8")
            spent, peak, summary = timed_check(path, args.timeout)
            growth = ""
            if spent is not None and previous is not None:
                doublings = math.log2(size / previous[0])
                growth = f"{(spent / previous[1]) ** (1 / doublings):.2f}"
            shown = f"{spent:.1f}" if spent is not None else f"> {args.timeout:g}"
            print(
                f"| {size:,} | {size * (1 + ALTERNATES):,} | {shown} | {growth} "
                f"| {peak:.0f} | {summary} |",
                flush=True,
            )
            previous = (size, spent) if spent is not None else None


if __name__ == "__main__":
    main()
