"""What the paper panels share: run labels and styles, log axes, reference lines, a light contour
of f, path comparison."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

import optimizers
from optviz.figures.style import run_color, run_dash, run_symbol
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


REF_COLOR = "#333333"      # reference lines and their labels (10:1 on white)
# Log axes tick at the decades only, written 10⁻³, 10⁻², …: plotly's default on a short log range
# labels 2 and 5 within each decade too ("2, 100, 5, 2, 10"), which reads as a garbled sequence.
LOG_AXIS = dict(type="log", dtick=1, exponentformat="power", showexponent="all")


def _axis_refs(fig, row, col) -> tuple[str, str]:
    if row is None:
        return "x", "y"
    sub = fig.get_subplot(row, col)
    return sub.xaxis.plotly_name.replace("axis", ""), sub.yaxis.plotly_name.replace("axis", "")


def reference_line(fig, y: float, text: str, *, log: bool, color: str = REF_COLOR,
                   dash: str = "dash", width: float = 1.5, row: int | None = None,
                   col: int | None = None) -> None:
    """A horizontal line at y with its label at the right end, just above it. An annotation on a
    log axis takes log10 of the value as its coordinate (a shape takes the value itself), so the
    label is placed at log10(y) there: plotly's add_hline(annotation_text=…) puts it at 10**y."""
    xref, yref = _axis_refs(fig, row, col)
    fig.add_shape(type="line", xref=f"{xref} domain", x0=0, x1=1, yref=yref, y0=y, y1=y,
                  line=dict(color=color, dash=dash, width=width))
    fig.add_annotation(xref=f"{xref} domain", x=1, yref=yref, y=math.log10(y) if log else y,
                       text=text, showarrow=False, xanchor="right", yanchor="bottom",
                       font=dict(color=color))


def run_style(key: str, order: int = 0, n: int = 1) -> dict:
    """A run's line and marker as in the race (colour, copy dash, family marker); earlier runs
    are drawn wider so a later one on the same curve (AdamW on Adam) leaves them visible."""
    rank = (n - 1 - order) / max(1, n - 1)        # 1 for the first run, 0 for the last
    return dict(line=dict(color=run_color(key), dash=run_dash(key), width=2.0 + 2.5 * rank),
                marker=dict(color=run_color(key), symbol=run_symbol(key), size=7 + 5 * rank))


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
