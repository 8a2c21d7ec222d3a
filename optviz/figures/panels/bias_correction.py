"""Paper panel `bias_correction`: |Δθ|/α for the first steps of Adam and Adam without bias correction."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import optimizers
from optviz.model.scenario import parse_scenario

from .common import LOG_AXIS, reference_line, run_style


BIAS_STEPS = 20          # magnified: the first steps
BIAS_LOSS_STEPS = 150    # the loss over a longer window shows the overshoot


def data(query: Mapping) -> dict:
    """adam and adam_nobc at β2 = 0.999 and 0.9999 with the scenario's γ, β1, ε, start."""
    sc = parse_scenario(query)
    base = sc.first("adam", "adam_nobc")
    hp = dict(base.hp) if base else dict(optimizers.spec("adam").defaults)
    steps = min(sc.steps, BIAS_LOSS_STEPS)
    runs = [(name, b2) for name in ("adam", "adam_nobc") for b2 in (0.999, 0.9999)]
    opts = [optimizers.get(n, **{**hp, "beta2": b2}) for n, b2 in runs]
    surf = sc.build_surface()
    trs = optimizers.run(opts, surf, start=sc.start, steps=steps, seed=sc.seed, diagnostics=False)
    g = surf.grad(np.asarray(sc.start, dtype=float))
    out = []
    for (n, b2), tr in zip(runs, trs):
        first = (first_step_closed_form(hp["lr"], hp["beta1"], b2, hp["eps"], g,
                                        bias_correction=(n == "adam")))
        step = np.concatenate([[np.nan], np.max(tr.deltas[1:], axis=-1)]) / hp["lr"]
        out.append({"name": n, "beta2": b2, "step": step,
                    "loss": tr.losses, "first_closed": float(np.max(first)) / hp["lr"]})
    return {"runs": out, "lr": hp["lr"], "f0": float(surf.value(np.asarray(sc.start)))}


def first_step_closed_form(lr, beta1, beta2, eps, g, bias_correction=True) -> np.ndarray:
    """|Δθ₁| per coordinate: Adam α|g|/(|g|+ε); no correction α(1-β1)|g|/(√(1-β2)|g|+ε)."""
    g = np.abs(np.asarray(g, dtype=float))
    if bias_correction:
        return lr * g / (g + eps)
    return lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps)


def figure(data: dict):
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        f"max |Δθᵢ| / α, first {BIAS_STEPS} steps", "f(θ) per step (log)"))
    n = len(data["runs"])
    for i, r in enumerate(data["runs"]):
        key = r["name"] if r["beta2"] == 0.999 else f"{r['name']}-2"    # B: dashed, as in the race
        look = run_style(key, i, n)
        title = "Adam" if r["name"] == "adam" else "Adam, no bias correction"
        name = f"{title}, β2 = {r['beta2']:g}"
        t = np.arange(len(r["step"]))
        fig.add_trace(go.Scatter(x=t[1:BIAS_STEPS + 1], y=r["step"][1:BIAS_STEPS + 1],
                                 mode="lines+markers", name=name, legendgroup=name, **look),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=[1], y=[r["first_closed"]], mode="markers", showlegend=False,
                                 marker=dict(symbol="x-thin-open", size=16, color="black"),
                                 legendgroup=name,
                                 hovertemplate=f"{name}: first step (closed form) "
                                               f"{r['first_closed']:.4g}α<extra></extra>"),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=t, y=r["loss"], mode="lines", name=name, legendgroup=name,
                                 showlegend=False, line=look["line"]),
                      row=1, col=2)
    reference_line(fig, 1.0, "α", log=True, dash="dot", row=1, col=1)
    fig.update_yaxes(**LOG_AXIS, row=1, col=1, title="|Δθ| / α")
    fig.update_yaxes(**LOG_AXIS, row=1, col=2)
    fig.update_xaxes(title="step", row=1, col=1)
    fig.update_xaxes(title="step", row=1, col=2)
    fig.update_layout(height=440, margin=dict(l=50, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def table(data: dict) -> list[dict]:
    return [{"run": ("Adam" if r["name"] == "adam" else "no bias correction") + f", β2 = {r['beta2']:g}",
             "first step / α (closed form)": f"{r['first_closed']:.3f}",
             f"largest of the first {BIAS_STEPS} steps / α": f"{np.nanmax(r['step'][1:BIAS_STEPS + 1]):.2f}",
             "highest loss (start: %.3g)" % data["f0"]: f"{np.nanmax(r['loss']):.3g}"}
            for r in data["runs"]]
