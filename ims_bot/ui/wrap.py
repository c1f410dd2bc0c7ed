"""Plain text wrapped to a width without breaking a word, for staff terminals and pipes."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Mapping

PIPE_WIDTH = 80
"""The width of output that goes to a pipe or a file: it fits an 80-column terminal."""
MIN_WIDTH = 20
_MARKER = re.compile(r"^(\s*)(\d+\)\s+|[-*]\s+|(?<=\s)\S.*?\s{2,}(?=\S))?")


def output_width(isatty: bool, environ: Mapping[str, str] | None = None) -> int:
    """The width to wrap to: the terminal's, else ``COLUMNS`` up to 80, else 80."""
    environ = os.environ if environ is None else environ
    columns = environ.get("COLUMNS", "")
    given = int(columns) if columns.isdigit() and int(columns) > 0 else None
    if isatty:
        width = given or shutil.get_terminal_size((PIPE_WIDTH, 24)).columns
    else:
        width = min(given or PIPE_WIDTH, PIPE_WIDTH)
    return max(width, MIN_WIDTH)


def wrap(text: str, width: int) -> str:
    """``text`` wrapped line by line to ``width`` columns; words are never broken.

    A line keeps its indent, and the lines it wraps onto hang under the text after a
    list marker ("  2) ", "- ") or, on an indented line, after its first column (a key,
    a score), so numbered options and tables stay readable. A word longer than
    the width (a web address) stands alone on its line rather than being cut.
    """
    wrapped = []
    for line in text.splitlines():
        if not line.strip():
            wrapped.append("")
            continue
        match = _MARKER.match(line)
        indent, marker = (match.group(1), match.group(2) or "") if match else ("", "")
        hang = " " * (len(indent) + len(marker)) if marker else indent
        if len(hang) > width // 2:
            hang = indent[: width // 2]
        wrapped.append(
            textwrap.fill(
                line,
                width,
                subsequent_indent=hang,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(wrapped)
