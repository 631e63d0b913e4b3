"""Where a run came from: project version, git commit and library versions."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@cache
def project_version() -> str | None:
    """The ``[project] version`` of ``pyproject.toml`` (None when it cannot be read)."""
    try:
        data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return data.get("project", {}).get("version")


def _git(*args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        r = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [git, "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


@cache
def git_commit() -> str | None:
    """The commit checked out in the project folder (None outside a git checkout)."""
    return _git("rev-parse", "HEAD")


@cache
def git_dirty() -> bool | None:
    """Whether tracked files differ from that commit (None outside a git checkout)."""
    out = _git("status", "--porcelain", "--untracked-files=no")
    return None if out is None else bool(out)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


@cache
def library_versions() -> dict[str, str | None]:
    """Python, Mesa, numpy, DuckDB and SALib versions of this process."""
    return {
        "python_version": platform.python_version(),
        "mesa_version": _version("mesa"),
        "numpy_version": _version("numpy"),
        "duckdb_version": _version("duckdb"),
        "salib_version": _version("SALib"),
    }


@cache
def environment() -> dict[str, Any]:
    """Everything a run record or a manifest notes about the code and the machine."""
    return {
        "project_version": project_version(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        **library_versions(),
        "platform": platform.platform(),
        "host": socket.gethostname(),
    }


def worker_identity() -> str:
    """``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"
