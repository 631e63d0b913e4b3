"""What a worker does: run a chunk of draws and return their outcomes.

The same function runs in the driver (one worker), on a process pool and on Dask workers.
A draw that raises is returned as ``failed`` with its traceback; the rest of the chunk
goes on. Workers never touch the store. A chunk is a plain dict (cheap to pickle)::

    {"scenario": "reported", "months": 120,
     "draws": [(draw_id, seed, {"api_price_elasticity": 1.2, ...}), ...]}
"""

from __future__ import annotations

import time
import traceback
from typing import Any

from parallel.pool import init_pool_worker

__all__ = ["init_pool_worker", "probe", "run_draw", "run_draws"]

MAX_ERROR_CHARS = 20_000


def run_draw(scenario: str | None, months: int, seed: int, values: dict[str, Any]) -> dict:
    """One draw: the preset with ``values`` over it, run ``months`` months; its outcomes."""
    from model import AIBubbleModel
    from params import Params

    from .outcomes import outcomes

    params = Params.from_preset(scenario, **values)
    model = AIBubbleModel(rng=seed, preset=scenario, params=params, check_invariants=False)
    model.run_for(months)
    return outcomes(model)


def run_draws(chunk: dict[str, Any]) -> dict[str, Any]:
    """Run every draw of a chunk; returns ``{"worker": ..., "results": [...]}``.

    Each result: ``draw_id``, ``status`` (``ok`` or ``failed``), ``error`` (traceback or
    None), ``outcomes`` (dict or None) and ``elapsed_s``.
    """
    from records.env import worker_identity

    results = []
    for draw_id, seed, values in chunk["draws"]:
        t0 = time.perf_counter()
        result: dict[str, Any] = {
            "draw_id": draw_id,
            "status": "ok",
            "error": None,
            "outcomes": None,
        }
        try:
            result["outcomes"] = run_draw(chunk["scenario"], chunk["months"], seed, values)
        except Exception:
            result["status"] = "failed"
            result["error"] = traceback.format_exc()[-MAX_ERROR_CHARS:]
        result["elapsed_s"] = time.perf_counter() - t0
        results.append(result)
    return {"worker": worker_identity(), "results": results}


def probe() -> dict[str, Any]:
    """Check that a worker can import the model and this package; returns its identity."""
    import model  # noqa: F401
    from records.env import worker_identity

    from . import outcomes  # noqa: F401

    return {"worker": worker_identity()}
