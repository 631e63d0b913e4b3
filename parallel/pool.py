"""What a pool worker does first, and how the driver stops cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any


def init_pool_worker(driver_pid: int) -> None:
    """Process-pool initializer: leave Ctrl-C to the driver and exit if the driver dies.

    The driver stops the pool itself on Ctrl-C; a ``kill -9`` of the driver leaves no
    orphaned workers behind, because a watcher thread exits once the driver is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(driver_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - pid reused by another user
                os._exit(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="driver-watch", daemon=True).start()


class StopFlag:
    """Ctrl-C / SIGTERM set a flag the driver's loop checks; a second Ctrl-C aborts at once."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name = ""
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, _frame: Any) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True
        self.signal_name = signal.Signals(signum).name

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                self._old[s] = signal.signal(s, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for s, h in self._old.items():
            signal.signal(s, h)
