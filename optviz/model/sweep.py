"""The sweep view: one optimizer, two of its numeric hyperparameters on a grid, one heatmap.

    res = sweep_grid("adam", "lr", (1e-4, 1.0), True, "beta2", (0.9, 0.9999), True, 64,
                     surfaces.get("rosenbrock"), (-1.5, 2.0), 500, 0, {})
    fig = heatmap(res, "final_loss")          # pure Plotly, no Streamlit
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
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Callable, Mapping

import numpy as np

import optimizers

PREFIX = "sweep."
MAX_N = 64
MIN_N = 2
MAX_STEPS = 5000
CHUNK_CELLS = 2_100_000         # run-steps per batched call: 64 × 64 × 501 fits in one
METRICS = ("final_loss", "steps_to", "diverged")
METRIC_TITLES = {"final_loss": "final loss f − f*", "steps_to": "steps to f − f* ≤ tol",
                 "diverged": "diverged at step"}
N_CHOICES = (8, 16, 24, 32, 48, 64)
DIVERGED_COLOR = "#111111"
NOT_REACHED_COLOR = "#d9d9d9"


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
    """A sensible default (min, max, log) for sweeping hyperparameter h."""
    known = {"lr": (1e-4, 1.0, True), "beta1": (0.0, 0.99, False), "beta2": (0.9, 0.9999, True),
             "eps": (1e-12, 1e-2, True), "weight_decay": (0.0, 1.0, False),
             "momentum": (0.0, 0.99, False), "alpha": (0.9, 0.9999, True),
             "dampening": (0.0, 0.9, False), "lr_decay": (0.0, 0.1, False),
             "momentum_decay": (0.0, 0.01, False), "initial_accumulator_value": (0.0, 1.0, False)}
    if h.name in known:
        return known[h.name]
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


def sweep_grid(opt_name: str, x_hp: str, x_range, x_log: bool, y_hp: str, y_range, y_log: bool,
               n: int, surface, start, steps: int, seed: int = 0, fixed_hp: Mapping | None = None,
               *, tol: float = 1e-6, chunks: int | None = None,
               progress: Callable[[float], None] | None = None) -> SweepResult:
    """Run `opt_name` on `surface` for every (x, y) of an n × n grid in one batched run.

    x_range, y_range: (min, max), inclusive. fixed_hp: the optimizer's other hyperparameters
    (registry defaults for the rest). chunks: row-chunks (None: one call unless the grid exceeds
    CHUNK_CELLS run-steps); progress(fraction) is called after each chunk.
    Raises ValueError (with the reason) for anything out of range or too large.
    """
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
        tr = optimizers.run(opt, surface, start=start, steps=steps, seed=seed, diagnostics=False)
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


# ------------------------------------------------------------------------------- heatmap
def _fmt_value(v: float) -> str:
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.6g}"
    return f"{v:.3g}"


def _ticks(values: np.ndarray, log: bool, beta: bool) -> tuple[list[float], list[str]]:
    """Round tick values (decades on a log axis, decades of 1 − β on a β log axis, 1-2-5 steps
    on a linear one) placed at their fractional cell index (cells are evenly spaced on the axis)."""
    n, lo, hi = len(values), float(values[0]), float(values[-1])
    if log:
        a, b = (1 - lo, 1 - hi) if beta else (lo, hi)
        la, lb = math.log10(a), math.log10(b)
        ks = range(math.ceil(min(la, lb) - 1e-9), math.floor(max(la, lb) + 1e-9) + 1)
        cands = [10.0**k for k in ks]
        if len(cands) < 3:
            cands = sorted({m * 10.0**k for k in range(math.floor(min(la, lb)) - 1, math.ceil(max(la, lb)) + 1)
                            for m in (1, 2, 5)} )
            cands = [c for c in cands if min(a, b) * (1 - 1e-9) <= c <= max(a, b) * (1 + 1e-9)]
        pos = [(math.log10(c) - la) / (lb - la) * (n - 1) for c in cands]
        vals = [1 - c for c in cands] if beta else cands
    else:
        raw = (hi - lo) / 6
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        vals = [k * step for k in range(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)]
        pos = [(v - lo) / (hi - lo) * (n - 1) for v in vals]
    keep = [(p, v) for p, v in zip(pos, vals) if -0.5 <= p <= n - 0.5]
    if len(keep) > 9:
        keep = keep[::math.ceil(len(keep) / 9)]
    return [p for p, _ in keep], [f"{v:.10g}" for _, v in keep]


def heatmap(result: SweepResult, metric: str, highlight: tuple[int, int] | None = None):
    """The grid as a Plotly heatmap. final_loss on a log colour scale; diverged cells in one dark
    colour (with a legend entry); for steps_to, cells that never reached tol in light grey.
    An invisible marker on every cell carries (i, j) and the hover text, for click selection
    (Streamlit reports no selection on heatmaps). `highlight`: a cell (i, j) to outline."""
    import plotly.graph_objects as go

    z = result.metric(metric)
    n = result.n
    spec = optimizers.spec(result.opt_name)
    xh, yh = spec.hparam(result.x_hp), spec.hparam(result.y_hp)
    xl = f"{result.x_hp}" + (" (log 1−β)" if result.x_log and is_beta_like(xh) else
                             " (log)" if result.x_log else "")
    yl = f"{result.y_hp}" + (" (log 1−β)" if result.y_log and is_beta_like(yh) else
                             " (log)" if result.y_log else "")
    XV, YV = np.meshgrid(result.x_values, result.y_values)
    text = np.vectorize(lambda a, b: f"{result.x_hp} = {_fmt_value(a)}<br>{result.y_hp} = {_fmt_value(b)}")(XV, YV)
    fig = go.Figure()
    if metric == "final_loss":
        with np.errstate(divide="ignore", invalid="ignore"):
            finite = z[np.isfinite(z)]
            floor = max(1e-300, 1e-16 * float(np.max(np.abs(finite)))) if finite.size else 1e-16
            zz = np.log10(np.maximum(z, floor))
        good = zz[np.isfinite(zz)]
        lo, hi = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
        if hi - lo < 1e-9:
            hi = lo + 1
        tv = list(range(math.floor(lo), math.ceil(hi) + 1))
        step = max(1, len(tv) // 8)
        tv = tv[::step]
        cb = dict(title="f − f*", tickvals=tv, ticktext=[f"1e{t}" for t in tv])
        shown = np.vectorize(lambda v: "diverged" if not np.isfinite(v) else f"{v:.3g}")(z)
        fig.add_trace(go.Heatmap(z=zz, zmin=lo, zmax=hi, colorscale="Viridis", colorbar=cb,
                                 text=shown, customdata=text, name="final loss",
                                 hovertemplate="%{customdata}<br>f − f* = %{text}<extra></extra>"))
    elif metric == "steps_to":
        zz = z
        shown = np.where(result.diverged, "diverged", np.where(np.isnan(z), "not reached",
                                                               np.nan_to_num(z).astype(int).astype(str)))
        fig.add_trace(go.Heatmap(z=zz, colorscale="Viridis", reversescale=True,
                                 colorbar=dict(title="steps"), text=shown, customdata=text,
                                 name="steps to tol",
                                 hovertemplate="%{customdata}<br>steps: %{text}<extra></extra>"))
        never = np.where(np.isnan(z) & ~result.diverged, 1.0, np.nan)
        if np.isfinite(never).any():
            fig.add_trace(go.Heatmap(z=never, colorscale=[[0, NOT_REACHED_COLOR], [1, NOT_REACHED_COLOR]],
                                     showscale=False, hoverinfo="skip", name="not reached"))
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"not reached (tol {result.tol:g})",
                                     marker=dict(symbol="square", size=12, color=NOT_REACHED_COLOR)))
    else:  # diverged
        shown = np.where(result.diverged, result.diverged_at.astype(str), "never")
        fig.add_trace(go.Heatmap(z=z, colorscale="YlOrRd", reversescale=True,
                                 colorbar=dict(title="diverged at"), text=shown, customdata=text,
                                 name="diverged at",
                                 hovertemplate="%{customdata}<br>diverged at step %{text}<extra></extra>"))
        ok = np.where(~result.diverged, 1.0, np.nan)
        if np.isfinite(ok).any():
            fig.add_trace(go.Heatmap(z=ok, colorscale=[[0, NOT_REACHED_COLOR], [1, NOT_REACHED_COLOR]],
                                     showscale=False, hoverinfo="skip", name="never diverged"))
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="never diverged",
                                     marker=dict(symbol="square", size=12, color=NOT_REACHED_COLOR)))
    if metric != "diverged" and result.diverged.any():
        fig.add_trace(go.Heatmap(z=np.where(result.diverged, 1.0, np.nan),
                                 colorscale=[[0, DIVERGED_COLOR], [1, DIVERGED_COLOR]], showscale=False,
                                 customdata=text, name="diverged",
                                 hovertemplate="%{customdata}<br>diverged<extra></extra>"))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="diverged",
                                 marker=dict(symbol="square", size=12, color=DIVERGED_COLOR)))
    # click targets: heatmaps emit no selection events in Streamlit; invisible markers do
    for tr in fig.data:                       # the click targets below carry the hover text
        if tr.type == "heatmap":
            tr.hoverinfo, tr.hovertemplate = "skip", None
    I, J = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    hover = np.vectorize(lambda t, v: f"{t}<br>{METRIC_TITLES[metric]}: {v}")(text, shown)
    fig.add_trace(go.Scatter(x=J.ravel(), y=I.ravel(), mode="markers", name="cells", showlegend=False,
                             marker=dict(size=max(4, 360 // n), color="rgba(0,0,0,0)", symbol="square"),
                             customdata=np.stack([I.ravel(), J.ravel()], axis=1),
                             text=hover.ravel(), hovertemplate="%{text}<extra></extra>"))
    if highlight is not None:
        i, j = highlight
        fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line=dict(color="white", width=2))
        fig.add_shape(type="rect", x0=j - 0.9, x1=j + 0.9, y0=i - 0.9, y1=i + 0.9,
                      line=dict(color="black", width=1))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="best cell",
                                 marker=dict(symbol="square-open", size=12, color="black")))
    xt, xtt = _ticks(result.x_values, result.x_log, is_beta_like(xh))
    yt, ytt = _ticks(result.y_values, result.y_log, is_beta_like(yh))
    fig.update_layout(
        title=f"{spec.title}: {METRIC_TITLES[metric]} after {result.steps} steps on {result.surface.title}",
        xaxis=dict(title=xl, tickvals=xt, ticktext=xtt, range=[-0.5, n - 0.5], showgrid=False),
        yaxis=dict(title=yl, tickvals=yt, ticktext=ytt, range=[-0.5, n - 0.5], showgrid=False),
        height=560, margin=dict(l=70, r=20, t=60, b=60), clickmode="event+select",
        legend=dict(orientation="h", y=-0.12), plot_bgcolor="white")
    return fig


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
    from views.paper_presets import fmt, parse_scenario
    n = result.n
    if not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"cell ({i}, {j}) is outside the {n} × {n} grid")
    s = result.surface
    q: dict[str, Any] = {"v": "1", "surface": s.name}
    params = dict(s.params)
    if s.name == "custom":
        q["expr"] = params.pop("expr")
    for k, v in params.items():
        q[k] = fmt(v)
    q["opt"] = [result.opt_name]
    hp = optimizers.get(result.opt_name, **result.cell_hp(i, j)).hp
    for k, v in hp.items():
        q[f"{result.opt_name}.{k}"] = fmt(v)
    q["x0"], q["y0"] = fmt(result.start[0]), fmt(result.start[1])
    q["steps"], q["seed"] = str(result.steps), str(result.seed)
    parse_scenario(q, strict=s.name != "custom")
    if keep_sweep:
        q.update(result.settings)
    return q


# --------------------------------------------------------------------- the URL settings
@dataclass(frozen=True)
class SweepSettings:
    opt: str = "adam"
    x: str = "lr"
    xmin: float = 1e-4
    xmax: float = 1.0
    xlog: bool = True
    y: str = "beta2"
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
    from views.paper_presets import fmt
    base = parse_sweep_query({PREFIX + "opt": s.opt})[0]
    axes = parse_sweep_query({PREFIX + "opt": s.opt, PREFIX + "x": s.x, PREFIX + "y": s.y})[0]
    out = {}
    for f in fields(SweepSettings):
        v = getattr(s, f.name)
        ref = (SweepSettings() if f.name == "opt" else base if f.name in ("x", "y") else axes)
        if v != getattr(ref, f.name):
            out[PREFIX + f.name] = fmt(v)
    return out


def url_params(session: Mapping, query: Mapping | None = None) -> dict[str, str]:
    """The sweep.* keys the page's URL should carry (for the app's URL writer): the settings the
    sweep tab last used, even when the tab is not drawn in this run. Before the tab has ever been
    drawn, the sweep.* keys of the link itself (`query`) are kept as they came, so that opening a
    link does not drop them before the tab reads them."""
    if PREFIX + "opt" in session:            # the live widgets (the tab is drawn): this run's values
        return sweep_to_query(_settings_from(session))
    saved = session.get(_STATE)
    if saved:
        return sweep_to_query(SweepSettings(**saved))
    return {k: (v[-1] if isinstance(v, (list, tuple)) else v) for k, v in (query or {}).items()
            if k.startswith(PREFIX) and v}


# -------------------------------------------------------------------------- Streamlit UI
_RESULTS: "OrderedDict[tuple, SweepResult]" = OrderedDict()
_MAX_RESULTS = 6
_URL_PREV = "_sweep_url_prev"      # the sweep part of the URL in the previous run
_URL_OURS = "_sweep_url_ours"      # what the URL says when it carries our current settings
_STATE = "_sweep_settings"         # the last settings (widget keys vanish when the tab is hidden)
_NOTES = "_sweep_notes"


def _seed_session(session, s: SweepSettings) -> None:
    for k, v in asdict(s).items():
        session[PREFIX + k] = v


def _settings_from(session: Mapping) -> SweepSettings:
    d = SweepSettings()
    vals = {k: session.get(PREFIX + k, getattr(d, k)) for k in asdict(d)}
    q = {PREFIX + k: _to_text(v) for k, v in vals.items()}
    return parse_sweep_query(q)[0]


def _to_text(v) -> str:
    from views.paper_presets import fmt
    return fmt(v)


def _on_opt_change():
    import streamlit as st
    S = st.session_state
    opt = S.get(PREFIX + "opt", "adam")
    sw = sweepable(opt)
    d = SweepSettings()
    x = d.x if d.x in sw else sw[0]
    y = d.y if d.y in sw and d.y != x else next(h for h in sw if h != x)
    S[PREFIX + "x"], S[PREFIX + "y"] = x, y
    for axis, hp in (("x", x), ("y", y)):
        _reset_axis(S, opt, axis, hp)


def _reset_axis(S, opt, axis, hp):
    lo, hi, log = default_range(optimizers.spec(opt).hparam(hp))
    S[PREFIX + axis + "min"], S[PREFIX + axis + "max"], S[PREFIX + axis + "log"] = lo, hi, log


def _on_axis_change(axis):
    import streamlit as st
    S = st.session_state
    opt = S.get(PREFIX + "opt", "adam")
    hp = S.get(PREFIX + axis)
    other = S.get(PREFIX + ("y" if axis == "x" else "x"))
    if hp == other:                                   # swap rather than refuse
        sw = sweepable(opt)
        S[PREFIX + ("y" if axis == "x" else "x")] = next(h for h in sw if h != hp)
        _reset_axis(S, opt, "y" if axis == "x" else "x", S[PREFIX + ("y" if axis == "x" else "x")])
    _reset_axis(S, opt, axis, hp)


def _race_context(query: Mapping, opt: str):
    """(surface, start, steps, seed, fixed hyperparameters) from the race part of the URL."""
    from views.paper_presets import parse_scenario
    race = {k: v for k, v in query.items() if not k.startswith(PREFIX) and k not in ("view", "preset")}
    try:
        sc = parse_scenario(race)
    except ValueError:
        sc = parse_scenario({})
    surf = sc.build_surface()
    run = sc.first(opt)
    if run is not None:
        fixed = dict(run.hp)
    else:
        spec = optimizers.spec(opt)
        fixed = dict(spec.defaults, lr=float(surf.lr_hints[spec.family]))
    return surf, sc.start, min(sc.steps, MAX_STEPS), sc.seed, fixed, sc


def _result_key(s: SweepSettings, sc, fixed) -> tuple:
    return (tuple(asdict(s).items()), sc.surface, tuple(sorted(sc.params.items())), sc.expr,
            sc.start, min(sc.steps, MAX_STEPS), sc.seed, tuple(sorted((k, str(v)) for k, v in fixed.items())))


def render(st, query: Mapping, write_url: bool = False) -> None:
    """The sweep tab. `st`: the streamlit module or a container; `query`: the page's URL query
    ({key: value or [values]}, e.g. state.read_query(st.query_params)).

    The sweep.* keys are read on a session's first run and whenever the URL's sweep part changes
    under us (back button, a pasted link); a bad value is named in a warning and replaced by its
    default. The URL is the app's to write: it merges `url_params(st.session_state)` into its query.
    write_url=True makes this function write the sweep.* keys into st.query_params itself."""
    import streamlit
    from urllib.parse import urlencode
    S = streamlit.session_state
    q = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in query.items()}
    mine = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in q.items() if k.startswith(PREFIX)}
    prev = S.get(_URL_PREV)
    S[_URL_PREV] = mine
    if prev is None or (mine != prev and mine != S.get(_URL_OURS)):
        settings, notes = parse_sweep_query(q)
        _seed_session(S, settings)
        S[_STATE] = asdict(settings)
        S[_NOTES] = notes
    elif S.get(_STATE):
        for k, v in S[_STATE].items():              # widgets of a hidden tab lose their state
            S.setdefault(PREFIX + k, v)
    for note in S.get(_NOTES, []):
        st.warning(f"Sweep link: {note}")

    st.markdown("#### Hyperparameter sweep")
    st.caption("One optimizer, two of its hyperparameters on a grid, every cell a full run of the "
               "race's surface, start, steps and seed — all cells in one batched run. Click a cell "
               "to get its link into the race.")
    c1, c2, c3 = st.columns(3)
    opt = c1.selectbox("Optimizer", optimizers.names(), key=PREFIX + "opt", on_change=_on_opt_change,
                       format_func=lambda n: optimizers.spec(n).title)
    sw = sweepable(opt)
    metric = c2.selectbox("Metric", METRICS, key=PREFIX + "metric",
                          format_func=lambda m: METRIC_TITLES[m])
    n = c3.select_slider("Grid n × n", options=list(N_CHOICES) if S.get(PREFIX + "n") in N_CHOICES
                         else sorted(set(N_CHOICES) | {int(S.get(PREFIX + "n", 32))}),
                         key=PREFIX + "n")
    spec = optimizers.spec(opt)
    for axis, col in (("x", st.columns(4)), ("y", st.columns(4))):
        col[0].selectbox(f"{axis} axis", sw, key=PREFIX + axis, on_change=_on_axis_change,
                         args=(axis,))
        h = spec.hparam(S[PREFIX + axis])
        col[1].number_input(f"{axis} min", key=PREFIX + axis + "min", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[2].number_input(f"{axis} max", key=PREFIX + axis + "max", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[3].toggle("log" + (" (1 − β)" if is_beta_like(h) else ""), key=PREFIX + axis + "log")
    if metric == "steps_to":
        st.number_input("tolerance on f − f*", key=PREFIX + "tol", min_value=1e-300, format="%.3g")
    settings = _settings_from(S)
    S[_STATE] = asdict(settings)
    S[_URL_OURS] = sweep_to_query(settings)

    surf, start, steps, seed, fixed, sc = _race_context(q, settings.opt)
    st.caption(f"Surface {surf.title}, start ({start[0]:g}, {start[1]:g}), {steps} steps, seed {seed}; "
               f"{settings.opt}'s other hyperparameters: " +
               ", ".join(f"{k}={v}" for k, v in fixed.items()
                         if k not in (settings.x, settings.y) and k in ("lr", "beta1", "beta2", "eps",
                                                                       "weight_decay", "momentum")))
    key = _result_key(settings, sc, fixed)
    res = _RESULTS.get(key)
    if res is None:
        bar = st.progress(0.0, text=f"Running {settings.n * settings.n} runs × {steps} steps…")
        try:
            res = sweep_grid(settings.opt, settings.x, (settings.xmin, settings.xmax), settings.xlog,
                             settings.y, (settings.ymin, settings.ymax), settings.ylog, settings.n,
                             surf, start, steps, seed, fixed, tol=settings.tol,
                             progress=lambda f: bar.progress(min(1.0, f), text=f"{f:.0%} of the grid"))
        except ValueError as e:
            bar.empty()
            st.warning(f"Cannot run this sweep: {e}")
            return
        bar.empty()
        res.settings = sweep_to_query(settings)
        _RESULTS[key] = res
        while len(_RESULTS) > _MAX_RESULTS:
            _RESULTS.popitem(last=False)
    _RESULTS.move_to_end(key)

    # the figure must not depend on the selection: a changed figure is redrawn and its selection
    # cleared (a second rerun would forget the click). The best cell is outlined instead.
    event = st.plotly_chart(heatmap(res, settings.metric, highlight=best_cell(res, settings.metric)),
                            key="sweep_heatmap", on_select="rerun", selection_mode="points")
    st.caption(f"{settings.n}×{settings.n} runs in {res.seconds:.2f} s ({res.chunks} batched "
               f"call{'s' if res.chunks > 1 else ''}). Diverged: {int(res.diverged.sum())} cells.")
    cell = _selected_cell(event, res.n)
    label = "Selected cell"
    if cell is None:
        cell, label = best_cell(res, settings.metric), "Best cell"
    if cell is not None:
        i, j = cell
        link = "?" + urlencode(cell_query(res, i, j, keep_sweep=True), doseq=True)
        z = res.metric(settings.metric)[i, j]
        st.markdown(f"**{label}:** {settings.x} = {_fmt_value(res.x_values[j])}, "
                    f"{settings.y} = {_fmt_value(res.y_values[i])} — "
                    f"{METRIC_TITLES[settings.metric]}: "
                    f"{'diverged' if res.diverged[i, j] and settings.metric != 'diverged' else ('—' if np.isnan(z) else f'{z:.4g}')} "
                    f"· [open it in the race]({link})")

    if write_url:                   # the sweep settings into the URL (defaults left out)
        want = sweep_to_query(settings)
        cur = {k: streamlit.query_params.get(k) for k in list(streamlit.query_params.keys())
               if k.startswith(PREFIX)}
        if cur != want:
            for k in cur:
                if k not in want:
                    del streamlit.query_params[k]
            for k, v in want.items():
                streamlit.query_params[k] = v


def _selected_cell(event, n: int) -> tuple[int, int] | None:
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points or []:
        cd = p.get("customdata")
        if isinstance(cd, dict):                  # Streamlit sends an array as {"0": i, "1": j}
            cd = [cd.get("0", cd.get(0)), cd.get("1", cd.get(1))]
        if isinstance(cd, (list, tuple)) and len(cd) == 2 and all(
                isinstance(c, (int, float)) for c in cd):
            i, j = int(cd[0]), int(cd[1])
        else:
            x, y = p.get("x"), p.get("y")
            if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
                continue
            i, j = int(round(y)), int(round(x))
        if 0 <= i < n and 0 <= j < n:
            return i, j
    return None
