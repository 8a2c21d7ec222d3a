"""Paper panel `prox_gap`: the AdamW–AdamProx gap relative to weight decay's own effect, against γλ."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import plotly.graph_objects as go

import optimizers
from optviz.figures.style import run_color, run_symbol
from optviz.model.scenario import parse_scenario

from .common import LOG_AXIS, PANEL_MAX_STEPS, reference_line


PROX_GAMMA_LAMBDAS = (1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)

def data(query: Mapping) -> dict:
    """‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ=0)‖ over the path, for γλ in PROX_GAMMA_LAMBDAS at
    the scenario's γ (λ = γλ/γ; values beyond λ's range are skipped). One batched run."""
    sc = parse_scenario(query)
    base = sc.first("adamw", "adamprox")
    hp = dict(base.hp) if base else dict(optimizers.spec("adamw").defaults, lr=1e-2)
    gamma = float(hp["lr"])
    hi = optimizers.spec("adamw").hparam("weight_decay").hi
    gls = np.array([g for g in PROX_GAMMA_LAMBDAS if g / gamma <= hi])
    lam = gls / gamma
    w = optimizers.get("adamw", **{**hp, "weight_decay": lam})
    p = optimizers.get("adamprox", **{**hp, "weight_decay": lam})
    z = optimizers.get("adam", **{k: v for k, v in hp.items() if k != "decay"} | {"weight_decay": 0.0})
    surf = sc.build_surface()
    tw, tp, tz = optimizers.run([w, p, z], surf, start=sc.start, steps=min(sc.steps, PANEL_MAX_STEPS),
                                seed=sc.seed, diagnostics=False)
    ratio = prox_gap_ratio(tw.points, tp.points, tz.points[:, None, :])
    return {"gamma_lambda": gls, "ratio": ratio, "gamma": gamma, "decay": hp.get("decay", "lr")}


def prox_gap_ratio(adamw: np.ndarray, adamprox: np.ndarray, adam0: np.ndarray) -> np.ndarray:
    """‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ = 0)‖, norms over the whole path (axis 0 = steps)."""
    gap = np.sqrt(np.nansum((adamw - adamprox) ** 2, axis=(0, -1)))
    effect = np.sqrt(np.nansum((adamw - adam0) ** 2, axis=(0, -1)))
    return gap / effect


def figure(data: dict):
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=data["gamma_lambda"], y=data["ratio"], mode="lines+markers",
                             name="‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ=0)‖",
                             line=dict(color=run_color("adamprox"), width=3),
                             marker=dict(color=run_color("adamprox"), symbol=run_symbol("adamprox"),
                                         size=9)))
    fig.add_trace(go.Scatter(x=data["gamma_lambda"], y=data["gamma_lambda"], mode="lines",
                             name="γλ itself (for scale)",
                             line=dict(color="#999999", dash="dot")))
    reference_line(fig, 0.01, "1%", log=True)
    note = "" if data["decay"] == "lr" else " (decay = schedule: c_t = η_t)"
    fig.update_layout(title=f"Gap between AdamW and AdamProx, relative to weight decay's effect "
                            f"(γ = {data['gamma']:g}){note}",
                      xaxis=dict(**LOG_AXIS, title="γλ"), yaxis=dict(**LOG_AXIS, title="relative gap"),
                      height=440, margin=dict(l=50, r=10, t=50, b=40))
    return fig


def table(data: dict) -> list[dict]:
    return [{"γλ": f"{g:g}", "λ": f"{g / data['gamma']:g}", "relative gap": f"{r:.3%}"}
            for g, r in zip(data["gamma_lambda"], data["ratio"])]
