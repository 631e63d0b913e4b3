"""Solvency contagion on a network of claims (the NEVA valuation framework), pure NumPy.

A shock to external assets can cost a firm more than the shock itself, because its
creditors mark their claims on it down and their own creditors then do the same. This
module measures that amplification with the network-valuation framework of Barucca et
al. (2020) and Bardoscia et al. (2019), reproducing the reference numbers computed with
the NEVA package (see ``docs/contagion.md`` and ``tests/data/contagion_cases.json``).

Model. Node ``i`` has external assets ``A^e_i``, external liabilities ``L^e_i`` and
claims ``A_ij >= 0`` on other nodes (row = lender, column = borrower). Its face-value
equity is ``E0_i = A^e_i - L^e_i + sum_j A_ij - sum_j A_ji``. A shock ``s >= 0`` is taken
off external assets, and equities solve ``E = Phi(E)`` with::

    Phi_i(E) = (A^e_i - s_i) - L^e_i + sum_j A_ij V_j(E_j) - L^ib_i

where ``V_j in [0, 1]`` is the value of a claim on ``j`` per unit of face value (the
*method*). Liabilities stay at face value. The solver iterates synchronously (Jacobi)
from ``E0 - s`` with NEVA's stopping rule, so it finds the greatest fixed point below
``E0 - s``.

Typical use::

    net = Network(nodes=("A", "B"), external_assets=[10, 5], external_liabilities=[9, 4],
                  interbank_matrix=[[0, 1], [0, 0]])
    res = solve(net, {"B": 2.0}, "furfine")
    res.direct_loss, res.amplified_loss
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from errors import InputError

FURFINE = "furfine"
EISENBERG_NOE = "eisenberg_noe"
LINEAR_DEBTRANK = "linear_debtrank"
EXOGENOUS_RECOVERY = "exogenous_recovery"
EXANTE_EN_BLACKCOX_GBM = "exante_en_blackcox_gbm"

METHODS: tuple[str, ...] = (
    FURFINE,
    EISENBERG_NOE,
    LINEAR_DEBTRANK,
    EXOGENOUS_RECOVERY,
    EXANTE_EN_BLACKCOX_GBM,
)
"""Every valuation method this module knows, in the reference file's order."""

STANDARD_METHODS: tuple[str, ...] = METHODS[:4]
"""Methods run on a case whose file lists no ``results`` of its own."""

DEFAULT_TOL = 1e-13
DEFAULT_MAX_ITERATIONS = 100_000
HISTORY_SWEEPS = 10
FIXED_POINT_RTOL = 1e-9
DEFAULT_RECOVERY_RATE = 0.4
DEFAULT_EXANTE_RECOVERY_RATE = 0.6
DEFAULT_SIGMA_EQUITY = 0.2
SCHEMA_VERSION = 1
SHOCK_KIND = "external_assets_absolute"

_ALLOWED_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        FURFINE: (),
        EISENBERG_NOE: (),
        LINEAR_DEBTRANK: (),
        EXOGENOUS_RECOVERY: ("rho",),
        EXANTE_EN_BLACKCOX_GBM: ("rho", "sigma_equity", "sigma_asset"),
    }
)
_SQRT2 = math.sqrt(2.0)

# Limits of a network file (checked while it is read, before any solve).
MAX_NODES = 500  # one solve sweep is an n x n product; 500 nodes keep a case to seconds
MAX_CASES = 1000
MAX_AMOUNT = 1e15  # any balance-sheet amount: far above any firm's, in any currency unit
MAX_SIGMA = 100.0  # a yearly volatility (10,000 %)
MAX_NAME_CHARS = 200  # a node name or a case id


class ContagionInputError(InputError):
    """A network, shock, method or case file that the solver cannot accept.

    A ``ValueError`` so that callers who already catch bad input keep working; the
    message always names the case (or ``network``), the field and what is allowed.
    """


# --------------------------------------------------------------------------- validation
def _describe(value: Any) -> str:
    """Short description of a bad value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} items"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return repr(value)


def _fail(ctx: str, name: str, allowed: str, got: str) -> ContagionInputError:
    """Build the one error format used everywhere: case, field, what is allowed, what came."""
    return ContagionInputError(f"{ctx}: field {name!r} must be {allowed}, got {got}")


def _is_number(value: Any) -> bool:
    """True for real numbers; bools and strings are refused so typos do not slip through."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _in_range(value: Any, lo: float, hi: float) -> bool:
    """A real, finite number in ``lo..hi``, checked without overflow.

    A 400-digit integer is compared exactly, never turned into a float.
    """
    if not _is_number(value):
        return False
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return False
    return lo <= value <= hi


def _amount_ok(value: Any) -> bool:
    """A finite amount from 0 to :data:`MAX_AMOUNT`."""
    return _in_range(value, 0.0, MAX_AMOUNT)


def _vector(
    ctx: str,
    name: str,
    value: Any,
    n: int,
    *,
    upper: np.ndarray | None = None,
    allowed: str | None = None,
) -> np.ndarray:
    """Check a per-node list of finite non-negative numbers and return it as floats."""
    allowed = allowed or f"a list of {n} finite numbers >= 0 (one per node), each at most 1e15"
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise _fail(ctx, name, allowed, _describe(value))
        items: Sequence[Any] = value.tolist()
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise _fail(ctx, name, allowed, _describe(value))
    if len(items) != n:
        raise _fail(ctx, name, allowed, f"{len(items)} values")
    for k, x in enumerate(items):
        if not _amount_ok(x):
            raise _fail(ctx, name, allowed, f"{_describe(x)} at position {k}")
        if upper is not None and float(x) > upper[k]:
            raise _fail(ctx, name, allowed, f"{float(x)!r} at position {k} (limit {upper[k]!r})")
    return np.array([float(x) for x in items], dtype=float)


def _matrix(ctx: str, name: str, value: Any, n: int) -> np.ndarray:
    """Check an n x n claims matrix (finite, non-negative, zero diagonal) and return floats."""
    allowed = f"an n x n matrix of finite numbers from 0 to 1e15 (n = {n} nodes)"
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise _fail(ctx, name, allowed, _describe(value))
        rows: Sequence[Any] = value.tolist()
    elif isinstance(value, (list, tuple)):
        rows = value
    else:
        raise _fail(ctx, name, allowed, _describe(value))
    if len(rows) != n:
        raise _fail(ctx, name, allowed, f"{len(rows)} rows")
    out = np.zeros((n, n), dtype=float)
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != n:
            got = f"{len(row)} entries" if isinstance(row, (list, tuple)) else _describe(row)
            raise _fail(ctx, name, allowed, f"row {i} with {got}")
        for j, x in enumerate(row):
            if not _amount_ok(x):
                raise _fail(ctx, name, allowed, f"{_describe(x)} at [{i}][{j}]")
            out[i, j] = float(x)
        if out[i, i] != 0.0:
            raise _fail(
                ctx, name, allowed + " with a zero diagonal", f"{out[i, i]!r} at [{i}][{i}]"
            )
    return out


def _nodes(ctx: str, value: Any) -> tuple[str, ...]:
    """Check the node names: a non-empty list of unique strings."""
    allowed = (
        f"a non-empty list of unique strings (at most {MAX_NODES} nodes, names of at most "
        f"{MAX_NAME_CHARS} characters)"
    )
    if not isinstance(value, (list, tuple)) or not value or len(value) > MAX_NODES:
        raise _fail(ctx, "nodes", allowed, _describe(value))
    seen: set[str] = set()
    for k, name in enumerate(value):
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
            raise _fail(ctx, "nodes", allowed, f"{_describe(name)} at position {k}")
        if name in seen:
            raise _fail(ctx, "nodes", allowed, f"{name!r} twice")
        seen.add(name)
    return tuple(value)


def _check_method(ctx: str, name: str, method: Any) -> str:
    """Refuse unknown method names, listing the allowed ones."""
    if not isinstance(method, str) or method not in METHODS:
        raise _fail(ctx, name, "one of " + ", ".join(METHODS), _describe(method))
    return method


# --------------------------------------------------------------------------- network
@dataclass(frozen=True, eq=False)
class Network:
    """Balance sheets and bilateral claims of the nodes, at face value.

    Validated on construction so that a solver never sees a transposed or ragged
    matrix, a negative exposure or a node lending to itself.

    Attributes:
        nodes: Unique node names; every per-node array follows this order.
        external_assets: ``A^e`` (n), claims on the outside world, >= 0.
        external_liabilities: ``L^e`` (n), debts to the outside world, >= 0.
        interbank_matrix: ``A`` (n x n): ``A[i, j]`` is the face value that ``j`` owes
            ``i`` (row = lender, column = borrower), >= 0, zero diagonal.
    """

    nodes: tuple[str, ...]
    external_assets: np.ndarray
    external_liabilities: np.ndarray
    interbank_matrix: np.ndarray

    def __post_init__(self) -> None:
        ctx = "network"
        nodes = _nodes(ctx, self.nodes)
        n = len(nodes)
        arrays = {
            "external_assets": _vector(ctx, "external_assets", self.external_assets, n),
            "external_liabilities": _vector(
                ctx, "external_liabilities", self.external_liabilities, n
            ),
            "interbank_matrix": _matrix(ctx, "interbank_matrix", self.interbank_matrix, n),
        }
        object.__setattr__(self, "nodes", nodes)
        for name, arr in arrays.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def interbank_assets(self) -> np.ndarray:
        """Face value of each node's claims on the others (row sums)."""
        return self.interbank_matrix.sum(axis=1)

    @property
    def interbank_liabilities(self) -> np.ndarray:
        """``L^ib``: face value each node owes the others (column sums)."""
        return self.interbank_matrix.sum(axis=0)

    @property
    def equity_initial(self) -> np.ndarray:
        """``E0``: pre-shock face-value equity, the base of relative losses and DebtRank."""
        return (
            self.external_assets
            - self.external_liabilities
            + self.interbank_assets
            - self.interbank_liabilities
        )

    def index(self, node: str) -> int:
        """Position of ``node`` in every per-node array.

        Raises:
            ContagionInputError: if ``node`` is not in the network.
        """
        try:
            return self.nodes.index(node)
        except ValueError:
            raise ContagionInputError(
                f"network: unknown node {node!r}; nodes are {', '.join(self.nodes)}"
            ) from None


def _shock_vector(ctx: str, name: str, network: Network, shock: Any) -> np.ndarray:
    """Turn ``None``, a per-node list or a ``{node: amount}`` mapping into a shock vector."""
    n = network.n
    allowed = (
        f"{n} numbers (one per node), each between 0 and the node's external assets"
        " (or an object mapping node names to such amounts)"
    )
    if shock is None:
        return np.zeros(n)
    if isinstance(shock, Mapping):
        vec = [0.0] * n
        for node, amount in shock.items():
            if node not in network.nodes:
                raise _fail(ctx, name, allowed, f"unknown node {_describe(node)}")
            vec[network.nodes.index(node)] = amount
        shock = vec
    return _vector(ctx, name, shock, n, upper=network.external_assets, allowed=allowed)


# --------------------------------------------------------------------------- methods
def _resolve_params(
    ctx: str, prefix: str, method: str, params: Mapping[str, Any], network: Network
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fill in defaults and check a method's parameters.

    Returns:
        ``(public, internal)``: what ``ContagionResult.params`` reports (JSON types)
        and what the valuation function uses.
    """
    allowed_names = _ALLOWED_PARAMS[method]
    for key in params:
        if key not in allowed_names:
            names = ", ".join(allowed_names) if allowed_names else "no parameters"
            raise ContagionInputError(
                f"{ctx}: field {prefix + str(key)!r} is not a parameter of {method!r}"
                f" (allowed: {names})"
            )

    def rate(key: str, default: float) -> float:
        value = params.get(key, default)
        if not _in_range(value, 0.0, 1.0):
            raise _fail(ctx, prefix + key, "a recovery rate between 0 and 1", _describe(value))
        return float(value)

    if method == EXOGENOUS_RECOVERY:
        rho = rate("rho", DEFAULT_RECOVERY_RATE)
        return {"rho": rho}, {"rho": rho}
    if method != EXANTE_EN_BLACKCOX_GBM:
        return {}, {}

    rho = rate("rho", DEFAULT_EXANTE_RECOVERY_RATE)
    public: dict[str, Any] = {"rho": rho}
    if "sigma_equity" in params or "sigma_asset" not in params:
        sigma_equity = params.get("sigma_equity", DEFAULT_SIGMA_EQUITY)
        if not _in_range(sigma_equity, 0.0, MAX_SIGMA) or not sigma_equity > 0:
            raise _fail(
                ctx,
                prefix + "sigma_equity",
                f"a finite number > 0 and at most {MAX_SIGMA:g}",
                _describe(sigma_equity),
            )
        public["sigma_equity"] = float(sigma_equity)
    if "sigma_asset" in params:
        sigma_asset = _vector(ctx, prefix + "sigma_asset", params["sigma_asset"], network.n)
    else:
        # sigma_asset = sigma_equity * E0 / A^e (pre-shock). Where E0 <= 0 or A^e = 0 the
        # value is never used (E <= 0 or A~^e = 0 decide PD alone), so it is set to 0.
        e0, ae = network.equity_initial, network.external_assets
        ok = (e0 > 0) & (ae > 0)
        sigma_asset = np.zeros(network.n)
        sigma_asset[ok] = public["sigma_equity"] * e0[ok] / ae[ok]
    public["sigma_asset"] = [float(x) for x in sigma_asset]
    return public, {"rho": rho, "sigma_asset": sigma_asset}


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF via ``erfc`` (accurate in the lower tail, no SciPy needed)."""
    return np.array([0.5 * math.erfc(-float(v) / _SQRT2) for v in z], dtype=float)


def _blackcox_default_probability(
    equity: np.ndarray, assets: np.ndarray, sigma: np.ndarray
) -> np.ndarray:
    """One-period probability that driftless GBM external assets hit the liability barrier.

    ``PD = 1`` for ``E <= 0``, ``0`` for ``E >= A~^e``; in between, with
    ``x = ln(1 - E/A~^e)``: ``N((x + s^2/2)/s) + A~^e/(A~^e - E) N((x - s^2/2)/s)``.
    A zero volatility means the barrier is never reached (``PD = 0``).
    """
    pd = np.where(equity <= 0, 1.0, 0.0)
    mid = (equity > 0) & (equity < assets) & (sigma > 0)
    if np.any(mid):
        e, a, s = equity[mid], assets[mid], sigma[mid]
        x = np.log1p(-e / a)
        pd[mid] = _normal_cdf((x + s * s / 2) / s) + a / (a - e) * _normal_cdf((x - s * s / 2) / s)
    return np.clip(pd, 0.0, 1.0)


def _valuation(
    method: str, network: Network, shock: np.ndarray, params: Mapping[str, Any]
) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``V(E)``: value per unit of face value of a claim on each borrower."""
    if method == FURFINE:
        return lambda e: np.where(e > 0, 1.0, 0.0)
    if method == EXOGENOUS_RECOVERY:
        rho = params["rho"]
        return lambda e: np.where(e > 0, 1.0, rho)
    if method == EISENBERG_NOE:
        ext_l, ib_l = network.external_liabilities, network.interbank_liabilities
        total = ext_l + ib_l
        has_debt = total > 0
        safe_total = np.where(has_debt, total, 1.0)

        def eisenberg_noe(e: np.ndarray) -> np.ndarray:
            # A defaulter's assets (E + L) are shared pro rata by all creditors,
            # external ones included. With no debts nobody holds a claim on it.
            recovered = np.where(has_debt, np.maximum(0.0, (e + ext_l + ib_l) / safe_total), 0.0)
            return np.where(e > 0, 1.0, np.minimum(1.0, recovered))

        return eisenberg_noe
    if method == LINEAR_DEBTRANK:
        e0 = network.equity_initial
        positive = e0 > 0
        safe_e0 = np.where(positive, e0, 1.0)
        # A node with E0 <= 0 has E <= 0 throughout, so its claims are worth 0, as for
        # any other defaulter.
        return lambda e: np.where(positive, np.clip(e / safe_e0, 0.0, 1.0), 0.0)
    if method == EXANTE_EN_BLACKCOX_GBM:
        rho, sigma = params["rho"], params["sigma_asset"]
        shocked_assets = network.external_assets - shock
        return lambda e: 1.0 - (1.0 - rho) * _blackcox_default_probability(e, shocked_assets, sigma)
    raise AssertionError(method)  # pragma: no cover - methods are checked before


def _neva_distance(old: np.ndarray, new: np.ndarray) -> float:
    """NEVA's convergence measure ``2 sum |new - old| / (|old| + |new|)``, 0/0 terms skipped."""
    den = np.abs(old) + np.abs(new)
    live = den > 0
    return float(2.0 * np.sum(np.abs(new[live] - old[live]) / den[live]))


# --------------------------------------------------------------------------- results
def _floats(values: Iterable[float]) -> list[float | None]:
    """Per-node floats as JSON values (NaN, for undefined relative losses, becomes null)."""
    return [None if math.isnan(v) else float(v) for v in values]


@dataclass(eq=False)
class ContagionResult:
    """Everything one solve reports; ``to_dict`` gives the reference file's result format.

    Attributes:
        method: Valuation method key.
        nodes: Node names; per-node arrays follow this order.
        params: Method parameters actually used (defaults filled in), JSON types.
        equity_initial: ``E0`` (n), pre-shock face-value equity.
        shock: ``s`` (n), taken off external assets.
        equity_final: Equity at the fixed point (n).
        relative_equity_loss: ``(E0 - E) / E0`` (n), unclipped; NaN where ``E0 <= 0``.
        relative_equity_loss_clipped: The same clipped to [0, 1].
        defaulted: Names with final ``E <= 0``, in node order.
        default_round: For each defaulted node, the first sweep ``k`` with
            ``history[k] <= 0`` (0 = insolvent straight after the shock).
        borrower_valuation_final: ``V_j`` at the fixed point (n).
        equity_after_round_1: Equity after the first sweep (n).
        n_iterations: Sweeps done, including the one that detected convergence.
        rounds_to_fixed_point: First ``k`` whose ``history[k]`` is within
            ``1e-9 * max(1, |E|)`` of the final equity, for every node.
        history: ``(m, n)``: ``history[0] = E0 - s`` then the first (at most 10) sweeps.
        history_truncated: True if more sweeps were done than ``history`` holds.
        total_equity_loss: ``sum(E0 - E)``.
        network_loss: ``total_equity_loss - sum(s)``: the loss the network added.
        converged: False if ``max_iterations`` ran out before the stopping rule held.
    """

    method: str
    nodes: tuple[str, ...]
    params: dict[str, Any]
    equity_initial: np.ndarray
    shock: np.ndarray
    equity_final: np.ndarray
    relative_equity_loss: np.ndarray
    relative_equity_loss_clipped: np.ndarray
    defaulted: tuple[str, ...]
    default_round: dict[str, int]
    borrower_valuation_final: np.ndarray
    equity_after_round_1: np.ndarray
    n_iterations: int
    rounds_to_fixed_point: int
    history: np.ndarray
    history_truncated: bool
    total_equity_loss: float
    network_loss: float
    converged: bool = field(default=True)

    @property
    def direct_loss(self) -> float:
        """Equity lost to the shock itself (``sum(s)``), before any contagion."""
        return float(np.sum(self.shock))

    @property
    def amplified_loss(self) -> float:
        """Extra equity lost through the network (``network_loss``)."""
        return self.network_loss

    def to_dict(self) -> dict[str, Any]:
        """The result in the reference file's format: same keys, order and JSON types."""
        return {
            "params": json.loads(json.dumps(self.params)),
            "equity_final": _floats(self.equity_final),
            "relative_equity_loss": _floats(self.relative_equity_loss),
            "relative_equity_loss_clipped": _floats(self.relative_equity_loss_clipped),
            "defaulted": list(self.defaulted),
            "default_round": dict(self.default_round),
            "borrower_valuation_final": _floats(self.borrower_valuation_final),
            "equity_after_round_1": _floats(self.equity_after_round_1),
            "n_iterations": int(self.n_iterations),
            "rounds_to_fixed_point": int(self.rounds_to_fixed_point),
            "history": [_floats(row) for row in self.history],
            "history_truncated": bool(self.history_truncated),
            "total_equity_loss": float(self.total_equity_loss),
            "network_loss": float(self.network_loss),
        }


# --------------------------------------------------------------------------- solver
def solve(
    network: Network,
    shock: Sequence[float] | np.ndarray | Mapping[str, float] | None,
    method: str,
    *,
    tol: float = DEFAULT_TOL,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    **params: Any,
) -> ContagionResult:
    """Value every claim after a shock and report the losses, cascade and history.

    Synchronous (Jacobi) sweeps ``E <- Phi(E)`` from ``E0 - s``, stopped by NEVA's rule
    ``2 sum |dE| / (|E_old| + |E_new|) <= tol``. Every ``V`` is non-decreasing, so the
    equities only fall and the sweeps reach the greatest fixed point below ``E0 - s``.

    Args:
        network: The balance sheets and claims.
        shock: Losses on external assets: one amount per node, a ``{node: amount}``
            mapping, or ``None`` for no shock. Each between 0 and the node's external
            assets.
        method: One of ``METHODS``.
        tol: Stopping threshold of NEVA's rule (the references use 1e-13).
        max_iterations: Most sweeps; if reached, a ``RuntimeWarning`` is issued and
            ``converged`` is False.
        **params: Method parameters: ``rho`` (recovery rate) for
            ``exogenous_recovery`` (default 0.4) and ``exante_en_blackcox_gbm``
            (default 0.6); for the latter also ``sigma_equity`` (default 0.2) or an
            explicit per-node ``sigma_asset`` (default ``sigma_equity * E0 / A^e``).

    Returns:
        The solution, see ``ContagionResult``.

    Raises:
        ContagionInputError: for an unknown method or parameter, or a bad shock or
            solver setting.
    """
    ctx = "solve"
    if not isinstance(network, Network):
        raise _fail(ctx, "network", "a Network", type(network).__name__)
    method = _check_method(ctx, "method", method)
    if not _is_number(tol) or not 0 <= float(tol) < math.inf:
        raise _fail(ctx, "tol", "a finite number >= 0", _describe(tol))
    if not isinstance(max_iterations, (int, np.integer)) or isinstance(max_iterations, bool):
        raise _fail(ctx, "max_iterations", "an integer >= 1", _describe(max_iterations))
    if max_iterations < 1:
        raise _fail(ctx, "max_iterations", "an integer >= 1", _describe(max_iterations))
    s = _shock_vector(ctx, "shock", network, shock)
    public, internal = _resolve_params(ctx, "", method, params, network)
    value = _valuation(method, network, s, internal)

    claims = network.interbank_matrix
    outside = network.external_assets - s - network.external_liabilities
    ib_liabilities = network.interbank_liabilities
    e0 = network.equity_initial

    history = [e0 - s]
    converged = False
    for _ in range(max_iterations):
        old = history[-1]
        new = outside + claims @ value(old) - ib_liabilities
        history.append(new)
        if _neva_distance(old, new) <= tol:
            converged = True
            break
    n_iterations = len(history) - 1
    if not converged:
        warnings.warn(
            f"contagion solve ({method}) stopped after {max_iterations} sweeps without"
            f" meeting tol={tol}",
            RuntimeWarning,
            stacklevel=2,
        )
    path = np.array(history)
    final = path[-1]

    close = np.abs(path - final) <= FIXED_POINT_RTOL * np.maximum(1.0, np.abs(final))
    rounds_to_fixed_point = int(np.argmax(close.all(axis=1)))
    defaulted_mask = final <= 0
    defaulted = tuple(name for name, d in zip(network.nodes, defaulted_mask, strict=True) if d)
    default_round = {
        network.nodes[i]: int(np.argmax(path[:, i] <= 0)) for i in np.flatnonzero(defaulted_mask)
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(e0 > 0, (e0 - final) / np.where(e0 > 0, e0, 1.0), np.nan)
    total_loss = float(np.sum(e0 - final))

    return ContagionResult(
        method=method,
        nodes=network.nodes,
        params=public,
        equity_initial=e0,
        shock=s,
        equity_final=final,
        relative_equity_loss=rel,
        relative_equity_loss_clipped=np.clip(rel, 0.0, 1.0),
        defaulted=defaulted,
        default_round=default_round,
        borrower_valuation_final=value(final),
        equity_after_round_1=path[1],
        n_iterations=n_iterations,
        rounds_to_fixed_point=rounds_to_fixed_point,
        history=path[: HISTORY_SWEEPS + 1].copy(),
        history_truncated=n_iterations > HISTORY_SWEEPS,
        total_equity_loss=total_loss,
        network_loss=total_loss - float(np.sum(s)),
        converged=converged,
    )


# --------------------------------------------------------------------------- case files
@dataclass(frozen=True, eq=False)
class Case:
    """One validated case of a case file: a network, a shock and the methods to run.

    Attributes:
        id: The case's unique id.
        network: Its network.
        shock: Shock on external assets (n), zeros if the file gives none.
        methods: Methods to run by default: those the case's ``results`` list, else
            ``STANDARD_METHODS``.
        params: Method -> parameters taken from the case's ``results`` (may be empty).
        description: Free text from the file, for reports.
    """

    id: str
    network: Network
    shock: np.ndarray
    methods: tuple[str, ...]
    params: Mapping[str, Mapping[str, Any]]
    description: str = ""

    def solve(self, method: str, **options: Any) -> ContagionResult:
        """Solve this case with ``method`` and the case's own parameters for it.

        Args:
            method: One of ``METHODS``.
            **options: ``tol`` / ``max_iterations`` passed to ``solve``.

        Returns:
            The solution.
        """
        return solve(self.network, self.shock, method, **options, **self.params.get(method, {}))


def _check_consistency(ctx: str, name: str, given: Any, expected: np.ndarray) -> None:
    """Compare an optional derived field with what the balance sheet implies.

    Catches a transposed matrix or a typo, which would otherwise solve silently wrong.
    """
    what = {
        "equity_initial": "E0 = A^e - L^e + row sums - column sums",
        "interbank_liabilities_total": "the column sums of interbank_matrix",
    }[name]
    allowed = f"consistent with the balance sheet ({what} = {[float(x) for x in expected]})"
    if not isinstance(given, (list, tuple)) or len(given) != len(expected):
        raise _fail(ctx, name, allowed, _describe(given))
    for k, (g, e) in enumerate(zip(given, expected, strict=True)):
        if not _in_range(g, -4 * MAX_AMOUNT * len(expected), 4 * MAX_AMOUNT * len(expected)):
            raise _fail(ctx, name, allowed, f"{_describe(g)} at position {k}")
        if not abs(float(g) - e) <= FIXED_POINT_RTOL * max(1.0, abs(e)):
            raise _fail(ctx, name, allowed, f"{_describe(g)} at position {k}")


def _case_id(index: int, raw: Mapping[str, Any], seen_ids: dict[str, int]) -> str:
    """The case's id: a non-empty string, unique in the file."""
    ctx = f"case #{index}"
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id or len(case_id) > MAX_NAME_CHARS:
        raise _fail(
            ctx,
            "id",
            f"a non-empty string of at most {MAX_NAME_CHARS} characters",
            _describe(case_id),
        )
    if case_id in seen_ids:
        raise _fail(
            ctx,
            "id",
            "unique in the file",
            f"{case_id!r}, already used by case #{seen_ids[case_id]}",
        )
    seen_ids[case_id] = index
    return case_id


def _case_network(ctx: str, raw: Mapping[str, Any]) -> Network:
    """The balance sheets and claims, cross-checked with the optional derived fields."""
    for name in ("nodes", "external_assets", "external_liabilities", "interbank_matrix"):
        if name not in raw:
            raise ContagionInputError(f"{ctx}: field {name!r} is missing")
    nodes = _nodes(ctx, raw["nodes"])
    n = len(nodes)
    ext_a = _vector(ctx, "external_assets", raw["external_assets"], n)
    ext_l = _vector(ctx, "external_liabilities", raw["external_liabilities"], n)
    matrix = _matrix(ctx, "interbank_matrix", raw["interbank_matrix"], n)
    network = Network(nodes, ext_a, ext_l, matrix)
    for name, expected in (
        ("interbank_liabilities_total", network.interbank_liabilities),
        ("equity_initial", network.equity_initial),
    ):
        if raw.get(name) is not None:
            _check_consistency(ctx, name, raw[name], expected)
    return network


def _case_shock(ctx: str, raw: Mapping[str, Any], network: Network) -> np.ndarray:
    """The shock on external assets (zeros when the case gives none)."""
    raw_shock = raw.get("shock")
    if raw_shock is None:
        return np.zeros(network.n)
    if not isinstance(raw_shock, Mapping):
        raise _fail(ctx, "shock", "an object with 'amounts'", _describe(raw_shock))
    kind = raw_shock.get("kind", SHOCK_KIND)
    if kind != SHOCK_KIND:
        raise _fail(ctx, "shock.kind", repr(SHOCK_KIND), _describe(kind))
    if "amounts" not in raw_shock:
        raise ContagionInputError(f"{ctx}: field 'shock.amounts' is missing")
    return _shock_vector(ctx, "shock.amounts", network, raw_shock["amounts"])


def _case_methods(
    ctx: str, raw: Mapping[str, Any], network: Network
) -> tuple[tuple[str, ...], dict[str, Mapping[str, Any]]]:
    """The methods to run (those the case's ``results`` list) and their parameters."""
    raw_results = raw.get("results")
    params: dict[str, Mapping[str, Any]] = {}
    if raw_results is None:
        return STANDARD_METHODS, params
    if not isinstance(raw_results, Mapping):
        raise _fail(ctx, "results", "an object keyed by method", _describe(raw_results))
    methods = tuple(_check_method(ctx, "results", m) for m in raw_results)
    for method in methods:
        entry = raw_results[method]
        if not isinstance(entry, Mapping):
            raise _fail(ctx, f"results.{method}", "an object", _describe(entry))
        raw_params = entry.get("params") or {}
        if not isinstance(raw_params, Mapping):
            raise _fail(ctx, f"results.{method}.params", "an object", _describe(raw_params))
        _resolve_params(ctx, f"results.{method}.params.", method, raw_params, network)
        params[method] = MappingProxyType(dict(raw_params))
    return methods, params


def _parse_case(index: int, raw: Any, seen_ids: dict[str, int]) -> Case:
    """Validate one case object of a case file."""
    if not isinstance(raw, Mapping):
        raise ContagionInputError(f"case #{index}: must be a JSON object, got {_describe(raw)}")
    case_id = _case_id(index, raw, seen_ids)
    ctx = f"case {case_id!r}"
    network = _case_network(ctx, raw)
    shock = _case_shock(ctx, raw, network)
    methods, params = _case_methods(ctx, raw, network)
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 10_000:
        raise _fail(ctx, "description", "text of at most 10,000 characters", _describe(description))
    return Case(
        id=case_id,
        network=network,
        shock=shock,
        methods=methods,
        params=MappingProxyType(params),
        description=description,
    )


def load_cases(path_or_dict: str | os.PathLike[str] | Mapping[str, Any]) -> list[Case]:
    """Read and validate a case file in the reference format.

    Expected ``results`` in the file are not used for computing; only their method
    keys and ``params`` are kept, to say what to run and how.

    Args:
        path_or_dict: Path of a JSON file, or its already-parsed content (anything
            that is not a path is validated as parsed JSON).

    Returns:
        The cases, in file order.

    Raises:
        ContagionInputError: if the file cannot be read (missing, not UTF-8, over 16 MiB,
            nested more than 16 deep), is not valid JSON, or any field is malformed or
            out of range; the message names the case (id, or ``#index``) and the field.
    """
    if isinstance(path_or_dict, (str, os.PathLike)):
        return _load_file(Path(path_or_dict))
    data = path_or_dict
    if not isinstance(data, Mapping):
        raise ContagionInputError(
            f"top level must be a JSON object with a 'cases' list, got {_describe(data)}"
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise _fail("top level", "schema_version", str(SCHEMA_VERSION), _describe(version))
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or len(raw_cases) > MAX_CASES:
        raise _fail(
            "top level",
            "cases",
            f"a list of at most {MAX_CASES} case objects",
            _describe(raw_cases),
        )
    seen: dict[str, int] = {}
    return [_parse_case(i, raw, seen) for i, raw in enumerate(raw_cases)]


def _load_file(path: Path) -> list[Case]:
    """:func:`load_cases` of a file: every message starts with the file's name."""
    from fileio import load_json

    label = f"file {str(path)!r}"
    data = load_json(path, what="network file", error=ContagionInputError, label=label)
    try:
        return load_cases(data)
    except ContagionInputError as e:
        raise ContagionInputError(f"{label}: {e}") from None


def run_cases(
    cases: Iterable[Case],
    methods: Iterable[str] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
) -> dict[str, Any]:
    """Solve every case with its methods and collect the results in the reference layout.

    Args:
        cases: Cases from ``load_cases``.
        methods: Methods to run on every case; ``None`` runs each case's own
            ``Case.methods``. Parameters come from the case when it has them.
        tol: Stopping threshold passed to ``solve``.
        max_iterations: Most sweeps passed to ``solve``.

    Returns:
        ``{"schema_version": 1, "cases": [{"id": ..., "results": {method: result}}]}``
        with each result as ``ContagionResult.to_dict`` gives it.

    Raises:
        ContagionInputError: for an unknown method name.
    """
    chosen = (
        None
        if methods is None
        else tuple(_check_method("run_cases", "methods", m) for m in methods)
    )
    out = []
    for case in cases:
        results = {
            m: case.solve(m, tol=tol, max_iterations=max_iterations).to_dict()
            for m in (case.methods if chosen is None else chosen)
        }
        out.append({"id": case.id, "results": results})
    return {"schema_version": SCHEMA_VERSION, "cases": out}


def contagion_file(
    in_path: str | os.PathLike[str], out_path: str | os.PathLike[str]
) -> dict[str, Any]:
    """Read a case file, solve it and write the results as JSON (indent 2).

    The entry point behind ``run.py contagion FILE.json --out results.json``.

    Args:
        in_path: Case file in the reference format.
        out_path: Where to write the results; parent folders are created.

    Returns:
        The results written, as ``run_cases`` returns them.

    Raises:
        ContagionInputError: if the case file is malformed, or its amounts are so
            extreme that a result is not finite.
        errors.CLIError: ``out_path`` cannot be written (exit status 2).
        errors.WriteFailedError: the write failed mid-way (a full disk): nothing written.
    """
    from fileio import write_text_atomic

    results = run_cases(load_cases(in_path))
    bad = _first_non_finite(results)
    if bad is not None:
        raise ContagionInputError(
            f"{bad}: the result is not a finite number: the file's amounts are too extreme "
            "for double precision (nothing was written)"
        )
    text = json.dumps(results, indent=2, allow_nan=False) + "\n"
    write_text_atomic(Path(out_path), text, what="--out")
    return results


def _first_non_finite(results: Mapping[str, Any]) -> str | None:
    """Where the first NaN or infinity in ``run_cases``'s output is, or None."""
    for case in results["cases"]:
        for method, result in case["results"].items():
            stack: list[Any] = [result]
            while stack:
                value = stack.pop()
                if isinstance(value, Mapping):
                    stack.extend(value.values())
                elif isinstance(value, list):
                    stack.extend(value)
                elif isinstance(value, float) and not math.isfinite(value):
                    return f"case {case['id']!r}, method {method!r}"
    return None
