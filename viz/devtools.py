"""Helpers to drive the live view in a real browser (for the benchmark and the screenshot).

``serve()`` starts ``solara run viz/app.py`` on 127.0.0.1 and a free port in a child
process; ``browser()`` opens Debian's Chromium through Playwright with the same flags as
``tests/conftest.py``; ``step_until()`` clicks Step until the month counter reads a month.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "viz" / "app.py"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls to Google's hosts
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str:
    """Debian's chromium (or ``$CHROMIUM_PATH``)."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        raise RuntimeError("chromium not found: apt-get install chromium, or set CHROMIUM_PATH")
    return path


@contextlib.contextmanager
def serve(port: int | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Run the page in production mode on 127.0.0.1; yields its base URL."""
    port = port or free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # no question to pypi.org at start
    ]
    log = open(os.devnull, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "readyz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"solara server did not start on {url}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser(viewport: tuple[int, int] = (1440, 900)) -> Iterator[Any]:
    """A fresh Playwright page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = b.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            yield context.new_page()
        finally:
            b.close()


def wait_loaded(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until the page shows its month counter."""
    page.get_by_test_id("month-counter").wait_for(timeout=timeout_ms)


def month(page: Any) -> int:
    """The month counter's value."""
    return int(page.get_by_test_id("month-counter").get_attribute("data-month"))


def step_until(page: Any, target: int) -> None:
    """Click Step until the counter reads ``target``."""
    step = page.locator(".aiv-step")
    while (m := month(page)) < target:
        step.click()
        page.wait_for_selector(f'[data-testid="month-counter"][data-month="{m + 1}"]')
