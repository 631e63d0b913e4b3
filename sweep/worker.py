"""What a worker does: run a chunk of simulations and return their summaries.

The same function runs in the driver (one worker), in a process pool and on Dask workers,
so every back end computes the same thing. A run that raises is returned as ``failed``
with its traceback; the rest of the chunk goes on. Workers never touch the store.

A chunk is a plain dict (cheap to pickle)::

    {"scenario": "seed", "fixed": {...}, "months": 120, "timeseries": False,
     "names": ("x", "y"), "runs": [(run_id, seed, (x, y)), ...]}
"""

from __future__ import annotations

import time
import traceback
from typing import Any

from parallel.pool import init_pool_worker

__all__ = ["init_pool_worker", "probe", "run_chunk", "simulate"]

MAX_ERROR_CHARS = 20_000


def simulate(
    params: Any, seed: int, months: int, collect: bool, scenario: str | None
) -> tuple[dict[str, Any], Any]:
    """One run: the run summary's fields (a plain dict) and, with ``collect``, the DataFrame.

    ``scenario`` gives the run its preset's dated deals (its ``[[contracts]]``); the
    parameters come from ``params``.
    """
    from model import AIBubbleModel

    model = AIBubbleModel(
        rng=seed, preset=scenario, params=params, check_invariants=False, collect=collect
    )
    model.run_for(months)
    frame = model.datacollector.get_model_vars_dataframe() if collect else None
    return model.observation.summary().as_dict(), frame


def run_chunk(chunk: dict[str, Any]) -> dict[str, Any]:
    """Run every run of a chunk; returns ``{"env": ..., "results": [...]}``.

    Each result: ``run_id``, ``status`` (``ok`` or ``failed``), ``error`` (traceback or
    None), ``summary`` (dict or None), ``params`` (the full parameter set the run used),
    ``elapsed_s`` and ``timeseries`` (DataFrame or None).
    """
    from params import Params, PresetError
    from records.env import environment, worker_identity

    base_error = None
    try:
        base = Params.from_preset(chunk["scenario"], **chunk["fixed"])
    except (PresetError, ValueError):
        base = None
        base_error = traceback.format_exc()
    names = chunk["names"]
    results = []
    for run_id, seed, values in chunk["runs"]:
        point = dict(zip(names, values, strict=True))
        t0 = time.perf_counter()
        result: dict[str, Any] = {
            "run_id": run_id,
            "status": "ok",
            "error": None,
            "summary": None,
            "params": None,
            "timeseries": None,
        }
        try:
            if base is None:
                raise RuntimeError(f"the base parameter set is invalid:\n{base_error}")
            result["params"] = {**base.to_dict(), **point}
            params = base.replace(**point)
            result["params"] = params.to_dict()
            summary, frame = simulate(
                params, seed, chunk["months"], chunk["timeseries"], chunk["scenario"]
            )
            result["summary"] = summary
            result["timeseries"] = frame
        except Exception:
            result["status"] = "failed"
            result["error"] = traceback.format_exc()[-MAX_ERROR_CHARS:]
        result["elapsed_s"] = time.perf_counter() - t0
        results.append(result)
    return {"env": {**environment(), "worker": worker_identity()}, "results": results}


def probe() -> dict[str, Any]:
    """Check that a worker can import the model; returns its environment."""
    import model  # noqa: F401
    from records.env import environment, worker_identity

    return {**environment(), "worker": worker_identity()}
