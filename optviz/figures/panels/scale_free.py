"""Paper panel `scale_free`: the scenario with and without its per-coordinate gradient scale, overlaid."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go

import optimizers
from optviz.figures.style import run_color
from optviz.model.scenario import parse_scenario

from .common import PANEL_MAX_STEPS, contour, max_rel_diff, run_label


def data(query: Mapping) -> dict:
    """The scenario with its gradient scale and without (or with c = (1e3, 1e-2) if it has none)."""
    sc = parse_scenario(query)
    cx, cy = sc.params.get("scale_x", 1.0), sc.params.get("scale_y", 1.0)
    if cx == 1.0 and cy == 1.0:
        cx, cy = 1e3, 1e-2
    opts = [r.optimizer() for r in sc.runs]
    plain_s = sc.build_surface(scale_x=1.0, scale_y=1.0)
    scaled_s = sc.build_surface(scale_x=cx, scale_y=cy)
    steps = min(sc.steps, PANEL_MAX_STEPS)
    plain = optimizers.run(opts, plain_s, start=sc.start, steps=steps, seed=sc.seed,
                           diagnostics=False)
    scaled = optimizers.run(opts, scaled_s, start=sc.start, steps=steps, seed=sc.seed,
                            diagnostics=False)
    rows = []
    for r, a, b in zip(sc.runs, plain, scaled):
        rows.append({"key": r.key, "label": run_label(r), "plain": a.points, "scaled": b.points,
                     "max_rel_diff": max_rel_diff(a.points, b.points),
                     "end_distance": float(np.linalg.norm(a.points[-1] - b.points[-1])),
                     "diverged": (a.diverged_at, b.diverged_at)})
    return {"scale": (cx, cy), "rows": rows, "contour": contour(plain_s),
            "window": plain_s.window, "minima": plain_s.minima}


def figure(data: dict):
    fig = go.Figure()
    fig.add_trace(data["contour"])
    for row in data["rows"]:
        c = run_color(row["key"])
        a, b = row["plain"], row["scaled"]
        fig.add_trace(go.Scatter(x=a[:, 0], y=a[:, 1], mode="lines", name=f"{row['label']}: plain",
                                 line=dict(color=c, width=5), opacity=0.45, legendgroup=row["key"]))
        fig.add_trace(go.Scatter(x=b[:, 0], y=b[:, 1], mode="lines",
                                 name=f"{row['label']}: rescaled ∇f", legendgroup=row["key"],
                                 line=dict(color=c, width=1.5, dash="dot")))
    for m in data["minima"]:
        fig.add_trace(go.Scatter(x=[m[0]], y=[m[1]], mode="markers", name="minimum",
                                 marker=dict(symbol="star", size=14, color="black")))
    (xa, xb), (ya, yb) = _path_box(data)
    cx, cy = data["scale"]
    fig.update_layout(title=f"Paths with ∇f (thick, faint) and with c ⊙ ∇f, c = ({cx:g}, {cy:g}) "
                            "(dotted)", xaxis=dict(range=[xa, xb], title="x"),
                      yaxis=dict(range=[ya, yb], title="y"),
                      height=520, margin=dict(l=40, r=10, t=50, b=40),
                      legend=dict(orientation="h", y=-0.15))
    return fig


def _path_box(data: dict) -> tuple:
    """The paths' bounding box (with the minima), padded, clipped to the surface's window."""
    pts = [row[k] for row in data["rows"] for k in ("plain", "scaled")]
    pts = np.concatenate([p[np.isfinite(p).all(axis=1)] for p in pts] + [np.asarray(data["minima"]).reshape(-1, 2)])
    (wa, wb), (va, vb) = data["window"]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.12 * np.maximum(hi - lo, 1e-3) + 0.05
    return ((max(wa, lo[0] - pad[0]), min(wb, hi[0] + pad[0])),
            (max(va, lo[1] - pad[1]), min(vb, hi[1] + pad[1])))


def table(data: dict) -> list[dict]:
    out = []
    for row in data["rows"]:
        d = row["max_rel_diff"]
        da, db = row["diverged"]
        verdict = ("same path (to rounding)" if d <= 1e-12 else
                   "diverged with the rescaled gradient" if db is not None and da is None else
                   "almost the same" if d <= 1e-6 else "different path")
        out.append({"run": row["label"],
                    "max |Δpath| / max(1, |θ|)": "diverged" if not math.isfinite(d) else f"{d:.2e}",
                    "end points apart": "—" if not math.isfinite(row["end_distance"])
                    else f"{row['end_distance']:.3g}",
                    "verdict": verdict})
    return out


def caption(data: dict) -> str:
    cx, cy = data["scale"]
    return (f"Each run twice: with ∇f and with c ⊙ ∇f, c = ({cx:g}, {cy:g}). "
            "“max |Δpath|” is the largest difference between the two paths, per coordinate, "
            "relative to max(1, |θ|): ~1e-16 is rounding, i.e. the same path.")
