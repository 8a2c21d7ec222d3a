"""The sweep view: the grid is the individual runs, its metrics match closed forms, caps hold,
the URL round-trips, a cell's link reproduces the cell, and the tab renders."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import optimizers
import surfaces
from optviz.figures.sweep import heatmap
from optviz.model import sweep as sw
from optviz.model.scenario import parse_scenario
from optviz.page import sweep as sweep_page


def test_grid_equals_individual_runs():
    """A few random cells of a batched grid, run alone with scalar hyperparameters, give the same
    final point, loss, steps-to-tol and divergence (1e-12) — on a deterministic surface and on a
    noisy one (every cell sees the same draws as a run of its own)."""
    rng = np.random.default_rng(1)
    for surface, start, x, y in (
            (surfaces.get("rosenbrock"), (-1.5, 2.0), ("lr", (1e-3, 0.5), True), ("beta1", (0.0, 0.99), False)),
            (surfaces.get("beale", noise=0.5), (1.0, 1.5), ("lr", (1e-3, 0.3), True), ("beta2", (0.9, 0.9999), True))):
        res = sw.sweep_grid("adam", x[0], x[1], x[2], y[0], y[1], y[2], 8, surface, start, 300, 3,
                            {"eps": 1e-8}, tol=1e-3)
        for i, j in rng.integers(0, 8, size=(4, 2)):
            hp = res.cell_hp(i, j)
            assert hp[x[0]] == res.x_values[j] and hp[y[0]] == res.y_values[i]
            tr = optimizers.run(optimizers.get("adam", **hp), surface, start=start, steps=300, seed=3,
                                diagnostics=False)
            a, b = tr.points[-1], res.final_points[i, j]
            if tr.diverged_at is None:
                assert np.max(np.abs(a - b) / np.maximum(1, np.abs(a))) <= 1e-12
                assert res.final_loss[i, j] == pytest.approx(tr.losses[-1] - surface.f_min, rel=1e-12, abs=1e-300)
            else:
                assert np.isnan(b).all()
            assert res.diverged_at[i, j] == (-1 if tr.diverged_at is None else tr.diverged_at)
            k = tr.steps_to(1e-3)
            assert res.steps_to[i, j] == (-1 if k is None else k)


def test_chunked_grid_is_the_same_as_one_batched_run():
    s = surfaces.get("rosenbrock", noise=0.3)
    args = ("adam", "lr", (1e-3, 1.0), True, "beta2", (0.9, 0.9999), True, 10, s, (-1.5, 2.0), 150, 7, {})
    one = sw.sweep_grid(*args)
    assert one.chunks == 1
    fractions = []
    many = sw.sweep_grid(*args, chunks=4, progress=fractions.append)
    assert many.chunks == 4 and fractions == [0.25, 0.5, 0.75, 1.0]
    for name in ("final_points", "final_loss", "steps_to", "diverged_at"):
        np.testing.assert_array_equal(getattr(one, name), getattr(many, name))


def _gd_closed_forms(lr, lam, r0, m0, tol, bound, steps):
    """GD with L2 λ on ½(x² + y²): θ_k = θ0·c^k, c = 1 - γ(1+λ); f_k = ½ r0² c^(2k).
    steps to f ≤ tol: ⌈ln(2 tol / r0²) / (2 ln|c|)⌉ if |c| < 1; diverged at the first k with
    max|θ_k| = m0 |c|^k > bound. Returns (steps_to, diverged_at, margin): margin is how far the
    real-valued solutions are from an integer (rounding in the last bit can move a boundary case)."""
    c = 1 - lr * (1 + lam)
    if c == 0:
        return 1, -1, 1.0
    if abs(c) < 1:
        L = math.log(2 * tol / r0**2) / (2 * math.log(abs(c)))
        k = math.ceil(L)
        return (k if k <= steps else -1), -1, abs(L - round(L))
    if abs(c) == 1:
        return -1, -1, 0.0
    D = math.log(bound / m0) / math.log(abs(c))
    kd = math.floor(D) + 1
    return -1, (kd if kd <= steps else -1), abs(D - round(D))


def test_metrics_match_closed_form_for_gd_on_a_quadratic():
    """Steps to tolerance and the divergence step, for every cell of an SGD lr × weight-decay grid
    on the round quadratic ½(x² + y²), equal their closed forms; diverged cells are flagged
    exactly where |1 - γ(1+λ)| > 1 makes θ leave the surface's bound within the run."""
    s = surfaces.get("quadratic", kappa=1.0)
    start, steps, tol = (-3.0, 2.0), 200, 1e-8
    res = sw.sweep_grid("sgd", "lr", (0.05, 2.5), False, "weight_decay", (0.0, 1.0), False, 12, s, start,
                        steps, 0, {"momentum": 0.0}, tol=tol)
    r0, m0 = math.hypot(*start), max(map(abs, start))
    n_div = n_hit = 0
    for i, lam in enumerate(res.y_values):
        for j, lr in enumerate(res.x_values):
            k, kd, margin = _gd_closed_forms(lr, lam, r0, m0, tol, s.bound, steps)
            if margin < 1e-9:
                assert abs(res.steps_to[i, j] - k) <= 1 and abs(res.diverged_at[i, j] - kd) <= 1
                continue
            assert res.steps_to[i, j] == k, (lr, lam)
            assert res.diverged_at[i, j] == kd, (lr, lam)
            assert res.diverged[i, j] == (kd >= 0)
            assert np.isnan(res.final_loss[i, j]) == (kd >= 0)
            n_div += kd >= 0
            n_hit += k >= 0
    assert n_div >= 20 and n_hit >= 20           # the grid covers both regimes
    fig = heatmap(res, "final_loss")
    div = [t for t in fig.data if t.name == "diverged" and t.type == "heatmap"]
    assert len(div) == 1
    np.testing.assert_array_equal(np.isfinite(np.asarray(div[0].z, dtype=float)), res.diverged)


def test_caps_and_bad_arguments_are_refused():
    s = surfaces.get("rosenbrock")
    ok = dict(opt_name="adam", x_hp="lr", x_range=(1e-3, 1.0), x_log=True, y_hp="beta2",
              y_range=(0.9, 0.999), y_log=True, n=4, surface=s, start=(0.0, 0.0), steps=10, seed=0,
              fixed_hp={})
    sw.sweep_grid(**ok)
    bad = [dict(n=sw.MAX_N + 1), dict(n=1), dict(n=4.0), dict(steps=sw.MAX_STEPS + 1), dict(steps=0),
           dict(y_hp="lr"), dict(x_hp="amsgrad"), dict(x_hp="schedule"), dict(x_hp="momentum"),
           dict(y_range=(0.9, 1.0)), dict(y_range=(0.9, 1.0), y_log=False),
           dict(x_range=(0.0, 1.0)), dict(x_range=(1.0, 1e-3)), dict(x_range=(1e-3, math.inf)),
           dict(x_range=(1e-3, 1e4)), dict(opt_name="nope"), dict(start=(0.0, 0.0, 0.0)),
           dict(fixed_hp={"beta1": 2.0})]
    for change in bad:
        with pytest.raises(ValueError):
            sw.sweep_grid(**{**ok, **change})
    with pytest.raises(ValueError):
        sw.sweep_grid(**ok, tol=0.0)
    with pytest.raises(ValueError):
        sw.cell_query(sw.sweep_grid(**ok), 4, 0)


def test_axes():
    h = optimizers.spec("adam").hparam("beta2")
    v = sw.axis_values(h, 0.9, 0.9999, True, 4)
    np.testing.assert_allclose(1 - v, [1e-1, 1e-2, 1e-3, 1e-4], rtol=1e-9)    # log in 1 − β
    lr = sw.axis_values(optimizers.spec("adam").hparam("lr"), 1e-4, 1.0, True, 5)
    np.testing.assert_allclose(lr, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    lin = sw.axis_values(optimizers.spec("sgd").hparam("momentum"), 0.0, 0.9, False, 4)
    np.testing.assert_allclose(lin, [0.0, 0.3, 0.6, 0.9], atol=1e-15)


def test_cell_link_reproduces_the_cell():
    s = surfaces.get("himmelblau", noise=0.2)
    res = sw.sweep_grid("rmsprop", "lr", (1e-3, 0.3), True, "alpha", (0.9, 0.999), True, 6, s,
                        (-0.3, -0.9), 200, 5, {"momentum": 0.5}, tol=1e-4)
    for i, j in ((0, 0), (5, 2), (3, 5)):
        q = sw.cell_query(res, i, j)
        sc = parse_scenario(q, strict=True)
        (run,) = sc.runs
        assert run.hp["momentum"] == 0.5 and sc.seed == 5 and sc.steps == 200
        tr = optimizers.run(run.optimizer(), sc.build_surface(), start=sc.start, steps=sc.steps,
                            seed=sc.seed, diagnostics=False)
        assert tr.points[-1] == pytest.approx(res.final_points[i, j], rel=1e-12, abs=1e-12)
    try:
        from optviz.model.scenario import parse_query
    except ImportError:
        return
    scn, notes = parse_query(sw.cell_query(res, 5, 2))
    assert notes == [] and scn.runs[0].hp_dict["lr"] == res.x_values[2]


settings_strategy = st.builds(
    lambda opt, n, metric, tol, data: (opt, n, metric, tol, data),
    st.sampled_from(["adam", "sgd", "rmsprop", "adamw", "adamax", "lion"]),
    st.integers(sw.MIN_N, sw.MAX_N), st.sampled_from(sw.METRICS),
    st.floats(1e-12, 1.0), st.data())


@settings(max_examples=40, deadline=None)
@given(settings_strategy)
def test_url_round_trip(args):
    opt, n, metric, tol, data = args
    names = sw.sweepable(opt)
    x = data.draw(st.sampled_from(names))
    y = data.draw(st.sampled_from([h for h in names if h != x]))
    spec = optimizers.spec(opt)
    vals = {}
    for axis, hp in (("x", x), ("y", y)):
        lo, hi, log = sw.default_range(spec.hparam(hp))
        a = data.draw(st.floats(lo, hi))
        b = data.draw(st.floats(lo, hi))
        if a == b:
            a, b = lo, hi
        vals.update({axis + "min": min(a, b), axis + "max": max(a, b), axis + "log": log})
    s = sw.SweepSettings(opt=opt, x=x, y=y, n=n, metric=metric, tol=tol, **vals)
    try:
        sw.axis_values(spec.hparam(x), s.xmin, s.xmax, s.xlog, 2)
        sw.axis_values(spec.hparam(y), s.ymin, s.ymax, s.ylog, 2)
    except ValueError:
        return                                   # not a valid sweep (e.g. log with min = 0)
    q = sw.sweep_to_query(s)
    assert all(k.startswith("sweep.") and isinstance(v, str) for k, v in q.items())
    back, notes = sw.parse_sweep_query(q)
    assert notes == [] and back == s


def test_bad_sweep_links_are_named_and_defaulted():
    s, notes = sw.parse_sweep_query({"sweep.opt": "adam", "sweep.x": "amsgrad", "sweep.n": "１６",
                                     "sweep.xmin": "nan", "sweep.metric": "best", "sweep.tol": "-1",
                                     "sweep.ylog": "maybe", "sweep.zzz": "1", "surface": "beale"})
    assert s == sw.SweepSettings()
    text = " ".join(notes)
    for key in ("sweep.x", "sweep.n", "sweep.metric", "sweep.tol", "sweep.ylog", "sweep.zzz"):
        assert key in text, key
    assert sw.parse_sweep_query({"sweep.x": "beta2"})[0].y == "lr"          # both axes beta2
    assert sw.parse_sweep_query({}) == (sw.SweepSettings(), [])


def test_heatmap_log_colour_scale_and_click_targets():
    s = surfaces.get("rosenbrock")
    res = sw.sweep_grid("adam", "lr", (1e-4, 1.0), True, "beta1", (0.0, 0.99), False, 8, s,
                        (-1.5, 2.0), 200, 0, {})
    fig = heatmap(res, "final_loss")
    hm = fig.data[0]
    np.testing.assert_allclose(np.asarray(hm.z, dtype=float), np.log10(res.final_loss), rtol=1e-12)
    assert all(t.startswith("1e") for t in hm.colorbar.ticktext)
    cells = [t for t in fig.data if t.name == "cells"][0]
    assert len(cells.x) == 64 and tuple(cells.customdata[9]) == (1, 1)
    assert len(fig.to_json()) < 200_000
    st_fig = heatmap(res, "steps_to")
    assert st_fig.data[0].name == "steps to tol"
    assert sweep_page._selected_cell({"selection": {"points": [{"customdata": {"0": 3, "1": 5}, "x": 5, "y": 3}]}}, 8) == (3, 5)
    assert sweep_page._selected_cell({"selection": {"points": []}}, 8) is None


def test_64_by_64_sweep_of_500_steps_on_rosenbrock_is_fast():
    s = surfaces.get("rosenbrock")
    t0 = time.perf_counter()
    res = sw.sweep_grid("adam", "lr", (1e-4, 1.0), True, "beta2", (0.9, 0.9999), True, 64, s,
                        (-1.5, 2.0), 500, 0, {})
    dt = time.perf_counter() - t0
    print(f"64 × 64 × 500 Adam on Rosenbrock: {dt:.2f} s in {res.chunks} batched call(s)")
    assert res.chunks == 1 and res.final_loss.shape == (64, 64)
    assert dt < 10.0


def _app(query: dict):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from optviz.page import sweep
        q = {k: st.query_params.get_all(k) for k in st.query_params}
        sweep.render(st, q)

    at = AppTest.from_function(script, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def test_sweep_tab_renders_and_links_to_the_race():
    at = _app({"surface": "quadratic", "kappa": "100", "steps": "100", "sweep.n": "8",
               "sweep.metric": "steps_to", "sweep.tol": "1e-3"})
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 1
    md = " ".join(m.value for m in at.markdown)
    assert "open it in the race" in md and "surface=quadratic" in md
    # changing the optimizer resets the axes to its own hyperparameters
    at.selectbox(key="sweep.opt").set_value("sgd").run()
    assert not at.exception
    assert at.session_state["sweep.x"] in sw.sweepable("sgd")
    assert at.session_state["sweep.y"] in sw.sweepable("sgd")
    assert sweep_page.url_params(at.session_state)["sweep.opt"] == "sgd"


def test_sweep_tab_names_bad_link_values():
    at = _app({"steps": "50", "sweep.n": "500", "sweep.x": "nope"})
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning).replace("\\", "")     # as read on screen
    assert "sweep.n" in text and "sweep.x" in text
    assert len([w for w in at.warning if "sweep" in w.value]) == 1        # one warning, both named


def test_the_shared_result_cache_is_a_locked_lru():
    """Every session's sweeps share one cache: bounded, least recently used out first, and safe
    when sessions (threads) write at once."""
    import threading
    from optviz.model.cache import LockedLRU
    c = LockedLRU(3)
    for k in "abc":
        c.put(k, k.upper())
    assert c.get("a") == "A"                     # a is now the most recent
    c.put("d", "D")
    assert "b" not in c and [c.get(k) for k in "acd"] == ["A", "C", "D"]

    def writer(i):
        for j in range(2000):
            c.put((i, j), j)
            c.get((i, j - 1))
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(c) == 3
    assert sw.RESULTS.max_entries >= 1 and isinstance(sw.RESULTS, LockedLRU)
