"""Exports: the trajectories as CSV and JSON (with the scenario and its link), and the race as a
standalone HTML page that plays offline (plotly.js inlined, ~4 MB, built only when asked for)."""
from __future__ import annotations

import io

from optimizers import records
from optviz.model.scenario import Scenario, query_string, to_query


def trajectories_csv(s: Scenario, trajectories: dict) -> str:
    """Long format, one row per run and step: run, optimizer, step, x, y, loss, grad_x, grad_y
    (optimizers.records: the CLI writes the same)."""
    buf = io.StringIO()
    records.write_csv(buf, ((r.key, r.name, trajectories[r.key]) for r in s.runs if r.key in trajectories))
    return buf.getvalue()


def trajectories_json(s: Scenario, trajectories: dict, link: str = "") -> str:
    """The scenario (every parameter explicit), its link, and every run's path, losses, gradients."""
    runs = [records.run_record(r.key, r.name, r.label, r.hp, trajectories[r.key])
            for r in s.runs if r.key in trajectories]
    doc = {
        "scenario": to_query(s, explicit=True),
        "link": link or "?" + query_string(to_query(s)),
        "surface": records.surface_record(s.surface, (s.x0, s.y0), s.params_dict, s.expr),
        "steps": s.steps, "seed": s.seed,
        "runs": runs,
    }
    return records.dumps(doc)


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
