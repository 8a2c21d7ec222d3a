"""Paper panel `step_bound`: |Δθᵢ|/α per step with α, AdaMax's exact bound and the sparse-case bound."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import optimizers
from optviz.figures.style import run_color
from optviz.model.scenario import parse_scenario

from .common import LOG_AXIS, PANEL_MAX_STEPS, reference_line, run_label


SPARSE_Q = 1e-3          # the sparse variant: y-gradient seen once per ~1/(1-β2) steps
SPARSE_STEPS = 2000

def data(query: Mapping, sparse: bool = False) -> dict:
    """|Δθᵢ|/γ_t per step for the scenario's Adam-family runs (and any others, for comparison),
    with α, AdaMax's exact bound and the sparse-case bound. sparse: the y-gradient is seen with
    probability SPARSE_Q (rescaled), over SPARSE_STEPS steps."""
    sc = parse_scenario(query)
    surf = sc.build_surface(**({"sparse": SPARSE_Q} if sparse else {}))
    steps = SPARSE_STEPS if sparse else min(sc.steps, PANEL_MAX_STEPS)
    opts = [r.optimizer() for r in sc.runs]
    trs = optimizers.run(opts, surf, start=sc.start, steps=steps, seed=sc.seed, diagnostics=False)
    t = np.arange(1, steps + 1)
    out = []
    for r, opt, tr in zip(sc.runs, opts, trs):
        gamma = opt.hp["lr"] * tr.eta
        ratio = tr.deltas[1:] / gamma[:, None]
        # an entry's exact bound is drawn when it is not α itself (AdaMax's is ~1% above)
        bound = optimizers.max_step_bound(opt, t) / opt.hp["lr"]
        if not np.isfinite(bound).all() or np.all(bound == 1.0):
            bound = None
        sparse_bound = None
        if bound is None and opt.spec.adam_family and "beta2" in opt.hp:
            sparse_bound = (1 - opt.hp["beta1"]) / math.sqrt(1 - opt.hp["beta2"])
        out.append({"key": r.key, "label": run_label(r), "ratio": ratio, "bound": bound,
                    "sparse_bound": sparse_bound})
    return {"runs": out, "steps": steps, "sparse": sparse}


def figure(data: dict):
    """|Δθᵢ|/α per step; without sparsity a second row magnifies the band around α, where
    AdaMax's 1.00017α step sits between the line α and its exact bound."""
    zoom = not data["sparse"]
    fig = make_subplots(rows=2 if zoom else 1, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4] if zoom else None,
                        subplot_titles=("all steps", "magnified around α") if zoom else None)
    t = np.arange(1, data["steps"] + 1)
    top = 1.0
    for r in data["runs"]:
        c = run_color(r["key"])
        for row in ((1, 2) if zoom else (1,)):
            for i, coord in enumerate("xy"):
                fig.add_trace(go.Scatter(x=t, y=r["ratio"][:, i], mode="lines",
                                         name=f"{r['label']}: |Δ{coord}|/α", legendgroup=f"{r['key']}{coord}",
                                         showlegend=row == 1,
                                         line=dict(color=c, width=1.6, dash="solid" if i == 0 else "dot")),
                              row=row, col=1)
            if r["bound"] is not None:
                top = max(top, float(np.nanmax(r["bound"])))
                fig.add_trace(go.Scatter(x=t, y=r["bound"], mode="lines", legendgroup=f"{r['key']}b",
                                         name="AdaMax's exact bound (1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t))",
                                         showlegend=row == 1,
                                         line=dict(color=c, width=2.5, dash="dash")), row=row, col=1)
        top = max(top, float(np.nanmax(r["ratio"])) if np.isfinite(r["ratio"]).any() else 1.0)
    for row in ((1, 2) if zoom else (1,)):
        reference_line(fig, 1.0, "α (the paper's bound)", log=False, dash="solid", row=row, col=1)
    sb = [r["sparse_bound"] for r in data["runs"] if r["sparse_bound"] is not None]
    if sb:
        reference_line(fig, max(sb), "α(1−β1)/√(1−β2): the sparse-case bound", log=False,
                       color="#555555", dash="dashdot", row=1, col=1)
    if zoom:
        fig.update_yaxes(range=[0.99, 1.0 + 1.3 * (top - 1.0) + 1e-3], row=2, col=1,
                         title="|Δθᵢ| / α")
    fig.update_yaxes(title="|Δθᵢ| / α", row=1, col=1)
    fig.update_xaxes(**LOG_AXIS)
    fig.update_xaxes(title="step t", row=2 if zoom else 1, col=1)
    fig.update_layout(title="Each step's |Δθᵢ| divided by the learning rate α"
                            + (f" — y-gradient seen with probability {SPARSE_Q:g}" if data["sparse"]
                               else ""),
                      height=640 if zoom else 460, margin=dict(l=50, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=-0.12))
    return fig


def table(data: dict) -> list[dict]:
    out = []
    for r in data["runs"]:
        ratio = r["ratio"]
        row = {"run": r["label"], "max |Δx|/α": f"{np.nanmax(ratio[:, 0]):.6f}",
               "max |Δy|/α": f"{np.nanmax(ratio[:, 1]):.6f}"}
        row["max step / exact bound"] = ("—" if r["bound"] is None
                                         else f"{np.nanmax(ratio / r['bound'][:, None]):.6f}")
        out.append(row)
    return out


# the panel's one option: a toggle between the scenario and its sparse variant
OPTION = ("sparse", f"Sparse y-gradient: seen with probability {SPARSE_Q:g} ({SPARSE_STEPS} steps)")
