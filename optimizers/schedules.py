"""Step-size schedules: γ_t = lr · η_t with η_t = schedule(t) · warmup(t), t = 1, 2, …

`eta(schedule, steps, warmup, step_every)` returns all η_1 … η_T at once, so the runner looks a
float up per step instead of calling a function.
"""
from __future__ import annotations

import math

import numpy as np

SCHEDULES = ("constant", "inverse_sqrt", "cosine", "step")

LATEX = {
    "constant": r"\eta_t = 1",
    "inverse_sqrt": r"\eta_t = 1/\sqrt{t}",
    "cosine": r"\eta_t = \tfrac12\bigl(1+\cos(\pi (t-1)/T)\bigr)",
    "step": r"\eta_t = 0.1^{\lfloor (t-1)/k \rfloor}",
}

HELP = {
    "constant": "the same step size at every step",
    "inverse_sqrt": "1/√t decay, as in the Adam paper's convergence analysis (§6.1)",
    "cosine": "cosine decay from lr to 0 over the run",
    "step": "divide the step size by 10 every k steps",
}


def eta(schedule: str, steps: int, warmup: int = 0, step_every: int = 100) -> np.ndarray:
    """η_t for t = 1 … steps (index t-1), a float64 array of length `steps`.

    Computed with Python's math, one float at a time (≤ 20,000 of them, ~5 ms), so that it agrees to
    the last bit with a torch LambdaLR written with the same formula.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    k = max(1, int(step_every))
    out = np.empty(steps, dtype=np.float64)
    for i in range(steps):
        t = i + 1
        if schedule == "constant":
            e = 1.0
        elif schedule == "inverse_sqrt":
            e = 1.0 / math.sqrt(t)
        elif schedule == "cosine":
            e = 0.5 * (1.0 + math.cos(math.pi * (t - 1) / steps))
        else:  # step
            e = 0.1 ** ((t - 1) // k)
        if warmup and warmup > 0:
            e = e * min(1.0, t / warmup)
        out[i] = e
    return out
