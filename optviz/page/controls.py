"""What each control offers: the values a slider steps through, read from the registries.

A parameter's own `grid` (declared in its registry entry) comes first; otherwise log-scale
parameters step through 1-2-5 per decade and linear ones through ~40 round steps. A value from a
link that is not on the grid is added to it, so a shared link shows exactly its own number.
"""
from __future__ import annotations

import functools
import math

from optviz.params import HParam

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
    if h.grid:
        return list(h.grid)
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
    """Floats and parameters with declared stops are sliders; other integers are number boxes."""
    return h.kind == "float" or (h.kind == "int" and bool(h.grid))
