"""The compute budget's probe: how close its estimate comes to the run it replaces, what it costs,
and how fast the page's run cache refuses the issue's links.

    python -m benchmarks.budget

For each scenario: the probe's estimate (CPU seconds of this thread), the run's measured CPU
seconds, their ratio, and the probe's own CPU cost. Then the refusal of the two links the load
benchmark's attacker opens: CPU and wall seconds from the call to the OverBudget answer (a fresh
cache: the probe included). Nothing is pass/fail.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import numpy as np

import optimizers
import surfaces
from optimizers import budget


def _scenarios():
    ros = surfaces.get("rosenbrock")
    names = optimizers.names()
    seven = [optimizers.get(n) for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                          "adam", "adamw")]
    twelve = [optimizers.get(n) for n in names[:12]]
    expr = surfaces.from_expression("+".join(f"sin(x*{k}+y)*cos(y*{k}-x)" for k in range(1, 21)))
    n = 64
    grid = optimizers.get("adam", lr=np.tile(np.geomspace(1e-4, 1, n), n),
                          beta2=np.repeat(np.linspace(0.9, 0.9999, n), n))
    return [
        ("default race: 7 optimizers × 1000 steps, Rosenbrock", seven, ros, (-1.5, 2.0), 1000),
        ("12 optimizers × 20,000 steps, Rosenbrock", twelve, ros, (-1.5, 2.0), 20_000),
        ("12 optimizers × 2000 steps, 460-character expression", twelve, expr, None, 2000),
        ("12 optimizers × 1000 steps, logistic, minibatch 255", twelve,
         surfaces.get("logistic", batch=255), None, 1000),
        ("64 × 64 sweep cells × 500 steps, Rosenbrock", [grid], ros, (-1.5, 2.0), 500),
    ]


def main() -> None:
    print("probe estimate vs the run it stands for (CPU seconds of this thread)")
    print(f"  {'scenario':58s} {'estimate':>9s} {'measured':>9s} {'ratio':>6s} {'probe':>7s}")
    for name, opts, surf, start, steps in _scenarios():
        est = budget.estimate(opts, surf, start=start, steps=steps)
        t0 = time.thread_time()
        optimizers.run(opts, surf, start=start, steps=steps)
        real = time.thread_time() - t0
        print(f"  {name:58s} {est.seconds:8.2f}s {real:8.2f}s {est.seconds / real:6.2f} "
              f"{est.probe_seconds:6.3f}s", flush=True)

    ros = surfaces.get("rosenbrock")
    seven = [optimizers.get(n) for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                          "adam", "adamw")]
    never = (lambda: False)
    a, b = [], []
    for _ in range(7):                  # interleaved, minimum of each
        for out, kw in ((a, {}), (b, {"should_stop": never})):
            t0 = time.perf_counter()
            optimizers.run(seven, ros, start=(-1.5, 2.0), steps=2000, **kw)
            out.append(time.perf_counter() - t0)
    print(f"\nthe stop check's cost: default 7 optimizers × 2000 steps {min(a) * 1e3:.1f} ms "
          f"without, {min(b) * 1e3:.1f} ms with a should_stop called every step "
          f"({min(b) / min(a):.3f}×)")

    from benchmarks.load import attack_links
    from optviz.model.runs import RunCache
    from optviz.model.scenario import parse_query
    print("\nrefusing the attacker's links (a fresh run cache, 5 s race budget)")
    for url in attack_links("http://x"):
        q = {k: (v if len(v) > 1 else v[0]) for k, v in parse_qs(urlparse(url).query).items()}
        scn, _ = parse_query(q)
        c0, w0 = time.thread_time(), time.perf_counter()
        try:
            RunCache().trajectories(scn, budget=5.0)
            print("  not refused?")
        except budget.OverBudget as e:
            print(f"  {q['surface']:8s} {len(scn.runs)} optimizers × {scn.steps:,} steps: refused "
                  f"after {time.thread_time() - c0:.2f} s CPU / {time.perf_counter() - w0:.2f} s "
                  f"wall (estimate {e.estimate.seconds:.1f} s, offer {e.offer} steps)")


if __name__ == "__main__":
    main()
