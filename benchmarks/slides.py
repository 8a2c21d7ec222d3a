"""`python -m benchmarks slides`: how long the Export tab's slides take to make, and how big they are.

Three races: the default one (7 runs × 1000 steps), the A/B bias-correction preset (dashed copies),
and the largest the page allows (12 runs, copies included, × 20,000 steps). Each export is made a few
times; the minimum and the median wall time are printed, this process's CPU time (the MP4's
encoder runs in an ffmpeg process of its own) and the file's size (a shared machine adds noise,
never removes it). Targets: a GIF in a few seconds, a PNG well under one.
"""
from __future__ import annotations

import statistics
import time

from optviz.figures import slides
from optviz.figures.background import sample
from optviz.model import presets
from optviz.model.runs import RunCache
from optviz.model.scenario import MAX_RUNS, default_scenario, parse_query

BIG_OPTS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adamprox",
            "adamax", "nadam", "adam-2", "adamw-2"][:MAX_RUNS]


def races():
    yield "default race (7 × 1000)", default_scenario()
    s, _ = parse_query(dict(presets.get_preset("adam-bias-correction").query))
    yield "bias-correction A/B (4 × 500)", s
    q = {"opt": BIG_OPTS, "steps": "20000", "adam-2.beta2": "0.9999", "adamw-2.lr": "0.05"}
    s, _ = parse_query(q)
    yield "12 runs × 20000 steps", s


def main(rounds: int = 3) -> None:
    cache = RunCache()
    kinds = [("PNG 1920×1080", lambda s, tr, f: slides.png(s, tr, f, step=s.steps // 3)),
             (f"GIF {slides.GIF_SIZE[0]}×{slides.GIF_SIZE[1]}", slides.gif)]
    if slides.mp4_unavailable() is None:
        kinds.append((f"MP4 {slides.MP4_SIZE[0]}×{slides.MP4_SIZE[1]}", slides.mp4))
    print(f"{'race':32s} {'export':16s} {'min s':>7s} {'median s':>9s} {'CPU s':>6s} {'bytes':>11s}")
    for name, s in races():
        tr, field = cache.trajectories(s), sample(s.build_surface())
        for kind, fn in kinds:
            times, cpu = [], []
            for _ in range(rounds):
                t0, c0 = time.perf_counter(), time.process_time()
                data = fn(s, tr, field)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            print(f"{name:32s} {kind:16s} {min(times):7.2f} {statistics.median(times):9.2f} "
                  f"{min(cpu):6.2f} {len(data):11,d}", flush=True)


if __name__ == "__main__":
    main()
