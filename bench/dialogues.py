"""Benchmark the dialogue runner: turns per second, and peak memory as dialogues grow.

A dialogue is generated from the FAQ itself: questions and alternates (some lower-cased
or with a typo), numbers picking from the list just shown, small talk, off-topic
questions and red flags, each turn expecting the entry it was written from. The runner
streams, so its peak memory must stay flat from 1,000 to 50,000 turns.

Peak memory grows by a few hundred KiB over the first few thousand turns while CPython's
free lists (tuples, floats) fill up; those are bounded, and beyond them it stays flat.
After the run, with a garbage collection, almost nothing is still held: no result is kept.

Usage: python bench/dialogues.py [--faq PATH] [--turns N] [--repeat 5]
                                [--sizes 1000,10000,50000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ims_bot.cli import main  # noqa: E402
from ims_bot.core import engine as engine_module  # noqa: E402
from ims_bot.core.conversation import Conversation  # noqa: E402
from ims_bot.core.dialogue import Dialogue, Expect, Turn, check, run  # noqa: E402
from ims_bot.core.engine import Engine  # noqa: E402
from ims_bot.core.faq import Faq  # noqa: E402
from ims_bot.core.loader import load_faq  # noqa: E402
from ims_bot.env import Environment  # noqa: E402

SMALLTALK = ["hi", "thanks", "help", "topics", "bye", "?"]
OFF_TOPIC = [
    "what's the weather like today",
    "how do I configure IMS on my phone",
    "log in to the IMS customer portal",
    "can you recommend a pizza place",
]
URGENT = ["my chest hurts when I breathe", "I feel like I'm going to faint"]


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters somewhere in ``text``."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def generate(faq: Faq, turns: int, seed: int = 7) -> Dialogue:
    """A deterministic dialogue of ``turns`` turns drawn from the FAQ's own phrasings."""
    rng = random.Random(seed)
    made: list[Turn] = []
    for _ in range(turns):
        roll = rng.random()
        if roll < 0.70:
            entry = rng.choice(faq.entries)
            text = rng.choice(entry.phrasings)
            text = typo(text, rng) if rng.random() < 0.2 else text.lower()
            made.append(Turn(text, Expect(id=entry.id)))
        elif roll < 0.82:
            made.append(Turn(str(rng.randint(1, 3))))
        elif roll < 0.92:
            made.append(Turn(rng.choice(SMALLTALK), Expect(kind="smalltalk")))
        elif roll < 0.98:
            made.append(Turn(rng.choice(OFF_TOPIC), Expect(kind="escalate")))
        else:
            made.append(Turn(rng.choice(URGENT), Expect(kind="urgent")))
    return Dialogue(name=f"generated {turns}", turns=tuple(made))


def speed(engine: Engine, script: Dialogue) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds to run ``script``, and how many turns passed."""
    start, cpu = time.perf_counter(), time.process_time()
    passed = sum(result.passed for result in run(script, engine))
    return time.perf_counter() - start, time.process_time() - cpu, passed


def checking(engine: Engine, script: Dialogue) -> float:
    """Seconds spent checking expectations alone, on replies computed beforehand."""
    conversation = Conversation(engine)
    replies = [conversation.respond(turn.user) for turn in script.turns]
    start = time.perf_counter()
    for turn, reply in zip(script.turns, replies, strict=True):
        check(turn.expect, reply, engine.faq)
    return time.perf_counter() - start


def repeated(base: Dialogue, turns: int) -> Dialogue:
    """``base`` repeated to ``turns`` turns."""
    return Dialogue(name=f"{turns}", turns=(base.turns * (turns // len(base.turns) + 1))[:turns])


def memory(engine: Engine, script: Dialogue) -> tuple[int, int]:
    """Peak bytes allocated while running ``script``, and bytes still held after it.

    The script itself is built before tracing starts, so only the run is measured.
    """
    gc.collect()
    tracemalloc.start()
    for _ in run(script, engine):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return peak, held


def command(script: Dialogue, args: list[str]) -> float:
    """Seconds for ``ims-bot test`` on ``script`` written as YAML (load, run, report)."""
    data = {
        "name": script.name,
        "turns": [{"user": t.user, "expect": _expect(t.expect)} for t in script.turns],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        start = time.perf_counter()
        main(["test", str(path), *args], Environment())
        return time.perf_counter() - start


def _expect(expect: Expect) -> dict[str, str] | None:
    return {k: v for k, v in (("kind", expect.kind), ("id", expect.id)) if v} or None


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faq", type=Path, default=ROOT / "data" / "faq.yaml")
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1_000, 5_000, 20_000],
        help="Dialogue lengths for the memory comparison (tracemalloc is slow: ~120 turns/s).",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="Runs of the dialogue; the median is reported."
    )
    parser.add_argument("--profile", action="store_true", help="Show where the time goes.")
    options = parser.parse_args()

    faq = load_faq(options.faq)
    engine = Engine(faq)
    print(f"FAQ: {options.faq} ({len(faq.entries)} entries)")

    script = generate(faq, options.turns)
    questions = [engine.index.normaliser.tokens(turn.user) for turn in script.turns]
    print(
        f"dialogue: {options.turns:,} turns, {len(set(questions)):,} distinct after "
        "normalising (numbers and small talk included)"
    )
    speed(engine, generate(faq, 200, seed=1))  # warm-up: imports, module-level caches
    default = engine_module.RECENT
    medians = []
    for label, recent in (("runner", default), ("runner, no decision reuse", 0)):
        engine_module.RECENT = recent
        runs = [speed(Engine(faq), script) for _ in range(options.repeat)]
        seconds = statistics.median(wall for wall, _, _ in runs)
        medians.append(seconds)
        cpu = statistics.median(used for _, used, _ in runs)
        rates = sorted(options.turns / wall for wall, _, _ in runs)
        print(
            f"{label}: median of {options.repeat} runs, each on a new engine, {seconds:.2f} s = "
            f"{options.turns / seconds:,.0f} turns/s (slowest {rates[0]:,.0f}, fastest "
            f"{rates[-1]:,.0f}; {options.turns / cpu:,.0f} turns per CPU second; "
            f"{runs[0][2]:,} turns met their expectation)"
        )
    engine_module.RECENT = default
    seconds = medians[0]
    checked = checking(engine, script)
    print(
        f"  of which checking expectations: {checked / options.turns * 1e6:.1f} us per turn "
        f"({checked / seconds:.1%}); the rest is the conversation engine answering"
    )
    for args in ([], ["--json"], ["--junit", "/dev/null"]):
        label = " ".join(["ims-bot test", *args]) if args else "ims-bot test (tables)"
        seconds = command(script, args)
        print(f"{label}: {options.turns / seconds:,.0f} turns/s end to end (YAML load included)")

    base = generate(faq, 1_000, seed=3)
    speed(engine, base)  # the matcher's spelling cache now holds this vocabulary
    print("peak memory while running, by dialogue length (tracemalloc):")
    for turns in options.sizes:
        peak, held = memory(engine, repeated(base, turns))
        print(
            f"  {turns:>6,} turns: peak {peak / 1024:7.1f} KiB, "
            f"held after the run {held / 1024:5.1f} KiB"
        )

    if options.profile:
        profiler = cProfile.Profile()
        profiler.runcall(speed, engine, script)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print(out.getvalue())


if __name__ == "__main__":
    main_bench()
