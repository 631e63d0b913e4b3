"""The sweep's back ends: :mod:`parallel.backends` bound to :func:`sweep.worker.run_chunk`.

* ``SerialBackend``: one worker, in the driver process (no start-up, no pickling).
* ``PoolBackend``: a ``forkserver`` process pool (workers fork from a clean server that
  has imported the model once).
* ``DaskBackend``: ``distributed.Client`` on a ``LocalCluster`` (``--scheduler local``;
  dashboard off, loopback only) or on a running scheduler (``--scheduler tls://HOST:PORT``,
  or ``tcp://`` on a loopback address; its workers must be able to import this project,
  e.g. started from the project folder).

Dask workers run whatever code they are sent. A plain ``tcp://`` scheduler has neither
authentication nor encryption, so :func:`check_scheduler_address` refuses one that is not
on a loopback address unless the user says the network is trusted (``--insecure-cluster``).
A ``tls://`` address uses Dask's security settings (certificates, ``docs/sweeps.md``).
The code lives in :mod:`parallel` so that the ensembles share it without importing sweeps.
"""

from __future__ import annotations

import os
from typing import Any

from parallel import backends as _generic
from parallel.backends import PLAIN_SCHEMES, TLS_SETTINGS, is_loopback_host

from . import SweepError
from .worker import probe, run_chunk

__all__ = [
    "PLAIN_SCHEMES",
    "TLS_SETTINGS",
    "BackendError",
    "DaskBackend",
    "PoolBackend",
    "SerialBackend",
    "check_scheduler_address",
    "check_tls_settings",
    "is_loopback_host",
    "make_backend",
]


class BackendError(SweepError):
    """A back end that cannot start (bad scheduler address, workers that lack the code)."""


def check_scheduler_address(scheduler: str | None, insecure_cluster: bool = False) -> None:
    """Refuse a ``--scheduler`` address the sweep must not use; nothing is contacted.

    Raises:
        BackendError: not an address; or a plain ``tcp://`` (``ws://``, ``ucx://``) address
            that is not loopback, without ``insecure_cluster``.
    """
    _generic.check_scheduler_address(scheduler, insecure_cluster, error=BackendError)


def check_tls_settings(scheduler: str) -> None:
    """Refuse a ``tls://`` scheduler when Dask has no certificates to show it."""
    _generic.check_tls_settings(scheduler, error=BackendError)


class SerialBackend(_generic.SerialBackend):
    """Run each chunk at once in this process."""

    def __init__(self) -> None:
        super().__init__(run_chunk)


class PoolBackend(_generic.PoolBackend):
    """A local process pool of ``workers`` processes."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers, run_chunk, ("sweep.worker", "model"))


class DaskBackend(_generic.DaskBackend):
    """A Dask distributed client on a LocalCluster or on a running scheduler."""

    def __init__(self, scheduler: str, workers: int) -> None:
        super().__init__(
            scheduler, workers, run_chunk, probe=probe, imports="model, sweep", error=BackendError
        )


def make_backend(workers: int | None, scheduler: str | None, insecure_cluster: bool = False) -> Any:
    """The back end for ``--workers``/``--scheduler``.

    Args:
        workers: pool size (default: every core); 1 without a scheduler runs in-process.
        scheduler: None for a local process pool; ``"local"`` for a Dask LocalCluster of
            ``workers`` processes; ``tls://HOST:PORT`` (or ``tcp://`` on loopback) for a
            running Dask scheduler.
        insecure_cluster: allow a plain ``tcp://`` scheduler that is not loopback.
    """
    n = workers or os.cpu_count() or 1
    if scheduler:
        check_scheduler_address(scheduler, insecure_cluster)
        return DaskBackend(scheduler, n)
    if n == 1:
        return SerialBackend()
    return PoolBackend(n)
