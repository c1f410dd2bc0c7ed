"""The front-desk lookup: search as you type, read the answer aloud, pin it, copy it.

``DeskState`` holds what the screen shows and changes it for each key; it asks the same
engine as every other command and knows nothing of terminals. ``make_app`` lays it out
in a full-screen prompt-toolkit application and binds the keys. Every pane is fitted to
the window's width each time it is drawn, so a resized terminal is simply redrawn.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from prompt_toolkit.application import Application, get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import DummyHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.containers import ConditionalContainer
from prompt_toolkit.layout.controls import BufferControl, UIContent, UIControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from ims_bot.core.engine import Engine
from ims_bot.core.faq import Entry
from ims_bot.core.language import language
from ims_bot.core.normalise import MAX_INPUT, strip_controls
from ims_bot.core.reply import Reply
from ims_bot.ui.wrap import wrap

ROWS = 8
"""How many entries the list shows, best first, when the screen has room."""
MIN_ROWS = 3
"""The fewest entries the list shows when the answer needs the room."""
CHROME_LINES = 4
"""The lines around the list and the answer: title, search, verdict and status."""
ESCAPE_WAIT = 0.05
"""Seconds to wait after Esc for the rest of a key's escape sequence."""
START = (
    "Type the caller's question: the best entries appear as you type. "
    "Up and Down choose one; its answer shows here, ready to read aloud. F1: help."
)
HELP = (
    "Keys",
    "  typing           search: the list and the answer follow every key",
    "  Up / Down        choose an entry from the list",
    "  Enter            pin the chosen answer: it stays while you type on; Enter again unpins",
    "  F2 / Ctrl-Y      copy the answer and the disclaimer, for an e-mail or a note",
    "  F3               mark the question as not answered: it goes to the curator's report",
    "  Esc              clear the search and the pin, for the next call",
    "  F1               show or hide this help",
    "  Ctrl-Q / Ctrl-C  quit",
    "",
    "The list shows each entry once, with its kind and how well it matches (0-100). "
    "Nothing you type is saved, except a question you mark as not answered (F3), which is "
    "stored with personal data removed, as the chat stores the questions it cannot answer.",
)
HINTS = "F1 help  ↑↓ choose  Enter pin  F2 copy  F3 not answered  Esc clear  Ctrl-Q quit"
VERDICTS = {
    "answer": "confident match",
    "handoff": "a person must answer this: the entry says who",
    "clarify": "not sure: check with the caller which entry they mean",
    "escalate": "no reliable match: refer the caller to their physiotherapist",
    "urgent": "a danger sign: give the advice in the banner first",
    "smalltalk": "",
}
STYLE = Style.from_dict(
    {
        "title": "reverse",
        "label": "bold",
        "rule": "#888888",
        "row.selected": "reverse",
        "row.pinned": "bold",
        "banner": "bold #ffffff bg:#aa0000",
        "question": "bold",
        "verdict": "italic",
        "disclaimer": "italic",
        "status": "reverse",
    }
)
CLIPBOARD_COMMANDS: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    ("WAYLAND_DISPLAY", ("wl-copy",)),
    ("DISPLAY", ("xclip", "-selection", "clipboard")),
    (None, ("pbcopy",)),
)
"""System clipboard commands, each with the variable that says its display is there."""

Lines = list[tuple[str, str]]
"""Screen lines, each a style class and its text."""


@dataclass(frozen=True)
class Row:
    """One entry in the list: its id, question, kind (answer or handoff) and score."""

    id: str
    question: str
    kind: str
    score: float


def triage_banner(reply: Reply) -> str | None:
    """The triage advice to show above everything when the text names a danger sign: the
    category's advice when it is happening now, and for staff which category and which
    context fired ("triage: check stroke ('strok': historical)")."""
    if reply.alert is None:
        return None
    if reply.kind == "urgent":
        return f"{reply.body}\n{reply.triage}"
    return reply.triage


def rows_of(reply: Reply, entries: Mapping[str, Entry]) -> tuple[Row, ...]:
    """The reply's ranked suggestions as list rows, one per entry, best first."""
    rows: dict[str, Row] = {}
    for suggestion in reply.suggestions:
        entry = entries.get(suggestion.id)
        if entry is not None and entry.id not in rows:
            rows[entry.id] = Row(entry.id, entry.question, entry.kind, suggestion.score)
    return tuple(rows.values())


class DeskState:
    """What the desk shows: the query, the ranked rows, the chosen and the pinned entry.

    Args:
        engine: the prepared engine, the same as every other command uses.
        rows: how many entries the list holds.
    """

    def __init__(self, engine: Engine, rows: int = ROWS) -> None:
        self.engine = engine
        self.faq = engine.faq
        self.top = rows
        self.query = ""
        self.reply: Reply | None = None
        self.rows: tuple[Row, ...] = ()
        self.selected: int | None = None
        self.pinned: str | None = None
        self.message = ""
        self.help = False

    def search(self, text: str) -> None:
        """Match ``text`` afresh; the choice goes to the entry the decision picked."""
        self.query = text
        self.message = ""
        if not text.strip():
            self.reply, self.rows, self.selected = None, (), None
            return
        self.reply = self.engine.reply(text, top=self.top)
        self.rows = rows_of(self.reply, self.faq.by_id)
        ids = [row.id for row in self.rows]
        if self.reply.kind in ("answer", "handoff") and self.reply.id in ids:
            self.selected = ids.index(self.reply.id)
        elif self.reply.kind == "clarify" and self.rows:
            self.selected = 0
        else:
            self.selected = None

    def move(self, step: int) -> None:
        """Choose the row ``step`` rows down (up when negative), staying within the list."""
        if not self.rows:
            return
        if self.selected is None:
            self.selected = 0 if step > 0 else len(self.rows) - 1
        else:
            self.selected = max(0, min(len(self.rows) - 1, self.selected + step))
        self.help = False

    def pin(self) -> None:
        """Pin the chosen entry so its answer stays while typing goes on; again unpins."""
        chosen = self.chosen
        if self.pinned is not None and (chosen is None or chosen.id == self.pinned):
            self.pinned, self.message = None, "Unpinned."
        elif chosen is not None:
            self.pinned, self.message = chosen.id, f"Pinned: {chosen.question}"
        else:
            self.message = "Choose an entry to pin (Up/Down)."

    def clear(self) -> None:
        """Forget the query, the pin and any message: ready for the next call."""
        self.search("")
        self.pinned = None
        self.help = False

    @property
    def chosen(self) -> Entry | None:
        """The entry of the chosen row, if a row is chosen."""
        if self.selected is None or not self.rows:
            return None
        return self.faq.by_id[self.rows[self.selected].id]

    @property
    def shown(self) -> Entry | None:
        """The entry whose answer the pane shows: the pinned one, else the chosen one."""
        return self.faq.by_id[self.pinned] if self.pinned else self.chosen

    @property
    def banner(self) -> str | None:
        """The triage advice for the typed text, if it names a danger sign."""
        return triage_banner(self.reply) if self.reply else None

    def copy_text(self) -> str | None:
        """What the copy key copies: the answer shown and the disclaimer; None if nothing."""
        entry = self.shown
        if entry is not None:
            return f"{entry.answer}\n\n{self.faq.disclaimer}"
        if self.reply is not None and self.reply.kind != "smalltalk":
            return f"{self.reply.body}\n\n{self.faq.disclaimer}"
        return None

    def unanswered(self) -> Reply | None:
        """The reply to record when the question is marked "not answered", if there is one.

        The unanswered-question log keeps escalated and clarified questions; a question
        staff say went unanswered is an escalation to a person, whatever was matched.
        """
        if self.reply is None or not self.query.strip():
            return None
        if self.reply.kind in ("escalate", "clarify"):
            return self.reply
        return self.reply._replace(kind="escalate")

    def pane(self) -> Lines:
        """The answer pane as paragraphs, each with its style: the text to read aloud."""
        if self.help:
            return [("", line) for line in HELP]
        entry = self.shown
        if entry is None:
            if self.reply is None:
                return [("", START)]
            body: Lines = [] if self.banner else [("", self.reply.body), ("", "")]
            return [*body, ("class:disclaimer", self.faq.disclaimer)]
        pinned = "  [pinned]" if entry.id == self.pinned else ""
        lines: Lines = [("class:question", entry.question + pinned), ("", ""), ("", entry.answer)]
        related = [self.faq.by_id[i].question for i in entry.related if i in self.faq.by_id]
        if related:
            lines += [("", ""), ("class:label", language().sentences.related_intro)]
            lines += [("", f"  - {question}") for question in related]
        return [*lines, ("", ""), ("class:disclaimer", self.faq.disclaimer)]

    def verdict(self) -> str:
        """One line on what the engine decided, so staff know how far to trust the list."""
        if self.reply is None:
            return ""
        what = VERDICTS[self.reply.kind]
        return f"{self.reply.kind}: {what}" if what else self.reply.kind

    def row_lines(self) -> Lines:
        """The list, one line per entry: a marker, the score, the kind and the question."""
        lines: Lines = []
        for number, row in enumerate(self.rows):
            style = "class:row.selected" if number == self.selected else ""
            if row.id == self.pinned:
                style += " class:row.pinned"
            marker = ">" if number == self.selected else " "
            pin = "*" if row.id == self.pinned else " "
            lines.append((style, f"{marker}{pin}{row.score:5.1f}  {row.kind:<7}  {row.question}"))
        if not lines and self.reply is not None:
            none = "a danger sign comes first" if self.banner else "no entry matches"
            lines.append(("", f"  ({none})"))
        return lines


def fitted(lines: Lines, width: int) -> Lines:
    """``lines`` wrapped to ``width`` without breaking words, each keeping its style."""
    result: Lines = []
    for style, text in lines:
        result += [(style, part) for part in wrap(text, width).split("\n")]
    return result


def cut(lines: Lines, width: int) -> Lines:
    """``lines`` cut to ``width`` columns, with an ellipsis where text was cut."""
    return [(s, t if len(t) <= width else t[: max(width - 1, 0)] + "…") for s, t in lines]


class FittedControl(UIControl):
    """Text fitted to the window's width on every draw, so resizing needs nothing more.

    Args:
        render: the styled lines for a given width.
    """

    def __init__(self, render: Callable[[int], Lines]) -> None:
        self.render = render

    def create_content(self, width: int, height: int | None) -> UIContent:
        lines = self.render(width)

        def line(number: int) -> StyleAndTextTuples:
            style, text = lines[number]
            return [(style, text)]

        return UIContent(get_line=line, line_count=len(lines), show_cursor=False)

    def preferred_height(
        self,
        width: int,
        max_available_height: int,
        wrap_lines: bool,
        get_line_prefix: object,
    ) -> int | None:
        return len(self.render(width))

    def is_focusable(self) -> bool:
        return False


def clipboard_command(
    environ: Mapping[str, str], which: Callable[[str], str | None] = shutil.which
) -> tuple[str, ...] | None:
    """The system clipboard command to copy with, if one is installed and usable here."""
    for variable, command in CLIPBOARD_COMMANDS:
        if (variable is None or environ.get(variable)) and which(command[0]):
            return command
    return None


def osc52(text: str) -> str:
    """The terminal sequence (OSC 52) that asks the terminal to put ``text`` on its clipboard."""
    return "\x1b]52;c;" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "\x07"


class Copier:
    """Copies text to the system clipboard, else through the terminal, and says which.

    Args:
        environ: the environment variables (which display, if any, is there).
        terminal: whether the output is a terminal that OSC 52 can be written to.
        which: finds a command on the path; injected by tests.
        run: runs a clipboard command with the text as its input; injected by tests.
    """

    def __init__(
        self,
        environ: Mapping[str, str],
        terminal: bool,
        which: Callable[[str], str | None] = shutil.which,
        run: Callable[[Sequence[str], bytes], None] | None = None,
    ) -> None:
        self.environ = environ
        self.terminal = terminal
        self.which = which
        self.run = run or _run_command

    def copy(self, text: str, output: Output) -> str:
        """Copy ``text``; returns the message that says how, or why it could not."""
        command = clipboard_command(self.environ, self.which)
        if command is not None:
            try:
                self.run(command, text.encode("utf-8"))
                return f"Copied to the clipboard with {command[0]}."
            except (OSError, subprocess.SubprocessError):
                pass
        if self.terminal:
            output.write_raw(osc52(text))
            output.flush()
            return "Copied via the terminal (OSC 52); if pasting gives nothing, it refused."
        return "Cannot copy here: no clipboard command (wl-copy, xclip, pbcopy) and no terminal."


def _run_command(command: Sequence[str], data: bytes) -> None:
    subprocess.run(
        command,
        input=data,
        check=True,
        timeout=3,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def make_app(
    state: DeskState,
    copier: Copier,
    mark: Callable[[Reply], str],
    title: str = "",
    input: Input | None = None,
    output: Output | None = None,
) -> Application[None]:
    """The full-screen desk application over ``state``.

    Args:
        state: what is shown; every key changes it, then the screen is redrawn.
        copier: what the copy key uses.
        mark: records a question marked "not answered" and returns what to tell staff.
        title: the top line (the FAQ file in use).
        input: the keyboard (a pipe in tests).
        output: the screen (a dummy in tests).
    """
    search = Buffer(multiline=False, history=DummyHistory(), name="search")

    def typed(buffer: Buffer) -> None:
        cleaned = strip_controls(buffer.text)[:MAX_INPUT]
        if cleaned != buffer.text:
            buffer.document = Document(cleaned, min(buffer.cursor_position, len(cleaned)))
            return
        state.search(cleaned)

    search.on_text_changed += typed
    bindings = KeyBindings()

    @bindings.add("up")
    def _up(event: KeyPressEvent) -> None:
        """Choose the entry above."""
        state.move(-1)

    @bindings.add("down")
    def _down(event: KeyPressEvent) -> None:
        """Choose the entry below."""
        state.move(1)

    @bindings.add("enter")
    def _pin(event: KeyPressEvent) -> None:
        """Pin the chosen answer, or unpin it."""
        state.pin()

    @bindings.add("f2")
    @bindings.add("c-y")
    def _copy(event: KeyPressEvent) -> None:
        """Copy the answer shown and the disclaimer."""
        text = state.copy_text()
        state.message = copier.copy(text, event.app.output) if text else "Nothing to copy yet."

    @bindings.add("f3")
    def _not_answered(event: KeyPressEvent) -> None:
        """Mark the question as not answered, for the curator's report."""
        reply = state.unanswered()
        state.message = mark(reply) if reply else "Type the caller's question first."

    @bindings.add("escape", eager=True)
    def _clear(event: KeyPressEvent) -> None:
        """Clear the search and the pin."""
        search.reset()
        state.clear()

    @bindings.add("f1")
    def _help(event: KeyPressEvent) -> None:
        """Show or hide the help."""
        state.help = not state.help

    @bindings.add("c-q")
    @bindings.add("c-c")
    def _quit(event: KeyPressEvent) -> None:
        """Leave the desk."""
        event.app.exit()

    def status(width: int) -> Lines:
        return cut([("class:status", state.message or HINTS)], width)

    def verdict(width: int) -> Lines:
        said = state.verdict()
        line = f"── {said} " if said else ""
        return cut([("class:rule", line + "─" * max(width - len(line), 0))], width)

    def banner(width: int) -> Lines:
        return fitted([("class:banner", state.banner or "")], width)

    def pane(width: int) -> Lines:
        return fitted(state.pane(), width)

    def rows_height() -> Dimension:
        """As many rows as fit once the answer pane has the room it needs (at least 3)."""
        size = get_app().output.get_size()
        wanted = min(len(state.row_lines()), ROWS)
        needed = len(pane(size.columns)) + (len(banner(size.columns)) if state.banner else 0)
        room = size.rows - CHROME_LINES - needed
        return Dimension.exact(max(min(wanted, MIN_ROWS), min(wanted, room)))

    root = HSplit(
        [
            Window(FittedControl(lambda w: cut([("class:title", title)], w)), height=1),
            Window(
                BufferControl(search, input_processors=[BeforeInput("Search: ", "class:label")]),
                height=1,
            ),
            ConditionalContainer(
                Window(FittedControl(banner), dont_extend_height=True),
                filter=Condition(lambda: state.banner is not None),
            ),
            Window(FittedControl(lambda w: cut(state.row_lines(), w)), height=rows_height),
            Window(FittedControl(verdict), height=1),
            Window(FittedControl(pane), height=Dimension(min=3)),
            Window(FittedControl(status), height=1, style="class:status"),
        ]
    )
    app: Application[None] = Application(
        layout=Layout(root, focused_element=search),
        key_bindings=bindings,
        style=STYLE,
        full_screen=True,
        mouse_support=False,
        input=input,
        output=output,
    )
    app.ttimeoutlen = ESCAPE_WAIT
    return app
