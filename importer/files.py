"""Paths the user names that are neither a file nor a folder: named pipes and devices.

Opening a named pipe for reading waits for a writer, forever; replacing a device node
(``-o /dev/null --force`` run as root) destroys it. So every command refuses them, with one
line, before reading or writing: the inputs (workbook, names file) and the outputs
(template, export, reports, JSON).
"""

from __future__ import annotations

import stat
from pathlib import Path


def is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a directory (a named pipe,
    socket or device). A missing path is not special: the caller reports that its own way."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def special_input_message(path: Path) -> str:
    """The one line for an input that is a pipe or device."""
    return (f"{path} is not a regular file (a named pipe or a device): save it as a file "
            "and give that file")


def special_output_message(path: Path) -> str:
    """The one line for an output that is a pipe or device (never replaced, even with
    --force)."""
    return f"cannot write {path}: it is a named pipe or a device, not a file; choose a file name"
