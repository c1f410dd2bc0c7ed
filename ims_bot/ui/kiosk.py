"""The kiosk application: a locked-down chat that starts over by itself for the next person.

The decisions (what a line of input means, what the countdown says after so many idle
seconds, how the prompt line is cleaned) are small pure functions; ``Kiosk`` wires them
to a prompt-toolkit session, an idle watcher and the screen.
"""

from __future__ import annotations

import asyncio
import enum
import hmac
import logging
import math
import signal
import termios
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.key_binding.key_processor import KeyProcessor
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style
from rapidfuzz.distance import Levenshtein
from rich.padding import Padding

from ims_bot.core.conversation import Conversation
from ims_bot.core.language import language
from ims_bot.core.normalise import MAX_INPUT, strip_controls
from ims_bot.core.reply import Reply, escalation, smalltalk
from ims_bot.env import Environment
from ims_bot.errors import ExitStatus
from ims_bot.ui.render import make_console, renderable
from ims_bot.ui.session import PROMPT

log = logging.getLogger("ims_bot")

WARN_SECONDS = 15
TICK = 0.25
MAX_FAILURES = 5
EXIT_VARIABLE = "IMS_BOT_KIOSK_EXIT"
PASSPHRASE_SLIPS = 2
PASSPHRASE_SLIP_SHARE = 0.25
"""A line within this many edits (or this share of the passphrase's length, if more) of the
passphrase is a slip of it."""
CLEAR_ALL = "\x1b[2J\x1b[3J\x1b[H"
MARGIN = 2

STYLE = Style.from_dict({"countdown": "bold reverse", "bottom-toolbar": "reverse"})


class Action(enum.Enum):
    """What a line typed at the kiosk asks for."""

    ASK = "ask"
    NOTHING = "nothing"
    NEW_PATIENT = "new patient"
    STAYS_ON = "stays on"
    STAFF_EXIT = "staff exit"


class StartOver(Exception):
    """Ends the current prompt: the kiosk starts over for the next person."""


class Shutdown(Exception):
    """Ends the current prompt: the kiosk stops (a signal or the staff passphrase)."""


class Redraw(Exception):
    """Ends the current prompt: the terminal changed size, so the screen is drawn again."""


def passphrase_from(environ: Mapping[str, str]) -> str | None:
    """The staff exit passphrase from ``IMS_BOT_KIOSK_EXIT``; None when unset or blank."""
    value = (environ.get(EXIT_VARIABLE) or "").strip()
    return value or None


def is_passphrase(text: str, passphrase: str | None) -> bool:
    """True when ``text`` is exactly the staff passphrase (surrounding spaces aside)."""
    if not passphrase:
        return False
    return hmac.compare_digest(text.strip().encode(), passphrase.encode())


def near_passphrase(text: str, passphrase: str | None) -> bool:
    """True when ``text`` holds the passphrase or is a slip of it (``PASSPHRASE_SLIPS``).

    Such a line is answered like any other but never recorded: a mistyped passphrase in
    the unanswered-question log would show it to whoever reads the report.
    """
    if not passphrase:
        return False
    typed, secret = text.strip().casefold(), passphrase.casefold()
    limit = max(PASSPHRASE_SLIPS, round(len(secret) * PASSPHRASE_SLIP_SHARE))
    return secret in typed or Levenshtein.distance(typed, secret, score_cutoff=limit) <= limit


def classify(text: str, passphrase: str | None) -> Action:
    """What a line typed at the kiosk asks for; the passphrase is checked first."""
    if is_passphrase(text, passphrase):
        return Action.STAFF_EXIT
    words = " ".join(strip_controls(text).split()).casefold()
    if not words:
        return Action.NOTHING
    said = language()
    if words in said.new_patient:
        return Action.NEW_PATIENT
    if words in said.quit or words in said.kiosk_quit:
        return Action.STAYS_ON
    return Action.ASK


def clean_line(text: str, limit: int = MAX_INPUT) -> str:
    """The prompt line as it may stand: no control or escape characters, one line, capped."""
    return strip_controls(text)[:limit]


def countdown_seconds(idle_for: float, idle_limit: float, warn: float = WARN_SECONDS) -> int | None:
    """The seconds the countdown shows after ``idle_for`` idle seconds, or None before it starts."""
    left = idle_limit - idle_for
    if left > warn:
        return None
    return max(0, math.ceil(left))


def countdown_line(idle_for: float, idle_limit: float, active: bool) -> str | None:
    """The countdown warning near the end of an active conversation's idle time, else None."""
    seconds = countdown_seconds(idle_for, idle_limit) if active else None
    if seconds is None:
        return None
    return language().sentences.kiosk.countdown.format(seconds=seconds)


def wrap_plain(text: str, width: int) -> str:
    """``text`` wrapped line by line to ``width`` columns; an indented line keeps its indent."""
    wrapped = []
    for line in strip_controls(text, keep="\n").splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        hang = indent + "   " if indent else ""
        wrapped.append(textwrap.fill(line, width, subsequent_indent=hang) if line.strip() else "")
    return "\n".join(wrapped)


def should_start_over(idle_for: float, idle_limit: float, active: bool) -> bool:
    """True when an active conversation has been idle for the whole limit."""
    return active and idle_for >= idle_limit


class Display:
    """The kiosk's screen: calm replies at most 72 columns wide, refitted to the terminal.

    Args:
        env: the streams; replies go to ``env.stdout``.
        plain: plain text, no colour (``--plain`` or ``NO_COLOR``).
    """

    def __init__(self, env: Environment, plain: bool) -> None:
        self.env = env
        self.plain = plain

    def clear(self) -> None:
        """Clear the screen and the scrollback, cursor home."""
        self.env.stdout.write(CLEAR_ALL)
        self.env.stdout.flush()

    def show(self, reply: Reply) -> None:
        """Write ``reply``; the console is made anew so a resized terminal is measured again."""
        console = make_console(self.env, self.plain)
        if self.plain:
            self.env.stdout.write("\n" + wrap_plain(reply.text, console.width) + "\n\n")
            self.env.stdout.flush()
        else:
            console.print(Padding(renderable(reply), (0, MARGIN)))

    def echo(self, line: str) -> None:
        """Write a line the person typed, as typed: never markup, never terminal codes."""
        self.env.stdout.write(strip_controls(line) + "\n")
        self.env.stdout.flush()

    def fallback(self, reply: Reply) -> None:
        """Write ``reply`` as bare text, for when rendering itself has failed."""
        self.env.stdout.write("\n" + strip_controls(reply.text, keep="\n") + "\n\n")
        self.env.stdout.flush()


class Kiosk:
    """The kiosk loop: prompt, reply, and start over on idle, on F2 or on ``new``.

    Args:
        conversation: the conversation engine, reset for every new person.
        session: a prompt session made with ``make_session(..., kiosk=True)``.
        display: where replies and the start screen go.
        idle: seconds without a key press before an active conversation starts over.
        passphrase: typing it exits (staff only); None means there is no way out.
        record: called with every reply (the unanswered-question log).
        clock: monotonic seconds; injected by tests.
        tick: seconds between the idle watcher's looks at the clock.
    """

    def __init__(
        self,
        conversation: Conversation,
        session: PromptSession[str],
        display: Display,
        *,
        idle: float,
        passphrase: str | None = None,
        record: Callable[[Reply], None] = lambda reply: None,
        clock: Callable[[], float] = time.monotonic,
        tick: float = TICK,
    ) -> None:
        self.conversation = conversation
        self.session = session
        self.display = display
        self.idle = idle
        self.passphrase = passphrase
        self.record = record
        self.clock = clock
        self.tick = tick
        self.stopping = False
        self.active = False
        self.last_key = clock()
        self.shown: list[str | Reply] = []
        self._typed = ""
        self._size: Size | None = None
        session.key_bindings = key_bindings()
        # A terminal that does not report the cursor position only loses the bottom
        # toolbar; prompt-toolkit's warning about it must not appear on a patient's screen.
        session.app.renderer.cpr_not_supported_callback = None
        session.app.key_processor.before_key_press += self._key_pressed
        session.default_buffer.on_text_changed += clean_buffer

    def run(self) -> int:
        """Run until ``stop()``, the passphrase or the end of input; the screen is left clear."""
        self.start_over()
        failures = 0
        while not self.stopping:
            typed, self._typed = self._typed, ""
            try:
                text = self.session.prompt(
                    self.message,
                    default=typed,
                    bottom_toolbar=language().sentences.kiosk.hint,
                    style=STYLE,
                    pre_run=self._pre_run,
                    set_exception_handler=False,
                )
            except Redraw:
                self._typed = self.session.default_buffer.text
                self.redraw()
                continue
            except StartOver:
                self.start_over()
                continue
            except (Shutdown, EOFError):
                break
            except KeyboardInterrupt:
                continue
            except Exception:
                if self.stopping:
                    break
                log.exception("kiosk prompt failed")
                failures += 1
                if failures >= MAX_FAILURES:
                    self._clear()
                    return ExitStatus.INTERNAL
                continue
            failures = 0
            try:
                self.handle(text)
            except Exception:
                log.exception("kiosk could not handle a line")
        self._clear()
        return ExitStatus.OK

    def handle(self, text: str) -> None:
        """Act on one line the person typed."""
        action = classify(text, self.passphrase)
        if action is Action.STAFF_EXIT:
            self.stopping = True
        elif action is Action.NEW_PATIENT:
            self.start_over()
        elif action is Action.STAYS_ON:
            self.shown.append(text)
            self._show(smalltalk(self.conversation.faq, "", language().sentences.kiosk.stays_on))
        elif action is Action.ASK:
            self.shown.append(text)
            self._answer(text)

    def start_over(self) -> None:
        """Drop the conversation, clear the screen and scrollback, show the start screen."""
        self.conversation.reset()
        self.active = False
        self.last_key = self.clock()
        self.shown = []
        self._clear()
        self._show(self.start_screen())

    def redraw(self) -> None:
        """Draw the screen again from the top, fitted to the terminal's new size."""
        self._clear()
        shown, self.shown = self.shown, []
        for item in shown:
            if isinstance(item, Reply):
                self._show(item)
            else:
                self.shown.append(item)
                self.display.echo(PROMPT + item)

    def start_screen(self) -> Reply:
        """The start screen: welcome, how to ask, and the common questions numbered."""
        return self.conversation.menu()._replace(body=language().sentences.kiosk.welcome)

    def countdown(self) -> str | None:
        """The countdown warning now, or None when there is none."""
        return countdown_line(self.clock() - self.last_key, self.idle, self.active)

    def message(self) -> FormattedText:
        """The prompt, with the countdown on the line above it while there is one.

        The countdown is part of the prompt, not of the bottom toolbar, because a toolbar
        is only drawn on terminals that report the cursor position.
        """
        warning = self.countdown()
        if warning is None:
            return FormattedText([("", PROMPT)])
        return FormattedText([("class:countdown", warning), ("", "\n" + PROMPT)])

    def stop(self) -> None:
        """Stop the kiosk soon; safe to call from a signal handler or another thread."""
        self.stopping = True
        loop = self.session.app.loop
        if loop is not None:
            with suppress(RuntimeError):  # the prompt's loop closed meanwhile: nothing to end
                loop.call_soon_threadsafe(self._exit_prompt, Shutdown())

    def _answer(self, text: str) -> None:
        try:
            reply = self.conversation.respond(text)
        except Exception:
            log.exception("internal error while answering")
            reply = escalation(self.conversation.faq, "")
        if not near_passphrase(text, self.passphrase):
            try:
                self.record(reply)
            except Exception:
                log.exception("the unanswered-question log failed")
        self._show(reply)

    def _clear(self) -> None:
        try:
            self.display.clear()
        except OSError:
            if not self.stopping:  # when stopping after a hangup, the terminal is gone
                log.exception("kiosk could not clear the screen")
        except Exception:
            log.exception("kiosk could not clear the screen")

    def _show(self, reply: Reply) -> None:
        self.shown.append(reply)
        try:
            self.display.show(reply)
        except Exception:
            log.exception("kiosk could not show a reply")
            try:
                self.display.fallback(escalation(self.conversation.faq, ""))
            except Exception:
                log.exception("kiosk could not show the escalation reply")

    def _key_pressed(self, _: KeyProcessor) -> None:
        self.last_key = self.clock()
        self.active = True

    def _pre_run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_log_loop_error)
        if self.stopping:
            self._exit_prompt(Shutdown())
            return
        self._size = self._terminal_size()
        self.session.app.create_background_task(self._watch())

    async def _watch(self) -> None:
        """Redraw the countdown as it changes; start over when the idle time is up.

        Also ends the prompt when the terminal changes size, so the replies above it are
        drawn again at the new width instead of being left as the terminal rewrapped them.
        """
        shown = self.countdown()
        while True:
            await asyncio.sleep(self.tick)
            if should_start_over(self.clock() - self.last_key, self.idle, self.active):
                self._exit_prompt(StartOver())
                return
            if self._terminal_size() != self._size:
                self._exit_prompt(Redraw())
                return
            now = self.countdown()
            if now != shown:
                if shown is None:  # the countdown starts: no completion menu may cover it
                    self.session.default_buffer.complete_state = None
                shown = now
                self.session.app.invalidate()

    def _exit_prompt(self, exception: Exception) -> None:
        app: Application[str] = self.session.app
        if app.future is not None and not app.future.done():
            app.exit(exception=exception)

    def _terminal_size(self) -> Size | None:
        try:
            return self.session.app.output.get_size()
        except Exception:
            return self._size


def key_bindings() -> KeyBindings:
    """Ctrl-C clears the line; F2 starts over; Ctrl-D, Ctrl-Z, Ctrl-\\ and others do nothing."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _clear_line(event: KeyPressEvent) -> None:
        event.app.current_buffer.reset()

    @bindings.add("c-d")
    @bindings.add("c-z")
    @bindings.add("c-\\")
    @bindings.add("c-r")
    @bindings.add("c-s")
    def _nothing(event: KeyPressEvent) -> None:
        """Swallow the key: no end of input, no suspend, no quit, no history search."""

    @bindings.add(Keys.Vt100MouseEvent)
    def _no_mouse(event: KeyPressEvent) -> None:
        """Ignore mouse reports, and typed text that merely looks like one."""

    @bindings.add("f2")
    def _new_patient(event: KeyPressEvent) -> None:
        if not event.app.is_done:
            event.app.exit(exception=StartOver())

    return bindings


def clean_buffer(buffer: Buffer) -> None:
    """Keep the prompt line clean and capped as it changes (typing or pasting)."""
    cleaned = clean_line(buffer.text)
    if cleaned != buffer.text:
        buffer.document = Document(cleaned, min(buffer.cursor_position, len(cleaned)))


def _log_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Send an error from the event loop to the error log instead of the screen."""
    error = context.get("exception")
    log.error("kiosk event loop: %s", context.get("message"), exc_info=error)


IGNORED_SIGNALS = ("SIGINT", "SIGTSTP", "SIGQUIT")
STOP_SIGNALS = ("SIGTERM", "SIGHUP")


@contextmanager
def quiet_terminal(stream: TextIO) -> Iterator[None]:
    """While the block runs, the terminal neither echoes keys nor obeys Ctrl-S (XOFF).

    prompt-toolkit does the same while a prompt runs; this covers the moments between
    prompts, so keys typed while a reply is drawn do not land in the middle of it and
    Ctrl-S cannot freeze the screen. The settings come back afterwards.
    """
    try:
        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        yield
        return
    quiet = list(saved)
    quiet[0] &= ~(termios.IXON | termios.IXOFF)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        with suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, saved)


@contextmanager
def handle_signals(stop: Callable[[], None]) -> Iterator[None]:
    """While the block runs: SIGTERM and SIGHUP call ``stop``; SIGINT, SIGTSTP, SIGQUIT are ignored.

    The previous handlers come back afterwards. Must run in the main thread.
    """
    previous: dict[signal.Signals, Any] = {}

    def on_stop(signum: int, frame: object) -> None:
        stop()

    for name in IGNORED_SIGNALS + STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            handler = on_stop if name in STOP_SIGNALS else signal.SIG_IGN
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
