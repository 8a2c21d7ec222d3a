"""A family of one run: the race's run with one numeric hyperparameter at many values, all in ONE
batched `optimizers.run` (each value is a row with its own hyperparameter, as in the sweep).

    fam = compute(scn, "adam", "lr", 1e-3, 1e-1)      # 41 values on lr's own (log) scale
    fam.values, fam.points[:, j], fam.losses[:, j]     # member j's path and loss
    fam.index_of(0.02)                                 # the member nearest a value

The values are spaced on the control's own scale: geometrically for a log-scale parameter,
1 − β geometrically for a β-like one (0.9, 0.99, 0.999 …, as the sweep reads β2), evenly otherwise;
the run's present value is always a member, so the family holds the race's own path. No Streamlit.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import optimizers

from .cache import LockedLRU
from .scenario import Scenario
from .sweep import axis_values, is_beta_like

N_MEMBERS = 41            # ≥ 31 values on the scale, plus the run's own value if it is between
FAMILIES = LockedLRU(max_entries=4)


@dataclass(frozen=True)
class Family:
    """Member j is the run with `hp` = values[j]; points (steps+1, m, 2), losses (steps+1, m)."""

    run_key: str
    name: str
    hp: str
    values: np.ndarray
    log: bool
    points: np.ndarray
    losses: np.ndarray
    diverged_at: np.ndarray          # -1: never
    seconds: float = 0.0

    def index_of(self, value) -> int:
        v = np.asarray(self.values, dtype=float)
        return int(np.argmin(np.abs(np.log(v / value)) if self.log and value > 0 and (v > 0).all()
                             else np.abs(v - value)))


def scrubbable(name: str) -> list:
    """The HParams of optimizer `name` a family can vary (the numeric ones: one value per row)."""
    return [h for h in optimizers.spec(name).hparams if h.sweepable]


def members(h, lo: float, hi: float, log: bool, current=None, n: int = N_MEMBERS) -> np.ndarray:
    """n values from lo to hi on h's scale (ValueError for a range h does not allow), with
    `current` added when it lies inside the range."""
    vals = axis_values(h, lo, hi, log, n)
    # short numbers for the control and the link: 3 significant digits (of 1 − β for a β-like
    # scale), the ends exactly as chosen
    beta = log and is_beta_like(h)
    inner = [float(f"{1 - float(f'{1 - v:.3g}'):.12g}") if beta else float(f"{v:.3g}" if log else f"{v:.4g}")
             for v in vals[1:-1]]
    vals = np.unique(np.array([vals[0], *inner, vals[-1]], dtype=float))
    h.check(vals)
    if current is not None and lo <= float(current) <= hi and not np.isin(float(current), vals):
        vals = np.sort(np.append(vals, float(current)))
    return vals


def optimizer(scn: Scenario, run_key: str, hp: str, values: np.ndarray):
    """The run's optimizer with `hp` as one value per row."""
    r = scn.run(run_key)
    return optimizers.get(r.name, label=r.key, **{**r.hp_dict, hp: np.asarray(values, dtype=float)})


def key(scn: Scenario, run_key: str, hp: str, lo: float, hi: float, log: bool) -> tuple:
    """What a family depends on: the race's surface, start, length and seed, the run's other
    hyperparameters and the range (not the run's own value of `hp`: scrubbing it keeps the family)."""
    r = scn.run(run_key)
    others = tuple((k, v) for k, v in r.hp.items() if k != hp)
    return (scn.surface, scn.params, scn.expr, scn.x0, scn.y0, scn.steps, scn.seed, r.name, others,
            hp, float(lo), float(hi), bool(log))


def compute(scn: Scenario, run_key: str, hp: str, lo: float, hi: float, log: bool | None = None,
            *, should_stop=None, budget: float | None = None) -> Family:
    """The family (cached by `key`): every member in one batched runner call. budget: CPU seconds
    it may cost; a probe of a few steps measures it first (optimizers.budget.OverBudget above)."""
    r = scn.run(run_key)
    h = next(p for p in scrubbable(r.name) if p.name == hp)
    log = h.log if log is None else log
    k = key(scn, run_key, hp, lo, hi, log)
    fam = FAMILIES.get(k)
    cur = float(r.hp[hp])
    if fam is not None and (bool(np.isin(cur, fam.values)) or not lo <= cur <= hi):
        return fam
    vals = members(h, lo, hi, log, current=r.hp[hp])
    opt, surface = optimizer(scn, run_key, hp, vals), scn.build_surface()
    kw = dict(start=scn.start, steps=scn.steps, seed=scn.seed, diagnostics=False,
              record_grads=False, should_stop=should_stop)
    if budget is not None:
        from optimizers import budget as cost
        est = cost.estimate(opt, surface, budget=budget, **kw)
        if est.seconds > budget:
            raise cost.OverBudget(est, budget)
    t0 = time.perf_counter()
    tr = optimizers.run(opt, surface, **kw)
    fam = Family(run_key, r.name, hp, vals, log, np.asarray(tr.points), np.asarray(tr.losses),
                 np.asarray(tr.diverged_at), time.perf_counter() - t0)
    FAMILIES.put(k, fam)
    return fam
