"""The 3-D view: the surface as a height field with every path drawn on it.

Height is log10(f − f* + δ) on surfaces whose interesting part spans decades (Rosenbrock's valley
floor would be invisible on a linear axis), f itself otherwise; the paths use the same transform and
float slightly above the surface so they are not hidden inside it.
"""
from __future__ import annotations

from optviz.i18n import run_label, t
import numpy as np

from . import background, style
from .figure import Prebuilt, f4, f4_2d
from optviz.model.scenario import Scenario

GRID = 150
MAX_PATH_POINTS = 600


def surface_figure(s: Scenario, trajectories: dict, field: background.Field | None = None,
                   theme: str = "light") -> Prebuilt:
    surface = s.build_surface()
    field = field or background.sample(surface)
    typo = style.typography(s.view)
    step = max(1, len(field.x) // GRID)
    x, y = field.x[::step], field.y[::step]
    z = background.height(field)[::step, ::step]
    z, power = _in_float32(z)
    finite = z[np.isfinite(z)]
    zmin, zmax = (float(finite.min()), float(np.percentile(finite, 99.5))) if finite.size else (0.0, 1.0)
    lift = 0.01 * (zmax - zmin)
    data = [{
        "type": "surface", "x": f4(x), "y": f4(y), "z": f4_2d(np.clip(z, None, zmax)),
        "colorscale": [[0, "#5f86b0"], [0.35, "#c5d9e8"], [0.65, "#f4efe4"], [1, "#e9c9a7"]],
        "showscale": False, "opacity": 0.85, "name": t(surface.title),
        "contours": {"z": {"show": True, "usecolormap": False, "color": "#7a7a7a", "width": 1,
                           "start": float(zmin), "end": float(zmax),
                           "size": float((zmax - zmin) / 20) or 1.0}},
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<extra></extra>",
    }]
    for r in s.runs:
        tr = trajectories.get(r.key)
        if tr is None:
            continue
        k = max(1, int(np.ceil(len(tr.points) / MAX_PATH_POINTS)))
        P = tr.points[::k]
        L = tr.losses[::k]
        (xa, xb), (ya, yb) = surface.window
        inside = (P[:, 0] >= xa) & (P[:, 0] <= xb) & (P[:, 1] >= ya) & (P[:, 1] <= yb)
        with np.errstate(invalid="ignore"):
            h = background.height(field, L) / 10.0 ** power
        zz = np.where(inside, np.clip(h, zmin, zmax) + lift, np.nan)
        color = style.run_color(r.key, theme)
        data.append({"type": "scatter3d", "mode": "lines", "x": f4(P[:, 0]), "y": f4(P[:, 1]),
                     "z": f4(zz), "name": run_label(s.label(r.key)),
                     "line": {"color": color, "width": 6, "dash": style.run_dash(r.key)},
                     "hovertemplate": f"{run_label(s.label(r.key))}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>"})
    zlabel = "log₁₀(f − f*)" if field.log else "f" if not power else f"f / 1e{power}"
    layout = {
        "height": 680 if s.view != "present" else 820, "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "font": {"size": typo.base, "family": "Inter, 'Source Sans Pro', Arial, sans-serif"},
        "paper_bgcolor": "white",
        "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                  "zaxis": {"title": {"text": zlabel}}, "aspectmode": "manual",
                  "aspectratio": {"x": 1, "y": 1, "z": 0.5},
                  "camera": {"eye": {"x": 0.9, "y": -1.5, "z": 1.45}}},
        "legend": {"x": 0, "y": 1, "bgcolor": "rgba(255,255,255,0.8)"},
    }
    return Prebuilt({"data": data, "layout": layout})


def _in_float32(z: np.ndarray) -> tuple[np.ndarray, int]:
    """(z / 10^k, k): heights travel as float32 (±3.4e38), so a surface whose f spans further
    (1e300·sin(3x)) is drawn in units of 10^k, named on the axis; k = 0 for every usual surface."""
    finite = np.abs(z[np.isfinite(z)])
    top = float(finite.max()) if finite.size else 0.0
    if top <= 1e30:
        return z, 0
    k = int(np.floor(np.log10(top)))
    return z / 10.0 ** k, k
