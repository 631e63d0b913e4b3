"""Back ends that run chunks: in the driver, on a process pool, or on a Dask cluster.

Each takes the function that runs one chunk (a plain dict in, a plain dict out) and
hands back futures; a driver loop does not know which back end it has. :mod:`sweep` binds
them to ``sweep.worker.run_chunk`` (``sweep.executors``), :mod:`ensemble` to
``ensemble.worker.run_draws``.

* ``SerialBackend``: one worker, in the driver process (no start-up, no pickling).
* ``PoolBackend``: ``concurrent.futures.ProcessPoolExecutor`` with the ``forkserver``
  start method (workers fork from a clean server that has imported the model once).
* ``DaskBackend``: ``distributed.Client`` on a ``LocalCluster`` (``local``; dashboard off,
  loopback only) or on a running scheduler (``tls://HOST:PORT``, or ``tcp://`` on a
  loopback address; its workers must be able to import this project, e.g. started from
  the project folder).

Dask workers run whatever code they are sent. A plain ``tcp://`` scheduler has neither
authentication nor encryption, so :func:`check_scheduler_address` refuses one that is not
on a loopback address unless the user says the network is trusted (``--insecure-cluster``).
A ``tls://`` address uses Dask's security settings (certificates, ``docs/sweeps.md``).
"""

from __future__ import annotations

import concurrent.futures as cf
import ipaddress
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from . import BackendError
from .pool import init_pool_worker

ChunkFunction = Callable[[dict[str, Any]], dict[str, Any]]

# Dask transports that neither authenticate nor encrypt (tls:// and wss:// do both)
PLAIN_SCHEMES = ("tcp", "ws", "ucx")


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine only: ``localhost``, 127.0.0.0/8 or ``::1``.

    Other names are not looked up (what a name resolves to can change): they count as
    not loopback.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def check_scheduler_address(
    scheduler: str | None,
    insecure_cluster: bool = False,
    *,
    error: type[Exception] = BackendError,
) -> None:
    """Refuse a ``--scheduler`` address the sweep must not use; nothing is contacted.

    Args:
        scheduler: None, ``"local"``, or a Dask address (``tls://HOST:PORT``, ...).
        insecure_cluster: the user accepts a plain (``tcp://``) scheduler that is not on
            this machine.
        error: the exception class to raise (the caller's own ``BackendError``).

    Raises:
        error: not an address; or a plain ``tcp://`` (``ws://``, ``ucx://``) address
            that is not loopback, without ``insecure_cluster``.
    """
    if not scheduler or scheduler == "local":
        return
    if "://" not in scheduler:
        raise error(
            f"--scheduler must be 'local', tls://HOST:PORT or tcp://HOST:PORT, got {scheduler!r}"
        )
    parts = urlsplit(scheduler)
    try:
        host = parts.hostname or ""
    except ValueError:
        host = ""
    if not host and parts.scheme.lower() != "inproc":
        raise error(f"--scheduler {scheduler!r} names no host")
    if parts.scheme.lower() in PLAIN_SCHEMES and not is_loopback_host(host):
        if insecure_cluster:
            return
        raise error(
            f"refusing the plain {parts.scheme}:// scheduler at {host}: Dask workers run any "
            f"code they are sent, and {parts.scheme}:// neither authenticates nor encrypts; "
            "use tls:// with certificates (docs/sweeps.md), a loopback address, or "
            "--insecure-cluster on a network you trust"
        )


class SerialBackend:
    """Run each chunk at once in this process."""

    name = "serial"

    def __init__(self, func: ChunkFunction) -> None:
        self.slots = 1
        self._func = func

    def submit(self, chunk: dict[str, Any]) -> cf.Future:
        """Run the chunk now; return a finished future."""
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(self._func(chunk))
        except Exception as e:  # pragma: no cover - chunk functions catch run errors themselves
            fut.set_exception(e)
        return fut

    def wait(self, futures: set, timeout: float) -> tuple[set, set]:
        """Every future is already done."""
        return set(futures), set()

    def close(self, cancel: bool = False) -> None:
        """Nothing to stop."""

    def describe(self) -> str:
        """One line for the manifest and the console."""
        return "1 worker (in-process)"


class PoolBackend:
    """A local process pool of ``workers`` processes running ``func``.

    ``preload``: modules the fork server imports once (after :mod:`parallel.bytecode`),
    so that each worker starts with them imported.
    """

    name = "processes"

    def __init__(self, workers: int, func: ChunkFunction, preload: Sequence[str] = ()) -> None:
        self.slots = workers
        self._func = func
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["parallel.bytecode", "parallel.pool", *preload])
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=init_pool_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, chunk: dict[str, Any]) -> cf.Future:
        """Queue a chunk on the pool."""
        return self._pool.submit(self._func, chunk)

    def wait(self, futures: set, timeout: float) -> tuple[set, set]:
        """Wait until at least one future is done (or ``timeout`` seconds pass)."""
        done, pending = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return set(done), set(pending)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel``, drop queued chunks and stop the workers now."""
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)

    def describe(self) -> str:
        """One line for the manifest and the console."""
        return f"{self.slots} worker processes"


class DaskBackend:
    """A Dask distributed client on a LocalCluster or on a running scheduler.

    ``probe`` (a function of no arguments) is run once on a worker to check that it can
    import the project; ``imports`` names what it needs, for the message when it cannot.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str,
        workers: int,
        func: ChunkFunction,
        *,
        probe: Callable[[], Any],
        imports: str = "model",
        error: type[Exception] = BackendError,
    ) -> None:
        import logging

        from distributed import Client, LocalCluster

        self._func = func
        self._cluster = None
        self.address = scheduler
        if scheduler.lower().startswith(("tls://", "wss://")):
            check_tls_settings(scheduler, error=error)
        try:
            if scheduler == "local":
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as e:
            if self._cluster is not None:
                self._cluster.close()
            why = " ".join(str(e).split())
            raise error(f"cannot reach the Dask scheduler {scheduler}: {why}") from None
        self.slots = max(1, sum(self._client.nthreads().values()))
        if not self._client.nthreads():
            self.close(cancel=True)
            raise error(f"the Dask scheduler {scheduler} has no workers")
        try:
            self._client.submit(probe, pure=False).result(timeout=60)
        except Exception as e:
            self.close(cancel=True)
            why = " ".join(str(e).split())[:300]
            raise error(
                f"the Dask workers of {scheduler} cannot run the model ({type(e).__name__}: "
                f"{why}); start the scheduler and the workers in the project folder with it "
                "on the path (`PYTHONPATH=. uv run dask scheduler ...`, `PYTHONPATH=. uv run "
                f"dask worker ADDRESS --nthreads 1`), so that `import {imports}` works there"
            ) from None

    def submit(self, chunk: dict[str, Any]) -> Any:
        """Send a chunk to the cluster."""
        return self._client.submit(self._func, chunk, pure=False)

    def wait(self, futures: set, timeout: float) -> tuple[set, set]:
        """Wait until at least one future is done (or ``timeout`` seconds pass)."""
        from distributed import wait
        from distributed.utils import TimeoutError as DaskTimeout

        try:
            done, pending = wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except (TimeoutError, DaskTimeout):
            return set(), set(futures)
        return set(done), set(pending)

    def close(self, cancel: bool = False) -> None:
        """Close the client (and the LocalCluster this back end started)."""
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()

    def describe(self) -> str:
        """One line for the manifest and the console."""
        where = "a local Dask cluster" if self._cluster is not None else f"Dask at {self.address}"
        return f"{self.slots} workers on {where}"


TLS_SETTINGS = (
    "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
    "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY"
)


def check_tls_settings(scheduler: str, *, error: type[Exception] = BackendError) -> None:
    """Refuse a ``tls://`` scheduler when Dask has no certificates to show it.

    Dask reads them from its configuration (``distributed.comm.tls`` in a YAML file, or
    the environment variables named in the message); without them it fails with a
    ``TypeError`` about an ``ssl_context``.
    """
    from distributed.security import Security

    security = Security()
    ca_file = getattr(security, "tls_ca_file", None)  # set by Dask from its configuration
    client_cert = getattr(security, "tls_client_cert", None)
    if not (ca_file and client_cert):
        raise error(
            f"--scheduler {scheduler} needs the cluster's certificates: set {TLS_SETTINGS} "
            "(or distributed.comm.tls in Dask's configuration), see docs/sweeps.md"
        )


def make_backend(
    workers: int | None,
    scheduler: str | None,
    insecure_cluster: bool = False,
    *,
    func: ChunkFunction,
    preload: Sequence[str] = (),
    probe: Callable[[], Any],
    imports: str = "model",
    error: type[Exception] = BackendError,
) -> Any:
    """The back end for ``--workers``/``--scheduler``, running ``func`` on each chunk.

    Args:
        workers: pool size (default: every core); 1 without a scheduler runs in-process.
        scheduler: None for a local process pool; ``"local"`` for a Dask LocalCluster of
            ``workers`` processes; ``tls://HOST:PORT`` (or ``tcp://`` on loopback) for a
            running Dask scheduler.
        insecure_cluster: allow a plain ``tcp://`` scheduler that is not loopback.
        func: the chunk function (importable by name, so that workers can unpickle it).
        preload: modules the pool's fork server imports once.
        probe: checks that a Dask worker can import the project.
        imports: what ``probe`` imports, for the message when it cannot.
        error: the exception class for a back end that cannot start.
    """
    n = workers or os.cpu_count() or 1
    if scheduler:
        check_scheduler_address(scheduler, insecure_cluster, error=error)
        return DaskBackend(scheduler, n, func, probe=probe, imports=imports, error=error)
    if n == 1:
        return SerialBackend(func)
    return PoolBackend(n, func, preload)
