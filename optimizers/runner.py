"""The trajectory runner: every run of every optimizer advances together.

All rows (optimizers × start points × sweep cells) form one (N, 2) array; each step makes ONE
gradient call for the whole batch, then every optimizer updates its own slice of rows. A row that
leaves the surface's bound or becomes non-finite is diverged: from that step on it is NaN (which
costs nothing: NaN rows stay NaN), and `diverged_at` records the step. A row whose f(θ_k) is not
finite (NaN or ±inf: θ_k is outside f's domain) is diverged at step k in the same way. The check is a
max and a min of θ and of f every CHECK_EVERY steps; finding which rows died runs only when those say
something did. Once every row is dead the run stops (the rest is NaN anyway). NumPy warnings are
silenced for the whole loop, so a diverging run prints nothing.

`should_stop`, if given, is called once per step (a Python call: ~0.1 µs against a step's ≥ 25 µs);
when it returns true the run raises `Cancelled` and records nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import schedules
from .registry import Optimizer, get
from .rules import Step

# Caps, measured (README, "Performance"): time and memory grow with the run-steps
# (steps+1) × rows. A run-step records 40 bytes (θ, f, ∇f), 72 with the Adam diagnostics m̂, √v̂,
# 24 with record_grads=False, diagnostics=False. A step costs ~25 µs whatever the batch up to a
# few hundred rows (call overhead), then ~20-35 ns more per row.
MAX_STEPS = 20_000            # ~0.6 s for one run, 1.3 s for the default scene's seven
MAX_ROWS = 20_000             # runs per call (a 141 × 141 grid)
MAX_CELLS = 10_000_000        # run-steps per call: ≤ 0.72 GB recorded, 1-2 s; refused beyond
# Divergence is looked for every CHECK_EVERY steps, over the steps since the last look: rows are
# independent, so a row that died a few steps ago only computes garbage of its own until then
# (masked afterwards), and one max + min over a block is cheaper than a look per step.
CHECK_EVERY = 8
_BYTES_PER_CELL = {True: 72, False: 40}   # full recording with / without the Adam diagnostics


class Cancelled(Exception):
    """The run's `should_stop` check said stop: nothing was recorded."""

    def __init__(self, step: int, steps: int):
        super().__init__(f"run cancelled at step {step} of {steps}")
        self.step, self.steps = step, steps


@dataclass
class Trajectory:
    """One optimizer's runs. With a single start (2,): points (steps+1, 2), losses (steps+1,);
    with starts (B, 2): points (steps+1, B, 2), losses (steps+1, B). Row k is after k updates."""

    optimizer: Optimizer
    surface: object
    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray | None        # the (oracle) gradient at θ_k, used by update k+1
                                    # (None when run with record_grads=False)
    diverged_at: object             # int | None for one start; int array (-1: never) for many
    seed: int = 0
    m_hat: np.ndarray | None = None       # Adam family: bias-corrected first moment, row k after update k
    v_hat_sqrt: np.ndarray | None = None  # Adam family: √v̂ (AdaMax: u; AdaBelief: √ŝ)
    eta: np.ndarray = field(default_factory=lambda: np.ones(0))  # η_t, t = 1 … steps

    @property
    def steps(self) -> int:
        return self.points.shape[0] - 1

    @property
    def deltas(self) -> np.ndarray:
        """|Δθ| per coordinate: row k = |θ_k - θ_{k-1}|; row 0 is NaN."""
        d = np.full_like(self.points, np.nan)
        d[1:] = np.abs(np.diff(self.points, axis=0))
        return d

    @property
    def final_loss(self):
        return self.losses[-1]

    def steps_to(self, tol: float) -> np.ndarray | int | None:
        """First step k with f(θ_k) - f* ≤ tol (f* the surface's minimum, else 0); None/-1: never."""
        f_star = self.surface.f_min if self.surface.f_min is not None else 0.0
        with np.errstate(invalid="ignore"):
            hit = (self.losses - f_star) <= tol
        first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
        if np.ndim(first) == 0:
            return None if first < 0 else int(first)
        return first


def _as_starts(start, surface):
    s = np.asarray(surface.start if start is None else start, dtype=np.float64)
    if s.shape == (2,):
        return s[None, :], True
    if s.ndim == 2 and s.shape[1] == 2 and s.shape[0] >= 1:
        return s, False
    raise ValueError(f"start must have shape (2,) or (B, 2), got {s.shape}")


def _rows_for(opt: Optimizer, starts: np.ndarray) -> tuple[np.ndarray, dict]:
    """Broadcast starts and per-row hyperparameters (1-D arrays) to one common row count."""
    sizes = {np.size(v) for v in opt.hp.values() if isinstance(v, np.ndarray)}
    sizes.discard(1)
    if len(sizes) > 1:
        raise ValueError(f"{opt.name}: per-row hyperparameters have different lengths {sorted(sizes)}")
    B = starts.shape[0]
    if sizes:
        (n,) = sizes
        if B == 1:
            starts, B = np.repeat(starts, n, axis=0), n
        elif B != n:
            raise ValueError(f"{opt.name}: {B} starts but per-row hyperparameters of length {n}")
    hp = {k: (v.reshape(-1, 1) if isinstance(v, np.ndarray) else v) for k, v in opt.hp.items()}
    return starts, hp


def run(optimizer, surface, start=None, steps: int = 500, seed: int = 0, diagnostics: bool = True,
        record_grads: bool = True, should_stop=None):
    """Run one optimizer (or a list, in one batched loop) on `surface` for `steps` updates.

    optimizer: an Optimizer, a registry name, or a list of them (a list in, a list out).
    start: (2,) or (B, 2); None uses the surface's default start.
    diagnostics: also record m̂ and √v̂ for the Adam family (more memory).
    record_grads: keep the gradient of every step in `Trajectory.grads`; False leaves it None and
        saves 40% of the memory and of the time spent writing it (a sweep that needs only the
        paths and the losses).
    should_stop: a callable with no arguments, called once per step; a true answer raises
        `Cancelled` (a closed browser tab or a newer request no longer wants this run).
    """
    single = not isinstance(optimizer, (list, tuple))
    opts = [get(o) if isinstance(o, str) else o for o in ([optimizer] if single else optimizer)]
    if not opts:
        return []
    steps = int(steps)
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps={steps} is out of range; valid: [0, {MAX_STEPS}]")
    starts, one_start = _as_starts(start, surface)

    # lay out rows: optimizer i owns rows [lo_i, hi_i)
    blocks, hps, lo = [], [], 0
    for opt in opts:
        rows, hp = _rows_for(opt, starts)
        blocks.append((lo, lo + rows.shape[0], rows))
        hps.append(hp)
        lo += rows.shape[0]
    N = lo
    bound = surface.bound
    cells = (steps + 1) * N
    if N > MAX_ROWS:
        raise ValueError(f"{N:,} runs in one call is too large: the limit is {MAX_ROWS:,} runs per "
                         f"call. Use a smaller grid, or split it into several calls.")
    if cells > MAX_CELLS:
        gb = cells * _BYTES_PER_CELL[bool(diagnostics)] / 1e9
        raise ValueError(f"{N:,} runs × {steps:,} steps is too large: {cells:,} run-steps (~{gb:.1f} "
                         f"GB to record); the limit is {MAX_CELLS:,} run-steps ((steps + 1) × runs) "
                         f"per call. Use fewer steps or a smaller grid, or split the grid into "
                         f"several calls.")

    points = _record_buffer(steps, N)
    points[0] = np.concatenate([b[2] for b in blocks], axis=0)
    theta = points[0]
    losses = np.empty((steps + 1, N))
    grads = _record_buffer(steps, N) if record_grads else None
    want_diag = [diagnostics and bool(o.spec.records) for o in opts]
    m_hat = v_hat = None
    if any(want_diag):
        # every step's rows of the Adam-family optimizers are written below (and only those rows
        # are handed out), so only row 0, before any update, needs filling: one pass less over
        # what can be the biggest arrays of the call
        m_hat, v_hat = _record_buffer(steps, N), _record_buffer(steps, N)
        m_hat[0] = v_hat[0] = np.nan
    etas = [schedules.eta(hp["schedule"], steps, hp["warmup"], hp["step_every"]) for hp in hps]
    # one entry per optimizer: its update, hyperparameters, schedule (as Python floats: scalar
    # arithmetic on them is ~10× cheaper than on NumPy scalars), rows, and whether it owns every
    # row (the one-optimizer sweep: no slicing of every array at every step)
    # γ_t = lr · η_t is the runner's to compute (precomputed when lr is one number); a Step per
    # optimizer carries it, η_t, the diagnostics switch and the oracle outputs the entry needs
    plan = [(opt.spec.update, hp, eta.tolist(), _gammas(hp["lr"], eta), slice(a, b),
             (a, b) == (0, N), diag, Step(diagnostics=diag), opt.spec.needs)
            for opt, hp, eta, (a, b, _), diag in zip(opts, hps, etas, blocks, want_diag)]

    oracle = surface.oracle(seed, steps)
    first = np.full(N, -1)               # the step at which each row died (-1: alive)
    with np.errstate(all="ignore"):
        states = [opt.spec.init(theta[a:b], hp) for opt, hp, (a, b, _) in zip(opts, hps, blocks)]
        losses[0], g = oracle(points[0], 0)
        if record_grads:
            grads[0] = g
        dead = _check(points[:1], losses[:1], 0, bound, first, np.empty(0, dtype=np.intp))
        checked = 0                      # the last step checked
        for t in range(1, steps + 1 if dead.size < N else 1):   # all dead at the start: no steps
            if should_stop is not None and should_stop():
                raise Cancelled(t - 1, steps)
            prev, new = points[t - 1], points[t]
            for i, (update, hp, eta, gam, rows, whole, diag, ctx, needs) in enumerate(plan):
                ctx.eta = eta[t - 1]
                ctx.gamma = gam[t - 1] if gam is not None else hp["lr"] * ctx.eta
                if needs:
                    _oracle_outputs(ctx, needs, surface, losses[t - 1], prev, rows)
                if whole:
                    new[...], states[i] = update(g, states[i], prev, t, hp, ctx)
                else:
                    new[rows], states[i] = update(g[rows], states[i], prev[rows], t, hp, ctx)
                if diag:
                    m_hat[t, rows], v_hat[t, rows] = states[i]["m_hat"], states[i]["v_hat_sqrt"]
            losses[t], g = oracle(new, t)
            if record_grads:
                grads[t] = g
            if t - checked == CHECK_EVERY or t == steps:
                dead = _check(points[checked + 1:t + 1], losses[checked + 1:t + 1], checked + 1,
                              bound, first, dead)
                checked = t
                if dead.size == N:       # every row is dead: the rest would be NaN
                    break

    if dead.size:   # a dead row's θ is NaN from `first` on; its losses, gradients, diagnostics too
        after = np.arange(steps + 1)[:, None] >= np.where(first >= 0, first, steps + 1)
        for arr in (points, losses, grads, m_hat, v_hat):
            if arr is not None:
                arr[after] = np.nan

    out = []
    for i, (opt, (a, b, _)) in enumerate(zip(opts, blocks)):
        squeeze = one_start and b - a == 1
        pick = (lambda arr: arr[:, a]) if squeeze else (lambda arr: arr[:, a:b])
        d = first[a:b]
        out.append(Trajectory(
            optimizer=opt, surface=surface, points=pick(points), losses=pick(losses),
            grads=pick(grads) if record_grads else None, seed=seed,
            diverged_at=(None if d[0] < 0 else int(d[0])) if squeeze else d,
            m_hat=pick(m_hat) if want_diag[i] else None,
            v_hat_sqrt=pick(v_hat) if want_diag[i] else None, eta=etas[i]))
    return out[0] if single else out


def _gammas(lr, eta: np.ndarray) -> list | None:
    """γ_t for t = 1 … steps as Python floats when lr is one number (None: per-row lr)."""
    return None if isinstance(lr, np.ndarray) else [lr * e for e in eta.tolist()]


def _oracle_outputs(ctx: Step, needs: tuple, surface, loss: np.ndarray, prev: np.ndarray,
                    rows: slice) -> None:
    """The extra oracle outputs an entry declared (OptimizerSpec.needs), for its rows at θ_{t-1}."""
    if "loss" in needs:
        ctx.loss = loss[rows]
    if "hvp" in needs:
        theta = prev[rows]
        ctx.hvp = lambda v: surface.hvp(theta, v)


def _record_buffer(steps: int, N: int) -> np.ndarray:
    """An empty (steps + 1, N, 2) array stored coordinate-major (as (steps + 1, 2, N)).

    Each step's rows, θ_t = points[t], are then an F-ordered (N, 2) array whose x and y columns are
    contiguous: a surface's f reads P[..., 0] and P[..., 1] without strides, and every array the
    rules make from θ (zeros_like, θ + step) keeps that layout, so a step never mixes layouts.
    Only the memory order differs; values, shapes and indexing are those of a C array.
    """
    return np.empty((steps + 1, 2, N)).transpose(0, 2, 1)


def _check(block: np.ndarray, fblock: np.ndarray, t0: int, bound: float, first: np.ndarray,
           dead: np.ndarray) -> np.ndarray:
    """Find the rows that left the bound or became non-finite in θ_t0 … θ_t (`block`), or whose f
    is not finite there (`fblock`), note in `first` the step each died, and NaN its latest θ so
    that it stays NaN. Returns all dead rows.

    The common case costs a max and a min over each block; once rows have died, one |θ|, one
    isfinite(f) and one max with the dead rows left out, so one dead row does not slow every later
    check.
    """
    if dead.size:
        mag = np.abs(block)
        mag[:, dead] = 0.0
        fin = np.isfinite(fblock)
        fin[:, dead] = True
        if mag.max() <= bound and fin.all():           # NaN fails the comparison too
            return dead
    elif (block.max() <= bound and block.min() >= -bound          # no temporaries
          and fblock.max() < np.inf and fblock.min() > -np.inf):
        return dead
    else:
        mag = np.abs(block)
        fin = np.isfinite(fblock)
    bad = ~((mag[..., 0] <= bound) & (mag[..., 1] <= bound) & fin)   # (steps in block, rows)
    rows = np.flatnonzero(bad.any(axis=0))
    first[rows] = t0 + bad[:, rows].argmax(axis=0)
    block[-1, rows] = np.nan
    return np.flatnonzero(first >= 0)
