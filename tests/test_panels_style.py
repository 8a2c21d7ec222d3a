"""The paper panels read like the race: reference-line labels where their lines are (log axes
included), decade-only log ticks, the race's colours and markers, no run hidden under another.
Read from the figure specs the panels build for their presets."""
from __future__ import annotations

import math

import pytest

from optviz.figures import style
from optviz.figures.panels import PANELS
from optviz.model.presets.paper import PAPER_PRESETS
from optviz.model.scenario import parse_query

CASES = [(p.panel, p.query) for p in PAPER_PRESETS if p.panel in PANELS]


@pytest.fixture(scope="module")
def figures():
    out = {}
    for panel, query in CASES:
        mod = PANELS[panel]
        out[panel] = (mod.figure(mod.data(query)).to_plotly_json(), query)
        if getattr(mod, "OPTION", None):
            out[panel + "+" + mod.OPTION[0]] = (
                mod.figure(mod.data(query, **{mod.OPTION[0]: True})).to_plotly_json(), query)
    return out


def _axis(layout, ref: str) -> dict:
    ref = ref.replace(" domain", "")
    return layout.get(ref[0] + "axis" + ref[1:], {})


def test_every_panel_is_covered():
    assert {c for c, _ in CASES} == set(PANELS)


def test_reference_labels_sit_on_their_lines_on_log_and_linear_axes(figures):
    seen_log = 0
    for name, (fig, _) in figures.items():
        layout = fig["layout"]
        lines = [s for s in layout.get("shapes", []) if s.get("type") == "line"
                 and s.get("y0") == s.get("y1") and str(s.get("xref", "")).endswith("domain")]
        for ann in layout.get("annotations", []):
            if not str(ann.get("xref", "")).endswith("domain") or ann.get("yref") in (None, "paper"):
                continue        # subplot titles
            log = _axis(layout, ann["yref"]).get("type") == "log"
            mine = [s for s in lines if s["yref"] == ann["yref"]
                    and math.isclose(math.log10(s["y0"]) if log else s["y0"], ann["y"], abs_tol=1e-12)]
            assert mine, (name, ann["text"], ann["y"], [s["y0"] for s in lines])
            seen_log += log
    assert seen_log >= 2        # "α" in bias_correction, "1%" in prox_gap


def test_log_axes_tick_at_decades_written_as_powers(figures):
    for name, (fig, _) in figures.items():
        for key, ax in fig["layout"].items():
            if key.startswith(("xaxis", "yaxis")) and ax.get("type") == "log":
                assert ax.get("dtick") == 1 and ax.get("exponentformat") == "power", (name, key)


def test_panels_wear_the_races_colours_and_markers(figures):
    fig, _ = figures["condition"]
    gd = [t for t in fig["data"] if t.get("name", "").startswith("GD (γ = 1/κ)")
          and t.get("mode") == "lines+markers"]
    assert gd and all(t["line"]["color"] == style.run_color("sgd") for t in gd)
    assert all(t["marker"]["symbol"] == style.run_symbol("sgd") for t in gd)
    fig, _ = figures["bias_correction"]
    first = {t["name"]: t for t in fig["data"] if t.get("showlegend") is not False}
    assert first["Adam, β2 = 0.999"]["line"]["color"] == style.run_color("adam")
    assert first["Adam, β2 = 0.9999"]["line"]["dash"] == style.run_dash("adam-2") == "dash"
    assert first["Adam, no bias correction, β2 = 0.999"]["line"]["color"] == style.run_color("adam_nobc")
    fig, query = figures["prox_gap"]
    assert fig["data"][0]["line"]["color"] == style.run_color("adamprox")


def test_adam_is_not_hidden_under_adamw_in_the_condition_panel(figures):
    fig, query = figures["condition"]
    s, _ = parse_query(query)
    assert {"adam", "adamw"} <= {r.key for r in s.runs}
    by = {}
    for t in fig["data"]:
        for key in ("adam", "adamw"):
            if t.get("name", "").startswith(s.label(key) + " (") and t.get("mode") == "lines+markers":
                by.setdefault(key, []).append(t)
    a, w = by["adam"][0], by["adamw"][0]
    # the claim: about the same steps to the tolerance (within 5%: one curve on a log axis) …
    assert all(abs(math.log10(x / y)) < math.log10(1.05) for x, y in zip(a["y"], w["y"]))
    # … so Adam, drawn first, is wider with bigger markers of another shape: it shows around AdamW
    assert a["line"]["width"] > w["line"]["width"] and a["marker"]["size"] > w["marker"]["size"]
    assert a["marker"]["symbol"] != w["marker"]["symbol"]
    assert fig["data"].index(a) < fig["data"].index(w)
