"""What several commands share: finding and loading the FAQ."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ims_bot.env import Environment

if TYPE_CHECKING:
    from ims_bot.core.engine import Engine
    from ims_bot.core.faq import Faq


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """The FAQ to use: ``IMS_BOT_FAQ``, else the packaged file, else the checkout's."""
    environ = os.environ if environ is None else environ
    if environ.get("IMS_BOT_FAQ"):
        return Path(environ["IMS_BOT_FAQ"])
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data" / "faq.yaml"
    return packaged if packaged.is_file() else package.parent / "data" / "faq.yaml"


def faq_path(args: argparse.Namespace, env: Environment) -> Path:
    """``--faq``, else ``IMS_BOT_FAQ``, else the shipped FAQ."""
    given = getattr(args, "faq", None)
    return Path(given) if given else default_path(env.environ)


def load(args: argparse.Namespace, env: Environment) -> Faq:
    """Load the FAQ the arguments and environment point at; raises ``FaqError``."""
    from ims_bot.core.loader import load_faq

    return load_faq(faq_path(args, env))


def engine(args: argparse.Namespace, env: Environment) -> Engine:
    """The prepared engine for that FAQ, from the cache when it is there (see ``cache``)."""
    from ims_bot.cache import prepared_engine

    return prepared_engine(faq_path(args, env), env)


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
