"""Unit tests of the app's logic (optviz/): the URL codec and link validation, presets, the widget
state ⇄ scenario bridge, control grids, the PNG writer, and the figure and export builders."""
from __future__ import annotations

import dataclasses
import json
import math
import re
import zlib

import numpy as np
import plotly.io as pio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

import optimizers
import surfaces
from optviz.figures import background, export, rules, style
from optviz.figures.diagnostics import diagnostics_figure, steps_figure
from optviz.figures.figure import decode
from optviz.figures.png import palette_png, read_palette_png
from optviz.figures.surface3d import surface_figure
from optviz.model import presets
from optviz.model.defaults import lr_hints
from optviz.model.fmt import fmt_loss, fmt_number
from optviz.model.runs import RunCache
from optviz.model.scenario import (CUSTOM, DEFAULT_OPTS, MAX_RUNS, SEED, STEPS, Run, Scenario,
                                   default_scenario, explicit_query, parse_query, preset_url,
                                   read_link, run_defaults, start_specs, surface_specs, to_query)
from optviz.page import controls, state
from optviz.page.text import md_escape

SURFACES = surfaces.names()


def scenario(**q) -> Scenario:
    s, notes = parse_query(q)
    assert notes == []
    return s


def non_default(h, default):
    """A valid value of `h` different from `default`."""
    if h.kind == "bool":
        return not default
    if h.kind == "choice":
        return next(c for c in h.choices if c != default)
    if h.kind == "int":
        return int(default) + 1 if default + 1 <= h.hi else int(default) - 1
    for v in controls.options(h, None):
        if v != default:
            return v
    raise AssertionError(h)


ALL_HP = [(n, h) for n in optimizers.names() for h in optimizers.spec(n).hparams]


def companions(name: str, hp: str, v) -> dict:
    """Settings that must come along for `hp = v` to be valid (Nesterov needs momentum > 0, τ = 0)."""
    if name == "sgd" and hp == "nesterov":
        return {"sgd.momentum": "0.9"}
    if name == "nesterov" and hp in ("momentum", "dampening"):
        return {"nesterov.nesterov": "false"}
    return {}
ALL_SURFACE_PARAMS = [(n, h) for n in SURFACES for h in surface_specs(n)]


# ----------------------------------------------------------------------------------- codec
def test_default_scenario_is_the_documented_one():
    s = default_scenario()
    assert s.surface == "rosenbrock" and s.steps == 1000 and s.seed == 0
    assert [r.key for r in s.runs] == list(DEFAULT_OPTS)
    surf = surfaces.get("rosenbrock")
    assert (s.x0, s.y0) == surf.start
    for r in s.runs:
        fam = optimizers.spec(r.name).family
        assert r.hp_dict["lr"] == lr_hints(surf)[fam]
    assert to_query(s) == {"v": "1"}
    assert parse_query({}) == (s, [])
    assert parse_query({"v": "1"}) == (s, [])


@pytest.mark.parametrize("name,h", ALL_HP, ids=[f"{n}.{h.name}" for n, h in ALL_HP])
def test_every_hyperparameter_round_trips_through_the_url(name, h):
    d = run_defaults(name, surfaces.get("rosenbrock"))[h.name]
    v = non_default(h, d)
    s = scenario(opt=name, **{f"{name}.{h.name}": fmt_number(v) if not isinstance(v, str) else v},
                 **companions(name, h.name, v))
    assert s.run(name).hp_dict[h.name] == v
    q = to_query(s)
    assert q[f"{name}.{h.name}"] == (v if isinstance(v, str) else fmt_number(v))
    assert parse_query(q) == (s, [])


@pytest.mark.parametrize("name,h", ALL_SURFACE_PARAMS, ids=[f"{n}.{h.name}" for n, h in ALL_SURFACE_PARAMS])
def test_every_surface_parameter_round_trips_through_the_url(name, h):
    v = non_default(h, h.default)
    s = scenario(surface=name, **{h.name: fmt_number(v)})
    assert s.params_dict[h.name] == v
    assert parse_query(to_query(s)) == (s, [])


def _scenarios():
    """Random valid scenarios, drawn from the registries."""
    @hst.composite
    def build(draw):
        name = draw(hst.sampled_from(SURFACES))
        q = {"surface": name}
        for h in surface_specs(name):
            if draw(hst.booleans()):
                q[h.name] = fmt_number(draw(hst.sampled_from(controls.options(h, h.default))))
        keys = draw(hst.lists(hst.sampled_from(optimizers.names()), min_size=0, max_size=4, unique=True))
        if keys and draw(hst.booleans()):
            keys.append(keys[0] + "-2")
        q["opt"] = keys or [""]
        for k in keys:
            base = k.split("-")[0]
            for h in optimizers.spec(base).hparams:
                if h.name in ("nesterov", "dampening", "momentum") and base in ("sgd", "momentum", "nesterov"):
                    continue
                if draw(hst.integers(0, 3)) == 0:
                    v = (draw(hst.sampled_from(h.choices)) if h.kind == "choice" else
                         draw(hst.booleans()) if h.kind == "bool" else
                         draw(hst.integers(int(h.lo), int(h.hi))) if h.kind == "int" else
                         draw(hst.sampled_from(controls.options(h, h.default))))
                    q[f"{k}.{h.name}"] = v if isinstance(v, str) else fmt_number(v)
        surf = surfaces.get(name, **{k: float(v) if k != "batch" else int(v)
                                     for k, v in q.items() if k in {h.name for h in surface_specs(name)}})
        hx, hy = start_specs(surf)
        if draw(hst.booleans()):
            q["x0"] = fmt_number(draw(hst.floats(hx.lo, hx.hi, allow_nan=False)))
            q["y0"] = fmt_number(draw(hst.floats(hy.lo, hy.hi, allow_nan=False)))
        q["steps"] = str(draw(hst.integers(1, optimizers.MAX_STEPS)))
        q["seed"] = str(draw(hst.integers(0, SEED.hi)))
        if draw(hst.booleans()):
            q["view"] = "present"
        lang = draw(hst.sampled_from(["", "en", "ko"]))
        if lang:
            q["lang"] = lang
        return q
    return build()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenarios())
def test_any_valid_link_round_trips_exactly(q):
    s, notes = parse_query(q)
    assert notes == []
    for explicit in (False, True):
        assert parse_query(to_query(s, explicit=explicit)) == (s, [])
    # the defaults-omitted form carries only what differs from a fresh page
    short = to_query(s)
    assert set(short) <= set(to_query(s, explicit=True)) | {"view", "preset"}


@settings(max_examples=200, deadline=None)
@given(hst.floats(allow_nan=False, allow_infinity=False))
def test_number_text_reads_back_to_the_same_float(x):
    t = fmt_number(x)
    assert float(t) == x
    assert re.fullmatch(r"-?[0-9.e+-]+", t)


MANGLED = [
    ({"adam.lr": "abc"}, "adam.lr"),
    ({"adam.lr": "nan"}, "adam.lr"),
    ({"adam.lr": "inf"}, "adam.lr"),
    ({"adam.lr": "-inf"}, "adam.lr"),
    ({"adam.lr": "1e309"}, "adam.lr"),
    ({"adam.lr": "-0.01"}, "adam.lr"),
    ({"adam.lr": "0"}, "adam.lr"),
    ({"adam.beta2": "1"}, "adam.beta2"),
    ({"steps": "１０"}, "steps"),
    ({"steps": "1.5"}, "steps"),
    ({"steps": "1e3"}, "steps"),
    ({"steps": "99999999999"}, "steps"),
    ({"seed": "-1"}, "seed"),
    ({"x0": "٣"}, "x0"),
    ({"x0": "1" * 10_000}, "x0"),
    ({"x0": ["1", "2"]}, "x0"),
    ({"surface": "moon"}, "surface"),
    ({"surface": "<script>alert(1)</script>"}, "surface"),
    ({"opt": ["adam", "sgdd"]}, "opt"),
    ({"opt": ["adam", "adam"]}, "opt"),
    ({"opt": "adam-7"}, "opt"),
    ({"v": "99"}, "v"),
    ({"view": "slides"}, "view"),
    ({"preset": "no-such-preset"}, "preset"),
    ({"nonsense": "1"}, "nonsense"),
    ({"adamw.lr": "0.1", "opt": "adam"}, "adamw.lr"),
    ({"adam.bogus": "1"}, "adam.bogus"),
    ({"kappa": "100"}, "kappa"),
    ({"expr": "x"}, "expr"),
    ({"surface": "custom", "expr": "__import__('os').system('echo PWNED')"}, "expr"),
    ({"surface": "custom", "expr": "x" * 10_000}, "expr"),
    ({"opt": "sgd", "sgd.nesterov": "true"}, "sgd"),
    ({"sgd.schedule": "weekly"}, "sgd.schedule"),
    ({"adam.amsgrad": "maybe"}, "adam.amsgrad"),
    ({"[x](http://evil)": "![i](http://evil/i.png)"}, "evil"),
]


@pytest.mark.parametrize("q,key", MANGLED, ids=[str(i) for i in range(len(MANGLED))])
def test_a_mangled_link_is_named_in_a_note_and_falls_back_to_the_default(q, key):
    s, notes = parse_query(q)
    assert notes, q
    assert any(key in n for n in notes), notes
    assert all(len(n) < 400 for n in notes)
    d = default_scenario()
    # every other parameter is untouched: the refused one took its default
    if key in ("adam.lr", "adam.beta2"):
        assert s.run("adam").hp_dict == d.run("adam").hp_dict
    if key in ("steps", "seed", "x0", "surface", "v", "view", "nonsense"):
        assert s == dataclasses.replace(d, view="explore")


def test_notes_about_hostile_text_render_as_plain_text():
    _, notes = parse_query({"[click](http://evil.example)": "1", "surface": "**bold** $x$ <b>"})
    shown = " ".join(md_escape(n) for n in notes)
    assert "](" not in shown.replace("\\](", "").replace("\\(", "")
    assert not re.search(r"(?<!\\)[\*\$<\[]", shown)


@settings(max_examples=150, deadline=None)
@given(hst.dictionaries(hst.text(max_size=30), hst.lists(hst.text(max_size=60), min_size=1, max_size=3),
                        max_size=8))
def test_no_query_whatever_its_content_raises(q):
    s, notes = parse_query(q)
    assert isinstance(s, Scenario)
    known = {"v", "surface", "opt", "x0", "y0", "steps", "seed", "view", "preset", "expr"}
    unknown = [k for k in q if k not in known and not k.startswith("sweep.")]   # the sweep tab's
    assert len(notes) >= min(len(unknown), 10)       # one note per unknown key (ten named at most)
    assert all(len(n) < 400 and "\n" not in n for n in notes)


def test_a_note_per_bad_parameter_but_the_good_ones_are_kept():
    s, notes = parse_query({"surface": "quadratic", "kappa": "100", "angle": "north", "adam.lr": "0.05",
                            "adam.eps": "big", "steps": "500"})
    assert s.params_dict["kappa"] == 100 and s.params_dict["angle"] == 0
    assert s.run("adam").hp_dict["lr"] == 0.05 and s.steps == 500
    assert len(notes) == 2 and "angle" in notes[0] and "adam.eps" in notes[1]


def test_too_many_optimizers_are_cut_with_a_note():
    names = optimizers.names()
    s, notes = parse_query({"opt": names})
    assert len(s.runs) == MAX_RUNS and any("at most" in n for n in notes)


def test_an_empty_selection_is_a_valid_scenario():
    s, notes = parse_query({"opt": ""})
    assert s.runs == () and notes == []
    assert to_query(s)["opt"] == [""]


# --------------------------------------------------------------------------------- presets
def test_presets_are_complete_valid_and_uniquely_named():
    ps = presets.all_presets()
    assert len(presets.GENERAL_PRESETS) == 3
    assert len({p.name for p in ps}) == len(ps)
    for p in ps:
        assert re.fullmatch(r"[a-z0-9-]+", p.name)
        s, notes = parse_query({**p.query, "preset": p.name})
        assert notes == [], (p.name, notes)
        assert s.preset == p.name
        full = to_query(dataclasses.replace(s, preset=""), explicit=True)
        missing = set(full) - set(p.query)
        assert not missing, (p.name, missing)          # every parameter written out
        assert p.title and len(p.what_to_look_for) > 80
        assert "preset=" + p.name in preset_url(p) and preset_url(p).startswith("?v=1")


def test_general_presets_show_what_they_say():
    rc = RunCache()
    by_name = {p.name: parse_query(p.query)[0] for p in presets.GENERAL_PRESETS}
    trs = rc.trajectories(by_name["rosenbrock-race"])
    assert trs["nesterov"].steps_to(1e-3) < trs["momentum"].steps_to(1e-3) < 1000
    assert trs["sgd"].steps_to(1e-1) is None and trs["adagrad"].steps_to(1e-1) is None
    trs = rc.trajectories(by_name["ill-conditioned-valley"])
    assert trs["momentum"].steps_to(1e-3) * 8 < trs["sgd"].steps_to(1e-3)
    assert trs["adam"].steps_to(1e-3) is None
    trs = rc.trajectories(by_name["saddle-escape"])
    assert trs["sgd"].points[400, 1] < 0.1 < 0.9 < trs["rmsprop"].points[50, 1]


def test_explicit_query_refuses_a_bad_preset():
    with pytest.raises(ValueError, match="adam.lr"):
        explicit_query("rosenbrock", [("adam", {"lr": -1})])


# ----------------------------------------------------------------------------------- state
def test_session_seeded_from_the_link_describes_the_same_scenario():
    q = {"v": "1", "surface": "quadratic", "kappa": "100", "opt": ["adam", "adam-2", "sgd"],
         "adam-2.lr": "0.05", "x0": "1.5", "steps": "300", "seed": "4"}
    s0, notes = parse_query(q)
    session: dict = {}
    assert state.begin(session, q) == []
    state.prepare(session)
    assert state.scenario(session) == s0
    assert state.finish(session, s0) == {k: [v] if isinstance(v, str) else v for k, v in to_query(s0).items()}
    # our own URL does not re-seed; a different one (history navigation) does
    session["adam.lr"] = 0.3
    assert state.begin(session, session[state.URL_KEY]) == [] and session["adam.lr"] == 0.3
    state.begin(session, {"v": "1"})
    assert session["surface"] == "rosenbrock" and session["adam.lr"] == 0.02


def test_changing_the_surface_moves_untouched_defaults_and_keeps_the_users_values():
    session: dict = {}
    state.begin(session, {})
    state.prepare(session)
    session["adam.lr"] = 0.005                       # the user set Adam's lr
    session["surface"] = "quadratic"
    state.prepare(session)
    q = surfaces.get("quadratic")
    assert session["adam.lr"] == 0.005
    assert session["sgd.lr"] == lr_hints(q)["sgd"] and session["rmsprop.lr"] == lr_hints(q)["adaptive"]
    assert (session["x0"], session["y0"]) == q.start
    s = state.scenario(session)
    assert to_query(s) == {"v": "1", "surface": "quadratic", "adam.lr": "0.005"}
    # the sgd hint depends on κ: an untouched lr follows it, so the link stays short
    session["kappa"] = 1000.0
    state.prepare(session)
    assert session["sgd.lr"] == lr_hints(surfaces.get("quadratic", kappa=1000))["sgd"]
    assert set(to_query(state.scenario(session))) == {"v", "surface", "kappa", "adam.lr"}


def test_a_start_outside_the_new_window_falls_back_to_the_default():
    session: dict = {}
    state.begin(session, {"surface": "quadratic", "x0": "-14"})
    state.prepare(session)
    session["center_x"] = 10.0
    state.prepare(session)
    assert session["x0"] == 6.0           # center_x − 4: the new default start


def test_duplicate_copies_every_setting_under_the_next_key():
    session: dict = {}
    state.begin(session, {"opt": ["adam"], "adam.beta2": "0.99"})
    state.prepare(session)
    assert state.duplicate_run(session, "adam") == "adam-2"
    assert state.duplicate_run(session, "adam") == "adam-3"
    assert state.duplicate_run(session, "adam") is None
    state.prepare(session)
    s = state.scenario(session)
    assert [r.key for r in s.runs] == ["adam", "adam-3", "adam-2"]
    assert s.run("adam-2").hp == s.run("adam").hp
    assert to_query(s)["opt"] == ["adam", "adam-3", "adam-2"]


def test_a_click_sets_a_rounded_start_inside_the_window():
    session: dict = {}
    state.begin(session, {})
    state.prepare(session)
    assert state.start_from_selection(session, {"selection": {"points": [{"x": 0.533333, "y": 2.4666}]}})
    assert (session["x0"], session["y0"]) == (0.53, 2.47)
    assert not state.start_from_selection(session, {"selection": {"points": []}})
    assert not state.start_from_selection(session, None)
    # a click anywhere on the map, a path included: the nearest grid point is taken
    path_point = {"x": -0.61, "y": 0.35}       # a click on a path: its position
    assert state.start_from_selection(session, {"selection": {"points": [path_point]}})
    assert (session["x0"], session["y0"]) == (-0.67, 0.33)
    assert state.start_from_selection(session, {"selection": {"points": [{"x": 9.0, "y": -9.0}]}})
    assert (session["x0"], session["y0"]) == (2.0, -1.0)           # the window's corner
    state.random_start(session, np.random.default_rng(1))
    (xa, xb), (ya, yb) = surfaces.get("rosenbrock").window
    assert xa <= session["x0"] <= xb and ya <= session["y0"] <= yb
    state.default_start(session)
    assert (session["x0"], session["y0"]) == (-1.5, 2.0)


def test_a_bad_expression_keeps_the_last_good_one_and_says_why():
    session: dict = {}
    state.begin(session, {"surface": "custom", "expr": "x**2 + y**2"})
    state.prepare(session)
    session["expr"] = "x**2 + import os"
    state.prepare(session)
    expr, err = state.current_expr(session)
    assert expr == "x**2 + y**2" and err and "column" in err
    assert state.scenario(session).expr == "x**2 + y**2"


# -------------------------------------------------------------------------------- controls
@pytest.mark.parametrize("name,h", [x for x in ALL_HP + ALL_SURFACE_PARAMS if controls.uses_slider(x[1])],
                         ids=lambda x: getattr(x, "name", x))
def test_slider_stops_are_valid_sorted_and_include_the_current_value(name, h):
    opts = controls.options(h, h.default)
    assert opts == sorted(opts) and len(set(opts)) == len(opts) >= 4
    for v in opts:
        h.check(v)
    assert h.default in opts
    odd = opts[0] + (opts[1] - opts[0]) / 3 if h.kind == "float" else None
    if odd is not None:
        assert odd in controls.options(h, odd)


def test_learning_rate_steps_are_log_spaced_and_betas_are_fine_near_one():
    lr = controls.options(optimizers.spec("adam").hparam("lr"), 1e-3)
    ratios = np.diff(np.log10(lr))
    assert lr[0] <= 1e-5 and lr[-1] >= 1 and ratios.max() < 0.35
    b2 = controls.options(optimizers.spec("adam").hparam("beta2"), 0.999)
    assert {0.9, 0.99, 0.999, 0.9999} <= set(b2)
    eps = controls.options(optimizers.spec("adam").hparam("eps"), 1e-8)
    assert 0.0 in eps and 1e-16 in eps


# ------------------------------------------------------------------------------------- PNG
def test_palette_png_is_a_valid_png_that_decodes_to_its_pixels():
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 5, size=(7, 13)).astype(np.uint8)
    pal = rng.integers(0, 256, size=(5, 3)).astype(np.uint8)
    data = palette_png(idx, pal)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    back, pal2 = read_palette_png(data)
    assert (back == idx).all() and (pal2 == pal).all()
    with pytest.raises(ValueError):
        palette_png(np.full((2, 2), 9, np.uint8), pal)
    broken = bytearray(data)
    broken[40] ^= 0xFF
    with pytest.raises((ValueError, zlib.error)):
        read_palette_png(bytes(broken))


def test_contour_background_bands_follow_the_surface():
    field = background.sample(surfaces.get("rosenbrock"))
    assert np.isclose(field.f_star, 0.0)
    idx, pal = read_palette_png(background.banded_png(field, size=120))
    assert idx.shape == (120, 120)
    n = background.LEVELS
    band = np.where(idx >= n, idx - n, idx)
    # the valley floor (lowest band) passes through the minimum (1, 1): image row 0 is y = 3
    col, row = int((1 + 2) / 4 * 119), int((3 - 1) / 4 * 119)
    assert band[row, col] <= 1
    assert band[119, 0] >= n - 2 and band[119, 119] >= n - 2      # (±2, −1): f ≈ 2500, the top band


# --------------------------------------------------------------------------- the default scene
@pytest.fixture(scope="module")
def default_runs():
    s = default_scenario()
    return s, RunCache().trajectories(s)


# ------------------------------------------------------------------------------ diagnostics
def test_diagnostics_draw_every_panel_in_the_runs_colours(default_runs):
    s, trs = default_runs
    spec = diagnostics_figure(s, trs).to_dict()
    axes = {(t["xaxis"], t["yaxis"]) for t in spec["data"]}
    assert len(axes) == 6
    for r in s.runs:
        lines = [t for t in spec["data"] if t["legendgroup"] == r.key]
        assert {t["line"]["color"] for t in lines} == {style.run_color(r.key)}
        has_m = any(t["yaxis"] == "y5" for t in lines)
        assert has_m == bool(optimizers.spec(r.name).records)
        has_bound = any(t["name"].endswith("bound") for t in lines)
        assert has_bound == (optimizers.spec(r.name).step_bound is not None)
    for panel in ("yaxis", "yaxis2", "yaxis3", "yaxis4", "yaxis6"):
        assert spec["layout"][panel]["type"] == "log"
    adam = [t for t in spec["data"] if t["legendgroup"] == "adam" and t["yaxis"] == "y3"
            and not t["name"].endswith("bound")][0]
    assert np.allclose(decode(adam["y"])[1:], np.abs(np.diff(trs["adam"].points[:, 0])), rtol=1e-6)


def test_step_panel_puts_adam_under_one_and_adamax_next_to_its_exact_bound():
    s = scenario(opt=["adam", "adamax"], steps="200", **{"adamax.lr": "0.002"})
    trs = RunCache().trajectories(s)
    spec = steps_figure(s, trs).to_dict()
    names = [t["name"] for t in spec["data"]]
    assert "AdaMax · exact bound" in names and "Adam · exact bound" not in names
    adam_x = decode(next(t for t in spec["data"] if t["name"] == "Adam · |Δx|/γ")["y"])
    assert np.nanmax(adam_x) <= 1.0 + 1e-3
    spec = diagnostics_figure(s, trs, normalise_steps=True).to_dict()
    assert spec["layout"]["annotations"][2]["text"].count("γ_t")


def test_three_d_view_has_the_surface_and_a_path_per_run(default_runs):
    s, trs = default_runs
    spec = surface_figure(s, trs).to_dict()
    assert spec["data"][0]["type"] == "surface"
    z = decode(spec["data"][0]["z"])
    assert z.ndim == 2 and z.shape[0] == z.shape[1]
    assert [t["name"] for t in spec["data"][1:]] == [r.label for r in s.runs]


# ----------------------------------------------------------------------------------- export
def test_csv_and_json_exports_hold_every_step_and_the_scenario():
    s = scenario(opt=["sgd", "adam"], **{"sgd.lr": "0.1"}, steps="50")
    trs = RunCache().trajectories(s)
    csv_text = export.trajectories_csv(s, trs)
    rows = csv_text.strip().split("\n")
    assert rows[0] == "run,optimizer,step,x,y,loss,grad_x,grad_y,label" and len(rows) == 1 + 2 * 51
    first_adam = next(r for r in rows if r.startswith("adam,"))
    assert float(first_adam.split(",")[3]) == s.x0
    doc = json.loads(export.trajectories_json(s, trs, "http://x/?v=1"))
    assert parse_query(doc["scenario"]) == (s, [])
    assert doc["link"] == "http://x/?v=1"
    sgd = doc["runs"][0]
    assert sgd["diverged_at"] == trs["sgd"].diverged_at and sgd["points"][-1] == [None, None]
    assert doc["runs"][1]["points"][7] == list(trs["adam"].points[7])


# ------------------------------------------------------------------------------------ rules
def test_rules_show_the_current_numbers_in_the_formula():
    s = scenario(opt=["adam", "adamw"], **{"adam.beta2": "0.99", "adamw.weight_decay": "0.1",
                                           "adamw.decay": "schedule"})
    tex = rules.rule_latex(s.run("adam"), "#123456")
    assert r"\color{#123456}0.99}" in tex and r"\beta_2" not in tex and r"\beta_1" not in tex
    assert r"\lambda" in tex                                             # λ = 0 stays a symbol
    assert r"\lambda = 0" in rules.values_latex(s.run("adam"))
    assert "0.02" in rules.values_latex(s.run("adam"))
    notes = " ".join(rules.notes(s.run("adamw")))
    assert "decay = schedule" in notes
    assert "Adam-ℓ2" in " ".join(rules.notes(scenario(opt="adam", **{"adam.weight_decay": "0.1"}).run("adam")))


# ------------------------------------------------------------------------------------ cache
def test_run_cache_recomputes_only_what_changed():
    rc = RunCache()
    s = scenario(steps="100")
    first = rc.trajectories(s)
    assert rc.computed == 7
    rc.trajectories(s)
    assert rc.computed == 7
    adam = s.run("adam")
    hp = {**adam.hp_dict, "lr": 0.05}
    s2 = dataclasses.replace(s, runs=tuple(Run("adam", "adam", tuple(hp.items())) if r.key == "adam" else r
                                           for r in s.runs))
    second = rc.trajectories(s2)
    assert rc.computed == 8
    assert second["sgd"] is first["sgd"] and second["adam"] is not first["adam"]
    alone = optimizers.run(optimizers.get("adam", **hp), s2.build_surface(), start=s2.start, steps=100)
    assert np.array_equal(second["adam"].points, alone.points)


def test_a_run_whose_settings_conflict_is_left_out_with_its_reason():
    s, notes = parse_query({"opt": ["sgd", "adam"]})
    bad = dataclasses.replace(s, runs=(Run("sgd", "sgd", tuple({**s.run("sgd").hp_dict, "nesterov": True}.items())),
                                       s.run("adam")))
    assert "nesterov" in bad.problems()["sgd"]
    assert list(RunCache().trajectories(bad)) == ["adam"]


def test_the_weight_decay_convention_is_stated_for_every_optimizer_that_has_one():
    for name in optimizers.names():
        note = rules.weight_decay_note(name)
        has = "weight_decay" in {h.name for h in optimizers.spec(name).hparams}
        assert bool(note) == has
    assert "decay = lr" in rules.weight_decay_note("adamw", "lr")
    assert "decay = schedule" in rules.weight_decay_note("adamw", "schedule")
    assert "Adam-ℓ2" in rules.weight_decay_note("adam") and "proximal" in rules.weight_decay_note("adamprox")


def test_every_optimizer_has_its_own_colour_and_copies_their_own_dash():
    # how far apart the colours are, for every vision and on every band: tests/test_colours.py
    assert all(optimizers.spec(n).color for n in optimizers.names())    # every built-in has its own
    cols = [style.optimizer_color(n) for n in optimizers.names()]
    assert len(set(cols)) == len(cols)
    assert style.run_color("adam-2") == style.run_color("adam") == style.run_color("adam-3")
    assert style.run_dash("adam-2") == "dash" and style.run_dash("adam") == "solid"


def test_control_labels_use_plain_unicode_symbols():
    from optviz.page.text import symbol_text
    assert symbol_text(r"\beta_2") == "β₂" and symbol_text(r"\epsilon") == "ε" and symbol_text("s_0") == "s₀"
    for n in optimizers.names():
        for h in optimizers.spec(n).hparams:
            assert "$" not in symbol_text(h.symbol) and "\\" not in symbol_text(h.symbol), h
    for n in SURFACES:
        for h in surface_specs(n):
            assert "$" not in symbol_text(h.symbol), h


def test_read_link_hands_back_the_keys_the_race_does_not_read():
    """The paper panels and the sweep read links with keys of their own through the app's reader:
    the same scenario and notes as parse_query, except that unknown keys come back, not noted."""
    q = {"surface": "quadratic", "kappa": "100", "opt": ["adam"], "adam.lr": "0.05",
         "sweep.n": "8", "compare": "on", "adam.beta2": "2"}
    s, notes = parse_query(q)
    s2, notes2, extra = read_link(q)
    assert s2 == s and extra == {"compare": ["on"], "sweep.n": ["8"]}
    assert [n for n in notes2 if n.startswith("adam.beta2")] and len(notes2) == 1
    assert any("compare" in n for n in notes) and len(notes) == 2   # sweep.* is never noted
