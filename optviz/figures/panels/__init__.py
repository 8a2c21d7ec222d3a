"""The paper panels: one module per panel, chosen through PANELS (a preset's `panel` names one).

Each module has `data(query, **options) -> dict` (the computation, on the preset's scenario),
`figure(data)` (Plotly) and optionally `table(data) -> rows`, `caption(data) -> str` and
`OPTION = (keyword, label)`: a switch the page shows as a toggle and passes to `data`.
"""
from __future__ import annotations

from . import bias_correction, condition, prox_gap, scale_free, step_bound

PANELS = {"scale_free": scale_free, "condition": condition, "prox_gap": prox_gap,
          "bias_correction": bias_correction, "step_bound": step_bound}
