"""Errors the command line shows as one line (no traceback), shared by ``run.py`` and ``sweep``.

The lowest layer of the project: it imports nothing of ours, so every command module can
raise these without importing ``run.py`` (which imports them).
"""

from __future__ import annotations

EXIT_BAD_INPUT = 2


class CLIError(Exception):
    """Bad input from the command line: printed without a traceback, exit status 2."""
