"""Linked diagnostics: per step, f − f*, ‖g‖, |Δθᵢ| with the step bound, and m̂, √v̂ (Adam family).

One colour per run, the same as in the race. Long runs are thinned to MAX_POINTS per line (every
k-th step, always keeping the last), which a chart a few hundred pixels wide cannot tell apart.
"""
from __future__ import annotations

from optviz.i18n import run_label, t
import numpy as np

import optimizers

from . import style
from .figure import Prebuilt, f4
from optviz.model.scenario import Scenario, make_optimizer

MAX_POINTS = 1200
TINY = 1e-300       # log axes cannot show 0: an exact zero is drawn at the axis floor


def _thin(steps: int) -> np.ndarray:
    k = max(1, int(np.ceil((steps + 1) / MAX_POINTS)))
    idx = np.arange(0, steps + 1, k)
    if idx[-1] != steps:
        idx = np.append(idx, steps)
    return idx


def _positive(a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return np.where(np.isfinite(a) & (a > 0), a, np.where(a == 0, TINY, np.nan))


def step_bound(run_opt, steps: int) -> np.ndarray:
    """The Adam-paper bound on |Δθᵢ| at t = 1 … steps, with the schedule (NaN where none applies)."""
    from optimizers import schedules
    t = np.arange(1, steps + 1)
    hp = run_opt.hp
    eta = schedules.eta(hp["schedule"], steps, hp["warmup"], hp["step_every"])
    return optimizers.max_step_bound(run_opt, t) * eta


def _exceeds_gamma(bound: np.ndarray, gamma: np.ndarray) -> bool:
    ok = np.isfinite(bound) & np.isfinite(gamma)
    return bool(ok.any()) and bool(np.any(bound[ok] > gamma[ok] * (1 + 1e-12)))


# panel → (row, col) in a 3 × 2 grid
PANELS = {
    "loss": (1, 1), "grad": (1, 2), "dx": (2, 1), "dy": (2, 2), "m": (3, 1), "v": (3, 2),
}
TITLES = {
    "loss": "f(θ) − f*  (log)", "grad": "‖∇f(θ)‖  (log)",
    "dx": "|Δθ₁| = |Δx| per step, with the bound (dotted)", "dy": "|Δθ₂| = |Δy| per step, with the bound (dotted)",
    "m": "m̂ per coordinate (x solid, y dotted) — Adam family",
    "v": "√v̂ per coordinate (x solid, y dotted) — Adam family",
}
TITLES_NORMALISED = {
    "dx": "|Δθ₁| = |Δx| / γ_t per step, with the bound (dotted)",
    "dy": "|Δθ₂| = |Δy| / γ_t per step, with the bound (dotted)",
}


def _axes(panel: str) -> tuple[str, str]:
    row, col = PANELS[panel]
    n = (row - 1) * 2 + col
    return ("x" if n == 1 else f"x{n}"), ("y" if n == 1 else f"y{n}")


def diagnostics_figure(s: Scenario, trajectories: dict, normalise_steps: bool = False,
                       theme: str = "light") -> Prebuilt:
    """The 3 × 2 grid of diagnostics. With normalise_steps, |Δθᵢ| is divided by γ_t = lr·η_t
    (the Adam paper's claim: |Δθᵢ|/α ≲ 1)."""
    surface = s.build_surface()
    f_star = surface.f_min
    typo = style.typography(s.view)
    idx = _thin(s.steps)
    step_x = f4(idx)
    data = []
    any_adam = False
    m_values = []
    for r in s.runs:
        tr = trajectories.get(r.key)
        if tr is None:
            continue
        color, dash = style.run_color(r.key, theme), style.run_dash(r.key)
        opt = make_optimizer(r)
        common = {"type": "scatter", "mode": "lines", "legendgroup": r.key, "x": step_x,
                  "hovertemplate": f"{run_label(s.label(r.key))}<br>" + t("step {k}", k="%{x}")
                                   + "<br>%{y:.4g}<extra></extra>"}
        loss = tr.losses - (f_star if f_star is not None else 0.0)
        data.append({**common, "name": run_label(s.label(r.key)), "showlegend": True, "y": f4(_positive(loss[idx])),
                     "line": {"color": color, "dash": dash, "width": 2},
                     **_ax("loss")})
        g = np.hypot(tr.grads[:, 0], tr.grads[:, 1])      # no overflow for |g| beyond 1e154
        data.append({**common, "name": run_label(s.label(r.key)), "showlegend": False, "y": f4(_positive(g[idx])),
                     "line": {"color": color, "dash": dash, "width": 2}, **_ax("grad")})
        d = tr.deltas
        gamma = opt.hp["lr"] * np.concatenate([[np.nan], tr.eta])      # γ_t for row t
        bound = np.concatenate([[np.nan], step_bound(opt, s.steps)])
        for c, panel in ((0, "dx"), (1, "dy")):
            y = d[:, c] / gamma if normalise_steps else d[:, c]
            data.append({**common, "name": run_label(s.label(r.key)), "showlegend": False, "y": f4(_positive(y[idx])),
                         "line": {"color": color, "dash": dash, "width": 1.6}, **_ax(panel)})
            b = bound / gamma if normalise_steps else bound
            if np.isfinite(b).any():
                data.append({**common, "name": run_label(s.label(r.key)) + " " + t("bound"), "showlegend": False,
                             "y": f4(b[idx]), "line": {"color": color, "dash": "dot", "width": 2.2},
                             "hovertemplate": run_label(s.label(r.key)) + " " + t("bound") + "<br>"
                                              + t("step {k}", k="%{x}") + "<br>%{y:.4g}<extra></extra>",
                             **_ax(panel)})
            if _exceeds_gamma(bound, gamma):   # an exact bound above α: the paper's α beside it
                a = np.where(np.isfinite(gamma), 1.0 if normalise_steps else gamma, np.nan)
                data.append({**common, "name": "α", "showlegend": False, "y": f4(a[idx]),
                             "line": {"color": "#555", "dash": "dash", "width": 1.2},
                             "hovertemplate": t("α (paper's bound)") + "<br>" + t("step {k}", k="%{x}")
                                              + "<br>%{y:.4g}<extra></extra>",
                             **_ax(panel)})
        if tr.m_hat is not None:
            any_adam = True
            m_values.append(tr.m_hat[idx].ravel())
            for c, cdash in ((0, "solid"), (1, "dot")):
                data.append({**common, "name": run_label(s.label(r.key)), "showlegend": False,
                             "y": f4(tr.m_hat[idx, c]), "line": {"color": color, "dash": cdash,
                                                                  "width": 1.6}, **_ax("m")})
                data.append({**common, "name": run_label(s.label(r.key)), "showlegend": False,
                             "y": f4(_positive(tr.v_hat_sqrt[idx, c])),
                             "line": {"color": color, "dash": cdash, "width": 1.6}, **_ax("v")})
    layout = {
        "height": 900, "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "font": {"size": typo.base - 1, "family": "Inter, 'Source Sans Pro', Arial, sans-serif"},
        "paper_bgcolor": "white", "plot_bgcolor": "#fafafa", "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": 1.04, "yanchor": "bottom"},
        "annotations": [],
    }
    gap_x, gap_y = 0.08, 0.09
    w, h = (1 - gap_x) / 2, (1 - 2 * gap_y) / 3
    for panel, (row, col) in PANELS.items():
        xa, ya = _axes(panel)
        x0 = (col - 1) * (w + gap_x)
        y1 = 1 - (row - 1) * (h + gap_y)
        log = panel in ("loss", "grad", "dx", "dy", "v")
        layout["xaxis" + xa[1:]] = {"domain": [x0, x0 + w], "anchor": ya, "showgrid": True,
                                    "gridcolor": "#e5e5e5", "title": {"text": t("step")} if row == 3 else None,
                                    "matches": "x" if xa != "x" else None}
        layout["yaxis" + ya[1:]] = {"domain": [y1 - h, y1], "anchor": xa, "type": "log" if log else "linear",
                                    "showgrid": True, "gridcolor": "#e5e5e5", "exponentformat": "power"}
        title = TITLES_NORMALISED[panel] if normalise_steps and panel in TITLES_NORMALISED else TITLES[panel]
        title = t(title)
        layout["annotations"].append({"text": f"<b>{title}</b>", "x": x0, "y": y1, "xref": "paper",
                                      "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False, "font": {"size": typo.base - 1}})
    for k in list(layout):
        if k.startswith("xaxis") and layout[k].get("matches") is None:
            layout[k].pop("matches", None)
        if k.startswith("xaxis") and layout[k].get("title") is None:
            layout[k].pop("title", None)
    if m_values:       # m̂ starts huge and settles near 0: a robust range shows the interesting part
        allm = np.concatenate(m_values)
        allm = allm[np.isfinite(allm)]
        if allm.size:
            lo, hi = np.percentile(allm, [2, 98])
            pad = 0.1 * (hi - lo) or 1.0
            layout["yaxis5"]["range"] = [float(lo - pad), float(hi + pad)]
    if not any_adam:
        layout["annotations"].append({"text": t("no Adam-family optimizer selected"), "x": 0.5,
                                      "y": 0.12, "xref": "paper", "yref": "paper",
                                      "showarrow": False, "font": {"color": "#888"}})
    return Prebuilt({"data": data, "layout": layout})


def _ax(panel: str) -> dict:
    xa, ya = _axes(panel)
    return {"xaxis": xa, "yaxis": ya}


def steps_figure(s: Scenario, trajectories: dict, theme: str = "light") -> Prebuilt:
    """|Δθᵢ|/γ_t per step and coordinate, with the bounds: the Adam paper's §2.1 claim at a glance."""
    typo = style.typography(s.view)
    idx = _thin(s.steps)
    data = []
    for r in s.runs:
        tr = trajectories.get(r.key)
        if tr is None:
            continue
        opt = make_optimizer(r)
        color = style.run_color(r.key, theme)
        gamma = opt.hp["lr"] * np.concatenate([[np.nan], tr.eta])
        ratio = tr.deltas / gamma[:, None]
        for c, dash, coord in ((0, "solid", "x"), (1, "dot", "y")):
            data.append({"type": "scatter", "mode": "lines", "x": f4(idx), "y": f4(ratio[idx, c]),
                         "name": f"{run_label(s.label(r.key))} · |Δ{coord}|/γ", "legendgroup": r.key,
                         "line": {"color": color, "dash": dash, "width": 2}})
        b = np.concatenate([[np.nan], step_bound(opt, s.steps)]) / gamma
        if np.isfinite(b).any() and not np.allclose(b[1:], 1.0):
            data.append({"type": "scatter", "mode": "lines", "x": f4(idx), "y": f4(b[idx]),
                         "name": f"{run_label(s.label(r.key))} · " + t("exact bound"), "legendgroup": r.key,
                         "line": {"color": color, "dash": "dash", "width": 2.5}})
    data.append({"type": "scatter", "mode": "lines", "x": [0, s.steps], "y": [1, 1],
                 "name": t("α (= γ): the paper's bound"), "line": {"color": "#222", "dash": "dash",
                                                               "width": 1.5}})
    layout = {"height": 420, "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
              "font": {"size": typo.base, "family": "Inter, 'Source Sans Pro', Arial, sans-serif"},
              "paper_bgcolor": "white", "plot_bgcolor": "#fafafa",
              "xaxis": {"title": {"text": t("step")}, "gridcolor": "#e5e5e5"},
              "yaxis": {"title": {"text": "|Δθᵢ| / γ_t"}, "gridcolor": "#e5e5e5", "rangemode": "tozero"},
              "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"}}
    return Prebuilt({"data": data, "layout": layout})


def with_cursor(spec: dict, step: int | None) -> dict:
    """The figure with a dotted vertical line at `step` on every panel whose x axis is the step:
    the race player's current step (reported when it pauses). The cached figure is not changed."""
    if step is None:
        return spec
    layout = dict(spec.get("layout", {}))
    shapes = list(layout.get("shapes", []))
    for k, ax in layout.items():
        if not k.startswith("xaxis"):
            continue
        xref = "x" + k[5:]
        yref = ax.get("anchor", "y" + k[5:]) if isinstance(ax, dict) else "y"
        shapes.append({"type": "line", "xref": xref, "yref": f"{yref} domain", "x0": step,
                       "x1": step, "y0": 0, "y1": 1, "name": "player step",
                       "line": {"color": "#333", "width": 1.2, "dash": "dot"}})
    layout["shapes"] = shapes
    return {**spec, "layout": layout}
