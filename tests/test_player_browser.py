"""The race player in a real browser (Playwright + Debian's Chromium against `streamlit run
app.py`): play, every key, the `Step` slider contract, the legend and the loss curve's cursor at
step t, the inspector's numbers equal to `optimizers.run` at that step, the step kept across
reruns, and the offline HTML playing from file:// with the network blocked.

Outside CI these tests are skipped (loudly) when Chromium or Playwright is missing."""
from __future__ import annotations

import time

import pytest


PLAYER = ".ovp-root[data-ready='1']"

pytestmark = pytest.mark.browser

# the page's server and browser as the other browser tests start them (and skip as they do)
from test_browser import READY, browser, sync_playwright  # noqa: E402,F401


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server            # the session's server (tests/conftest.py)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = tmp_path_factory.mktemp("player-screenshots")
    print(f"\nscreenshots: {d}")
    return d


def settle(page):
    time.sleep(0.3)
    page.wait_for_selector(READY, state="attached", timeout=60_000)


def open_player(browser, url):
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.goto(url)
    page.wait_for_selector(PLAYER, state="attached", timeout=60_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


@pytest.fixture(scope="module")
def loaded(server, browser):
    """One load of the default page for the tests that only drive the player on it (each page
    load costs seconds); `player` hands it to each test back at the finished race."""
    page = open_player(browser, server)
    state = {"page": page, "fresh": True}
    yield state
    page.close()


@pytest.fixture
def player(loaded):
    """The module's default page as a new load shows it: paused at the finished race (step 1000).
    The first test gets it untouched, so "the finished race first" is checked on the load itself."""
    page = loaded["page"]
    if not loaded["fresh"]:
        page.evaluate("() => { const o = document.querySelector('.ovp-root').__ovp;"
                      " if (document.querySelector('.ovp-root').dataset.playing) o.pause(); }")
        page.mouse.move(5, 5)
        page.get_by_role("slider", name="Step", exact=True).focus()
        page.keyboard.press("End")
        wait_step(page, 1000)
        settle(page)
    loaded["fresh"] = False
    assert page.locator("[data-testid='stException']").count() == 0
    return page


def step_of(page) -> int:
    return int(page.get_by_role("slider", name="Step", exact=True).get_attribute("aria-valuenow"))


def wait_step(page, t: int):
    page.wait_for_function(f"document.querySelector('.ovp-root').dataset.step === '{t}'",
                           timeout=10_000)


@pytest.fixture(scope="module")
def default_runs():
    """The default scene's trajectories, computed here with the public API (the oracle)."""
    import optimizers
    from optviz.model.scenario import make_optimizer, parse_query
    scn, _ = parse_query({})
    s = scn.build_surface()
    trs = optimizers.run([make_optimizer(r) for r in scn.runs], s, start=scn.start,
                         steps=scn.steps, seed=scn.seed)
    return scn, s, {r.key: tr for r, tr in zip(scn.runs, trs)}


def test_the_step_slider_contract_and_every_key(player, shots):
    page = player
    slider = page.get_by_role("slider", name="Step", exact=True)
    assert slider.get_attribute("aria-valuemax") == "1000"
    assert slider.get_attribute("aria-valuemin") == "0"
    assert step_of(page) == 1000                         # the finished race first
    slider.focus()
    for key, want in (("Home", 0), ("ArrowRight", 1), ("ArrowRight", 2), ("Shift+ArrowRight", 12),
                      ("ArrowLeft", 11), ("Shift+ArrowLeft", 1), ("End", 1000),
                      ("ArrowRight", 1000), ("Home", 0), ("ArrowLeft", 0)):
        page.keyboard.press(key)
        wait_step(page, want)
        assert step_of(page) == want, key
    page.screenshot(path=str(shots / "step0.png"))
    # space plays and pauses; the focus ring is visible on the slider
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press(" ")
    page.wait_for_selector(".ovp-root[data-playing='1']", timeout=5_000, state="attached")
    time.sleep(0.6)
    page.keyboard.press(" ")
    page.wait_for_function("!document.querySelector('.ovp-root').dataset.playing", timeout=5_000)
    a = step_of(page)
    time.sleep(0.4)
    assert 0 < a < 1000 and step_of(page) == a        # paused where it was


def test_play_goes_through_every_step_in_order(player, shots, default_runs):
    page = player
    page.get_by_role("button", name="Previous step").click()
    wait_step(page, 999)
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    wait_step(page, 0)
    seen = page.evaluate("""() => new Promise((res) => {
        const root = document.querySelector('.ovp-root'), seen = [];
        const obs = new MutationObserver(() => seen.push(+root.dataset.step));
        obs.observe(root, {attributes: true, attributeFilter: ['data-step']});
        root.querySelector('.ovp-speed[aria-label="Speed ½×"]').click();
        root.querySelector('.ovp-play').click();
        setTimeout(() => { root.__ovp.pause(); obs.disconnect(); res(seen); }, 1500);
    })""")
    page.screenshot(path=str(shots / "played.png"))
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] > 20, seen[:40]
    # the head sits exactly at θ_t: the frame's head is the record's row t
    t = step_of(page)
    head = page.evaluate("(() => { const f = document.querySelector('.ovp-root').__ovp.frame;"
                         " return [f.t, f.runs[5].hx, f.runs[5].hy]; })()")
    assert head[0] == t and head[1:] == list(default_runs[2]["adam"].points[t])    # θ_t exactly


def test_the_legend_and_the_loss_cursor_show_step_t(player, shots, default_runs):
    scn, s, trs = default_runs
    page = player
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    wait_step(page, 20)
    t = 20
    vals = page.evaluate("""() => [...document.querySelectorAll('.ovp-item')].map(
        (e) => [e.dataset.key, +e.querySelector('.ovp-val').dataset.value,
                e.querySelector('.ovp-val').textContent])""")
    assert [k for k, _, _ in vals] == [r.key for r in scn.runs]
    for key, v, text in vals:
        want = trs[key].losses[t] - s.f_min
        assert v == want, (key, v, want)                 # the float64 of the record
        assert text.startswith("f−f* = ")
    # the cursor: a vertical line at step t on the loss curve, one dot per run at f − f*
    geo = page.evaluate("""() => { const p = document.querySelector('.ovp-root').__ovp;
        const gd = p.lossEl, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const els = p.traceEls(gd);
        const line = els[p.L_LINE].querySelector('path.js-line').getAttribute('d');
        const dots = [...els[p.L_CURSOR].querySelectorAll('path.point')].map(
            (e) => e.getAttribute('transform'));
        return {line, dots, x: xa.c2p(20), ys: p.runs.map((r) => ya.c2p(r.f[20]))}; }""")
    x = float(geo["line"][1:].split(",")[0])
    assert abs(x - geo["x"]) < 0.2
    for dot, y in zip(geo["dots"], geo["ys"]):
        px, py = (float(v) for v in dot[len("translate("):-1].split(","))
        assert abs(px - geo["x"]) < 0.2 and abs(py - y) < 0.2
    page.screenshot(path=str(shots / "step20.png"))


def test_hover_is_linked_between_the_map_and_the_loss_curve(player):
    page = player
    # hover the loss curve at step 300 of Adam: the map marks θ_300 of Adam
    pos = page.evaluate("""() => { const p = document.querySelector('.ovp-root').__ovp;
        const gd = p.lossEl, fl = gd._fullLayout, r = gd.getBoundingClientRect(), a = p.runs[5];
        return {x: r.left + fl.xaxis._offset + fl.xaxis.c2p(300),
                y: r.top + fl.yaxis._offset + fl.yaxis.c2p(a.f[300])}; }""")
    page.mouse.move(pos["x"], pos["y"])
    page.wait_for_function("document.querySelector('[data-testid=player-map]').dataset.hoverStep",
                           timeout=5_000)
    k = int(page.evaluate("document.querySelector('[data-testid=player-map]').dataset.hoverStep"))
    assert abs(k - 300) <= 30
    page.mouse.move(5, 5)
    page.wait_for_function("!document.querySelector('[data-testid=player-map]').dataset.hoverStep",
                           timeout=5_000)
    # hover Adam's path on the map: the loss curve marks that step
    pos = page.evaluate("""() => { const p = document.querySelector('.ovp-root').__ovp;
        const gd = p.mapEl, fl = gd._fullLayout, r = gd.getBoundingClientRect(), a = p.runs[5];
        return {x: r.left + fl.xaxis._offset + fl.xaxis.c2p(a.x[40]),
                y: r.top + fl.yaxis._offset + fl.yaxis.c2p(a.y[40])}; }""")
    page.mouse.move(pos["x"], pos["y"])
    page.wait_for_function("document.querySelector('[data-testid=player-loss]').dataset.hoverStep",
                           timeout=5_000)


def _inspector(page) -> dict:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '[data-testid=player-inspector] .ovp-irow[data-field]')].map((r) => [r.dataset.field,
        [+r.dataset.row, [...r.querySelectorAll('.ovp-num')].map((n) => +n.dataset.value),
         [...r.querySelectorAll('.ovp-num')].map((n) => n.textContent)]]))""")


def test_the_inspector_shows_the_recorded_numbers_of_step_t(player, shots, default_runs):
    scn, s, trs = default_runs
    tr = trs["adam"]
    page = player
    page.locator(".ovp-run[data-key='adam']").click()
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    for want in (1, 2, 3):
        page.keyboard.press("ArrowRight")
        wait_step(page, want)
    t = 3
    rows = _inspector(page)
    page.screenshot(path=str(shots / "inspector.png"))
    assert rows["grad"][1] == list(tr.grads[t - 1])               # g_t = ∇f(θ_{t−1}), exact
    assert rows["m_hat"][1] == list(tr.m_hat[t])
    assert rows["v_hat_sqrt"][1] == list(tr.v_hat_sqrt[t])
    assert rows["theta"][1] == list(tr.points[t])
    assert rows["dtheta"][1] == list(tr.points[t] - tr.points[t - 1])
    assert rows["f"][1] == [tr.losses[t] - s.f_min]
    assert rows["gamma"][1] == [dict(scn.runs[5].hp)["lr"] * tr.eta[t - 1]]
    # what a person reads: six significant digits of the same numbers
    text = rows["theta"][2][0].replace("−", "-")
    assert float(text) == pytest.approx(tr.points[t, 0], rel=1e-5)
    # the arrows sit at θ_{t−1}: the Δθ arrow ends at θ_t (magnified by the stated factor)
    scale = float(page.get_attribute("[data-testid=player-arrow-scale]", "data-scale"))
    assert scale >= 1


def test_the_bias_correction_preset_reads_alpha_and_ten_alpha(server, browser, shots):
    from optviz.model.presets import get_preset, preset_url
    page = open_player(browser, server + "/" + preset_url(get_preset("adam-bias-correction")))
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_step(page, 2)
    keys = page.evaluate("[...document.querySelectorAll('.ovp-run')].map((b) => b.dataset.key)")
    seen = {}
    for key in keys:
        page.locator(f".ovp-run[data-key='{key}']").click()
        rows = _inspector(page)
        seen[key] = (max(abs(v) for v in rows["dtheta"][1]), rows["gamma"][1][0])
    page.screenshot(path=str(shots / "bias-correction.png"))
    ratios = {k: d / g for k, (d, g) in seen.items()}
    assert any(0.75 < r <= 1.0001 for k, r in ratios.items() if k.startswith("adam") and "nobc" not in k)
    assert any(r > 5 for k, r in ratios.items() if "nobc" in k), ratios
    page.close()


def test_the_step_is_kept_across_reruns(player):
    page = player
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    wait_step(page, 40)
    settle(page)
    records = page.evaluate("document.querySelector('.ovp-root').dataset.records")
    # a rerun that changes the trajectories: fewer steps
    steps = page.get_by_role("slider", name="Steps")
    steps.focus()
    steps.press("ArrowLeft")
    page.wait_for_url("**steps=700**", timeout=30_000)
    page.wait_for_function("(r) => document.querySelector('.ovp-root').dataset.records !== r",
                           arg=records, timeout=30_000)
    settle(page)
    assert step_of(page) == 40
    assert page.get_by_role("slider", name="Step", exact=True).get_attribute("aria-valuemax") == "700"


def test_clicking_the_map_moves_the_start(server, browser, shots):
    page = open_player(browser, server)
    pos = page.evaluate("""() => { const p = document.querySelector('.ovp-root').__ovp;
        const gd = p.mapEl, fl = gd._fullLayout, r = gd.getBoundingClientRect();
        return {x: r.left + fl.xaxis._offset + fl.xaxis.c2p(0.5),
                y: r.top + fl.yaxis._offset + fl.yaxis.c2p(2.5)}; }""")
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_url("**x0=**", timeout=30_000)
    settle(page)
    assert "x0=0.53" in page.url and "y0=2.47" in page.url      # the nearest click-grid point
    page.close()


def test_the_offline_html_plays_from_file_with_the_network_blocked(tmp_path, browser, shots,
                                                                   default_runs):
    from optviz.player.build import scene_for
    from optviz.player.export import race_html
    from optviz.figures import background
    scn, s, trs = default_runs
    sc, blobs = scene_for(scn, trs, background.sample(s), surface=s)
    path = tmp_path / "race.html"
    path.write_text(race_html(sc, blobs, title="Rosenbrock"), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000})
    asked = []

    def block(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        asked.append(route.request.url)
        return route.abort()

    ctx.route("**/*", block)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(PLAYER, state="attached", timeout=30_000)
    assert page.locator(".ovp-item").count() == 7
    slider = page.get_by_role("slider", name="Step", exact=True)
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    wait_step(page, 1)
    rows = _inspector(page)
    assert rows["theta"][1] == list(trs["adam"].points[1])           # the inspector works offline
    page.keyboard.press(" ")
    page.wait_for_function("+document.querySelector('.ovp-root').dataset.step > 10", timeout=10_000)
    page.keyboard.press(" ")
    assert page.locator("[data-testid=player-loss] .scatterlayer .trace").count() >= 7
    page.screenshot(path=str(shots / "offline.png"))
    assert not errors and not [u for u in asked if not u.startswith("data:")], (errors, asked)
    ctx.close()
