"""Present a reply: rich renderables for a terminal, plain text elsewhere.

User text never reaches rich as markup: replies are built from ``Text`` objects, and
only the curated FAQ answer is rendered as Markdown.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from ims_bot.core.language import language
from ims_bot.core.normalise import strip_controls
from ims_bot.core.reply import Reply
from ims_bot.env import Environment

MAX_WIDTH = 72


def make_console(env: Environment, plain: bool = False, width: int | None = None) -> Console:
    """A console on ``env.stdout``: no colour when plain, ``NO_COLOR`` or not a terminal."""
    console = Console(
        file=env.stdout,
        force_terminal=env.stdout_isatty and not plain,
        no_color=plain or env.no_color,
        color_system=None if plain or not env.stdout_isatty else "auto",
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
    )
    if width is None:
        console.width = min(console.width, MAX_WIDTH)
    return console


def safe_text(text: str, style: str = "") -> Text:
    """A rich ``Text`` of ``text`` with every terminal control removed; never markup."""
    return Text(strip_controls(text, keep="\n"), style=style)


def options_text(reply: Reply) -> Text:
    """The numbered options of a reply, one per line."""
    text = safe_text(reply.options_intro + "\n" if reply.options_intro else "", "bold")
    for option in reply.options:
        text.append(f"  {option.number}) ", style="bold cyan")
        text.append(safe_text(option.question + "\n"))
    if reply.none_option:
        text.append("  0) ", style="bold cyan")
        text.append(language().sentences.none_of_these + "\n")
    text.rstrip()
    return text


def renderable(reply: Reply) -> RenderableType:
    """A rich renderable of ``reply``: body, options, then the disclaimer as a footer."""
    parts: list[RenderableType] = []
    if reply.kind == "urgent":
        parts.append(Panel(safe_text(reply.body, "bold"), title="Urgent", border_style="bold red"))
    elif reply.kind in ("answer", "handoff"):
        parts.append(Markdown(strip_controls(reply.body, keep="\n")))
    elif reply.body:
        parts.append(safe_text(reply.body))
    if reply.options:
        parts.append(Padding(options_text(reply), (1, 0, 0, 0)))
    if reply.disclaimer:
        parts.append(Rule(style="grey50"))
        parts.append(safe_text(reply.disclaimer, "italic"))
    return Padding(Group(*parts), (1, 0, 1, 0))


def show(console: Console, reply: Reply, plain: bool) -> None:
    """Write ``reply`` to ``console``: as plain text when ``plain``, else rich."""
    if plain:
        console.file.write(reply.text + "\n\n")
        console.file.flush()
    else:
        console.print(renderable(reply))
