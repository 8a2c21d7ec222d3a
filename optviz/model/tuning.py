"""A fair race: every optimizer at the learning rate that suits it best on this scene.

    res = tune(scenario)                    # all runs × all grid rates: ONE batched optimizers.run
    res.best["adam"]                        # the tuned γ of run `adam`
    tuned = apply(scenario, res)            # the race at the tuned rates, tagged `tuned`

Grid: for each run, N_RATES learning rates log-spaced over its lr's sweep range (the registry's
`HParam.sweep`, 1e-4 … 1), widened to a decade either side of the surface's hint for the run's
family where the hint is near an end (plain SGD on Goldstein-Price wants 1e-5, AdaGrad ~0.2). Values are rounded to 3
significant digits so that the link stays short and reads back to the value run.

Score (lower is better), per grid value: from each start, the first step k with f(θ_k) − f* ≤ TOL
(f* the surface's minimum, else 0; never: ∞), then the final f − f* (∞ if the run diverged), then
the step it diverged at (later is better). With several starts each of the three is the median over
the starts. Ties left after that go to the smaller rate. Every run of the grid makes the same
number of gradient calls (steps + 1: one at each θ_k), the race's own budget.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

import optimizers

from .defaults import lr_hint
from .scenario import Run, Scenario, make_optimizer

TOL = 1e-6                 # the sweep's default `steps to f − f* ≤ tol`
N_RATES = 25


@dataclass(frozen=True)
class Tuning:
    """The grid, the scores and the winner of every run of a scenario."""

    keys: tuple[str, ...]
    rates: dict                 # run key → (n,) learning rates
    steps_to: dict              # run key → (n, starts) first step with f − f* ≤ tol; -1: never
    final: dict                 # run key → (n, starts) final f − f*; NaN where diverged
    diverged_at: dict           # run key → (n, starts); -1: never
    best: dict                  # run key → tuned learning rate
    tol: float
    steps: int
    starts: np.ndarray          # (S, 2)
    seconds: float              # wall time of the batched run

    @property
    def runs(self) -> int:
        return sum(len(r) for r in self.rates.values()) * len(self.starts)

    @property
    def gradient_calls(self) -> int:
        """Gradient calls each run made (the same for every run: the race's steps + 1)."""
        return self.steps + 1


def lr_grid(name: str, surface, n: int = N_RATES) -> np.ndarray:
    """n learning rates, log-spaced over the lr sweep range of optimizer `name` (see module doc)."""
    spec = optimizers.spec(name)
    h = spec.hparam("lr")
    lo, hi, _ = h.sweep if h.sweep is not None else (1e-4, 1.0, True)
    hint = lr_hint(surface, spec.family)
    lo, hi = min(lo, hint / 10), min(max(hi, hint * 10), h.hi)
    vals = np.array([float(f"{v:.3g}") for v in np.geomspace(lo, hi, n)])
    return np.unique(vals)                     # rounding never merges two at 25 over ≥ 4 decades


def score_keys(steps_to: np.ndarray, final: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """(n, 3) sort keys of n grid values from their (n, S) per-start outcomes (see module doc)."""
    reach = np.where(steps_to >= 0, steps_to, np.inf).astype(float)
    fin = np.where(np.isfinite(final), final, np.inf)
    late = np.where(diverged_at >= 0, -diverged_at, -np.inf).astype(float)
    return np.stack([np.median(reach, axis=1), np.median(fin, axis=1), np.median(late, axis=1)], 1)


def best_index(keys: np.ndarray) -> int:
    """The first (smallest-rate) index among the lowest sort keys."""
    order = np.lexsort((np.arange(len(keys)), keys[:, 2], keys[:, 1], keys[:, 0]))
    return int(order[0])


def plan(s: Scenario, starts=None, n: int = N_RATES):
    """The one batched call tuning `s` would make: (optimizers, surface, start rows, rates)."""
    surface = s.build_surface()
    bad = s.problems()
    runs = [r for r in s.runs if r.key not in bad]
    st = np.asarray([s.start] if starts is None else starts, dtype=np.float64).reshape(-1, 2)
    rates = {r.key: lr_grid(r.name, surface, n) for r in runs}
    # row layout per run: grid value i, start j → row i·S + j; every run has the same row count
    sizes = {len(v) for v in rates.values()}
    if len(sizes) > 1:                       # cannot happen at n ≥ 25; kept honest
        raise ValueError(f"grids of different sizes {sorted(sizes)}")
    m = sizes.pop() if sizes else 0
    opts = [make_optimizer(Run(r.key, r.name, {**r.hp, "lr": np.repeat(rates[r.key], len(st))}))
            for r in runs]
    return runs, opts, surface, np.tile(st, (m, 1)) if m else st, rates, st


def tune(s: Scenario, starts=None, n: int = N_RATES, tol: float = TOL, should_stop=None) -> Tuning:
    """Tune the learning rate of every valid run of `s` (one batched optimizers.run)."""
    runs, opts, surface, rows, rates, st = plan(s, starts, n)
    t0 = time.perf_counter()
    trs = optimizers.run(opts, surface, start=rows, steps=s.steps, seed=s.seed,
                         diagnostics=False, record_grads=False, should_stop=should_stop) if opts else []
    seconds = time.perf_counter() - t0
    f_star = surface.f_min if surface.f_min is not None else 0.0
    S = len(st)
    out = dict(steps_to={}, final={}, diverged_at={}, best={})
    for r, tr in zip(runs, trs):
        m = len(rates[r.key])
        out["steps_to"][r.key] = np.asarray(tr.steps_to(tol)).reshape(m, S)
        out["final"][r.key] = (np.asarray(tr.losses[-1]) - f_star).reshape(m, S)
        out["diverged_at"][r.key] = np.asarray(tr.diverged_at).reshape(m, S)
        keys = score_keys(out["steps_to"][r.key], out["final"][r.key], out["diverged_at"][r.key])
        out["best"][r.key] = float(rates[r.key][best_index(keys)])
    return Tuning(keys=tuple(r.key for r in runs), rates=rates, tol=float(tol), steps=s.steps,
                  starts=st, seconds=seconds, **out)


def apply(s: Scenario, res: Tuning) -> Scenario:
    """`s` with every tuned run at its tuned rate, tagged as tuned."""
    runs = tuple(replace(r, hp={**r.hp, "lr": res.best[r.key]}) if r.key in res.best else r
                 for r in s.runs)
    return replace(s, runs=runs, tuned=True)
