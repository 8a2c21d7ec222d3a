"""The page in a real browser: Playwright driving Debian's Chromium against `streamlit run app.py`.

Checks what AppTest cannot: the race player draws, Play runs it, a slider writes the URL, that URL
opened in a fresh page draws the same paths, and a click on the map moves the start (the player's
own behaviour, step by step, is in tests/test_player_browser.py). Screenshots go
to a temporary folder (printed). Outside CI these tests are skipped — loudly — when Chromium or
Playwright is missing; with CI set they must run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port, serving, streamlit_cmd

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:                                    # pragma: no cover - depends on the machine
    sync_playwright = None

_missing = ("playwright is not installed" if sync_playwright is None else
            f"no Chromium at {CHROMIUM}" if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM))
            else "")
if _missing:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        raise RuntimeError(f"browser tests must run in CI, but {_missing}")
    pytest.skip(f"browser tests skipped: {_missing} (set CI=1 to make this an error)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = open(ROOT / ".pytest_cache" / "streamlit-browser-test.log", "w") \
        if (ROOT / ".pytest_cache").is_dir() else subprocess.DEVNULL
    with serving(streamlit_cmd(port), port, log=log) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {d}")
    return d


GD = "document.querySelector('.ovp-root').__ovp.mapEl"      # the race player's map
PLAYER = "document.querySelector('.ovp-root').__ovp"


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(url)
    settle(page)
    page.wait_for_selector(".ovp-root[data-ready='1']", state="attached", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


def settle(page):
    time.sleep(0.3)
    page.wait_for_selector(READY, state="attached", timeout=60_000)


def paths(page) -> list:
    """Every run's path as the player holds it (every step, float64), as plain numbers."""
    return page.evaluate(f"() => {PLAYER}.runs.map(r => [r.label, Array.from(r.x), Array.from(r.y)])")


def step(page) -> int:
    return int(page.get_by_role("slider", name="Step", exact=True).get_attribute("aria-valuenow"))


def test_page_loads_and_draws_the_race(server, browser, shots):
    page = open_page(browser, server)
    page.screenshot(path=str(shots / "default.png"))
    assert page.locator(".ovp-item").count() == 7
    assert page.locator(".ovp-map .imagelayer image").count() == 1      # the contour PNG
    assert page.url.rstrip("/") == server                # the default page is not rewritten
    assert len(paths(page)) == 7
    # plotly.js's basic bundle (optviz/player/vendor) knows every trace type the player draws
    kinds = page.evaluate("""() => { const known = Object.keys(Plotly.PlotSchema.get().traces);
        const used = [...document.querySelectorAll('.ovp-root .js-plotly-plot')].flatMap(
            (gd) => gd._fullData.map((t) => t.type));
        return [known, [...new Set(used)], Plotly.version]; }""")
    assert kinds[1] and set(kinds[1]) <= set(kinds[0]), kinds[:2]
    assert kinds[2] == "4.1.1"
    page.close()


def test_play_advances_the_race(server, browser, shots):
    page = open_page(browser, server)
    assert step(page) == 1000                             # the finished race first
    page.get_by_role("button", name="Play").click()        # from the end: starts again at 0
    time.sleep(0.8)
    a = step(page)
    time.sleep(0.8)
    b = step(page)
    page.screenshot(path=str(shots / "playing.png"))
    assert 0 < a < b < 1000, (a, b)
    # while playing, the background stays
    assert page.locator(".ovp-map .imagelayer image").count() == 1
    page.get_by_role("button", name="Pause").click()
    time.sleep(0.3)
    c = step(page)
    time.sleep(0.5)
    assert step(page) == c
    page.mouse.move(5, 500)                              # no hover label in the picture
    time.sleep(0.3)
    page.screenshot(path=str(shots / "paused.png"))
    if os.environ.get("SAVE_SCREENSHOT"):               # how assets/screenshot.png is made
        shutil.copy(shots / "paused.png", os.environ["SAVE_SCREENSHOT"])
    page.close()


def test_a_slider_writes_the_url_and_the_url_reproduces_the_race(server, browser, shots):
    page = open_page(browser, server)
    steps = page.get_by_role("slider", name="Steps")
    steps.focus()
    steps.press("ArrowLeft")
    page.wait_for_url("**steps=700**", timeout=30_000)
    settle(page)
    page.wait_for_function(f"{PLAYER}.scene.steps === 700 && {PLAYER}.runs[0].x.length === 701",
                           timeout=30_000)
    first = paths(page)
    assert all(len(x) == 701 for _, x, _ in first)
    url = page.url
    page.close()

    fresh = open_page(browser, url)
    fresh.screenshot(path=str(shots / "reopened.png"))
    assert fresh.url == url
    assert paths(fresh) == first                        # the same link draws the same paths
    fresh.close()


def _start_marker(page) -> list:
    return page.evaluate(f"() => [{GD}.data[1].x[0], {GD}.data[1].y[0]]")


def test_clicking_the_map_moves_the_start(server, browser, shots):
    page = open_page(browser, server)
    pos = page.evaluate(f"""() => {{
        const gd = {GD}, fl = gd._fullLayout, r = gd.getBoundingClientRect();
        return {{x: r.left + fl.xaxis._offset + fl.xaxis.d2p(0.5),
                 y: r.top + fl.yaxis._offset + fl.yaxis.d2p(2.5)}};
    }}""")
    page.mouse.move(pos["x"], pos["y"])
    time.sleep(0.4)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_url("**x0=**", timeout=30_000)
    settle(page)
    page.wait_for_function(f"Math.abs({GD}.data[1].x[0] - 0.53) < 0.01", timeout=30_000)
    page.screenshot(path=str(shots / "clicked.png"))
    assert "x0=0.53" in page.url and "y0=2.47" in page.url
    page.close()


def test_presentation_mode_collapses_the_sidebar(server, browser, shots):
    page = open_page(browser, server + "/?v=1&view=present")
    page.screenshot(path=str(shots / "present.png"))
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.count() == 0 or sidebar.get_attribute("aria-expanded") == "false" \
        or not sidebar.is_visible()
    height = page.evaluate(f"{GD}.layout.height")         # the player's map
    assert height >= 780
    page.close()


def test_a_mangled_link_warns_in_the_page(server, browser, shots):
    page = open_page(browser, server + "/?v=1&adam.lr=%EF%BC%91&surface=%3Cb%3Emoon%3C/b%3E&steps=1e309")
    page.screenshot(path=str(shots / "mangled.png"))
    alert = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "adam.lr" in alert and "surface" in alert and "steps" in alert
    assert page.locator("b:text('moon')").count() == 0              # shown as text, never as HTML
    assert "adam.lr" not in page.url and "steps" not in page.url
    page.close()


def test_a_preset_name_alone_shows_the_preset_race_and_keeps_the_link_short(server, browser, shots):
    """`?preset=<name>` (with the tracking keys a chat app appends) draws that preset's race with
    A/B copies told apart by what differs and by dash, warns about nothing, and stays as it was."""
    from optviz.figures import style
    link = "/?preset=adam-bias-correction&utm_source=chat&fbclid=IwAR0"
    page = open_page(browser, server + link)
    time.sleep(1.0)
    settle(page)
    page.screenshot(path=str(shots / "preset-alone.png"))
    assert page.url == server + link
    assert page.locator("[data-testid='stAlert']").filter(has_text="could not be used").count() == 0
    assert page.locator("[data-testid='stExpander'] summary").filter(
        has_text="Preset:").first.inner_text().find("changed since") < 0
    labels = page.locator(".ovp-label").all_inner_texts()
    assert labels == ["Adam · β₂ = 0.999", "Adam B · β₂ = 0.9999",
                      "Adam, no bias correction · β₂ = 0.999", "Adam, no bias correction B · β₂ = 0.9999"]
    seen = page.evaluate("""() => [...document.querySelectorAll('.ovp-swatch')].slice(0, 4).map(
        e => [getComputedStyle(e).borderTopStyle, getComputedStyle(e).borderTopColor])""")
    want = [style.run_color(k) for k in ("adam", "adam-2", "adam_nobc", "adam_nobc-2")]
    rgb = ["rgb(%d, %d, %d)" % tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in want]
    assert seen == [["solid", rgb[0]], ["dashed", rgb[1]], ["solid", rgb[2]], ["dashed", rgb[3]]]
    # the head's marker in the legend: the family's shape (square: Adam-like), open for copy B
    marks = page.evaluate("""() => [...document.querySelectorAll('.ovp-mark')].slice(0, 4).map(
        e => [e.textContent, getComputedStyle(e).color])""")
    assert marks == [["■", rgb[0]], ["□", rgb[1]], ["■", rgb[2]], ["□", rgb[3]]]
    page.close()


def sidebar_expander(page, run_key: str):
    """An optimizer's panel in the sidebar, by its run's key (adam, adam-2, …)."""
    return page.locator(f"[data-testid='stSidebar'] .st-key-_panel_opt_{run_key}")


def panel_header(panel) -> str:
    """A panel's header as a person reads it: the run's label and the γ a style rule appends."""
    return panel.locator("summary p").first.evaluate(
        "e => { const c = getComputedStyle(e, '::after').content;"
        " return e.textContent + (c.startsWith('\"') ? JSON.parse(c) : ''); }")


def test_an_optimizer_panel_stays_open_when_its_learning_rate_changes(server, browser, shots):
    import re
    from urllib.parse import parse_qs, urlparse

    from optviz.model.fmt import fmt_number

    page = open_page(browser, server)
    panel = sidebar_expander(page, "adam")
    assert panel_header(panel) == "Adam · γ = 0.02"
    panel.locator("summary").first.click()
    lr = panel.get_by_role("slider", name=re.compile(r"\blr$"))
    lr.wait_for(state="visible")
    lr.focus()
    lr.press("ArrowRight")
    page.wait_for_url("**adam.lr=**", timeout=30_000)
    settle(page)
    new = fmt_number(float(parse_qs(urlparse(page.url).query)["adam.lr"][0]))
    page.wait_for_function("(want) => { const e = document.querySelector("
                           "'[data-testid=stSidebar] .st-key-_panel_opt_adam summary p');"
                           " return getComputedStyle(e, '::after').content.includes(want); }",
                           arg=f"γ = {new}", timeout=10_000)
    assert panel_header(panel) == f"Adam · γ = {new}"                # the header follows the value …
    time.sleep(0.3)                                                  # (any collapse would animate)
    page.screenshot(path=str(shots / "panel-open.png"))
    assert panel.locator("details").first.get_attribute("open") is not None    # … and stays open
    assert panel.get_by_role("slider", name=re.compile(r"\blr$")).is_visible()
    page.close()


def test_the_hover_data_follow_a_new_record_once_a_pointer_comes_over_the_map(server, browser, shots):
    # a notch repaints the paths at once; plotly's own copy of them (its hover) is redrawn later,
    # at once when the pointer comes over a chart
    import re
    page = open_page(browser, server)
    page.mouse.move(5, 5)
    panel = sidebar_expander(page, "adam")
    panel.locator("summary").first.click()
    lr = panel.get_by_role("slider", name=re.compile(r"\blr$"))
    lr.wait_for(state="visible")
    settle(page)
    hover_path = """() => { const p = document.querySelector('.ovp-root').__ovp;
        const i = p.runs.findIndex((r) => r.key === 'adam');
        const t = p.mapEl.data[p.T_RUNS + 3 * i];
        return [p.stale, Array.from(t.x), Array.from(p.runs[i].gx), Array.from(t.y), Array.from(p.runs[i].gy)]; }"""
    stale, hx, gx, _, _ = page.evaluate(hover_path)
    assert not stale and hx == gx
    before = page.evaluate("document.querySelector('.ovp-root').dataset.records")
    lr.focus()
    lr.press("ArrowRight")
    page.wait_for_function("(b) => document.querySelector('.ovp-root').dataset.records !== b", arg=before,
                           timeout=30_000)
    stale, hx, gx, _, _ = page.evaluate(hover_path)
    assert stale and hx != gx                   # the new path is painted, the hover data not yet
    box = page.get_by_test_id("player-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # well before the idle redraw (2.5 s after the notch): only the pointer can have asked for it
    page.wait_for_function("!document.querySelector('.ovp-root').__ovp.stale", timeout=2_000)
    page.wait_for_timeout(300)
    stale, hx, gx, hy, gy = page.evaluate(hover_path)
    assert hx == gx and hy == gy
    page.close()


def hover_at(page, x: float, y: float) -> dict:
    """Move the mouse to data point (x, y) of the race's map; what has the hover there."""
    pos = page.evaluate(f"""([x, y]) => {{
        const gd = {GD}, fl = gd._fullLayout, r = gd.getBoundingClientRect();
        return {{x: r.left + fl.xaxis._offset + fl.xaxis.d2p(x),
                 y: r.top + fl.yaxis._offset + fl.yaxis.d2p(y)}};
    }}""", [float(x), float(y)])
    page.mouse.move(pos["x"], pos["y"])
    time.sleep(0.4)
    return page.evaluate(f"""() => {{ const h = ({GD})._hoverdata?.[0];
        return h ? {{curve: h.curveNumber, name: h.data.name, x: h.x, y: h.y}} : null; }}""")


def test_a_click_on_a_path_or_a_marker_moves_the_start_to_the_nearest_grid_point(server, browser,
                                                                                  shots):
    import numpy as np

    import surfaces
    from optviz.player.scene import CLICK_GRID

    def click_and_wait(x, y, tol):
        page.mouse.down()
        page.mouse.up()
        settle(page)
        page.wait_for_function(f"Math.abs({GD}.data[1].x[0] - {x}) <= {tol} && "
                               f"Math.abs({GD}.data[1].y[0] - {y}) <= {tol}", timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0

    page = open_page(browser, server)
    # at step 0 every head sits on the start: a click elsewhere is a new start, not a head
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    (xa, xb), (ya, yb) = surfaces.get("rosenbrock").window
    gx, gy = np.linspace(xa, xb, CLICK_GRID), np.linspace(ya, yb, CLICK_GRID)
    # a vertex of the Adam path far from the start and the minimum
    x, y = next(np.array([px, py]) for name, px, py in paths(page) if name == "Adam")
    far = (np.hypot(x - x[0], y - y[0]) > 0.3) & (np.hypot(x - 1, y - 1) > 0.3)
    i = int(np.flatnonzero(far)[len(np.flatnonzero(far)) // 2])
    hovered = hover_at(page, x[i], y[i])
    assert hovered and hovered["name"] in {n for n, _, _ in paths(page)}, hovered   # a path
    click_and_wait(gx[np.abs(gx - x[i]).argmin()], gy[np.abs(gy - y[i]).argmin()], 0.006)
    assert "x0=" in page.url and "y0=" in page.url
    page.screenshot(path=str(shots / "clicked-path.png"))
    # on the minimum's star: the start moves next to the minimum
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    hover_at(page, 1.0, 1.0)
    click_and_wait(1.0, 1.0, (xb - xa) / (CLICK_GRID - 1) / 2 + 0.006)
    page.close()


def test_the_export_tabs_png_button_downloads_the_slide_of_the_players_step(server, browser, shots):
    import io
    import re

    from PIL import Image

    page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page.goto(server + "/?opt=adam&opt=sgd&steps=60")
    settle(page)
    page.wait_for_selector(".ovp-root[data-ready='1']", state="attached", timeout=60_000)
    page.get_by_role("tab", name=re.compile("Export")).click()
    settle(page)
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    # the player reports its step once it rests; the button then names it
    button = page.get_by_role("button", name=re.compile(r"Slide at step 7 \(PNG"))
    button.wait_for(timeout=30_000)
    settle(page)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "optimizer-race-step-7.png"
    im = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert im.format == "PNG" and im.size == (1920, 1080)
    im.save(shots / "slide-step-7.png")
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def _core_run(url: str, key: str):
    """Run `key` of the scenario in `url` with the public API (the oracle): (trajectory, f*)."""
    from urllib.parse import parse_qs, urlparse

    import optimizers
    from optviz.model.scenario import make_optimizer, parse_query
    scn, _ = parse_query(parse_qs(urlparse(url).query))
    s = scn.build_surface()
    run = next(r for r in scn.runs if r.key == key)
    return optimizers.run(make_optimizer(run), s, start=scn.start, steps=scn.steps,
                          seed=scn.seed), s.f_min


def _notch_adam_lr(page):
    import re
    old = page.url
    panel = sidebar_expander(page, "adam")
    if panel.locator("details").first.get_attribute("open") is None:
        panel.locator("summary").first.click()
    lr = panel.get_by_role("slider", name=re.compile(r"\blr$"))
    lr.wait_for(state="visible")
    lr.focus()
    lr.press("ArrowRight")
    page.wait_for_function("(old) => location.href !== old", arg=old, timeout=30_000)
    time.sleep(0.5)
    settle(page)


def test_a_notch_reaches_every_view_that_shows_the_run(server, browser, shots):
    """A notch of a hyperparameter reruns the optimizer panels and the race alone while nothing
    else on the page shows that run: the link, the share box and the legend follow it. With a
    results tab open, or on a preset, the rest of the page follows too: the Diagnostics curve is
    the new run's, and the preset says it was changed."""
    import re
    page = open_page(browser, server)
    # the landing page (the Presets tab): the race, the link and the share box
    _notch_adam_lr(page)
    assert "adam.lr=" in page.url
    assert page.get_by_role("textbox", name="Share this scenario").input_value().endswith(
        "?" + page.url.split("?", 1)[1])
    tr, f_star = _core_run(page.url, "adam")
    t = step(page)
    shown = page.evaluate("() => +document.querySelector(\".ovp-item[data-key='adam'] .ovp-val\")"
                          ".dataset.value")
    assert shown == tr.losses[t] - f_star                  # the legend: the new run's record
    # the Diagnostics tab open: its f − f* curve of Adam is the new run's too
    page.get_by_role("tab", name=re.compile("Diagnostics")).click()
    settle(page)
    _notch_adam_lr(page)
    tr, f_star = _core_run(page.url, "adam")
    page.wait_for_function("(n) => [...document.querySelectorAll('.js-plotly-plot')].some("
                           "g => !g.closest('.ovp-root') && g.data && g.data.length > n)", arg=7,
                           timeout=30_000)
    curve = page.evaluate("""() => { const g = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => !g.closest('.ovp-root'));
        const tr = g._fullData.find(d => d.name === "Adam" && d.showlegend);
        return [Array.from(tr.x), Array.from(tr.y)]; }""")
    want = dict(zip(curve[0], curve[1]))
    assert len(want) > 100, curve[0][:5]
    for k in (1, 10, 100, tr.steps):
        assert want[k] == pytest.approx(tr.losses[k] - f_star, rel=1e-6)     # float32 on the wire
    page.screenshot(path=str(shots / "notch-diagnostics.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
    # a preset: a notch tags it as changed
    page = open_page(browser, server + "/?preset=adam-bias-correction")
    header = page.locator("[data-testid='stExpander'] summary").filter(has_text="Preset:").first
    assert "changed since" not in header.inner_text()
    _notch_adam_lr(page)
    page.wait_for_function("(e) => e.innerText.includes('changed since it was loaded')",
                           arg=header.element_handle(), timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
