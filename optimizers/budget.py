"""What a run will cost, measured before it runs: a probe of a few real steps on the real rows.

    est = optimizers.budget.estimate([adam, sgd], surface, start=(-1.5, 2.0), steps=20_000)
    est.seconds            # CPU seconds the whole run would take on this thread
    est.max_steps(5.0)     # the most steps that fit in 5 s
    est.max_rows(5.0)      # the most rows (with est.steps steps) that fit; needs rows=True

A run's cost is, to within a few percent, a fixed cost per call plus one per step, and a step costs
a fixed part (Python call overhead, ~25 µs) plus a part per row (surfaces differ by 100× here: a
500-character expression, a minibatch of 255 examples). Guessing that from the scenario is hopeless,
so it is measured: a one-step run (which also records the surface's trace replay for these rows,
paid once), then a one-step and a (1 + m)-step run timed with `time.thread_time` (this thread's
CPU: other sessions on the server do not inflate it). m grows ×4 from 2 until the difference is
≥ PROBE_SECONDS or m reaches `steps`, so a cheap scenario costs a few ms to probe and an expensive
one a few of its own steps. With rows=True a one-row copy is probed the same way, which separates
the per-step cost into its fixed part and its part per row (what fewer sweep cells save).

The probe sees the first steps only: rows that die later are still counted (an overestimate), rows
that die in the first steps are counted as the runner's early exit will treat them.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from .registry import Optimizer, get
from .runner import MAX_STEPS, run

PROBE_SECONDS = 0.01        # time the probe's difference must reach to be read (timer noise ~µs)
PROBE_MAX_M = 512           # never probe more steps than this


@dataclass(frozen=True)
class Estimate:
    seconds: float          # the whole run: per_call + steps × per_step
    per_step: float         # one step of all the rows
    per_call: float         # set-up and hand-over of one call (≥ 0)
    rows: int
    steps: int
    probe_seconds: float    # what measuring cost (CPU seconds of this thread)
    step_fixed: float | None = None    # the part of per_step that does not grow with rows
    step_per_row: float | None = None  # the part that does, per row (both need rows=True)

    def fits(self, budget: float) -> bool:
        return self.seconds <= budget

    def max_steps(self, budget: float) -> int:
        """The most steps (≤ steps) whose run fits in `budget` seconds; 0 if none do."""
        if self.per_step <= 0:
            return self.steps
        return int(max(0, min(self.steps, math.floor((budget - self.per_call) / self.per_step))))

    def max_rows(self, budget: float, steps: int | None = None) -> int:
        """The most rows (≤ rows) that fit in `budget` seconds with `steps` steps (default: this
        run's); 0 if not even one does. Needs the split of estimate(..., rows=True)."""
        if self.step_per_row is None:
            raise ValueError("max_rows needs an estimate made with rows=True")
        steps = self.steps if steps is None else int(steps)
        if steps <= 0 or self.step_per_row <= 0:
            return self.rows
        per_step = (budget - self.per_call) / steps
        return int(max(0, min(self.rows, math.floor((per_step - self.step_fixed) / self.step_per_row))))


class OverBudget(Exception):
    """A run that would cost more than the caller allows: `estimate` says how much, `budget` the
    limit (CPU seconds); `offer` is whatever smaller run the caller can propose instead."""

    def __init__(self, estimate: Estimate, budget: float, offer=None):
        super().__init__(f"this would take about {estimate.seconds:.1f} s of CPU; the limit is "
                         f"{budget:g} s")
        self.estimate, self.budget, self.offer = estimate, budget, offer


def estimate(optimizer, surface, start=None, steps: int = 500, seed: int = 0,
             diagnostics: bool = True, record_grads: bool = True, rows: bool = False,
             should_stop=None, budget: float | None = None) -> Estimate:
    """Measure what `optimizers.run(optimizer, surface, start, steps, seed, diagnostics,
    record_grads)` would cost, by running a few of its steps (same arguments otherwise; the caps
    and their ValueError are the runner's). rows=True also probes a one-row copy (see max_rows).

    budget: the caller only needs to know whether the run fits in `budget` seconds. The probe then
    stops as soon as a pessimistic reading (every probe step charged its whole run's time, call
    set-up included, and then doubled) fits, and returns that reading: a cheap run is not probed
    for longer than it would take."""
    steps = int(steps)
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps={steps} is out of range; valid: [0, {MAX_STEPS}]")
    opts = optimizer if isinstance(optimizer, (list, tuple)) else [optimizer]
    opts = [get(o) if isinstance(o, str) else o for o in opts]
    if not opts:
        return Estimate(0.0, 0.0, 0.0, 0, steps, 0.0)
    kw = dict(seed=seed, diagnostics=diagnostics, record_grads=record_grads, should_stop=should_stop)
    t_start = time.thread_time()

    def probe(opts, start):
        def timed(k):
            t0 = time.thread_time()
            run(opts, surface, start=start, steps=k, **kw)
            return time.thread_time() - t0

        timed(min(1, steps))                 # records the trace replay for these rows: once
        if steps == 0:
            return 0.0, timed(0)
        t1 = timed(1)
        m = min(2, steps - 1)
        while True:
            tm = timed(1 + m) if m else t1
            if quick is not None and 2 * tm / (1 + m) * steps <= quick:
                return 2 * tm / (1 + m), 0.0          # fits by the pessimistic reading
            if m == 0 or tm - t1 >= PROBE_SECONDS or m >= min(steps - 1, PROBE_MAX_M):
                break
            m = min(4 * m, steps - 1, PROBE_MAX_M)
        if m == 0:                           # a one-step run: measured whole
            return t1, 0.0
        per_step = max(tm - t1, 0.0) / m
        return per_step, max(t1 - per_step, 0.0)

    quick = None if rows else budget
    per_step, per_call = probe(opts, start)
    n = _row_count(opts, surface, start)
    fixed = per_row = None
    if rows:
        if n > 1:
            one_step, _ = probe([_first_row(o) for o in opts], _first_start(surface, start))
            # k optimizers' rows: one row each is k rows; the rest is what a row costs
            k = len(opts)
            per_row = max(per_step - one_step, 0.0) / max(n - k, 1)
            fixed = max(one_step - k * per_row, 0.0)
        else:
            fixed, per_row = 0.0, per_step
    return Estimate(seconds=per_call + steps * per_step, per_step=per_step, per_call=per_call,
                    rows=n, steps=steps, probe_seconds=time.thread_time() - t_start,
                    step_fixed=fixed, step_per_row=per_row)


def _row_count(opts, surface, start) -> int:
    s = np.asarray(surface.start if start is None else start, dtype=np.float64)
    b = 1 if s.ndim == 1 else s.shape[0]
    total = 0
    for o in opts:
        sizes = {np.size(v) for v in o.hp.values() if isinstance(v, np.ndarray)} - {1}
        total += max(sizes) if sizes and b == 1 else b
    return total


def _first_row(opt: Optimizer) -> Optimizer:
    return replace(opt, hp={k: (v[:1] if isinstance(v, np.ndarray) else v) for k, v in opt.hp.items()})


def _first_start(surface, start):
    s = np.asarray(surface.start if start is None else start, dtype=np.float64)
    return s if s.ndim == 1 else s[0]
