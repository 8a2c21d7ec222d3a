"""Runs tell themselves apart: colour differences under simulated colour-vision deficiencies and
path-to-map contrast, measured with colour science written out here from its published sources
(not with the app's own helpers).

- Simulation: Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of
  Color Vision Deficiency", IEEE TVCG 15(6); the severity-1.0 matrices of their Table/supplement
  (www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html), applied to linear sRGB.
- sRGB → XYZ (D65) → CIELAB: IEC 61966-2-1 and CIE 15:2004.
- Colour difference: CIE76 ΔE*ab (Euclidean distance in CIELAB) is the gate, the metric issue 12's
  "before" figures were measured with (7.3, 4.6); CIEDE2000 (Sharma, Wu & Dalal 2005, checked below
  against their published test pairs) is printed beside it.
- Contrast: WCAG 2.1 relative luminance and contrast ratio.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import optimizers
from optviz.figures import background, style
from optviz.model.defaults import DEFAULT_OPTS

MACHADO = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
VISIONS = (None,) + tuple(MACHADO)       # None: typical vision
MIN_DELTA_E = 12.0
MIN_CONTRAST = 3.0
# A 12-run race: the default seven, copies of the paper presets' optimizers, and more Adam kin.
RACE_12 = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
           "adam-2", "adamw-2", "adamprox", "amsgrad", "nadam")


def _linear(hex_color: str) -> np.ndarray:
    c = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375],
                    [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ lin
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(t > eps, np.cbrt(t), (kappa * t + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(hex_color: str, vision: str | None) -> np.ndarray:
    lin = _linear(hex_color)
    return _lab(lin if vision is None else np.array(MACHADO[vision]) @ lin)


def delta_e76(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def delta_e2000(lab1, lab2) -> float:
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    cbar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1 = math.degrees(math.atan2(b1, a1p)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2p)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dL, dC = L2 - L1, c2 - c1
    dH = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    lbar, cbarp = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        hbar = h1 + h2
    elif abs(h1 - h2) <= 180:
        hbar = (h1 + h2) / 2
    else:
        hbar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    T = (1 - 0.17 * math.cos(math.radians(hbar - 30)) + 0.24 * math.cos(math.radians(2 * hbar))
         + 0.32 * math.cos(math.radians(3 * hbar + 6)) - 0.20 * math.cos(math.radians(4 * hbar - 63)))
    dtheta = 30 * math.exp(-(((hbar - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cbarp ** 7 / (cbarp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / math.sqrt(20 + (lbar - 50) ** 2)
    sc, sh = 1 + 0.045 * cbarp, 1 + 0.015 * cbarp * T
    rt = -math.sin(math.radians(2 * dtheta)) * rc
    return math.sqrt((dL / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * (dC / sc) * (dH / sh))


def wcag_contrast(a: str, b: str) -> float:
    la, lb = (float(np.array([0.2126, 0.7152, 0.0722]) @ _linear(c)) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@pytest.mark.parametrize("lab1, lab2, expected", [
    # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7, 13, 17, 25, 33
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_reproduces_sharmas_test_pairs(lab1, lab2, expected):
    assert delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_and_contrast_reproduce_published_values():
    # sRGB white → L* 100; pure sRGB red → CIELAB (53.24, 80.09, 67.20) (Lindbloom's calculator)
    assert seen("#ffffff", None) == pytest.approx([100, 0, 0], abs=0.01)
    assert seen("#ff0000", None) == pytest.approx([53.24, 80.09, 67.20], abs=0.02)
    # WCAG: black on white 21:1; #767676 on white is the well-known 4.54:1
    assert wcag_contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert wcag_contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    # the "before" figure: SGD #d62728 vs AdaGrad #2ca02c under deuteranopia, CIE76 7.3
    assert delta_e76(seen("#d62728", "deuteranopia"), seen("#2ca02c", "deuteranopia")) == \
        pytest.approx(7.3, abs=0.05)


def closest_pair(keys, theme):
    """(ΔE76, ΔE2000, a, b, vision) of the two runs closest in colour among those that share
    both the dash and the marker (the only ones colour alone must tell apart)."""
    worst = None
    for a, b in itertools.combinations(keys, 2):
        if (style.run_dash(a), style.run_symbol(a)) != (style.run_dash(b), style.run_symbol(b)):
            continue
        ca, cb = style.run_color(a, theme=theme), style.run_color(b, theme=theme)
        for v in VISIONS:
            la, lb = seen(ca, v), seen(cb, v)
            d = (delta_e76(la, lb), delta_e2000(la, lb), a, b, v or "typical")
            if worst is None or d[0] < worst[0]:
                worst = d
    return worst


def all_runs():
    return [f"{n}-{c}" if c > 1 else n for n in optimizers.names() for c in (1, 2, 3)]


@pytest.mark.parametrize("theme", style.THEMES)
@pytest.mark.parametrize("race", ["default", "twelve", "every optimizer, 3 copies"])
def test_runs_that_share_a_shape_differ_in_colour_under_every_vision(race, theme):
    keys = {"default": DEFAULT_OPTS, "twelve": RACE_12, "every optimizer, 3 copies": all_runs()}[race]
    assert len(set(keys)) == {"default": 7, "twelve": 12}.get(race, 3 * len(optimizers.names()))
    d76, d2000, a, b, vision = closest_pair(keys, theme)
    print(f"{race} ({theme}): closest {a} vs {b} under {vision}: ΔE76 {d76:.1f}, "
          f"ΔE2000 {d2000:.1f}")
    assert d76 >= MIN_DELTA_E, (a, b, vision, d76)


@pytest.mark.parametrize("theme", style.THEMES)
def test_default_race_differs_in_colour_alone(theme):
    """The first picture does not need the shapes: its seven colours are ≥ 12 apart under every
    simulated vision (Adam and AdamW included)."""
    worst = min((delta_e76(seen(style.run_color(a, theme), v), seen(style.run_color(b, theme), v)),
                 a, b, v) for a, b in itertools.combinations(DEFAULT_OPTS, 2) for v in VISIONS)
    print(f"default race, colour alone ({theme}): {worst}")
    assert worst[0] >= MIN_DELTA_E


@pytest.mark.parametrize("theme", style.THEMES)
def test_every_path_colour_has_3_to_1_on_every_band_of_the_map(theme):
    bands = background.band_colors(theme)
    assert len(bands) == background.LEVELS + 1       # every band and the undefined grey
    # the bands are the ones the PNG is painted with
    pal = background._palette(background.LEVELS, theme)
    assert bands[0] == "#%02x%02x%02x" % tuple(pal[0])
    worst = min((wcag_contrast(style.run_color(k, theme), band), k, band)
                for k in all_runs() for band in bands)
    print(f"lowest path-on-map contrast ({theme}): {worst[0]:.2f}:1 ({worst[1]} on {worst[2]})")
    assert worst[0] >= MIN_CONTRAST, worst


@pytest.mark.parametrize("theme", style.THEMES)
@pytest.mark.parametrize("color", ["#f0e442", "#56b4e9", "#ffffff", "#000000", "#777777"])
def test_a_plugin_colour_is_made_readable_on_the_map_keeping_its_hue(color, theme):
    c = style.readable(color, theme)
    assert min(wcag_contrast(c, band) for band in background.band_colors(theme)) >= MIN_CONTRAST
    if color not in ("#ffffff", "#000000", "#777777"):
        h0 = math.atan2(seen(color, None)[2], seen(color, None)[1])
        h1 = math.atan2(seen(c, None)[2], seen(c, None)[1])
        assert abs((h1 - h0 + math.pi) % (2 * math.pi) - math.pi) < 0.35    # about the same hue


def test_copies_and_families_are_shapes():
    assert [style.run_dash(k) for k in ("adam", "adam-2", "adam-3")] == ["solid", "dash", "dot"]
    assert style.run_symbol("adam") != style.run_symbol("adamw")       # decoupled decay
    assert style.run_symbol("sgd") == style.run_symbol("momentum") != style.run_symbol("adam")
    assert len({style.run_symbol(k) for k in ("adam", "adam-2", "adam-3")}) == 3
    assert style.run_color("adam-2") == style.run_color("adam")
    assert style.run_color("unknown_name", "dark") == style.run_color("unknown_name", "dark")


# ------------------------------------------------------------------ A/B copies say what differs
def _ab_scenario():
    from optviz.model.scenario import parse_query
    s, notes = parse_query({"surface": "quadratic", "opt": ["adam", "sgd", "adam-2", "adam-3"],
                            "adam-2.beta2": "0.9999", "adam-3.beta2": "0.9999", "adam-3.eps": "0",
                            "steps": "30"})
    assert notes == []
    return s


def test_copies_are_labelled_by_what_differs_in_the_legends_and_exports():
    import csv
    import io
    import json

    from optviz.figures import export
    from optviz.figures.diagnostics import diagnostics_figure
    from optviz.i18n import speaking
    from optviz.model.runs import RunCache
    from optviz.player.build import scene_for
    from optviz.model.scenario import run_labels

    s = _ab_scenario()
    want = {"adam": "Adam · β₂ = 0.999, ε = 1e-8", "sgd": "SGD",
            "adam-2": "Adam B · β₂ = 0.9999, ε = 1e-8", "adam-3": "Adam C · β₂ = 0.9999, ε = 0"}
    assert run_labels(s) == want
    trs = RunCache().trajectories(s)
    scene, _ = scene_for(s, trs, background.sample(s.build_surface()), lang="en")
    assert {r["key"]: r["label"] for r in scene["runs"]} == want
    legend = {d["legendgroup"]: d["name"] for d in diagnostics_figure(s, trs).spec["data"]
              if d.get("showlegend")}
    assert legend == want
    doc = json.loads(export.trajectories_json(s, trs))
    assert {r["key"]: r["label"] for r in doc["runs"]} == want
    rows = list(csv.DictReader(io.StringIO(export.trajectories_csv(s, trs))))
    assert {r["run"]: r["label"] for r in rows} == want
    with speaking("ko"):
        ko, _ = scene_for(s, trs, background.sample(s.build_surface()))
    assert {r["key"]: r["label"] for r in ko["runs"]} == want      # Korean keeps these titles
    from optviz.i18n import run_label
    from optviz.model.scenario import parse_query
    s, _ = parse_query({"opt": ["adam_nobc", "adam_nobc-2"], "adam_nobc-2.beta2": "0.9999"})
    with speaking("ko"):
        assert run_label(s.label("adam_nobc-2")) == "Adam (편향 보정 없음) B · β₂ = 0.9999"


def test_a_single_copy_and_identical_copies_keep_the_short_label():
    from optviz.model.scenario import parse_query, run_labels
    s, _ = parse_query({"opt": ["adam", "adamw", "adam-2"]})
    assert run_labels(s) == {"adam": "Adam", "adamw": "AdamW", "adam-2": "Adam B"}
    s, _ = parse_query({"opt": ["adamw", "adamw-2"], "adamw-2.decay": "schedule",
                        "adamw-2.nesterov": "1"})
    assert run_labels(s)["adamw-2"] == "AdamW B · decay = schedule"


@pytest.mark.parametrize("theme", style.THEMES)
def test_diagnostics_3d_and_player_draw_each_run_in_its_theme_colour(theme):
    from optviz.figures.diagnostics import diagnostics_figure, steps_figure
    from optviz.figures.surface3d import surface_figure
    from optviz.model.runs import RunCache
    from optviz.player.build import scene_for

    s = _ab_scenario()
    trs = RunCache().trajectories(s)
    want = {r.key: style.run_color(r.key, theme) for r in s.runs}
    field = background.sample(s.build_surface())
    for fig in (diagnostics_figure(s, trs, theme=theme), steps_figure(s, trs, theme=theme),
                surface_figure(s, trs, field, theme=theme)):
        lines = [t for t in fig.spec["data"] if t.get("legendgroup") in want or t.get("name") in
                 {s.label(k) for k in want}]
        assert lines
        for t in lines:
            key = t.get("legendgroup") or next(k for k in want if s.label(k) == t["name"])
            assert t["line"]["color"] == want[key]
    scene, _ = scene_for(s, trs, field, lang="en", theme=theme)
    assert {r["key"]: (r["color"], r["dash"]) for r in scene["runs"]} == {
        k: (c, style.run_dash(k)) for k, c in want.items()}
    assert len({style.run_color(k, "light") for k in want} & {style.run_color(k, "dark") for k in want}) == 0
