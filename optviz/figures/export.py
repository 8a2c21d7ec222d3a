"""Exports: the trajectories as CSV and JSON (with the scenario and its link). The race as an
offline HTML page is the player's (optviz.player.export)."""
from __future__ import annotations

import io

from optimizers import records
from optviz.model.scenario import Scenario, query_string, to_query


def trajectories_csv(s: Scenario, trajectories: dict) -> str:
    """Long format, one row per run and step: run, optimizer, step, x, y, loss, grad_x, grad_y,
    label (optimizers.records: the CLI writes the same)."""
    buf = io.StringIO()
    records.write_csv(buf, ((r.key, r.name, trajectories[r.key], s.label(r.key))
                            for r in s.runs if r.key in trajectories))
    return buf.getvalue()


def trajectories_json(s: Scenario, trajectories: dict, link: str = "") -> str:
    """The scenario (every parameter explicit), its link, and every run's path, losses, gradients."""
    runs = [records.run_record(r.key, r.name, s.label(r.key), r.hp, trajectories[r.key])
            for r in s.runs if r.key in trajectories]
    doc = {
        "scenario": to_query(s, explicit=True),
        "link": link or "?" + query_string(to_query(s)),
        "surface": records.surface_record(s.surface, (s.x0, s.y0), s.params_dict, s.expr),
        "steps": s.steps, "seed": s.seed,
        "runs": runs,
    }
    return records.dumps(doc)
