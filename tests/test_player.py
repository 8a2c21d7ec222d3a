"""The data the race player receives: run records (float64, exactly the trajectory's recorded
values), the scene, and what the page mounts (AppTest). The browser side is in
tests/test_player_browser.py."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

import optimizers
import surfaces
from optviz.player import record, scene
from optviz.player.export import race_html

from conftest import APP
from test_app import widget


def _info(name, **hp):
    opt = optimizers.get(name, **hp)
    return opt, record.RunInfo(name, name, dict(opt.hp))


def _adam_by_hand(surface, start, steps, lr, b1, b2, eps):
    """Kingma & Ba, Algorithm 1, written out independently of the optimizer core."""
    th = np.array(start, dtype=float)
    m = np.zeros(2)
    v = np.zeros(2)
    out = {"m": [np.full(2, np.nan)], "v": [np.full(2, np.nan)], "eff": [np.full(2, np.nan)]}
    for t in range(1, steps + 1):
        g = surface.grad(th)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vh = np.sqrt(v / (1 - b2 ** t))
        out["m"].append(m)
        out["v"].append(v)
        out["eff"].append(lr / (vh + eps))
        th = th - lr * (m / (1 - b1 ** t)) / (vh + eps)
    return {k: np.array(a) for k, a in out.items()}


def test_a_run_record_holds_the_trajectory_exactly():
    s = surfaces.get("rosenbrock")
    opt, info = _info("adam", lr=0.02)
    tr = optimizers.run(opt, s, start=(-1.5, 2.0), steps=300, seed=0)
    cols = record.columns(record.run_record(tr, info, s.f_min))
    assert np.array_equal(cols["theta"], tr.points)                       # bit for bit
    assert np.array_equal(cols["grad"], tr.grads)
    assert np.array_equal(cols["f"], tr.losses - s.f_min)
    assert np.array_equal(cols["m_hat"][1:], tr.m_hat[1:])
    assert np.array_equal(cols["v_hat_sqrt"][1:], tr.v_hat_sqrt[1:])
    assert np.array_equal(cols["dtheta"][1:], tr.points[1:] - tr.points[:-1])
    assert np.isnan(cols["dtheta"][0]).all() and np.isnan(cols["gamma"][0])
    assert np.array_equal(cols["gamma"][1:], 0.02 * tr.eta)


def test_derived_moments_match_adam_written_out_by_hand():
    s = surfaces.get("quadratic")
    opt, info = _info("adam", lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8)
    start = (1.2, -0.7)
    tr = optimizers.run(opt, s, start=start, steps=60, seed=0)
    cols = record.columns(record.run_record(tr, info, s.f_min))
    ref = _adam_by_hand(s, start, 60, 0.05, 0.9, 0.999, 1e-8)
    for k in ("m", "v", "eff"):
        np.testing.assert_allclose(cols[k][1:], ref[k][1:], rtol=1e-12, atol=0, err_msg=k)


def test_records_are_content_addressed():
    s = surfaces.get("rosenbrock")
    a = [optimizers.run(optimizers.get("adam", lr=lr), s, start=(-1.5, 2.0), steps=50)
         for lr in (0.01, 0.01, 0.02)]
    ids = [record.header(record.run_record(tr, record.RunInfo("adam", "adam", dict(tr.optimizer.hp)),
                                           s.f_min))["id"] for tr in a]
    assert ids[0] == ids[1] != ids[2]


def test_a_run_without_moments_has_no_moment_columns_and_a_diverged_run_says_where():
    s = surfaces.get("rosenbrock")
    opt, info = _info("sgd", lr=0.5)
    tr = optimizers.run(opt, s, start=(-1.5, 2.0), steps=100)
    assert tr.diverged_at is not None
    blob = record.run_record(tr, info, s.f_min)
    h = record.header(blob)
    assert h["diverged_at"] == tr.diverged_at and h["last"] < tr.diverged_at
    assert set(h["fields"]) == {"theta", "f", "grad", "gamma", "dtheta"}


def _scene(names=("sgd", "adam"), steps=120, **kw):
    s = surfaces.get("rosenbrock")
    runs, trs = [], {}
    for n in names:
        opt = optimizers.get(n)
        trs[n] = optimizers.run(opt, s, start=(-1.5, 2.0), steps=steps)
        runs.append((record.RunInfo(n, n, dict(opt.hp)), n.upper(), "#123456", "solid", "circle"))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    return scene.build(runs, trs, s, start=(-1.5, 2.0), steps=steps, background_png=png, **kw), trs


def test_the_scene_is_small_json_and_names_every_blob():
    (sc, blobs), _ = _scene()
    text = json.dumps(sc, allow_nan=False)
    assert len(text) < 8000
    ids = {i for i, _ in blobs}
    assert sc["background"] in ids and all(r["record"] in ids for r in sc["runs"])
    assert [r["key"] for r in sc["runs"]] == ["sgd", "adam"]
    assert sc["steps"] == 120 and sc["rate"] >= scene.MIN_RATE
    adam = sc["runs"][1]
    assert adam["adam"] and [ln["field"] for ln in adam["lines"]][:5] == \
        ["grad", "m", "v", "m_hat", "v_hat_sqrt"]
    assert not sc["runs"][0]["adam"]


def test_bias_correction_first_steps_read_from_the_records():
    """The lecturer's check: Adam's first steps are ≈ α, without bias correction (β2 = 0.9999)
    ≈ 10α — from the numbers the inspector shows (the records)."""
    from optviz.model.presets import get_preset
    from optviz.model.scenario import parse_query
    p = get_preset("adam-bias-correction")
    assert p is not None
    scn, notes = parse_query(dict(p.query))
    assert not notes
    s = scn.build_surface()
    seen = set()
    for r in scn.runs:
        opt = optimizers.get(r.name, **dict(r.hp))
        tr = optimizers.run(opt, s, start=scn.start, steps=3, seed=scn.seed)
        cols = record.columns(record.run_record(tr, record.RunInfo(r.key, r.name, dict(r.hp)),
                                                s.f_min))
        lr = dict(r.hp)["lr"]
        step = np.abs(cols["dtheta"][1:3]).max(axis=1) / lr
        if r.name == "adam":
            assert step[0] == pytest.approx(1, rel=1e-6) and 0.75 < step[1] <= 1.0001, (r.key, step)
            seen.add("adam")
        elif dict(r.hp)["beta2"] == 0.9999:
            assert 9 < step[0] < 11 and step[1] > 5, (r.key, step)      # ≈ 10α
            seen.add("nobc")
    assert seen == {"adam", "nobc"}


def test_the_offline_html_holds_the_player_plotly_and_every_record():
    (sc, blobs), _ = _scene(steps=30)
    html = race_html(sc, blobs, title="Race <b>")
    assert "mountStandalone" in html and "Plotly" in html
    assert "<title>Race &lt;b&gt;</title>" in html
    assert html.count("<script") == 3 and "http://" not in html.split("<script>")[0]
    for _, b in blobs:
        import base64
        assert base64.b64encode(b).decode() in html


# ------------------------------------------------------------------------------- the page
@pytest.fixture
def app(fresh_caches):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _player(at):
    els = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    assert len(els) == 1
    return json.loads(els[0].proto.json), els[0].proto


def _blobs(at):
    return {record.header(e.proto.bytes)["id"]: e.proto.bytes for e in at.get("bidi_component")
            if e.proto.WhichOneof("data") == "bytes"}


def test_the_page_mounts_the_player_with_every_record(app):
    sc, proto = _player(app)
    assert proto.component_name == "optviz.player"
    assert proto.js_source_path == "player.js" and not proto.js_content   # served, not inlined
    blobs = _blobs(app)
    assert len(sc["runs"]) == 7 and all(r["record"] in blobs for r in sc["runs"])
    assert sc["background"] in blobs
    assert not app.get("plotly_chart")                  # no server-built race animation
    # the default scene's records: 1001 float64 rows each, deflated on the wire
    total = sum(len(b) for b in blobs.values())
    assert total < 500_000, total


def test_a_new_learning_rate_changes_one_record_only(app):
    sc0, _ = _player(app)
    widget(app, "adam.lr").set_value(0.005).run()
    sc1, _ = _player(app)
    changed = [a["key"] for a, b in zip(sc0["runs"], sc1["runs"]) if a["record"] != b["record"]]
    assert changed == ["adam"]
    cols = record.columns(_blobs(app)[sc1["runs"][5]["record"]])
    assert np.nanmax(cols["gamma"]) == 0.005


def test_the_panels_follow_the_step_the_player_reports(fresh_caches):
    """The player reports its step when it pauses; Diagnostics draws a cursor there and the
    Update rules tab prints that step's recorded numbers."""
    from streamlit.testing.v1 import AppTest

    import optimizers as opt_mod
    from optviz.model.scenario import make_optimizer, parse_query
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"opt": ["adam", "sgd"], "steps": "60"})
    at.run()
    at.session_state["player"] = {"step": 7}           # as if the browser had reported it
    at.session_state["tab"] = at.tabs[0].label
    at.run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    cursors = [sh for sh in spec["layout"].get("shapes", []) if sh.get("name") == "player step"]
    assert len(cursors) == 6 and all(sh["x0"] == 7 for sh in cursors)
    at.session_state["tab"] = at.tabs[2].label
    at.run()
    scn, _ = parse_query({"opt": ["adam", "sgd"], "steps": "60"})
    tr = opt_mod.run(make_optimizer(scn.run("adam")), scn.build_surface(), start=scn.start,
                     steps=60, seed=scn.seed)
    text = " ".join(m.value for m in at.markdown)
    assert "At step 7" in text
    assert f"{tr.m_hat[7][0]:.6g}" in text and f"{tr.points[7][1]:.6g}" in text


def test_a_paper_panel_marks_the_players_step(fresh_caches):
    from streamlit.testing.v1 import AppTest

    from optviz.model.presets import get_preset, preset_url
    from urllib.parse import parse_qs, urlparse
    q = {k: v if len(v) > 1 else v[0]
         for k, v in parse_qs(urlparse(preset_url(get_preset("adam-bias-correction"))).query).items()}
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(q)
    at.run()
    assert race_report(at)                        # the panel follows the step: the player reports it
    at.session_state["player"] = {"step": 2}
    at.run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    cursors = [sh for sh in spec["layout"].get("shapes", []) if sh.get("name") == "player step"]
    assert cursors and all(sh["x0"] == 2 for sh in cursors)


def race_report(at) -> bool:
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    return json.loads(el.proto.json)["report"]


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_the_momentum_buffer_matches_sgd_written_out_by_hand(name):
    """b_t of torch.optim.SGD (b_1 = g, b_t = μ b_{t−1} + (1−τ) g), written out here."""
    s = surfaces.get("quadratic")
    opt, info = _info(name, lr=0.05, weight_decay=0.01)
    start = (1.2, -0.7)
    tr = optimizers.run(opt, s, start=start, steps=40, seed=0)
    cols = record.columns(record.run_record(tr, info, s.f_min))
    mu, lam, tau = opt.hp["momentum"], opt.hp["weight_decay"], opt.hp["dampening"]
    th, b, bufs = np.array(start, dtype=float), None, []
    for t in range(1, 41):
        g = s.grad(th) + lam * th
        b = g.copy() if b is None else mu * b + (1 - tau) * g
        bufs.append(b)
        th = th - 0.05 * (g + mu * b if opt.hp["nesterov"] else b)
    np.testing.assert_allclose(cols["buf"][1:], np.array(bufs), rtol=1e-9, atol=1e-12)
    (sc, _), _ = _scene(names=(name,), steps=10)
    assert sc["runs"][0]["momentum"] == "buf" and "buf" in [ln["field"] for ln in sc["runs"][0]["lines"]]


def test_the_page_helpers_for_the_reported_step():
    from types import SimpleNamespace

    from optviz.page.player import follows_step, reported_step
    assert reported_step(SimpleNamespace(step=7), 10) == 7
    assert reported_step(SimpleNamespace(step=11), 10) is None
    assert reported_step(SimpleNamespace(step=True), 10) is None
    assert reported_step(SimpleNamespace(), 10) is None
    assert not follows_step("race", ":material/school: Presets")
    assert follows_step("race", ":material/monitoring: Diagnostics")
    assert follows_step("bias_correction", "")


def test_two_runs_with_the_same_record_share_one_blob(fresh_caches):
    """An A/B copy left at the original's settings draws the same path: one record, two runs."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"opt": ["adam", "adam-2"], "steps": "50"})
    at.run()
    assert not at.exception
    sc = race(at)
    assert [r["key"] for r in sc["runs"]] == ["adam", "adam-2"]
    assert sc["runs"][0]["record"] == sc["runs"][1]["record"]
    assert len([e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "bytes"]) == 2


def race(at):
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    return json.loads(el.proto.json)
