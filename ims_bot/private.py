"""Files and folders only their owner can read: the logs and recordings may quote a patient."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path, tighten: bool = False) -> None:
    """Create ``path`` (and missing parents) readable by its owner alone.

    With ``tighten``, an existing folder that others may read is narrowed to ``0700``
    when it is the user's own: ims-bot's state folder is, a folder the user named
    elsewhere (``--log /shared/x.sqlite``) is left as it is.
    """
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if tighten:
        tighten_mode(path, FOLDER_MODE)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode ``0600`` unless it exists; an existing file of the
    user's own that others may read is narrowed to ``0600``."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(descriptor)
    tighten_mode(path, FILE_MODE)


def tighten_mode(path: Path, mode: int) -> None:
    """Take away the group's and others' permissions from ``path`` when the user owns it."""
    status = path.stat()
    if status.st_uid == os.geteuid() and stat.S_IMODE(status.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(status.st_mode) & mode)


def create_private(path: Path, text: str, overwrite: bool) -> None:
    """Write ``text`` to a new file at ``path`` with mode ``0600``.

    Raises ``FileExistsError`` when the file exists and ``overwrite`` is false.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    with os.fdopen(os.open(path, flags, FILE_MODE), "w", encoding="utf-8") as stream:
        stream.write(text)
    tighten_mode(path, FILE_MODE)
