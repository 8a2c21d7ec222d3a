"""The sweep tab inside the page: its link opens on it, its settings live in the URL next to the
race's, and changing either keeps the other."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP
from test_app import widget

pytestmark = pytest.mark.usefixtures("fresh_caches")


def _page(q):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in q.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sweep_keys(at):
    return {k: v for k, v in at.query_params.items() if k.startswith("sweep.")}


def test_a_sweep_link_opens_the_sweep_and_keeps_its_settings():
    at = _page({"sweep.opt": "adam", "sweep.n": "16", "sweep.x": "lr", "sweep.y": "beta2", "steps": "100"})
    assert not at.warning, [w.value for w in at.warning]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    heat = [t for c in charts for t in c["data"] if t.get("type") == "heatmap"]
    assert heat and heat[0]["z"]["shape"].replace(" ", "") == "16,16"   # a 16 × 16 grid, drawn
    assert _sweep_keys(at)["sweep.n"] == "16"

    at.select_slider(key="sweep.n").set_value(8)
    at.run()
    assert _sweep_keys(at)["sweep.n"] == "8"             # the URL follows the sweep's widgets

    widget(at, "adam.lr").set_value(0.05)
    at.run()
    assert at.query_params["adam.lr"] == "0.05" and _sweep_keys(at)["sweep.n"] == "8"
    assert not at.exception and not at.warning


def test_a_bad_sweep_value_is_named_and_the_race_is_untouched():
    at = _page({"sweep.n": "100000", "sweep.opt": "nope", "adam.lr": "0.05"})
    shown = " ".join(w.value for w in at.warning)
    assert "sweep" in shown.lower() and "could not be used" not in shown   # the race link is fine
    assert at.query_params["adam.lr"] == "0.05"
