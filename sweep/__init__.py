"""Parameter sweeps: designs, executors, the DuckDB result store, analysis and run records.

Modules (import what you need; importing the package itself is cheap, so workers start
fast):

* :mod:`sweep.spec`: the sweep specification (CLI options or a TOML file) and its checks.
* :mod:`sweep.designs`: grid, Latin hypercube, Sobol and Morris designs; run ids, derived
  seeds and the interleaved run order.
* :mod:`sweep.worker`: what a worker runs (a chunk of runs -> their summaries).
* :mod:`sweep.executors`: in-process, process-pool and Dask back ends behind one interface
  (:mod:`parallel`'s, bound to the sweep's worker).
* :mod:`sweep.store`: the DuckDB store (``runs``, ``run_records``, ``design``,
  ``timeseries``, ``manifest``).
* :mod:`sweep.runner`: the driver: plan, resume, execute, store.
* :mod:`sweep.analyze`: phase diagrams, per-point statistics, SALib sensitivity indices.
* :mod:`sweep.stored_records`: the run records a store keeps, and replay against a store
  (the records themselves are :mod:`records`).
* :mod:`sweep.cli`: the ``sweep``, ``analyze`` and ``replay`` sub-commands of ``run.py``.

See ``docs/sweeps.md``.
"""

from errors import InputError


class SweepError(InputError):
    """Bad input to a sweep, an analysis or a replay: shown as a one-line message."""
