"""Convert a benchmark JSON file (``../shared/benchmarks/``) into a ``faq.yaml``.

Each benchmark entry becomes one FAQ entry: its first example question is the
``question``, the rest are ``alternates``; the answer, disclaimer and escalation are
filler text, since only matching is measured. Usage::

    python bench/convert.py ../shared/benchmarks/hint3/hint3_curekart.json curekart.yaml
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

DISCLAIMER = "General information only, not advice."
ESCALATION = "I do not have a reliable answer to that. Please ask a person."


def faq_document(benchmark: dict[str, Any]) -> dict[str, Any]:
    """The faq.yaml document for a loaded benchmark."""
    entries = []
    for item in benchmark["faq"]:
        questions = [q.strip() for q in item["questions"] if q.strip()]
        entry: dict[str, Any] = {
            "id": str(item["id"]),
            "question": questions[0],
            "answer": f"Answer for {item['id']}.",
        }
        if len(questions) > 1:
            entry["alternates"] = questions[1:]
        entries.append(entry)
    return {"disclaimer": DISCLAIMER, "escalation": ESCALATION, "entries": entries}


def faq_yaml(benchmark: dict[str, Any]) -> str:
    """The faq.yaml text for a loaded benchmark."""
    return yaml.safe_dump(faq_document(benchmark), sort_keys=False, allow_unicode=True, width=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmark", type=Path, help="a benchmark JSON file")
    parser.add_argument("output", type=Path, help="the faq.yaml to write")
    args = parser.parse_args()
    benchmark = json.loads(args.benchmark.read_text(encoding="utf-8"))
    args.output.write_text(faq_yaml(benchmark), encoding="utf-8")


if __name__ == "__main__":
    main()
