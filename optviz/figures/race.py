"""The race: contour background, one coloured path per run with a moving head, Play/Pause/scrubber.

Plotly animates only the traces a frame names, so each frame carries just the growing paths and the
heads; the background is a PNG under the axes, which stays visible while playing. A frame's path is
its run's most significant vertices up to that step (Ramer–Douglas–Peucker, ranked), so a long run
keeps its shape at a fixed payload; a faint full-resolution copy of every path lies underneath, and
the last frame (also the picture before Play) is exact. Frames are capped at MAX_FRAMES and at a
point budget, so the default figure stays well under 1 MB.
"""
from __future__ import annotations

import heapq
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import background, style
from optviz.model.fmt import fmt_loss
from optviz.model.scenario import Scenario

from .figure import Prebuilt, f4, f4_2d

MAX_FRAMES = 200
POINT_BUDGET = 22_000        # growing-path points summed over all frames and runs
SPEEDS = (("½×", 160), ("1×", 60), ("2×", 25), ("4×", 8))   # ms per frame
GHOST_OPACITY = 0.25         # the exact path while the animation draws over it
PLOT_WIDTH = 0.60             # the square map's share of the width; the legend sits to its right
EXACT_POINTS = 2501           # longer runs draw a simplified full path …
GHOST_POINTS = 4000           # … of at most this many vertices
CLICK_GRID = 31              # candidate start points per axis (invisible, clickable)

# Trace layout: fixed traces first, then three per run.
T_GRID, T_MINIMA, T_START, T_RUNS = 0, 1, 2, 3


def frame_count(steps: int, n_runs: int) -> int:
    # F frames whose paths hold up to F/2 vertices: about F²/4 points per run
    by_budget = int(math.sqrt(4 * POINT_BUDGET / max(n_runs, 1)))
    return max(2, min(MAX_FRAMES, steps + 1, max(30, by_budget)))


def vertex_budget(n_frames: int) -> int:
    return max(24, n_frames // 2)


def frame_steps(steps: int, n_runs: int) -> np.ndarray:
    """The steps the frames show: 0 … steps, evenly spaced, at most frame_count of them."""
    n = frame_count(steps, n_runs)
    return np.unique(np.round(np.linspace(0, steps, n)).astype(int))


def ranked_vertices(P: np.ndarray, m: int, tol: float = 0.0) -> np.ndarray:
    """Indices of the m most significant vertices of the polyline P (n, 2), sorted.

    Ramer–Douglas–Peucker with a priority queue: repeatedly split the segment whose farthest
    interior point is farthest from its chord, so any prefix of the ranking is the best
    simplification of that size. Stops early once no point is farther than `tol` from the
    simplified line. Endpoints are always kept.
    """
    n = len(P)
    if n <= m and tol <= 0:
        return np.arange(n)
    keep = [0, n - 1]
    heap: list = []

    def push(i, j):
        if j - i < 2:
            return
        a, b = P[i], P[j]
        seg = P[i + 1:j]
        d = b - a
        L = math.hypot(d[0], d[1])
        if L == 0:
            dist = np.hypot(seg[:, 0] - a[0], seg[:, 1] - a[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / L
        k = int(np.argmax(dist))
        heapq.heappush(heap, (-float(dist[k]), i, j, i + 1 + k))

    push(0, n - 1)
    while heap and len(keep) < m:
        d, i, j, k = heapq.heappop(heap)
        if -d <= tol:
            break
        keep.append(k)
        push(i, k)
        push(k, j)
    return np.array(sorted(keep))


@dataclass(frozen=True)
class RunFrames:
    """One run's share of the figure, pre-encoded: the full path and one growing path per frame."""

    full_x: dict
    full_y: dict
    loss: dict
    frame_xy: tuple              # per frame: (x typed array, y typed array)
    heads: tuple                 # per frame: (x, y) or (None, None)
    last: int                    # last finite step
    final_loss: float
    diverged_at: int | None


def run_frames(tr, ks: np.ndarray, tol: float = 0.0) -> RunFrames:
    """`tol`: for runs longer than EXACT_POINTS, the full path keeps only vertices that move it
    by more than tol (about a fifth of a pixel), at most GHOST_POINTS of them."""
    P = tr.points
    finite = np.isfinite(P).all(axis=1)
    last = int(np.flatnonzero(finite)[-1]) if finite.any() else 0
    Q = P[: last + 1]
    if len(P) > EXACT_POINTS:
        g = ranked_vertices(Q, GHOST_POINTS, tol)
        full_x, full_y = f4(Q[g, 0]), f4(Q[g, 1])
        loss = f4_2d(np.stack([g, tr.losses[g]], axis=1))     # [step, f] for the hover
    else:
        full_x, full_y, loss = f4(P[:, 0]), f4(P[:, 1]), f4(tr.losses)
    keep = ranked_vertices(Q, vertex_budget(len(ks)))
    frame_xy, heads = [], []
    for i, k in enumerate(ks):
        kk = min(int(k), last)
        idx = np.append(keep[keep < kk], kk)
        frame_xy.append((f4(Q[idx, 0]), f4(Q[idx, 1])) if i < len(ks) - 1 else None)
        heads.append((float(Q[kk, 0]), float(Q[kk, 1])))
    return RunFrames(full_x, full_y, loss, tuple(frame_xy), tuple(heads), last,
                     float(tr.losses[last]), tr.diverged_at)


class _FrameCache:
    """RunFrames by (trajectory identity, frame steps): after one change only one run re-encodes."""

    def __init__(self, size: int = 64):
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tr, ks: np.ndarray, tol: float = 0.0) -> RunFrames:
        key = (id(tr), ks.tobytes(), tol)
        with self._lock:
            hit = self._d.get(key)
            if hit is not None and hit[0] is tr:
                self._d.move_to_end(key)
                return hit[1]
        rf = run_frames(tr, ks, tol)
        with self._lock:
            self._d[key] = (tr, rf)       # holding tr keeps id(tr) from being reused
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return rf


FRAME_CACHE = _FrameCache()


def _hover(label: str, with_steps: bool) -> str:
    if with_steps:      # a simplified path: the step is stored next to f
        return (f"{label}<br>step %{{customdata[0]}}<br>(%{{x:.4g}}, %{{y:.4g}})"
                "<br>f = %{customdata[1]:.4g}<extra></extra>")
    return (f"{label}<br>step %{{pointNumber}}<br>(%{{x:.4g}}, %{{y:.4g}})"
            "<br>f = %{customdata:.4g}<extra></extra>")


def legend_text(label: str, rf: RunFrames, f_star: float | None) -> str:
    if rf.diverged_at is not None:
        return f"{label} · diverged at step {rf.diverged_at}"
    if f_star is not None:
        return f"{label} · f−f* = {fmt_loss(rf.final_loss - f_star)}"
    return f"{label} · f = {fmt_loss(rf.final_loss)}"


# A click selects a point; Plotly would then fade every other marker until the figure changes.
_NO_DIMMING = {"selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}}}
_INVISIBLE_SELECTION = {"selected": {"marker": {"opacity": 0}},
                        "unselected": {"marker": {"opacity": 0}}}


def click_grid_axes(window) -> tuple[np.ndarray, np.ndarray]:
    """The x and y values of the candidate start points (the click grid's columns and rows)."""
    (xa, xb), (ya, yb) = window
    return np.linspace(xa, xb, CLICK_GRID), np.linspace(ya, yb, CLICK_GRID)


def _click_grid(surface, field) -> dict:
    gx, gy = click_grid_axes(surface.window)
    X, Y = np.meshgrid(gx, gy)
    # f at the grid from the sampled field (nearest sample): hover shows the height to start from
    ix = np.clip(np.searchsorted(field.x, X.ravel()), 0, len(field.x) - 1)
    iy = np.clip(np.searchsorted(field.y, Y.ravel()), 0, len(field.y) - 1)
    fz = field.f[iy, ix]
    return {
        "type": "scatter", "mode": "markers", "x": f4(X.ravel()), "y": f4(Y.ravel()),
        "customdata": f4(fz), "marker": {"size": 14, "opacity": 0, "color": "#000"},
        "hovertemplate": "start here: (%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>",
        "showlegend": False, "name": "start grid", **_INVISIBLE_SELECTION,
    }


def race_figure(s: Scenario, trajectories: dict, surface=None, field=None) -> Prebuilt:
    """The animated race for scenario `s`; trajectories maps run key → Trajectory."""
    surface = surface or s.build_surface()
    field = field or background.sample(surface)
    typo = style.typography(s.view)
    runs = [r for r in s.runs if r.key in trajectories]
    ks = frame_steps(s.steps, len(runs))
    (xa, xb), (ya, yb) = surface.window
    f_star = surface.f_min
    tol = math.hypot(xb - xa, yb - ya) * 1e-4

    data = [_click_grid(surface, field)]
    mins = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    data.append({
        "type": "scatter", "mode": "markers", "x": mins[:, 0].tolist(), "y": mins[:, 1].tolist(),
        "marker": {"symbol": "star", "size": typo.head + 8, "color": "#ffd400",
                   "line": {"color": "#333", "width": 1.5}},
        "name": "minimum", "showlegend": False, **_NO_DIMMING,
        "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
    })
    data.append({
        "type": "scatter", "mode": "markers", "x": [s.x0], "y": [s.y0],
        "marker": {"symbol": "circle-open", "size": typo.head + 6, "color": "#222",
                   "line": {"width": 2.5}},
        "name": "start", "showlegend": False, **_NO_DIMMING,
        "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>",
    })
    per_run = []
    for r in runs:
        rf = FRAME_CACHE.get(trajectories[r.key], ks, tol)
        per_run.append(rf)
        color, dash = style.run_color(r.key), style.run_dash(r.key)
        hx, hy = rf.heads[-1]
        data += [
            # the exact path: full colour at rest, faint while the animation draws over it. A click
            # selects the hovered point, and plotly.js selects nothing on a lines-only trace:
            # invisible markers (only one drawn: maxdisplayed) let a click on the path count.
            {"type": "scatter", "mode": "lines+markers", "x": rf.full_x, "y": rf.full_y,
             "customdata": rf.loss, "legendgroup": r.key, "name": legend_text(r.label, rf, f_star),
             "opacity": 1.0, "line": {"color": color, "width": typo.line, "dash": dash},
             "marker": {"size": 1, "opacity": 0, "maxdisplayed": 1}, **_INVISIBLE_SELECTION,
             "hovertemplate": _hover(r.label, "shape" in rf.loss)},
            # the growing path (empty at rest)
            {"type": "scatter", "mode": "lines", "x": [], "y": [], "legendgroup": r.key,
             "showlegend": False, "name": r.label, "hoverinfo": "skip",
             "line": {"color": color, "width": typo.line, "dash": dash}},
            {"type": "scatter", "mode": "markers", "x": [hx], "y": [hy], "legendgroup": r.key,
             "showlegend": False, "name": r.label, "hoverinfo": "skip", **_NO_DIMMING,
             "marker": {"color": color, "size": typo.head, "symbol": style.run_symbol(r.key),
                        "line": {"color": "white", "width": 2}}},
        ]
    moving = [T_RUNS + 3 * i + j for i in range(len(runs)) for j in (0, 1, 2)]
    frames = []
    last = len(ks) - 1
    for fi, k in enumerate(ks):
        fdata = []
        for rf in per_run:
            hx, hy = rf.heads[fi]
            if fi == last:
                fdata.append({"type": "scatter", "opacity": 1.0})
                fdata.append({"type": "scatter", "x": [], "y": []})
            else:
                x, y = rf.frame_xy[fi]
                fdata.append({"type": "scatter", "opacity": GHOST_OPACITY})
                fdata.append({"type": "scatter", "x": x, "y": y})
            fdata.append({"type": "scatter", "x": [hx], "y": [hy]})
        frames.append({"name": str(int(k)), "data": fdata, "traces": moving})

    present = s.view == "present"
    menu_y, slider_y = (-0.075, -0.15) if present else (-0.06, -0.13)
    anim = {"mode": "immediate", "transition": {"duration": 0}}
    buttons = [
        {"label": "▶ Play", "method": "animate",
         "args": [None, {**anim, "frame": {"duration": SPEEDS[1][1], "redraw": False},
                         "fromcurrent": False}]},
        {"label": "❚❚ Pause", "method": "animate",
         "args": [[None], {**anim, "frame": {"duration": 0, "redraw": False}}]},
    ]
    speed_buttons = [
        {"label": label, "method": "animate",
         "args": [None, {**anim, "frame": {"duration": ms, "redraw": False}, "fromcurrent": True}]}
        for label, ms in SPEEDS
    ]
    slider = {
        "active": len(ks) - 1, "pad": {"t": 10, "b": 0}, "x": 0.0, "len": 1.0, "y": 0,
        "yanchor": "top", "xanchor": "left",
        "currentvalue": {"prefix": "step ", "font": {"size": typo.base + 2, "color": "#222"},
                         "xanchor": "left"},
        "font": {"color": "rgba(0,0,0,0)", "size": 8}, "ticklen": 0, "minorticklen": 0,
        "steps": [{"label": str(int(k)), "method": "animate",
                   "args": [[str(int(k))], {**anim, "frame": {"duration": 0, "redraw": False}}]}
                  for k in ks],
    }
    layout = {
        "height": typo.height,
        "margin": {"l": 55, "r": 10, "t": 14 if s.view != "present" else 24, "b": 10},
        "font": {"size": typo.base, "family": "Inter, 'Source Sans Pro', Arial, sans-serif",
                 "color": "#222"},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "xaxis": {"range": [xa, xb], "domain": [0, PLOT_WIDTH], "constrain": "domain",
                  "constraintoward": "left", "showgrid": False, "zeroline": False,
                  "title": {"text": "x", "standoff": 4}, "tickfont": {"size": typo.tick},
                  "mirror": True, "showline": True, "linecolor": "#888", "ticks": "outside"},
        "yaxis": {"range": [ya, yb], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain",
                  "showgrid": False, "zeroline": False, "title": {"text": "y", "standoff": 4},
                  "tickfont": {"size": typo.tick}, "mirror": True, "showline": True,
                  "linecolor": "#888", "ticks": "outside"},
        "images": [{"source": background.background_uri(field),
                    "xref": "x", "yref": "y", "x": xa, "y": yb, "sizex": xb - xa, "sizey": yb - ya,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "legend": {"x": PLOT_WIDTH + 0.02, "y": 0.93, "xanchor": "left", "yanchor": "top",
                   "font": {"size": typo.legend}, "bgcolor": "rgba(255,255,255,0.85)",
                   "itemclick": "toggle", "itemdoubleclick": "toggleothers"},
        "hovermode": "closest", "dragmode": "zoom",
        "updatemenus": [
            {"type": "buttons", "direction": "right", "showactive": False, "buttons": buttons,
             "x": 0.0, "y": menu_y, "xanchor": "left", "yanchor": "top", "pad": {"r": 6, "t": 0},
             "font": {"size": typo.base}},
            {"type": "buttons", "direction": "right", "showactive": False, "buttons": speed_buttons,
             "x": 1.0, "y": menu_y, "xanchor": "right", "yanchor": "top", "pad": {"t": 0},
             "font": {"size": typo.base}},
        ],
        "sliders": [{**slider, "y": slider_y}],
    }
    layout["margin"]["b"] = 120 if s.view != "present" else 165
    return Prebuilt({"data": data, "layout": layout, "frames": frames})


def without_click_grid(spec: dict) -> dict:
    """The race without its invisible start-point grid (for the offline HTML, where a click cannot
    restart anything and the hover label "start here" would mislead)."""
    data = spec["data"]
    if not data or data[T_GRID].get("name") != "start grid":
        return spec
    frames = [{**f, "traces": [i - 1 for i in f["traces"]]} for f in spec.get("frames", [])]
    return {**spec, "data": data[1:], "frames": frames}
