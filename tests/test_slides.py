"""Slide exports (PNG, GIF, MP4) and "Get the code" (the two generated scripts).

The slides are checked as pictures: sizes in pixels and bytes, frame counts, where each run's head
is (θ_t mapped to pixels here, from the map's box and the surface's window) and that the dark theme
is dark. The scripts are run in fresh processes and their CSV compared with the page's CSV export.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import math
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

import surfaces
from optviz.figures import export, slides, style
from optviz.figures.background import sample
from optviz.model import code, presets
from optviz.model.runs import RunCache
from optviz.model.scenario import default_scenario, parse_query

from conftest import ROOT


@pytest.fixture(scope="module")
def race():
    s = default_scenario()
    return s, RunCache().trajectories(s), sample(s.build_surface())


# every torch.optim rule the script maps, with schedules, warmup, decay="schedule", L2 decay,
# centred RMSProp with momentum and gradient noise; and Lion, which torch does not have
EVERY_TORCH_RULE = {
    "surface": "quadratic", "kappa": "10", "angle": "30", "steps": "300", "noise": "0.5",
    "opt": ["amsgrad", "adamax", "nadam", "radam", "adamw", "rmsprop", "adagrad", "sgd", "nesterov",
            "lion"],
    "adamw.decay": "schedule", "adamw.schedule": "cosine", "adamw.warmup": "10",
    "adamw.weight_decay": "0.1", "rmsprop.centered": "true", "rmsprop.momentum": "0.5",
    "adagrad.lr_decay": "0.01", "sgd.schedule": "step", "sgd.step_every": "50",
    "sgd.weight_decay": "0.01", "nadam.weight_decay": "0.01", "radam.schedule": "inverse_sqrt"}


def preset(name: str):
    """A preset's scenario by name; "" the default race; "every-torch-rule" the one above."""
    if not name:
        return default_scenario()
    s, notes = parse_query(EVERY_TORCH_RULE if name == "every-torch-rule"
                           else dict(presets.get_preset(name).query))
    assert not notes and not s.problems()
    return s


def head_px(slide, theta) -> tuple[int, int]:
    """θ → the pixel of the slide: the map image spans the window, pixel centres on its edges."""
    left, top, side = slide.map_box
    (xa, xb), (ya, yb) = slide.window
    return (round(left + (theta[0] - xa) / (xb - xa) * (side - 1)),
            round(top + (yb - theta[1]) / (yb - ya) * (side - 1)))


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])


def visible_heads(slide, trajectories, k: int, min_gap: float) -> list:
    """(run, pixel) of the heads at step k that no later-drawn head covers (heads drawn in order)."""
    out = []
    pix = [(r, head_px(slide, trajectories[r.key].points[k])) for r in slide.runs]
    for i, (r, p) in enumerate(pix):
        if all(math.dist(p, q) > min_gap for _, q in pix[i + 1:]):
            out.append((r, p))
    return out


# -------------------------------------------------------------------------------- formulas
def test_every_surface_formula_is_plain_unicode():
    for name in surfaces.names():
        text = slides.unicode_formula(surfaces.get(name).latex)
        assert not set(text) & set("\\{}^"), (name, text)
        assert "_" not in text.replace("x_c", "").replace("y_c", ""), (name, text)   # no ₍c₎
    assert slides.unicode_formula(surfaces.get("rosenbrock").latex) == "(a − x)² + b (y − x²)²"
    assert slides.unicode_formula(r"\tfrac12 \sum_i (x_i^4 - 16x_i^2)") == "½ Σᵢ (xᵢ⁴ − 16xᵢ²)"
    assert slides.expression_formula("x**2 + 3*y**2") == "x² + 3·y²"


def test_frame_steps_cover_the_start_one_by_one_and_end_on_the_last_step():
    for steps in (1, 5, 119, 120, 1000, 20000):
        k = slides.frame_steps(steps, 120)
        assert len(k) <= 120 and k[0] == 0 and k[-1] == steps and k == sorted(set(k))
        assert k[:min(10, steps + 1)] == list(range(min(10, steps + 1)))


# ------------------------------------------------------------------------------------- PNG
def test_png_is_1920x1080_with_each_head_at_its_recorded_step(race):
    s, tr, field = race
    k = 300
    t0 = time.perf_counter()
    data = slides.png(s, tr, field, step=k, title="Rosenbrock")
    took = time.perf_counter() - t0
    im = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert im.shape == (1080, 1920, 3)
    slide = slides.prepare(s, tr, field)
    heads = visible_heads(slide, tr, k, min_gap=30)
    assert len(heads) >= 3
    for run, (x, y) in heads:
        assert np.abs(im[y, x] - rgb(style.run_color(run.key, theme="light"))).max() <= 2, run.key
    # and not at step 0 any more: the start pixel is no longer SGD's head colour at step 300
    print(f"\nPNG 1920×1080: {len(data):,} bytes in {took:.2f} s")


def test_the_dark_theme_gives_a_dark_slide(race):
    s, tr, field = race
    lum = {}
    for theme in ("light", "dark"):
        im = np.asarray(Image.open(io.BytesIO(slides.png(s, tr, field, step=50, theme=theme)))
                        .convert("L")).astype(float)
        slide = slides.prepare(s, tr, field, theme=theme)
        left, top, side = slide.map_box
        outside = np.ones(im.shape, bool)
        outside[top:top + side, left:left + side] = False
        lum[theme] = (im[outside].mean(), np.median(im))
    assert lum["light"][0] > 200 and lum["dark"][0] < 60, lum
    assert lum["dark"][1] < 60, lum


def test_korean_slide_and_no_font_at_all_still_render(race, monkeypatch):
    s, tr, field = race
    data = slides.png(s, tr, field, step=10, title="로젠브록", lang="ko", size=(960, 540))
    assert Image.open(io.BytesIO(data)).size == (960, 540)
    if slides.font_file("cjk") is not None:
        assert "CJK" in slides.font_for("스텝", 20).path
    monkeypatch.setattr(slides, "font_file", lambda kind: None)
    slides._font.cache_clear()
    try:
        data = slides.png(s, tr, field, step=10, title="로젠브록", lang="ko", size=(960, 540))
        assert Image.open(io.BytesIO(data)).size == (960, 540)
    finally:
        slides._font.cache_clear()


# ------------------------------------------------------------------------------------- GIF
def test_gif_frames_size_and_first_and_last_steps(race):
    s, tr, field = race
    t0 = time.perf_counter()
    data = slides.gif(s, tr, field, title="Rosenbrock")
    took = time.perf_counter() - t0
    im = Image.open(io.BytesIO(data))
    assert im.format == "GIF" and im.size == slides.GIF_SIZE
    assert im.n_frames == len(slides.frame_steps(s.steps, slides.GIF_FRAMES)) == slides.GIF_FRAMES
    assert len(data) < 3_000_000
    slide = slides.prepare(s, tr, field, size=slides.GIF_SIZE)
    im.seek(0)
    first = np.asarray(im.convert("RGB")).astype(int)
    x, y = head_px(slide, (s.x0, s.y0))
    top_run = slide.runs[-1]            # every head at the start: the last drawn is on top
    assert np.abs(first[y, x] - rgb(style.run_color(top_run.key, theme="light"))).max() <= 24
    im.seek(im.n_frames - 1)
    last = np.asarray(im.convert("RGB")).astype(int)
    heads = visible_heads(slide, tr, s.steps, min_gap=15)
    assert len(heads) >= 3
    for run, (x, y) in heads:
        assert np.abs(last[y, x] - rgb(style.run_color(run.key, theme="light"))).max() <= 24, run.key
    assert im.info.get("duration") == slides.GIF_END_MS
    print(f"\nGIF {im.size[0]}×{im.size[1]}, {im.n_frames} frames: {len(data):,} bytes in {took:.2f} s")


# ------------------------------------------------------------------------------------- MP4
def test_mp4_has_the_header_size_and_duration(race, tmp_path):
    why = slides.mp4_unavailable()
    if why:
        pytest.skip(why)
    import imageio_ffmpeg
    s, tr, field = race
    t0 = time.perf_counter()
    data = slides.mp4(s, tr, field, title="Rosenbrock")
    took = time.perf_counter() - t0
    assert data[4:8] == b"ftyp"
    path = tmp_path / "race.mp4"
    path.write_bytes(data)
    frames = len(slides.frame_steps(s.steps, slides.MP4_FRAMES)) + slides.MP4_END_FRAMES
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = reader.__next__()
    assert tuple(meta["size"]) == slides.MP4_SIZE and meta["fps"] == slides.MP4_FPS
    n = sum(1 for _ in reader)
    assert n == frames
    assert meta["duration"] == pytest.approx(frames / slides.MP4_FPS, abs=0.1)
    print(f"\nMP4 {slides.MP4_SIZE}, {n} frames, {meta['duration']} s: {len(data):,} bytes in {took:.2f} s")


# ------------------------------------------------------------------------------- the code
def run_script(text: str, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    r = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path,
                       timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


@pytest.mark.parametrize("name", ["", "adam-bias-correction"])
def test_the_api_script_prints_the_pages_csv(name, tmp_path):
    s = preset(name)
    page = export.trajectories_csv(s, RunCache().trajectories(s))
    out = run_script(code.api_script(s), tmp_path, "race_api.py")
    assert out == page            # byte for byte: the same runner, the same floats


def _rows(text: str) -> dict:
    return {(r[0], int(r[2])): r for r in list(csv.reader(io.StringIO(text)))[1:]}


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
@pytest.mark.parametrize("name, chaotic", [("", {"rmsprop"}), ("adam-bias-correction", set()),
                                           ("every-torch-rule", set())])
def test_the_torch_script_follows_the_pages_paths(name, chaotic, tmp_path):
    """torch.optim on the same gradients: paths within 1e-10 (relative to max(1, |θ|)). A chaotic
    path (RMSProp's zig-zag across Rosenbrock's valley amplifies one rounding difference ×1.45 per
    step) must still agree to 1e-13 over its first 100 steps, which no different rule would."""
    s = preset(name)
    page = _rows(export.trajectories_csv(s, RunCache().trajectories(s)))
    text = code.torch_script(s)
    left_out = code.torch_left_out(s)
    for key in left_out:
        assert key in text                            # the script names what it left out, and why
    got = _rows(run_script(text, tmp_path, "race_torch.py"))
    assert {k for k, _ in got} == {r.key for r in s.runs} - set(left_out)
    worst = {}
    for (key, k), row in got.items():
        ref = page[(key, k)]
        assert row[1] == ref[1] and row[-1] == ref[-1]            # optimizer and label columns
        for i in (3, 4):
            assert (row[i] == "") == (ref[i] == ""), (key, k)
            if ref[i]:
                a, b = float(ref[i]), float(row[i])
                e = abs(a - b) / max(1.0, abs(a))
                worst[key] = max(worst.get(key, 0.0), e)
                if k <= 100:
                    assert e <= 1e-13, (key, k, e)
    print(f"\ntorch vs page, largest relative difference per run: {worst}")
    for key, e in worst.items():
        assert e <= 1e-10 or key in chaotic, (key, e)


# ----------------------------------------------------------------------------- the Export tab
def _catch_downloads(monkeypatch) -> dict:
    """file name → the callable of each deferred download the page registers (Streamlit makes the
    data only on click; the test calls it)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    made = {}
    real = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return made

@pytest.mark.usefixtures("fresh_caches")
def test_the_export_tab_offers_the_slides_and_the_code(monkeypatch):
    """AppTest: the buttons are there, and what each generates on click (Streamlit's deferred
    downloads: the callables are caught as the page registers them) is a slide or a script."""
    from streamlit.testing.v1 import AppTest

    from conftest import APP

    made = _catch_downloads(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["opt"] = ["adam", "adam_nobc"]
    at.query_params["steps"] = "80"
    at.session_state["tab"] = ":material/download: Export"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.label for b in at.get("download_button")]
    assert "Slide at step 80 (PNG, 1920×1080)" in labels          # no step reported: the last
    assert {"Animated race (GIF, 960×540)", "Animated race (MP4, 1280×720)",
            "Python script: this project's API", "Python script: torch.optim"} <= set(labels)
    assert any("Adam, no bias correction" in c.value for c in at.caption)   # left out, said
    png = Image.open(io.BytesIO(made["optimizer-race-step-80.png"]()))
    assert png.size == (1920, 1080)
    gif = Image.open(io.BytesIO(made["optimizer-race.gif"]()))
    assert gif.n_frames == 81 and gif.size == slides.GIF_SIZE
    api = made["race_api.py"]()
    assert "optimizers.get('adam_nobc'" in api and "steps=80" in api
    torch_text = made["race_torch.py"]()
    assert [c.value.rstrip() for c in at.code] == [api.rstrip(), torch_text.rstrip()]   # to read
    assert "torch.optim.Adam(" in torch_text and "adam_nobc: torch.optim.Adam always corrects" in torch_text


def test_without_the_encoder_the_mp4_button_says_why(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import APP

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)       # import fails as if absent
    why = slides.mp4_unavailable()
    assert why and "imageio-ffmpeg" in why
    monkeypatch.setattr(slides, "mp4_unavailable", lambda: why)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["opt"] = "adam"
    at.query_params["steps"] = "20"
    at.session_state["tab"] = ":material/download: Export"
    at.run()
    assert not at.exception
    (mp4,) = [b for b in at.get("download_button") if "MP4" in b.label]
    assert mp4.proto.disabled and mp4.proto.help == why
    assert any(c.value == why for c in at.caption)


def test_runs_that_end_at_their_start_and_a_typed_surface_still_make_slides():
    # log(x) is not defined at x0 = −1: both runs stop at step 0 (f is NaN there)
    s, notes = parse_query({"surface": "custom", "expr": "log(x) + y**2", "opt": ["adam", "sgd"],
                            "x0": "-1", "y0": "1", "steps": "50"})
    tr = RunCache().trajectories(s)
    assert not notes and {r.diverged_at for r in tr.values()} == {0}
    field = sample(s.build_surface())
    im = Image.open(io.BytesIO(slides.png(s, tr, field, size=(960, 540))))
    assert im.size == (960, 540)
    gif = Image.open(io.BytesIO(slides.gif(s, tr, field)))
    assert gif.n_frames == 51
    slide = slides.prepare(s, tr, field)
    assert slide.title == "Your own f(x, y)" and slide.formula == "f(x, y) = log(x) + y²"


@pytest.mark.usefixtures("fresh_caches")
def test_the_slide_follows_the_pages_theme(monkeypatch):
    """A page shown dark (the browser's theme, as st.context reports it) makes a dark slide."""
    from streamlit.testing.v1 import AppTest

    from conftest import APP

    made = _catch_downloads(monkeypatch)
    monkeypatch.setattr(style, "theme_of", lambda kind: "dark")     # AppTest reports no theme
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["opt"] = "adam"
    at.query_params["steps"] = "30"
    at.session_state["tab"] = ":material/download: Export"
    at.run()
    assert not at.exception
    im = np.asarray(Image.open(io.BytesIO(made["optimizer-race-step-30.png"]())).convert("L"))
    assert np.median(im) < 60
