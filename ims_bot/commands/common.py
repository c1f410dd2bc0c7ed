"""What several commands share: finding and loading the FAQ."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ims_bot.core.faq import Faq
from ims_bot.core.loader import default_path, load_faq
from ims_bot.env import Environment


def faq_path(args: argparse.Namespace, env: Environment) -> Path:
    """``--faq``, else ``IMS_BOT_FAQ``, else the shipped FAQ."""
    given = getattr(args, "faq", None)
    return Path(given) if given else default_path(env.environ)


def load(args: argparse.Namespace, env: Environment) -> Faq:
    """Load the FAQ the arguments and environment point at; raises ``FaqError``."""
    return load_faq(faq_path(args, env))


def positive(text: str) -> float:
    """A finite number greater than zero, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number greater than 0")
    return value


def whole(text: str) -> int:
    """A whole number greater than zero, for argparse."""
    value = positive(text)
    if value != int(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(value)
