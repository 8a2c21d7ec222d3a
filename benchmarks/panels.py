"""`python -m benchmarks panels`: how long each paper panel's computation takes (uncached).

Each panel is computed several times; the minimum and the median are printed (a shared machine
adds noise, never removes it). The app caches a panel after its first computation.
"""
from __future__ import annotations

import statistics
import time

from optviz.figures.panels import bias_correction, condition, prox_gap, scale_free, step_bound
from optviz.model.presets.paper import get

PANELS = ((scale_free.data, "adamw-scale-free"), (prox_gap.data, "adamw-vs-adamprox"),
          (bias_correction.data, "adam-bias-correction"), (step_bound.data, "adam-step-bound"),
          (condition.data, "adamw-condition-number"))


def main(rounds: int = 5) -> None:
    print(f"{'panel':28s} {'min s':>8s} {'median s':>9s}")
    for fn, name in PANELS:
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fn(get(name).query)
            times.append(time.perf_counter() - t0)
        print(f"{name:28s} {min(times):8.3f} {statistics.median(times):9.3f}")


if __name__ == "__main__":
    main()
