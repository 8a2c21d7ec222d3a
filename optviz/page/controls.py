"""What each control offers: the values a slider steps through, read from the registries.

Learning rate, ε and other scale parameters step through log-spaced values (1-2-5 per decade);
β-like parameters step finely towards 1 (0.9, 0.99, 0.999, 0.9999 …). A value from a link that is
not on the grid is added to it, so a shared link shows exactly its own number.
"""
from __future__ import annotations

import functools
import math

from optviz.params import HParam

NEAR_ONE = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99,
            0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999)

GRIDS: dict[str, tuple] = {
    "lr": tuple(float(f"{m}e{e}") for e in range(-6, 1) for m in (1, 2, 3, 5, 7)) + (10.0,),
    "noise": (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0),
    "beta1": NEAR_ONE, "beta2": NEAR_ONE, "alpha": NEAR_ONE, "momentum": NEAR_ONE,
    "eps": (0.0,) + tuple(10.0 ** k for k in range(-16, 1)),
    "weight_decay": (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0),
    "dampening": tuple(round(0.1 * i, 1) for i in range(11)),
    "lr_decay": (0.0, 1e-4, 1e-3, 1e-2, 0.1, 1.0),
    "initial_accumulator_value": (0.0, 0.01, 0.1, 0.5, 1.0, 10.0),
    "momentum_decay": (0.0, 1e-3, 2e-3, 4e-3, 1e-2, 2e-2, 4e-2, 0.1, 1.0),
    "angle": tuple(float(a) for a in range(-90, 91, 5)),
    "center_x": tuple(0.5 * i for i in range(-20, 21)),
    "center_y": tuple(0.5 * i for i in range(-20, 21)),
    "b": (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0),
    "dropout": tuple(round(0.05 * i, 2) for i in range(20)),
    "sparse": (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0),
    "batch": (1, 2, 4, 8, 16, 32, 64, 128, 256),
    "steps": (10, 20, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 10000, 20000),
}

# Controls drawn as a number box rather than a slider.
NUMBER_BOXES = {"warmup", "step_every", "seed"}


def _log_grid(lo: float, hi: float) -> list[float]:
    out = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = float(f"{m}e{e}")
            if lo <= v <= hi:
                out.append(v)
    return out


def _nice_step(span: float, n: int = 40) -> float:
    raw = span / n
    p = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * p >= raw:
            return m * p
    return 10 * p


def base_grid(h: HParam) -> list:
    if h.name in GRIDS:
        return list(GRIDS[h.name])
    lo, hi = h.lo, h.hi
    if h.log:
        start = lo if lo > 0 else max(hi * 1e-6, 1e-6)
        g = _log_grid(start, hi)
        if lo == 0 and not h.lo_open:
            g = [0.0] + g
        return g
    step = _nice_step(hi - lo)
    n = int(round((hi - lo) / step))
    return [round(lo + i * step, 10) for i in range(n + 1)]


def options(h: HParam, current) -> list:
    """The slider's stops for `h`, valid under its range, with `current` among them."""
    try:
        return list(_options(h, current))
    except TypeError:                      # an unhashable current value: not worth caching
        return list(_options.__wrapped__(h, current))


@functools.lru_cache(maxsize=512)
def _options(h: HParam, current) -> tuple:
    g = []
    for v in base_grid(h):
        try:
            g.append(h.check(v))
        except ValueError:
            continue
    if current is not None and current not in g:
        g.append(current)
    return tuple(sorted(set(g)))


def uses_slider(h: HParam) -> bool:
    return h.name not in NUMBER_BOXES and (h.kind == "float" or h.name in GRIDS)
