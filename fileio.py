"""Reading input files and writing output files safely: one place for both.

Reading (:func:`read_text`, :func:`load_toml`, :func:`load_json`): a regular file of at
most a stated size, UTF-8 text (a byte-order mark is allowed; UTF-16 and stray bytes are
named), parsed, and nested no deeper than :data:`MAX_DEPTH`. Every problem raises the
caller's error class (``PresetError``, ``SpecError``...) with the file's name first.

Writing (:func:`check_writable`, :func:`write_bytes_atomic`, :func:`write_text_atomic`,
:func:`write_frame`): checked before any work (a folder in the way, a file where a folder
must be, a folder that cannot be written: exit status 2), then written to a temporary
file beside the target and renamed over it, so a reader never sees a partial file. A
write that fails mid-way (a full disk) removes the temporary file and raises
:class:`errors.WriteFailedError` (exit status 1).

Imports nothing of ours but :mod:`errors`, so every layer may use it.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import secrets
import stat
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from errors import DISK_FULL_ERRNOS, CLIError, InputError, WriteFailedError, os_problem

KIB = 1024
MIB = 1024 * KIB
MAX_TEXT_BYTES = 1 * MIB  # presets, sweep files, lessons: a few KiB each in practice
MAX_JSON_BYTES = 16 * MIB  # contagion networks (hundreds of nodes), run records
MAX_DEPTH = 16  # tables/lists inside each other; the deepest shipped file has 7
WRITE_CHUNK = 64 * KIB

_os_write = os.write  # the one call that writes output bytes (tests mock it: a full disk)


# ---------------------------------------------------------------------- reading
def _size_text(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB and n % MIB == 0 else f"{n // KIB} KiB"


def read_bytes(
    path: Path | str,
    *,
    what: str = "file",
    max_bytes: int = MAX_TEXT_BYTES,
    error: type[Exception] = InputError,
    label: str | None = None,
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    Args:
        path: the file.
        what: what the file is, for messages ("preset", "sweep file"...).
        max_bytes: the largest file accepted.
        error: the exception class to raise.
        label: how messages name the file (default: the path).

    Raises:
        error: missing, a folder or device, unreadable, or too large.
    """
    path = Path(path)
    name = str(path) if label is None else label
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise error(f"{name}: is {kind}, not a {what}")
        if info.st_size > max_bytes:
            raise error(
                f"{name}: {info.st_size:,} bytes; a {what} may be at most {_size_text(max_bytes)}"
            )
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{name}: no such file") from None
    except OSError as e:
        raise error(f"{name}: cannot be read: {os_problem(e)}") from None
    if len(data) > max_bytes:  # it grew while we looked
        raise error(f"{name}: a {what} may be at most {_size_text(max_bytes)}")
    return data


def decode_utf8(
    data: bytes, *, name: str, what: str = "file", error: type[Exception] = InputError
) -> str:
    """UTF-8 text (a leading byte-order mark is dropped); other encodings are named.

    Raises:
        error: UTF-16 or UTF-32 text, or a byte that is not UTF-8 (with its offset).
    """
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom):
            raise error(f"{name}: the {what} is {enc} text; save it as UTF-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = data[e.start : e.start + 1].hex()
        line = data.count(b"\n", 0, e.start) + 1
        raise error(
            f"{name}: not UTF-8 text (byte 0x{bad} at offset {e.start}, line {line}); "
            f"save the {what} as UTF-8"
        ) from None


def read_text(
    path: Path | str,
    *,
    what: str = "file",
    max_bytes: int = MAX_TEXT_BYTES,
    error: type[Exception] = InputError,
    label: str | None = None,
) -> str:
    """A UTF-8 text file of at most ``max_bytes`` (see :func:`read_bytes`)."""
    data = read_bytes(path, what=what, max_bytes=max_bytes, error=error, label=label)
    name = str(path) if label is None else label
    return decode_utf8(data, name=name, what=what, error=error)


def nesting_depth(data: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and tables nest in ``data`` (a scalar is 0, ``[1]`` is 1).

    Stops counting at ``limit + 1`` (iterative: no recursion, whatever the input).
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((c, depth) for c in children)
    return deepest


def _check_depth(data: Any, name: str, max_depth: int, error: type[Exception]) -> None:
    if nesting_depth(data, max_depth) > max_depth:
        raise error(f"{name}: lists or tables nested more than {max_depth} levels deep")


def load_toml(
    path: Path | str,
    *,
    what: str = "TOML file",
    max_bytes: int = MAX_TEXT_BYTES,
    max_depth: int = MAX_DEPTH,
    error: type[Exception] = InputError,
    label: str | None = None,
) -> dict[str, Any]:
    """Read, decode and parse a TOML file, nested at most ``max_depth`` deep.

    Raises:
        error: any problem reading (:func:`read_text`), invalid TOML (the parser's line
            and column), numbers too long to parse, or too deep a nesting.
    """
    name = str(path) if label is None else label
    text = read_text(path, what=what, max_bytes=max_bytes, error=error, label=label)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{name}: not valid TOML: {e}") from None
    except RecursionError:
        raise error(f"{name}: lists or tables nested more than {max_depth} levels deep") from None
    except ValueError as e:  # an integer of thousands of digits
        raise error(f"{name}: not valid TOML: {e}") from None
    _check_depth(data, name, max_depth, error)
    return data


def _no_constant(word: str) -> Any:
    raise ValueError(f"{word} is not a JSON number; write a finite number or null")


def load_json(
    path: Path | str,
    *,
    what: str = "JSON file",
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_DEPTH,
    error: type[Exception] = InputError,
    label: str | None = None,
) -> Any:
    """Read, decode and parse a JSON file (no ``NaN``/``Infinity``), at most ``max_depth`` deep.

    Raises:
        error: any problem reading, invalid JSON (with line and column), ``NaN`` or
            ``Infinity``, numbers too long to parse, or too deep a nesting.
    """
    name = str(path) if label is None else label
    text = read_text(path, what=what, max_bytes=max_bytes, error=error, label=label)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise error(f"{name}: lists or objects nested more than {max_depth} levels deep") from None
    except ValueError as e:  # JSONDecodeError is a ValueError
        raise error(f"{name}: not valid JSON: {e}") from None
    _check_depth(data, name, max_depth, error)
    return data


# ---------------------------------------------------------------------- writing
def _existing_ancestor(folder: Path) -> Path:
    p = folder
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_writable(path: Path | str, *, what: str = "--out") -> Path:
    """Check, before any work, that ``path`` can be written; returns it.

    The file may exist (it is replaced) but must not be a folder; the folders above it
    must be folders (missing ones are created when writing) and allow creating a file
    there (tested for real with a temporary file, so a read-only file system counts).

    Raises:
        CLIError: exit status 2, naming the option, the path and the problem.
    """
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise CLIError(f"{what} {str(path)!r}: give a file name, not a folder")
    if path.is_dir():
        raise CLIError(f"{what} {path}: is a folder; give a file name")
    base = _existing_ancestor(path.parent if str(path.parent) else Path("."))
    if not base.is_dir():
        raise CLIError(f"{what} {path}: {base} is a file, not a folder")
    probe = base / f".{secrets.token_hex(6)}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise CLIError(f"{what} {path}: cannot write in {base}: {os_problem(e)}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()
    return path


def _make_parents(path: Path, what: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        status = WriteFailedError if e.errno in DISK_FULL_ERRNOS else CLIError
        raise status(
            f"{what} {path}: cannot create the folder {path.parent}: {os_problem(e)}"
        ) from None


@contextlib.contextmanager
def atomic_path(path: Path | str, *, what: str = "--out") -> Iterator[Path]:
    """A temporary path beside ``path`` to write; renamed over ``path`` when the block ends.

    If the block raises, the temporary file is removed and ``path`` is left as it was. An
    ``OSError`` becomes :class:`errors.WriteFailedError` (exit 1) naming the file; a path
    that cannot be written at all (no such folder, a folder in the way, permission)
    becomes :class:`errors.CLIError` (exit 2).
    """
    path = Path(path)
    if path.is_dir():
        raise CLIError(f"{what} {path}: is a folder; give a file name")
    _make_parents(path, what)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as e:
        status = WriteFailedError if e.errno in DISK_FULL_ERRNOS else CLIError
        raise status(f"{what} {path}: cannot write: {os_problem(e)}") from None
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as e:
        _remove(tmp)
        raise WriteFailedError(
            f"{what} {path}: the write failed ({os_problem(e)}); nothing was written"
        ) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = _os_write(fd, view[:WRITE_CHUNK])
        view = view[n:]


def write_bytes_atomic(path: Path | str, data: bytes, *, what: str = "--out") -> Path:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path, what=what) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def write_text_atomic(path: Path | str, text: str, *, what: str = "--out") -> Path:
    """Write UTF-8 ``text`` to ``path`` whole or not at all."""
    return write_bytes_atomic(path, text.encode("utf-8"), what=what)


def frame_bytes(df: Any, suffix: str) -> bytes:
    """A DataFrame as Parquet (``suffix`` ``.parquet``) or CSV bytes, without an index."""
    if suffix.lower() == ".parquet":
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        return buf.getvalue()
    return df.to_csv(index=False).encode("utf-8")


def write_frame(df: Any, path: Path | str, *, what: str = "--out") -> Path:
    """Write a DataFrame as CSV or Parquet by the file's suffix, whole or not at all."""
    path = Path(path)
    return write_bytes_atomic(path, frame_bytes(df, path.suffix), what=what)


def write_with(path: Path | str, write: Callable[[Path], Any], *, what: str = "--out") -> Path:
    """Let ``write(tmp)`` write a temporary file, then rename it over ``path``."""
    path = Path(path)
    with atomic_path(path, what=what) as tmp:
        write(tmp)
    return path
