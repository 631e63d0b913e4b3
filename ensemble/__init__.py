"""Ensembles: many worlds drawn from a prior over what we do not know, and their odds.

Modules (import what you need; importing the package is cheap, so workers start fast):

* :mod:`ensemble.prior`: priors as data (``scenarios/NAME.prior.toml``, the named priors
  ``wide`` and ``narrow``), their checks, and Latin-hypercube draws from them.
* :mod:`ensemble.outcomes`: :func:`~ensemble.outcomes.outcomes`, what one finished run
  tells (defaults, free cash flow, lenders, peak GW, chip sales per dollar of loop equity).
* :mod:`ensemble.report`: outcome probabilities with 95% Wilson intervals and the
  distributions, over the draws of a store.
* :mod:`ensemble.worker`: what a worker runs (a chunk of draws -> their outcomes).
* :mod:`ensemble.store`: the DuckDB store (tables ``ensemble`` and ``draws``).
* :mod:`ensemble.runner`: the driver: plan, resume, execute, store.
* :mod:`ensemble.cli`: the ``ensemble`` sub-command of ``run.py``.

Never imports :mod:`sweep` (nor the other way round): the back ends both use are
:mod:`parallel`'s. See ``docs/ensembles.md``.
"""

from errors import InputError


class EnsembleError(InputError):
    """Bad input to an ensemble (a prior, a store of another ensemble): one line, exit 2."""
