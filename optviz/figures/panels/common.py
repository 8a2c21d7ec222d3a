"""What the paper panels share: run labels, a light contour of f, path comparison."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

import optimizers
from optviz.model.fmt import fmt_value as fmt
from optviz.model.scenario import Run

PANEL_MAX_STEPS = 5000   # panels rerun the scenario: longer races are cut here (compute budget)


def query_key(query: Mapping) -> tuple:
    """A small hashable cache key for a query."""
    return tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else str(v))
                        for k, v in query.items()))


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1, |a|) over the path, NaN-aware: inf if exactly one of them diverged."""
    dead_a, dead_b = np.isnan(a), np.isnan(b)
    if (dead_a != dead_b).any():
        return math.inf
    ok = ~dead_a
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(1.0, np.abs(a[ok]))))


def run_label(r: Run) -> str:
    spec = optimizers.spec(r.name)
    bits = []
    if "eps" in r.hp and spec.adam_family:
        bits.append(f"ε={fmt(r.hp['eps'])}")
    if r.hp.get("weight_decay"):
        bits.append(f"λ={fmt(r.hp['weight_decay'])}")
    bits.append(f"γ={fmt(r.hp['lr'])}")
    title = spec.title if "-" not in r.key else f"{spec.title} {'ABC'[int(r.key[-1]) - 1]}"
    return f"{title} ({', '.join(bits)})"


def contour(surface, n: int = 90) -> dict:
    """Log-spaced contour lines of f over the surface's window, drawn in one light colour."""
    (xa, xb), (ya, yb) = surface.window
    xs, ys = np.linspace(xa, xb, n), np.linspace(ya, yb, n)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(np.stack([X, Y], axis=-1))
    Z = Z - (surface.f_min if surface.f_min is not None else float(np.nanmin(Z)))
    floor = 1e-6 * max(float(np.nanmax(Z)), 1e-300)
    return dict(type="contour", x=xs, y=ys, z=np.log10(np.maximum(Z, 0) + floor), showscale=False,
                hoverinfo="skip", ncontours=25, contours=dict(coloring="lines"),
                line=dict(width=0.8), colorscale=[[0, "#c9d3e0"], [1, "#c9d3e0"]],
                name="f (log levels)", showlegend=False)
