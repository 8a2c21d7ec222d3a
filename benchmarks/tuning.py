"""Tuning the learning rates of the default race (issue 13, a fair race): 7 optimizers × 25 rates ×
1000 steps on Rosenbrock in one batched call, next to the race itself and to the same 175 runs made
one optimizer (25 rows) per call and one run per call.

    python -m benchmarks tune

Minimum of several interleaved rounds (wall seconds; the batched call's CPU seconds of this thread
alongside). Target: ≤ 1 s on 2 cores. Nothing is pass/fail.
"""
from __future__ import annotations

import time

import optimizers
from optviz.model import tuning
from optviz.model.scenario import default_scenario, make_optimizer

ROUNDS = 5
TARGET = 1.0


def main() -> None:
    s = default_scenario()
    runs, opts, surface, rows, rates, _ = tuning.plan(s)
    n_runs = sum(len(v) for v in rates.values())
    race = [make_optimizer(r) for r in s.runs]
    per_opt = [(o, rows[:len(rates[r.key])]) for r, o in zip(runs, opts)]
    singles = [(r.optimizer(lr=float(v))) for r in runs for v in rates[r.key]]
    sides = {
        "race: 7 runs, one call": lambda: optimizers.run(race, surface, start=s.start, steps=s.steps),
        f"tuning: {n_runs} runs, ONE call": lambda: tuning.tune(s),
        f"tuning: {n_runs} runs, one call per optimizer": lambda: [
            optimizers.run(o, surface, start=st, steps=s.steps, diagnostics=False,
                           record_grads=False) for o, st in per_opt],
        f"tuning: {n_runs} runs, one call per run": lambda: [
            optimizers.run(o, surface, start=s.start, steps=s.steps, diagnostics=False,
                           record_grads=False) for o in singles],
    }
    wall = {k: [] for k in sides}
    cpu = []
    for i in range(ROUNDS):
        for k, fn in sides.items():
            if "per run" in k and i >= 2:          # ~40× slower: two rounds say enough
                continue
            t0, c0 = time.perf_counter(), time.thread_time()
            fn()
            wall[k].append(time.perf_counter() - t0)
            if "ONE" in k:
                cpu.append(time.thread_time() - c0)
    one = min(wall[f"tuning: {n_runs} runs, ONE call"])
    print(f"Tuning the default race's learning rates: {len(runs)} optimizers × "
          f"{len(next(iter(rates.values())))} rates × {s.steps} steps on {s.surface} "
          f"(tol f − f* ≤ {tuning.TOL:g})")
    for k, v in wall.items():
        print(f"  {k:44s} {min(v) * 1e3:8.0f} ms  ({min(v) / one:5.2f}× the one call)")
    print(f"  one call, CPU of this thread: {min(cpu) * 1e3:.0f} ms; target ≤ {TARGET * 1e3:.0f} ms "
          f"wall: {'met' if one <= TARGET else 'MISSED'}")
    res = tuning.tune(s)
    print("  tuned γ: " + ", ".join(f"{k} {v:g}" for k, v in res.best.items()))
