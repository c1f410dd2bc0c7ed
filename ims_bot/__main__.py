"""Run ims-bot as ``python -m ims_bot``."""

import sys

from ims_bot.cli import main

sys.exit(main())
