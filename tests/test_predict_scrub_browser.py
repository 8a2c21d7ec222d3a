"""Predict-then-reveal and the scrubbed hyperparameter in a real browser (one server, two pages).

Predict: a `predict=1` link opens with the paths and the legend's numbers hidden; clicks on the map
place guesses; the guesses survive a rerun (a switch to present mode) and never reach the link;
Reveal shows each guess's distance to the run's true end point and the true order — checked
against `optimizers.run`. Scrub: the second slider moves the path through every member of the
family with no WebSocket message on the way, each member's path (read from the page) equals
`optimizers.run` at that value, and letting go puts the value in the sidebar control and the race.
"""
from __future__ import annotations

import math
import time
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

pytestmark = pytest.mark.browser

from test_browser import (READY, browser, panel_header, sidebar_expander,  # noqa: E402,F401
                          sync_playwright)


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server            # the session's server (tests/conftest.py)

PLAYER = ".ovp-root[data-ready='1']"
OVP = "document.querySelector('.ovp-root').__ovp"


def settle(page):
    time.sleep(0.4)
    page.wait_for_selector(READY, state="attached", timeout=90_000)


def open_page(browser, url, seen=None):
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    if seen is not None:        # every WebSocket frame sent or received (Streamlit's one socket)
        page.on("websocket", lambda ws: (
            ws.on("framesent", lambda p: seen.append(("sent", len(p)))),
            ws.on("framereceived", lambda p: seen.append(("got", len(p))))))
    page.goto(url)
    page.wait_for_selector(PLAYER, state="attached", timeout=90_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


def contrast(page, sel) -> float:
    """WCAG contrast of an element's text against the predict panel's background."""
    rgb = page.evaluate("""(sel) => { const e = document.querySelector(sel);
        const box = document.querySelector('.ovp-predict');
        const c = (s) => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
        return [c(getComputedStyle(e).color), c(getComputedStyle(box).backgroundColor)]; }""", sel)

    def lum(c):
        v = [x / 255 for x in c]
        v = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    a, b = sorted((lum(rgb[0]), lum(rgb[1])), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_predict_hides_the_paths_keeps_the_guesses_and_reveal_shows_the_errors(server, browser):
    import optimizers
    from optviz.model import presets
    from optviz.model.scenario import make_optimizer, parse_query
    p = presets.get_preset("rosenbrock-race")
    url = server + presets.preset_url(p) + "&predict=1"
    scn = parse_query({**p.query})[0]
    surf = scn.build_surface()
    trs = dict(zip([r.key for r in scn.runs],
                   optimizers.run([make_optimizer(r) for r in scn.runs], surf, start=scn.start,
                                  steps=scn.steps, seed=scn.seed)))
    page = open_page(browser, url)
    box = page.get_by_test_id("player-predict")
    assert box.is_visible() and p.question in box.inner_text()
    # veiled: no run trace is drawn, the legend says "?", the loss chart is hidden
    vis = page.evaluate(f"(() => {{ const o = {OVP}; return o.runs.map((r, i) =>"
                        f" [0, 1, 2].map((k) => o.mapEl.data[o.T_RUNS + 3 * i + k].visible)); }})()")
    assert all(v is False for run in vis for v in run), vis
    vals = page.locator(".ovp-val").all_inner_texts()
    assert vals and all(v == "?" for v in vals), vals
    assert page.evaluate(f"getComputedStyle({OVP}.lossEl).visibility") == "hidden"
    assert not page.get_by_test_id("player-inspector").inner_text().strip()
    # readable: the question and the hints at ≥ 4.5:1 on the panel, the question large enough
    for sel in (".ovp-question", ".ovp-hint", ".ovp-ptitle"):
        assert contrast(page, sel) >= 4.5, sel
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.ovp-question')).fontSize)")) >= 15
    # the run list keeps its keys (the race's step does not move)
    step = page.evaluate(f"{OVP}.t")
    who = box.get_by_role("combobox", name="Guess for")
    who.focus()
    page.keyboard.press("ArrowDown")
    assert who.input_value() == "momentum" and page.evaluate(f"{OVP}.t") == step
    page.keyboard.press("ArrowUp")
    assert who.input_value() == "sgd"
    # three guesses, by clicking the map (the start does not move: predict mode)
    area = page.locator(".ovp-map .nsewdrag").first
    area.scroll_into_view_if_needed()
    b = area.bounding_box()
    for fx, fy in ((0.55, 0.45), (0.7, 0.3), (0.3, 0.6)):
        page.mouse.click(b["x"] + fx * b["width"], b["y"] + fy * b["height"])
        time.sleep(0.15)
    st = page.evaluate(f"{OVP}.pst")
    assert list(st["guesses"]) == ["sgd", "momentum", "nesterov"], st
    assert page.get_by_test_id("predict-count").get_attribute("data-n") == "3"
    box.get_by_role("combobox", name="Reaches the minimum first:").select_option("nesterov")
    # a rerun (present mode) keeps them; the link has the switch and no guess
    page.locator("[data-testid='stSidebar'] label").filter(has_text="Present (large type)").click()
    settle(page)
    page.wait_for_selector(PLAYER, state="attached", timeout=60_000)
    q = parse_qs(urlsplit(page.url).query)
    assert q.get("view") == ["present"] and q.get("predict") == ["1"]
    assert not any(f"{g:.4f}"[:6] in page.url for xy in st["guesses"].values() for g in xy)
    st2 = page.evaluate(f"{OVP}.pst")
    assert st2["guesses"] == st["guesses"] and st2["pick"] == "nesterov" and not st2["revealed"]
    assert page.locator(".ovp-val").first.inner_text() == "?"
    # reveal: the paths come back, and each error is the distance to the recorded end point
    page.get_by_test_id("player-predict").get_by_role("button", name="Reveal").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid='predict-results']", timeout=10_000)
    time.sleep(0.5)
    assert page.evaluate(f"{OVP}.mapEl.data[{OVP}.T_RUNS + 1].visible") is True
    rows = page.locator(".ovp-result").all()
    assert len(rows) == 3
    for row in rows:
        key = row.get_attribute("data-key")
        end = trs[key].points[-1]
        g = st["guesses"][key]
        assert float(row.get_attribute("data-error")) == pytest.approx(
            math.hypot(g[0] - end[0], g[1] - end[1]), rel=1e-12)
        shown = row.inner_text()
        assert f"{math.hypot(g[0] - end[0], g[1] - end[1]):.3g}" in shown, shown
    # the true order: first step with f − f* ≤ 1e-3, then by final loss
    f_star = surf.f_min

    def order_key(r):
        tr = trs[r.key]
        k = tr.steps_to(1e-3)
        return (k if k is not None else math.inf, tr.losses[-1] - f_star)
    want = [r.key for r in sorted(scn.runs, key=order_key)]
    got = page.get_by_test_id("predict-order").get_attribute("data-order").split(",")
    assert got == want
    verdict = page.get_by_test_id("predict-verdict")
    assert verdict.get_attribute("data-rank") == str(want.index("nesterov") + 1)
    page.wait_for_function(f"{OVP}.t > 0", timeout=10_000)      # the race plays from step 0
    assert page.locator(".ovp-val").first.inner_text() != "?"
    page.close()


def test_scrub_moves_through_the_family_without_the_server_and_letting_go_sets_the_control(
        server, browser):
    import optimizers
    from optviz.model.scenario import make_optimizer, parse_query
    seen: list = []
    page = open_page(browser, server + "/?steps=500", seen)
    assert seen                                                 # the socket is being listened to
    page.locator("label").filter(has_text="Scrub a hyperparameter").click()
    settle(page)
    page.wait_for_selector("[data-testid='player-family']:not([hidden])", timeout=90_000)
    fam = page.evaluate(f"(() => {{ const F = {OVP}.family; return {{run: F.run, key: F.key,"
                        f" values: F.values, index: F.index}}; }})()")
    assert fam["run"] == "sgd" and fam["key"] == "sgd.lr" and len(fam["values"]) >= 31
    slider = page.get_by_role("slider", name="Scrub γ")
    slider.scroll_into_view_if_needed()
    sb = slider.bounding_box()
    assert sb["width"] >= 200 and sb["height"] >= 12
    # keys move the family, not the race's step; back where it was, nothing is sent
    step = page.evaluate(f"{OVP}.t")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    assert page.get_by_test_id("player-family").get_attribute("data-index") == str(fam["index"] - 1)
    assert page.evaluate(f"{OVP}.t") == step
    page.keyboard.press("ArrowRight")
    assert page.get_by_test_id("player-family").get_attribute("data-index") == str(fam["index"])
    time.sleep(1.0)
    seen.clear()
    page.evaluate("""() => { const box = document.querySelector("[data-testid='player-family']");
        window.__visited = [];
        new MutationObserver(() => window.__visited.push(+box.dataset.index))
          .observe(box, {attributes: true, attributeFilter: ['data-index']}); }""")
    # drag from one end to the other: every member on the way, no message to or from the server
    y = sb["y"] + sb["height"] / 2
    page.mouse.move(sb["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(sb["x"] + sb["width"] - 1, y, steps=400)     # 400 moves, one call
    visited = page.evaluate("window.__visited")
    assert seen == [], seen[:5]
    m = len(fam["values"])
    assert set(visited) == set(range(m)) and len(set(visited)) >= 31, (str(visited), str(fam["values"]))
    # each member's path on the page is optimizers.run at that value
    paths = page.evaluate(f"(() => {{ const o = {OVP}; const out = [];"
                          f" for (let j = 0; j < o.family.m; j++) {{ const p = o.memberPath(j, o.family.n - 1);"
                          f" out.push([p.px, p.py]); }} return out; }})()")
    scn = parse_query({"steps": "500"})[0]
    surf, run = scn.build_surface(), scn.run("sgd")
    for j, v in enumerate(fam["values"]):
        tr = optimizers.run(optimizers.get("sgd", **{**run.hp_dict, "lr": v}), surf,
                            start=scn.start, steps=scn.steps, seed=scn.seed)
        last = tr.diverged_at - 1 if tr.diverged_at is not None else scn.steps
        want = tr.points[:last + 1]
        got = np.array(paths[j], dtype=float).T
        assert got.shape == want.shape, (j, got.shape, want.shape)
        np.testing.assert_array_equal(got, want)
    # let go on a member: one value goes to the server, the sidebar control and the race follow it
    j = 9
    page.mouse.move(sb["x"] + 2 + (j + 0.5) * (sb["width"] - 4) / m, y)
    assert int(page.get_by_test_id("player-family").get_attribute("data-index")) == j
    assert seen == []
    page.mouse.up()
    value = fam["values"][j]
    page.wait_for_function(f"{OVP}.family && {OVP}.family.index === {j}", timeout=30_000)
    settle(page)
    assert any(kind == "sent" for kind, _ in seen)
    assert float(parse_qs(urlsplit(page.url).query)["sgd.lr"][0]) == value
    assert panel_header(sidebar_expander(page, "sgd")).startswith("SGD · γ = ")
    race = page.evaluate(f"(() => {{ const r = {OVP}.runs.find((q) => q.key === 'sgd');"
                         f" return [r.x, r.y]; }})()")
    tr = optimizers.run(make_optimizer(parse_query({"steps": "500", "sgd.lr": repr(value)})[0].run("sgd")),
                        surf, start=scn.start, steps=scn.steps, seed=scn.seed)
    np.testing.assert_array_equal(np.array(race, dtype=float).T, tr.points)
    # the fps of a sweep through the family, painted frame by frame (printed, not asserted)
    fps = page.evaluate("""() => new Promise((res) => {
        const o = document.querySelector('.ovp-root').__ovp, s = o.famSlider, m = o.family.m;
        let j = 0, n = 0; const t0 = performance.now();
        const step = () => { s.value = String(j % m); s.dispatchEvent(new Event('input')); j++; n++;
          if (n < 3 * m) requestAnimationFrame(step); else res(n / (performance.now() - t0) * 1000); };
        requestAnimationFrame(step); })""")
    print(f"\nscrub: {fps:.0f} fps over {3 * m} members")
    page.close()
