"""Trajectories for a scenario, cached one run at a time.

Runs are independent (common random numbers: a run's path does not depend on which others are in
the batch), so each is cached under its own key. After one hyperparameter changes only that run is
recomputed; when several are missing they are computed in one batched loop, which costs little
more than one run.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import optimizers
from optimizers import budget as cost

from .scenario import Run, Scenario, make_optimizer

# Rows kept across all cached trajectories: each row is ~72 bytes (points, losses, gradients and
# the Adam moments), so this holds ~150 MB at most.
MAX_CACHED_ROWS = 2_000_000
OFFER_SHARE = 0.7       # a smaller scenario offered instead of one over budget aims at 70% of it


class RunCache:
    def __init__(self, max_rows: int = MAX_CACHED_ROWS):
        self.max_rows = max_rows
        self._store: OrderedDict[tuple, optimizers.Trajectory] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()
        self.computed = 0           # runs computed so far (tests check that hits cost nothing)
        self._refused: OrderedDict[tuple, tuple] = OrderedDict()   # probed, too costly: (est, offer)

    @staticmethod
    def key(s: Scenario, run: Run) -> tuple:
        return (s.surface, s.params, s.expr, run.name, run.hp, s.x0, s.y0, s.steps, s.seed)

    def trajectories(self, s: Scenario, budget: float | None = None,
                     should_stop=None) -> dict[str, optimizers.Trajectory]:
        """{run key: Trajectory} for every run of `s` whose hyperparameters are valid.

        budget: CPU seconds the runs still missing may cost; a probe of a few steps estimates it
            first, and above it `optimizers.budget.OverBudget` is raised instead of running; its
            `offer` is the most steps at which the whole scenario fits in OFFER_SHARE of the
            budget (a probe's estimate varies by ±30% on a busy machine), or None. A refusal is
            remembered, so a rerun of the same scenario costs no second probe.
        should_stop: handed to the runner (raises optimizers.Cancelled when it fires).
        """
        bad = s.problems()
        runs = [r for r in s.runs if r.key not in bad]
        out, missing = {}, []
        with self._lock:
            for r in runs:
                tr = self._store.get(self.key(s, r))
                if tr is None:
                    missing.append(r)
                else:
                    self._store.move_to_end(self.key(s, r))
                    out[r.key] = tr
        if missing:
            surface = s.build_surface()
            opts = [make_optimizer(r) for r in missing]
            if budget is not None:
                self._within(budget, s, runs, missing, opts, surface, should_stop)
            trs = optimizers.run(opts, surface, start=s.start, steps=s.steps, seed=s.seed,
                                 diagnostics=True, should_stop=should_stop)
            with self._lock:
                self.computed += len(missing)
                for r, tr in zip(missing, trs):
                    k = self.key(s, r)
                    if k not in self._store:
                        self._store[k] = tr
                        self._rows += tr.points.shape[0]
                    out[r.key] = tr
                self._evict()
        return {r.key: out[r.key] for r in runs}

    def _within(self, budget, s, runs, missing, opts, surface, should_stop) -> None:
        key = (budget,) + tuple(self.key(s, r) for r in missing)
        with self._lock:
            refused = self._refused.get(key)
        if refused is None:
            est = cost.estimate(opts, surface, start=s.start, steps=s.steps, seed=s.seed,
                                diagnostics=True, should_stop=should_stop, budget=budget)
            if est.seconds <= budget:
                return
            whole = est if len(missing) == len(runs) else cost.estimate(
                [make_optimizer(r) for r in runs], surface, start=s.start, steps=s.steps,
                seed=s.seed, diagnostics=True, should_stop=should_stop)
            refused = (est, whole.max_steps(OFFER_SHARE * budget) or None)
            with self._lock:
                self._refused[key] = refused
                while len(self._refused) > 64:
                    self._refused.popitem(last=False)
        raise cost.OverBudget(refused[0], budget, offer=refused[1])

    def _evict(self):
        while self._rows > self.max_rows and len(self._store) > 1:
            _, tr = self._store.popitem(last=False)
            self._rows -= tr.points.shape[0]

    def clear(self):
        with self._lock:
            self._store.clear()
            self._refused.clear()
            self._rows = 0

