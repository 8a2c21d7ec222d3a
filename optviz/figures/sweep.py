"""The sweep's heatmap (Plotly, no Streamlit): one cell per run of the grid."""
from __future__ import annotations

from optviz.i18n import t
import math

import numpy as np
import plotly.graph_objects as go

import optimizers
from optviz.model.fmt import fmt_hparam
from optviz.model.sweep import METRIC_TITLES, SweepResult, is_beta_like

DIVERGED_COLOR = "#111111"
NOT_REACHED_COLOR = "#d9d9d9"


def _ticks(values: np.ndarray, log: bool, beta: bool) -> tuple[list[float], list[str]]:
    """Round tick values (decades on a log axis, decades of 1 − β on a β log axis, 1-2-5 steps
    on a linear one) placed at their fractional cell index (cells are evenly spaced on the axis)."""
    n, lo, hi = len(values), float(values[0]), float(values[-1])
    if log:
        a, b = (1 - lo, 1 - hi) if beta else (lo, hi)
        la, lb = math.log10(a), math.log10(b)
        ks = range(math.ceil(min(la, lb) - 1e-9), math.floor(max(la, lb) + 1e-9) + 1)
        cands = [10.0**k for k in ks]
        if len(cands) < 3:
            cands = sorted({m * 10.0**k for k in range(math.floor(min(la, lb)) - 1, math.ceil(max(la, lb)) + 1)
                            for m in (1, 2, 5)} )
            cands = [c for c in cands if min(a, b) * (1 - 1e-9) <= c <= max(a, b) * (1 + 1e-9)]
        pos = [(math.log10(c) - la) / (lb - la) * (n - 1) for c in cands]
        vals = [1 - c for c in cands] if beta else cands
    else:
        raw = (hi - lo) / 6
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        vals = [k * step for k in range(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)]
        pos = [(v - lo) / (hi - lo) * (n - 1) for v in vals]
    keep = [(p, v) for p, v in zip(pos, vals) if -0.5 <= p <= n - 0.5]
    if len(keep) > 9:
        keep = keep[::math.ceil(len(keep) / 9)]
    return [p for p, _ in keep], [f"{v:.10g}" for _, v in keep]


def heatmap(result: SweepResult, metric: str, highlight: tuple[int, int] | None = None):
    """The grid as a Plotly heatmap. final_loss on a log colour scale; diverged cells in one dark
    colour (with a legend entry); for steps_to, cells that never reached tol in light grey.
    An invisible marker on every cell carries (i, j) and the hover text, for click selection
    (Streamlit reports no selection on heatmaps). `highlight`: a cell (i, j) to outline."""
    z = result.metric(metric)
    n = result.n
    metric_title = t(METRIC_TITLES[metric])
    diverged_word = t("diverged")
    spec = optimizers.spec(result.opt_name)
    xh, yh = spec.hparam(result.x_hp), spec.hparam(result.y_hp)
    xl = f"{result.x_hp}" + (" (log 1−β)" if result.x_log and is_beta_like(xh) else
                             " (log)" if result.x_log else "")
    yl = f"{result.y_hp}" + (" (log 1−β)" if result.y_log and is_beta_like(yh) else
                             " (log)" if result.y_log else "")
    XV, YV = np.meshgrid(result.x_values, result.y_values)
    text = np.vectorize(lambda a, b: f"{result.x_hp} = {fmt_hparam(a)}<br>{result.y_hp} = {fmt_hparam(b)}")(XV, YV)
    fig = go.Figure()
    if metric == "final_loss":
        with np.errstate(divide="ignore", invalid="ignore"):
            finite = z[np.isfinite(z)]
            floor = max(1e-300, 1e-16 * float(np.max(np.abs(finite)))) if finite.size else 1e-16
            zz = np.log10(np.maximum(z, floor))
        good = zz[np.isfinite(zz)]
        lo, hi = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
        if hi - lo < 1e-9:
            hi = lo + 1
        tv = list(range(math.floor(lo), math.ceil(hi) + 1))
        step = max(1, len(tv) // 8)
        tv = tv[::step]
        cb = dict(title="f − f*", tickvals=tv, ticktext=[f"1e{e}" for e in tv])
        shown = np.vectorize(lambda v: diverged_word if not np.isfinite(v) else f"{v:.3g}")(z)
        fig.add_trace(go.Heatmap(z=zz, zmin=lo, zmax=hi, colorscale="Viridis", colorbar=cb,
                                 text=shown, customdata=text, name=t("final loss"),
                                 hovertemplate="%{customdata}<br>f − f* = %{text}<extra></extra>"))
    elif metric == "steps_to":
        zz = z
        shown = np.where(result.diverged, diverged_word, np.where(np.isnan(z), t("not reached"),
                                                               np.nan_to_num(z).astype(int).astype(str)))
        fig.add_trace(go.Heatmap(z=zz, colorscale="Viridis", reversescale=True,
                                 colorbar=dict(title=t("steps")), text=shown, customdata=text,
                                 name=t("steps to tol"),
                                 hovertemplate="%{customdata}<br>" + t("steps") + ": %{text}<extra></extra>"))
        never = np.where(np.isnan(z) & ~result.diverged, 1.0, np.nan)
        if np.isfinite(never).any():
            fig.add_trace(go.Heatmap(z=never, colorscale=[[0, NOT_REACHED_COLOR], [1, NOT_REACHED_COLOR]],
                                     showscale=False, hoverinfo="skip", name=t("not reached")))
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("not reached (tol {tol})", tol=f"{result.tol:g}"),
                                     marker=dict(symbol="square", size=12, color=NOT_REACHED_COLOR)))
    else:  # diverged
        shown = np.where(result.diverged, result.diverged_at.astype(str), t("never"))
        fig.add_trace(go.Heatmap(z=z, colorscale="YlOrRd", reversescale=True,
                                 colorbar=dict(title=t("diverged at")), text=shown, customdata=text,
                                 name=t("diverged at"),
                                 hovertemplate="%{customdata}<br>" + t("diverged at step {k}", k="%{text}")
                                 + "<extra></extra>"))
        ok = np.where(~result.diverged, 1.0, np.nan)
        if np.isfinite(ok).any():
            fig.add_trace(go.Heatmap(z=ok, colorscale=[[0, NOT_REACHED_COLOR], [1, NOT_REACHED_COLOR]],
                                     showscale=False, hoverinfo="skip", name=t("never diverged")))
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("never diverged"),
                                     marker=dict(symbol="square", size=12, color=NOT_REACHED_COLOR)))
    if metric != "diverged" and result.diverged.any():
        fig.add_trace(go.Heatmap(z=np.where(result.diverged, 1.0, np.nan),
                                 colorscale=[[0, DIVERGED_COLOR], [1, DIVERGED_COLOR]], showscale=False,
                                 customdata=text, name=diverged_word,
                                 hovertemplate="%{customdata}<br>" + diverged_word + "<extra></extra>"))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=diverged_word,
                                 marker=dict(symbol="square", size=12, color=DIVERGED_COLOR)))
    # click targets: heatmaps emit no selection events in Streamlit; invisible markers do
    for tr in fig.data:                       # the click targets below carry the hover text
        if tr.type == "heatmap":
            tr.hoverinfo, tr.hovertemplate = "skip", None
    I, J = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    hover = np.vectorize(lambda cell, v: f"{cell}<br>{metric_title}: {v}")(text, shown)
    fig.add_trace(go.Scatter(x=J.ravel(), y=I.ravel(), mode="markers", name=t("cells"), showlegend=False,
                             marker=dict(size=max(4, 360 // n), color="rgba(0,0,0,0)", symbol="square"),
                             customdata=np.stack([I.ravel(), J.ravel()], axis=1),
                             text=hover.ravel(), hovertemplate="%{text}<extra></extra>"))
    if highlight is not None:
        i, j = highlight
        fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line=dict(color="white", width=2))
        fig.add_shape(type="rect", x0=j - 0.9, x1=j + 0.9, y0=i - 0.9, y1=i + 0.9,
                      line=dict(color="black", width=1))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("best cell"),
                                 marker=dict(symbol="square-open", size=12, color="black")))
    xt, xtt = _ticks(result.x_values, result.x_log, is_beta_like(xh))
    yt, ytt = _ticks(result.y_values, result.y_log, is_beta_like(yh))
    fig.update_layout(
        title=t("{opt}: {metric} after {steps} steps on {surface}", opt=t(spec.title), metric=metric_title,
                steps=result.steps, surface=t(result.surface.title)),
        xaxis=dict(title=xl, tickvals=xt, ticktext=xtt, range=[-0.5, n - 0.5], showgrid=False),
        yaxis=dict(title=yl, tickvals=yt, ticktext=ytt, range=[-0.5, n - 0.5], showgrid=False),
        height=560, margin=dict(l=70, r=20, t=60, b=60), clickmode="event+select",
        legend=dict(orientation="h", y=-0.12), plot_bgcolor="white")
    return fig
