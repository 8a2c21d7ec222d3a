"""How one batched `optimizers.run` grows with steps × runs: time and peak memory.

    python -m benchmarks scaling

Adam on Rosenbrock, runs = a grid of starts, everything recorded (the API's defaults: points,
losses, gradients and the diagnostics m̂, √v̂) and, for comparison, the lean recording a sweep uses
(diagnostics=False, record_grads=False). Peak memory is what NumPy allocated during the call
(tracemalloc sees NumPy's allocations), so it is the recording plus the working arrays.
"""
from __future__ import annotations

import time
import tracemalloc

import numpy as np

import optimizers
import surfaces

STEPS = (100, 1000, 5000, 20_000)
RUNS = (1, 7, 64, 1024, 4096, 16_384)


def _starts(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)])


def measure(steps: int, runs: int, lean: bool) -> tuple[float, float]:
    """(seconds, peak MB) of one run, the fastest of three."""
    s = surfaces.get("rosenbrock")
    opt = optimizers.get("adam", lr=2e-2)
    starts = _starts(runs)
    kw = dict(diagnostics=False, record_grads=False) if lean else {}
    optimizers.run(opt, s, start=starts[:1], steps=2, **kw)          # record the gradient trace
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        tr = optimizers.run(opt, s, start=starts, steps=steps, **kw)
        best = min(best, time.perf_counter() - t0)
        del tr
    tracemalloc.start()
    tr = optimizers.run(opt, s, start=starts, steps=steps, **kw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del tr
    return best, peak / 1e6


def main() -> None:
    cap = optimizers.runner.MAX_CELLS
    print(f"Adam on Rosenbrock; one optimizers.run per cell; caps: MAX_STEPS={optimizers.runner.MAX_STEPS:,}, "
          f"MAX_ROWS={optimizers.runner.MAX_ROWS:,}, MAX_CELLS={cap:,} run-steps\n")
    head = f"{'steps':>7} {'runs':>7} {'run-steps':>12}  {'time':>9} {'µs/step':>8} {'ns/run-step':>11} " \
           f"{'peak MB':>8}  {'lean time':>9} {'lean MB':>8}"
    print(head)
    print("-" * len(head))
    for steps in STEPS:
        for runs in RUNS:
            cells = (steps + 1) * runs
            if cells > cap or runs > optimizers.runner.MAX_ROWS:
                print(f"{steps:>7,} {runs:>7,} {cells:>12,}  refused: over the cap")
                continue
            t, mb = measure(steps, runs, lean=False)
            tl, mbl = measure(steps, runs, lean=True)
            print(f"{steps:>7,} {runs:>7,} {cells:>12,}  {t * 1e3:>7.1f}ms {t / steps * 1e6:>8.1f} "
                  f"{t / cells * 1e9:>11.1f} {mb:>8.1f}  {tl * 1e3:>7.1f}ms {mbl:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
