"""The sweep: one optimizer, two of its numeric hyperparameters on a grid, one heatmap.

    res = sweep_grid("adam", "lr", (1e-4, 1.0), True, "beta2", (0.9, 0.9999), True, 64,
                     surfaces.get("rosenbrock"), (-1.5, 2.0), 500, 0, {})
    fig = optviz.figures.sweep.heatmap(res, "final_loss")
    cell_query(res, i, j)                      # the race link of cell (row i = y, column j = x)

The whole grid is one batched `optimizers.run`: every cell is a row with its own hyperparameter
values (1-D arrays in `optimizers.get`), all rows advance together, one gradient call per step.
Very large grids (more than CHUNK_CELLS run-steps) are split into row-chunks — the same rows, the
same common random numbers, so the same numbers — to bound memory and to move a progress bar.

Axes: linear, or log. A log axis of a β-like hyperparameter (valid range [0, 1)) spaces 1 − β
logarithmically — 0.9, 0.99, 0.999, … — which is how the Adam paper reads β2.

URL (prefix `sweep.`): sweep.opt, sweep.x, sweep.y, sweep.xmin, sweep.xmax, sweep.xlog, sweep.ymin,
sweep.ymax, sweep.ylog, sweep.n, sweep.metric, sweep.tol. Defaults are left out. The surface, start,
steps and seed are the race scenario's; the swept optimizer's other hyperparameters are its
settings in the race (if it is racing) or its defaults.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping

import numpy as np

import optimizers

from .cache import LockedLRU
from .defaults import DEFAULT_SWEEP
from .fmt import fmt_value as fmt
from .scenario import Run, Scenario, parse_scenario, to_query

PREFIX = "sweep."
MAX_N = 64
MIN_N = 2
MAX_STEPS = 5000
CHUNK_CELLS = 2_100_000         # run-steps per batched call: 64 × 64 × 501 fits in one
METRICS = ("final_loss", "steps_to", "diverged")
METRIC_TITLES = {"final_loss": "final loss f − f*", "steps_to": "steps to f − f* ≤ tol",
                 "diverged": "diverged at step"}
N_CHOICES = (8, 16, 24, 32, 48, 64)
# the last grids computed, shared by every session (a grid is a few MB: n² final points and metrics)
RESULTS = LockedLRU(max_entries=6)
OFFER_SHARE = 0.7               # an offered smaller grid aims at 70% of the budget
PROBE_CELLS = 1024              # cells the cost probe runs (a 64 × 64 grid is probed on a quarter)


# ---------------------------------------------------------------------------------- axes
def is_beta_like(h) -> bool:
    """A hyperparameter in [0, 1) whose interesting values crowd towards 1 (β1, β2, momentum)."""
    return h.lo == 0.0 and h.hi == 1.0 and h.hi_open


def axis_values(h, lo: float, hi: float, log: bool, n: int) -> np.ndarray:
    """n values from lo to hi (inclusive), validated against the hyperparameter's range."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        raise ValueError(f"{h.name}: the range needs min < max (got {lo:g} … {hi:g})")
    if log:
        if is_beta_like(h):
            if hi >= 1.0:
                raise ValueError(f"{h.name}: a log axis spaces 1 − {h.name} logarithmically, so "
                                 f"max must be below 1 (got {hi:g})")
            vals = 1.0 - np.geomspace(1.0 - lo, 1.0 - hi, n)
        else:
            if lo <= 0:
                raise ValueError(f"{h.name}: a log axis needs min > 0 (got {lo:g})")
            vals = np.geomspace(lo, hi, n)
    else:
        vals = np.linspace(lo, hi, n)
    vals[0], vals[-1] = lo, hi                       # exactly the endpoints the user typed
    h.check(vals)                                    # ValueError naming the range if outside
    return vals


def default_range(h) -> tuple[float, float, bool]:
    """A sensible default (min, max, log) for sweeping hyperparameter h: its declared `sweep`
    range, else its valid range (open ends pulled inside)."""
    if h.sweep is not None:
        return tuple(h.sweep)
    lo = h.lo if h.lo is not None else 0.0
    hi = h.hi if h.hi is not None else 1.0
    if h.hi_open:
        hi = lo + 0.99 * (hi - lo)
    if h.lo_open:
        lo = lo + 1e-3 * (hi - lo)
    return float(lo), float(hi), False


def sweepable(opt_name: str) -> list[str]:
    return [h.name for h in optimizers.spec(opt_name).hparams if h.sweepable]


# -------------------------------------------------------------------------------- result
@dataclass
class SweepResult:
    """The metrics of an n × n grid: row i ↔ y_values[i], column j ↔ x_values[j]."""

    opt_name: str
    x_hp: str
    y_hp: str
    x_values: np.ndarray
    y_values: np.ndarray
    x_log: bool
    y_log: bool
    surface: Any
    start: tuple[float, float]
    steps: int
    seed: int
    fixed_hp: dict
    tol: float
    final_loss: np.ndarray          # f(θ_steps) − f* (f when f* is unknown); NaN where diverged
    steps_to: np.ndarray            # first step with f − f* ≤ tol; -1: never
    diverged_at: np.ndarray         # step at which the run left the surface's bound; -1: never
    final_points: np.ndarray        # (n, n, 2)
    seconds: float = 0.0
    chunks: int = 1
    settings: dict = field(default_factory=dict)   # the sweep.* URL keys that made it

    @property
    def n(self) -> int:
        return len(self.x_values)

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    def cell_hp(self, i: int, j: int) -> dict:
        return {**self.fixed_hp, self.x_hp: float(self.x_values[j]), self.y_hp: float(self.y_values[i])}

    def metric(self, metric: str) -> np.ndarray:
        if metric == "final_loss":
            return self.final_loss
        if metric == "steps_to":
            return np.where(self.steps_to >= 0, self.steps_to, np.nan).astype(float)
        if metric == "diverged":
            return np.where(self.diverged, self.diverged_at, np.nan).astype(float)
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def _prepare(opt_name, x_hp, x_range, x_log, y_hp, y_range, y_log, n, start, steps, fixed_hp, tol):
    """Validated (n, steps, x values, y values, fixed hyperparameters, start) of a sweep."""
    spec = optimizers.spec(opt_name)
    names = {h.name for h in spec.hparams}
    for hp in (x_hp, y_hp):
        if hp not in names:
            raise ValueError(f"{opt_name} has no hyperparameter {hp!r}; it takes "
                             f"{', '.join(sweepable(opt_name))}")
        if not spec.hparam(hp).sweepable:
            raise ValueError(f"{opt_name}.{hp} is not numeric and cannot be swept; sweepable: "
                             f"{', '.join(sweepable(opt_name))}")
    if x_hp == y_hp:
        raise ValueError(f"sweep two different hyperparameters (both axes are {x_hp})")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not MIN_N <= n <= MAX_N:
        raise ValueError(f"grid size n={n!r} is out of range; valid: {MIN_N} … {MAX_N} (an n × n grid)")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps={steps!r} is out of range for a sweep; valid: 1 … {MAX_STEPS}")
    if not (isinstance(tol, (int, float)) and math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol={tol!r} must be a positive number")
    n, steps = int(n), int(steps)
    xs = axis_values(spec.hparam(x_hp), *x_range, x_log, n)
    ys = axis_values(spec.hparam(y_hp), *y_range, y_log, n)
    fixed = {k: v for k, v in dict(fixed_hp or {}).items() if k not in (x_hp, y_hp)}
    optimizers.get(opt_name, **fixed)                      # validate the fixed part early
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {start.shape}")
    return n, steps, xs, ys, fixed, start


def sweep_grid(opt_name: str, x_hp: str, x_range, x_log: bool, y_hp: str, y_range, y_log: bool,
               n: int, surface, start, steps: int, seed: int = 0, fixed_hp: Mapping | None = None,
               *, tol: float = 1e-6, chunks: int | None = None,
               progress: Callable[[float], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> SweepResult:
    """Run `opt_name` on `surface` for every (x, y) of an n × n grid in one batched run.

    x_range, y_range: (min, max), inclusive. fixed_hp: the optimizer's other hyperparameters
    (registry defaults for the rest). chunks: row-chunks (None: one call unless the grid exceeds
    CHUNK_CELLS run-steps); progress(fraction) is called after each chunk.
    Raises ValueError (with the reason) for anything out of range or too large; should_stop goes
    to the runner (optimizers.Cancelled when it fires).
    """
    n, steps, xs, ys, fixed, start = _prepare(opt_name, x_hp, x_range, x_log, y_hp, y_range, y_log,
                                              n, start, steps, fixed_hp, tol)
    total = n * n * (steps + 1)
    if chunks is None:
        chunks = max(1, math.ceil(total / CHUNK_CELLS))
    chunks = int(min(max(1, chunks), n))
    bounds = np.linspace(0, n, chunks + 1).round().astype(int)

    f_star = surface.f_min if surface.f_min is not None else 0.0
    final_loss = np.empty((n, n))
    steps_to = np.empty((n, n), dtype=int)
    diverged_at = np.empty((n, n), dtype=int)
    final_points = np.empty((n, n, 2))
    t0 = time.perf_counter()
    for c in range(chunks):
        a, b = bounds[c], bounds[c + 1]
        rows = b - a
        X = np.tile(xs, rows)                      # row-major: cell (i, j) is row i*n + j
        Y = np.repeat(ys[a:b], n)
        opt = optimizers.get(opt_name, **{**fixed, x_hp: X, y_hp: Y})
        tr = optimizers.run(opt, surface, start=start, steps=steps, seed=seed, diagnostics=False,
                            should_stop=should_stop)
        with np.errstate(over="ignore"):              # f and f* near ∓1e308: +inf, drawn as such
            final_loss[a:b] = (tr.losses[-1] - f_star).reshape(rows, n)
        steps_to[a:b] = np.asarray(tr.steps_to(tol)).reshape(rows, n)
        diverged_at[a:b] = np.asarray(tr.diverged_at).reshape(rows, n)
        final_points[a:b] = tr.points[-1].reshape(rows, n, 2)
        del tr
        if progress is not None:
            progress((c + 1) / chunks)
    return SweepResult(opt_name, x_hp, y_hp, xs, ys, bool(x_log), bool(y_log), surface,
                       (float(start[0]), float(start[1])), steps, int(seed), fixed, float(tol),
                       final_loss, steps_to, diverged_at, final_points,
                       seconds=time.perf_counter() - t0, chunks=chunks)


def sweep_cost(opt_name: str, x_hp: str, x_range, x_log: bool, y_hp: str, y_range, y_log: bool,
               n: int, surface, start, steps: int, seed: int = 0, fixed_hp: Mapping | None = None,
               *, tol: float = 1e-6, should_stop: Callable[[], bool] | None = None):
    """What `sweep_grid` with these arguments would cost: an optimizers.budget.Estimate of a few
    of its steps on up to PROBE_CELLS of its cells (spread over the grid) and on one cell, which
    splits a step's cost into a fixed part and a part per cell; `sweep_seconds(est, n)` turns it
    into the seconds of any n × n grid. Raises what sweep_grid raises for invalid arguments."""
    from optimizers import budget
    n, steps, xs, ys, fixed, start = _prepare(opt_name, x_hp, x_range, x_log, y_hp, y_range, y_log,
                                              n, start, steps, fixed_hp, tol)
    X, Y = np.tile(xs, n), np.repeat(ys, n)
    if n * n > PROBE_CELLS:                 # cells cost alike: a spread-out subset tells the rate
        pick = np.linspace(0, n * n - 1, PROBE_CELLS).round().astype(int)
        X, Y = X[pick], Y[pick]
    opt = optimizers.get(opt_name, **{**fixed, x_hp: X, y_hp: Y})
    return budget.estimate(opt, surface, start=start, steps=steps, seed=seed, diagnostics=False,
                           rows=True, should_stop=should_stop)


def chunk_count(n: int, steps: int) -> int:
    """How many batched calls sweep_grid makes for an n × n grid (chunks=None)."""
    return int(min(max(1, math.ceil(n * n * (steps + 1) / CHUNK_CELLS)), n))


def sweep_seconds(est, n: int, steps: int | None = None) -> float:
    """CPU seconds of an n × n sweep by the estimate `est` (of sweep_cost, any grid size): each
    chunk pays the per-call and per-step fixed costs, every cell its per-row cost."""
    steps = est.steps if steps is None else steps
    return (chunk_count(n, steps) * (est.per_call + steps * est.step_fixed)
            + steps * n * n * est.step_per_row)


def largest_grid(est, budget: float, below: int, choices=None) -> int | None:
    """The largest n < `below` (of `choices`, default N_CHOICES) whose n × n sweep fits in
    OFFER_SHARE of `budget` by the estimate `est` (estimates vary by ±30% on a busy machine);
    None if none does."""
    fit = [c for c in (choices or N_CHOICES)
           if MIN_N <= c < below and sweep_seconds(est, c) <= OFFER_SHARE * budget]
    return max(fit) if fit else None


def best_cell(result: SweepResult, metric: str) -> tuple[int, int] | None:
    """(i, j) of the best cell: lowest loss / fewest steps / latest divergence; None if none."""
    if metric == "diverged":
        z = np.where(result.diverged, result.diverged_at, np.iinfo(int).max).astype(float)
        i, j = np.unravel_index(np.argmax(z), z.shape)
        return int(i), int(j)
    z = result.metric(metric)
    if not np.isfinite(z).any():
        return None
    i, j = np.unravel_index(np.nanargmin(z), z.shape)
    return int(i), int(j)


# ------------------------------------------------------------------------------ the link
def cell_query(result: SweepResult, i: int, j: int, keep_sweep: bool = False) -> dict:
    """The race URL query (every parameter explicit) for cell (i, j): row i ↔ y, column j ↔ x.

    keep_sweep: also carry the sweep.* keys, so the link can come back to this sweep."""
    n = result.n
    if not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"cell ({i}, {j}) is outside the {n} × {n} grid")
    s = result.surface
    hp = optimizers.get(result.opt_name, **result.cell_hp(i, j)).hp
    params = {k: v for k, v in s.params.items() if k != "expr"}    # a typed surface's text is `expr`
    scn = Scenario(s.name, params, s.params.get("expr", ""),
                   (Run(result.opt_name, result.opt_name, hp),), float(result.start[0]),
                   float(result.start[1]), result.steps, result.seed)
    q = to_query(scn, explicit=True)
    parse_scenario(q, strict=s.name != "custom")
    if keep_sweep:
        q.update(result.settings)
    return q


# --------------------------------------------------------------------- the URL settings
@dataclass(frozen=True)
class SweepSettings:
    opt: str = DEFAULT_SWEEP[0]
    x: str = DEFAULT_SWEEP[1]
    xmin: float = 1e-4
    xmax: float = 1.0
    xlog: bool = True
    y: str = DEFAULT_SWEEP[2]
    ymin: float = 0.9
    ymax: float = 0.9999
    ylog: bool = True
    n: int = 32
    metric: str = "final_loss"
    tol: float = 1e-6


def _num(text, key, kind=float):
    import re
    pat = r"[+-]?[0-9]{1,6}" if kind is int else \
        r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?"
    if not isinstance(text, str) or len(text) > 40 or not re.fullmatch(pat, text):
        raise ValueError(f"{PREFIX}{key}: {str(text)[:40]!r} is not a {'whole number' if kind is int else 'number'}")
    v = kind(text)
    if kind is float and not math.isfinite(v):
        raise ValueError(f"{PREFIX}{key}: {text!r} is not a finite number")
    return v


def _bool(text, key):
    low = str(text).strip().lower()
    if low not in ("true", "false", "1", "0"):
        raise ValueError(f"{PREFIX}{key}: {str(text)[:40]!r} is not true or false")
    return low in ("true", "1")


def parse_sweep_query(query: Mapping) -> tuple[SweepSettings, list[str]]:
    """The sweep settings from the URL (only sweep.* keys are read), and a note per value that
    could not be used (it falls back to its default, or to the hyperparameter's default range)."""
    raw = {k[len(PREFIX):]: (v[-1] if isinstance(v, (list, tuple)) and v else v)
           for k, v in query.items() if k.startswith(PREFIX)}
    d = SweepSettings()
    notes: list[str] = []
    known = {f.name for f in fields(SweepSettings)}
    for k in raw:
        if k not in known:
            notes.append(f"{PREFIX}{str(k)[:30]}: unknown sweep setting; ignored "
                         f"(known: {', '.join(sorted(known))})")
    opt = raw.get("opt", d.opt)
    if opt not in optimizers.names():
        notes.append(f"{PREFIX}opt: {str(opt)[:30]!r} is not an optimizer; using {d.opt}")
        opt = d.opt
    sw = sweepable(opt)
    out: dict[str, Any] = {"opt": opt}
    for axis, default_hp in (("x", sw[0]), ("y", sw[1] if len(sw) > 1 else sw[0])):
        dflt = getattr(d, axis) if opt == d.opt else default_hp
        hp = raw.get(axis, dflt)
        if hp not in sw:
            notes.append(f"{PREFIX}{axis}: {opt} has no numeric hyperparameter {str(hp)[:30]!r}; "
                         f"using {dflt} (sweepable: {', '.join(sw)})")
            hp = dflt
        out[axis] = hp
    if out["x"] == out["y"]:
        other = next(h for h in sw if h != out["x"])
        notes.append(f"{PREFIX}y: both axes were {out['x']}; using {other} for y")
        out["y"] = other
    spec = optimizers.spec(opt)
    for axis in ("x", "y"):
        h = spec.hparam(out[axis])
        same = opt == d.opt and out[axis] == getattr(d, axis)
        lo0, hi0, log0 = ((getattr(d, axis + "min"), getattr(d, axis + "max"), getattr(d, axis + "log"))
                          if same else default_range(h))
        vals = {}
        for key, dv, parse in ((axis + "min", lo0, _num), (axis + "max", hi0, _num),
                               (axis + "log", log0, _bool)):
            if key in raw:
                try:
                    vals[key] = parse(raw[key], key)
                except ValueError as e:
                    notes.append(f"{e}; using {dv:g}" if not isinstance(dv, bool) else f"{e}; using {dv}")
                    vals[key] = dv
            else:
                vals[key] = dv
        try:
            axis_values(h, vals[axis + "min"], vals[axis + "max"], vals[axis + "log"], MIN_N)
        except ValueError as e:
            notes.append(f"{PREFIX}{axis}min/{axis}max: {e}; using {lo0:g} … {hi0:g}"
                         f"{' (log)' if log0 else ''}")
            vals = {axis + "min": lo0, axis + "max": hi0, axis + "log": log0}
        out.update(vals)
    if "n" in raw:
        try:
            nv = _num(raw["n"], "n", int)
            if not MIN_N <= nv <= MAX_N:
                raise ValueError(f"{PREFIX}n: {nv} is out of range; valid: {MIN_N} … {MAX_N}")
            out["n"] = nv
        except ValueError as e:
            notes.append(f"{e}; using {d.n}")
            out["n"] = d.n
    metric = raw.get("metric", d.metric)
    if metric not in METRICS:
        notes.append(f"{PREFIX}metric: {str(metric)[:30]!r} is not one of {', '.join(METRICS)}; "
                     f"using {d.metric}")
        metric = d.metric
    out["metric"] = metric
    if "tol" in raw:
        try:
            tv = _num(raw["tol"], "tol")
            if not tv > 0:
                raise ValueError(f"{PREFIX}tol: must be positive (got {raw['tol']})")
            out["tol"] = tv
        except ValueError as e:
            notes.append(f"{e}; using {d.tol:g}")
    return replace(d, **out), notes


def sweep_to_query(s: SweepSettings) -> dict[str, str]:
    """The sweep.* URL keys of `s`. A value is left out when a link without it reads back the
    same (the default for this optimizer and these axes), so parse_sweep_query(sweep_to_query(s))
    gives `s` back."""
    base = parse_sweep_query({PREFIX + "opt": s.opt})[0]
    axes = parse_sweep_query({PREFIX + "opt": s.opt, PREFIX + "x": s.x, PREFIX + "y": s.y})[0]
    out = {}
    for f in fields(SweepSettings):
        v = getattr(s, f.name)
        ref = (SweepSettings() if f.name == "opt" else base if f.name in ("x", "y") else axes)
        if v != getattr(ref, f.name):
            out[PREFIX + f.name] = fmt(v)
    return out
