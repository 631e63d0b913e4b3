"""Errors the command line shows as one line (no traceback), shared by ``run.py`` and ``sweep``.

The lowest layer of the project: it imports nothing of ours, so every module (``params``,
``economy``, ``sweep``, ``lessons``) can raise these without importing ``run.py``.

Exit statuses: 0 done, 1 a write that failed mid-way (a full disk: nothing partial is
left behind), 2 bad input (a value, a file that cannot be read or used, an output path
that cannot be written), 130 interrupted.

:func:`run_command` is the one place that turns an exception into that line and status:
every command of ``run.py`` (and ``python -m sweep.cli``) runs through it.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable
from typing import Any

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
MESSAGE_MAX_CHARS = 2000  # a message quoting a huge value is cut here


class CLIError(Exception):
    """Bad input from the command line: printed without a traceback, exit status 2."""

    exit_status = EXIT_BAD_INPUT


class WriteFailedError(CLIError):
    """A write that failed mid-way (disk full, I/O error): exit status 1, no partial file."""

    exit_status = EXIT_FAILED


class InputError(ValueError):
    """A malformed input file or value; the message names the file, the entry and the field.

    The parsers' own errors (``PresetError``, ``SweepError``, ``LessonError``,
    ``ContagionInputError``) derive from it, so the command line shows any of them as one
    line with exit status 2. A ``ValueError``, so callers that catch ``ValueError`` keep
    working.
    """


_OS_PROBLEMS = {
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device (disk full)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "the file is too large for the file system",
    errno.EIO: "input/output error",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EEXIST: "a file of that name is in the way",
    errno.ELOOP: "too many symbolic links",
}
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def os_problem(e: OSError) -> str:
    """What went wrong, in words, for an ``OSError`` (without the file name)."""
    if e.errno in _OS_PROBLEMS:
        return _OS_PROBLEMS[e.errno]
    return e.strerror or str(e) or type(e).__name__


def one_line(text: str) -> str:
    """``text`` on one line (newlines become spaces), cut to :data:`MESSAGE_MAX_CHARS`."""
    flat = " ".join(str(text).split())
    if len(flat) > MESSAGE_MAX_CHARS:
        flat = flat[: MESSAGE_MAX_CHARS - 3] + "..."
    return flat


def _message(e: BaseException) -> tuple[str, int]:
    """The one-line message and exit status for an exception the command line expects."""
    if isinstance(e, CLIError):
        return str(e), e.exit_status
    if isinstance(e, InputError):
        return str(e), EXIT_BAD_INPUT
    if isinstance(e, OSError):
        where = f"{e.filename}: " if e.filename else ""
        status = EXIT_FAILED if e.errno in DISK_FULL_ERRNOS else EXIT_BAD_INPUT
        return f"{where}{os_problem(e)}", status
    if isinstance(e, UnicodeError):
        return f"text that is not valid UTF-8 ({e})", EXIT_BAD_INPUT
    if isinstance(e, RecursionError):
        return "input nested too deeply to read", EXIT_BAD_INPUT
    if isinstance(e, MemoryError):
        return (
            "out of memory: the input asks for more work than this machine can hold",
            EXIT_BAD_INPUT,
        )
    return f"a number too large to handle ({e})", EXIT_BAD_INPUT  # OverflowError


EXPECTED = (CLIError, InputError, OSError, UnicodeError, RecursionError, MemoryError, OverflowError)


def run_command(prog: str, command: str, func: Callable[[Any], int], args: Any) -> int:
    """Run a command; print any expected error as one line on stderr and return its status.

    ``CLIError`` and the parsers' ``InputError`` carry their own message; an ``OSError``,
    ``UnicodeError``, ``RecursionError``, ``MemoryError`` or ``OverflowError`` that reaches
    here is a last resort (readers and writers turn them into messages naming the file
    first) and still gives one line, never a traceback. A ``BrokenPipeError`` (the reader
    of stdout went away, ``run.py params | head``) ends quietly with status 0, as Unix tools
    do; Ctrl-C ends with status 130.
    """
    try:
        return func(args)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print(f"{prog} {command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except EXPECTED as e:
        text, status = _message(e)
        print(f"{prog} {command}: error: {one_line(text)}", file=sys.stderr)
        return status


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), exit status 2."""

    def error(self, message: str) -> Any:  # noqa: D102 - argparse's hook
        self.exit(
            EXIT_BAD_INPUT, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n"
        )


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (under a test's capture)
        pass


def parse_assignments(items: list[str] | None) -> dict[str, Any]:
    """Turn ``["name=value", ...]`` into a dict; values stay text for Params to validate.

    Raises:
        CLIError: an item without ``=``, or a parameter set twice.
    """
    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CLIError(f"--set expects NAME=VALUE, got {item[:80]!r}")
        if name.strip() in out:
            raise CLIError(f"--set {name.strip()[:80]} is given twice; give each parameter once")
        out[name.strip()] = value.strip()
    return out
