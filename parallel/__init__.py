"""Running many simulations at once: the back ends and the driver's stop flag, shared.

Both :mod:`sweep` and :mod:`ensemble` send chunks of runs to the same back ends; each
binds them to its own chunk function (``sweep.worker.run_chunk``,
``ensemble.worker.run_draws``). This package imports nothing of ours but :mod:`errors`,
so the view may use what is built on it (the ensembles) without ever importing the sweeps.

* :mod:`parallel.backends`: in-process, process-pool and Dask back ends behind one
  interface, and the check of a Dask scheduler's address.
* :mod:`parallel.pool`: what a pool worker does first (leave Ctrl-C to the driver, exit
  when the driver dies) and the driver's :class:`~parallel.pool.StopFlag`.
* :mod:`parallel.store`: what the sweep and ensemble stores share (one DuckDB file, its
  tables and their columns).
* :mod:`parallel.bytecode`: compiled imports for pool workers where writing bytecode is
  turned off.
"""

from errors import InputError


class BackendError(InputError):
    """A back end that cannot start (bad scheduler address, workers that lack the code)."""
