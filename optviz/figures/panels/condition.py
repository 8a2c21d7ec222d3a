"""Paper panel `condition`: steps to a tolerance against κ, axis-aligned and rotated (log-log)."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go

import optimizers
import surfaces
from optviz.model.scenario import parse_scenario

from .common import LOG_AXIS, REF_COLOR, run_label, run_style

GD_STYLE_KEY = "sgd"      # GD with γ = 1/κ is SGD without noise: it wears SGD's colour and marker


CONDITION_TOL = 1e-6                                # f − f* ≤ tol, absolute (f* = 0)
CONDITION_KAPPAS = (1.0, 10.0, 100.0, 1e3, 1e4)
CONDITION_ROTATED = 45.0                            # the rotated case when the preset is axis-aligned

def data(query: Mapping) -> dict:
    """Steps to f − f* ≤ CONDITION_TOL against κ, for GD (γ = 1/κ) and the scenario's adaptive
    runs, axis-aligned and rotated. Runs are capped at 1000 steps (panel budget)."""
    sc = parse_scenario(query)
    qp = dict(sc.params) if sc.surface == "quadratic" else {
        h.name: h.default for h in surfaces.param_specs("quadratic")}
    angle0 = float(qp.get("angle", 0.0))
    angles = (angle0, CONDITION_ROTATED if angle0 == 0 else 0.0)
    angles = tuple(sorted(angles, key=abs))
    start = sc.start if sc.surface == "quadratic" else None
    steps = min(sc.steps, 1000)
    adaptive = [r for r in sc.runs if optimizers.spec(r.name).family != "sgd"]
    curves: dict = {}
    for angle in angles:
        for kappa in CONDITION_KAPPAS:
            s = surfaces.get("quadratic", **{**qp, "kappa": kappa, "angle": angle})
            st = s.start if start is None else start
            opts = [optimizers.get("sgd", lr=1.0 / kappa)] + [r.optimizer() for r in adaptive]
            trs = optimizers.run(opts, s, start=st, steps=steps, seed=sc.seed, diagnostics=False)
            for key, tr in zip(["gd"] + [r.key for r in adaptive], trs):
                curves.setdefault((key, angle), []).append(tr.steps_to(CONDITION_TOL))
    # GD with γ = 1/κ in closed form (the steep direction is solved in one step; the flat one
    # contracts by 1 - 1/κ per step): k = ⌈ln(2·tol/u0²) / (2 ln(1 - 1/κ))⌉
    s1 = surfaces.get("quadratic", **{**qp, "kappa": 1.0, "angle": angles[0]})
    st = np.asarray(s1.start if start is None else start, dtype=float)
    closed = {}
    for angle in angles:
        a = math.radians(angle)
        u0 = math.cos(a) * (st[0] - qp["center_x"]) + math.sin(a) * (st[1] - qp["center_y"])
        closed[angle] = [gd_steps_closed_form(k, u0, CONDITION_TOL) for k in CONDITION_KAPPAS]
    labels = {"gd": "GD (γ = 1/κ)", **{r.key: run_label(r) for r in adaptive}}
    return {"angles": angles, "curves": curves, "labels": labels, "cap": steps, "closed": closed}


def gd_steps_closed_form(kappa: float, u0: float, tol: float) -> int:
    """Steps of GD with γ = 1/κ on ½(u² + κv²) until f ≤ tol (v is zero after the first step)."""
    if kappa == 1.0:
        return 1
    if 0.5 * u0 * u0 <= tol:
        return 1
    return max(1, math.ceil(math.log(2 * tol / u0**2) / (2 * math.log1p(-1.0 / kappa))))


def figure(data: dict):
    fig = go.Figure()
    cap = data["cap"]
    ks = list(CONDITION_KAPPAS)
    keys = list(dict.fromkeys(k for k, _ in data["curves"]))
    for (key, angle), ys in data["curves"].items():
        # runs in order, earlier ones wider with bigger markers: Adam stays visible under AdamW
        look = run_style(GD_STYLE_KEY if key == "gd" else key, keys.index(key), len(keys))
        look["line"]["dash"] = "solid" if angle == data["angles"][0] else "dash"
        c = look["line"]["color"]
        reached = [y if y is not None else None for y in ys]
        name = f"{data['labels'][key]}, {angle:g}°"
        fig.add_trace(go.Scatter(x=ks, y=reached, mode="lines+markers", name=name,
                                 legendgroup=f"{key}{angle}", **look))
        miss = [k for k, y in zip(ks, ys) if y is None]
        if miss:
            fig.add_trace(go.Scatter(x=miss, y=[cap] * len(miss), mode="markers",
                                     marker=dict(symbol="triangle-up-open", size=12, color=c),
                                     name=f"{name}: not reached in {cap} steps",
                                     legendgroup=f"{key}{angle}", showlegend=False,
                                     hovertemplate=f"{name}<br>κ=%{{x:g}}: more than {cap} steps"
                                                   "<extra></extra>"))
    fig.add_trace(go.Scatter(x=ks, y=data["closed"][data["angles"][0]], mode="lines",
                             name="GD closed form ⌈ln(2tol/u₀²)/2ln(1−1/κ)⌉",
                             line=dict(color="#777777", dash="dot")))
    fig.add_hline(y=cap, line=dict(color="#bbbbbb", width=1))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"▲ not reached in {cap} steps",
                             marker=dict(symbol="triangle-up-open", size=12, color=REF_COLOR)))
    fig.update_layout(title=f"Steps to f − f* ≤ {CONDITION_TOL:g} against κ (solid "
                            f"{data['angles'][0]:g}°, dashed {data['angles'][1]:g}°)",
                      xaxis=dict(**LOG_AXIS, title="condition number κ"),
                      yaxis=dict(**LOG_AXIS, title="steps"), height=480,
                      margin=dict(l=50, r=10, t=50, b=40))
    return fig


def table(data: dict) -> list[dict]:
    rows = []
    for (k, angle), ys in data["curves"].items():
        rows.append({"run": data["labels"][k], "angle": f"{angle:g}°",
                     **{f"κ={kappa:g}": ("—" if y is None else str(y))
                        for kappa, y in zip(CONDITION_KAPPAS, ys)}})
    return rows


def caption(data: dict) -> str:
    return (f"Steps until f − f* ≤ {CONDITION_TOL:g} on ½(u² + κv²) from the scenario's start; "
            f"“—”: not within {data['cap']} steps. GD uses γ = 1/κ for each κ; the adaptive "
            "runs keep their own settings.")
