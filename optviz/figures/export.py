"""Exports: the trajectories as CSV and JSON (with the scenario and its link), and the race as a
standalone HTML page that plays offline (plotly.js inlined, ~4 MB, built only when asked for)."""
from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from optviz.model.scenario import Scenario, query_string, to_query


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def trajectories_csv(s: Scenario, trajectories: dict) -> str:
    """Long format, one row per run and step: run, optimizer, step, x, y, loss, grad_x, grad_y."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y"])
    for r in s.runs:
        tr = trajectories.get(r.key)
        if tr is None:
            continue
        P, L, G = tr.points, tr.losses, tr.grads
        for k in range(len(P)):
            w.writerow([r.key, r.name, k, *(("" if not np.isfinite(v) else repr(float(v)))
                                            for v in (P[k, 0], P[k, 1], L[k], G[k, 0], G[k, 1]))])
    return buf.getvalue()


def trajectories_json(s: Scenario, trajectories: dict, link: str = "") -> str:
    """The scenario (every parameter explicit), its link, and every run's path and losses."""
    runs = []
    for r in s.runs:
        tr = trajectories.get(r.key)
        if tr is None:
            continue
        runs.append({
            "key": r.key, "optimizer": r.name, "label": r.label,
            "hyperparameters": {k: (v if isinstance(v, (bool, str, int)) else float(v)) for k, v in r.hp.items()},
            "diverged_at": tr.diverged_at,
            "final_loss": _num(tr.losses[-1]),
            "points": [[_num(x), _num(y)] for x, y in tr.points],
            "losses": [_num(v) for v in tr.losses],
        })
    doc = {
        "scenario": to_query(s, explicit=True),
        "link": link or "?" + query_string(to_query(s)),
        "surface": {"name": s.surface, "start": [s.x0, s.y0]},
        "steps": s.steps, "seed": s.seed,
        "runs": runs,
    }
    return json.dumps(doc, indent=1, allow_nan=False)


def race_html(figure, title: str = "Optimizer race") -> str:
    """A self-contained page: plotly.js inlined, the animation plays without a server."""
    import plotly.io as pio

    from .race import without_click_grid
    spec = without_click_grid(figure.to_dict())
    html = pio.to_html(spec, validate=False, include_plotlyjs=True, full_html=True, auto_play=False,
                       config={"displaylogo": False, "responsive": True}, default_height="95vh")
    return html.replace("<head>", f"<head><meta charset='utf-8'><title>{_escape(title)}</title>", 1)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
