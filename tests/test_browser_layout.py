"""The page at a projector's, a laptop's, a tablet's and a phone's size, measured in Chromium.

Boxes, type sizes and contrast come from the page itself (tests/layout_probe.py): the map's plot
area against the window, every text's computed size and its contrast against the colour behind it
(WCAG 2 formula), the player's controls and the page's buttons never covering each other, every
tab inside the window. Present mode: PageDown (a presenter's clicker) goes to the next scene of the
deck. theme=dark: a dark page and dark charts. Screenshots go to a temporary folder (printed).
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from layout_probe import measure, summary
from test_browser import PLAYER, browser, settle, shots  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server            # the session's server (tests/conftest.py)

pytestmark = pytest.mark.browser


def _open(browser, url: str, w: int, h: int):
    page = browser.new_page(viewport={"width": w, "height": h})
    page.goto(url)
    _ready(page)
    return page


def _ready(page):
    settle(page)
    page.wait_for_selector(".ovp-root[data-ready='1']", state="attached", timeout=60_000)
    time.sleep(0.8)                 # the map's fit to the window (a relayout) and the names
    _no_exception(page)


def _no_exception(page):
    shown = page.locator("[data-testid='stException']")
    assert shown.count() == 0, f"{page.url}\n{shown.first.inner_text()[:3000]}"


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _lum(rgb) -> float:
    def f(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2])


def _check_present(m: dict, big_text: bool) -> None:
    vw, vh = m["viewport"]
    mp, loss = m["map"], m["loss"]
    assert mp["h"] >= 0.75 * vh, summary(m)                       # the map fills the screen …
    assert mp["y"] >= 0 and mp["y"] + mp["h"] <= vh, summary(m)    # … and is all on it
    # the loss curve beside the map, on the screen
    assert loss["x"] >= mp["x"] + mp["w"] and loss["y"] + loss["h"] <= vh, summary(m)
    shown = [t for t in m["texts"] if t["inView"]]
    assert len(shown) > 40
    if big_text:
        # every text of the player (legend, ticks, controls, names, inspector) and the headings
        small = [t for t in m["texts"] if t["size"] < 19.95 and (t["where"] != "page" or t["inView"])]
        assert not small, small[:5]
    dim = [t for t in shown if t["contrast"] < 4.5]
    assert not dim, dim[:5]
    assert not m["overlaps"], m["overlaps"]


def test_present_mode_fills_a_projector_and_pages_through_the_deck(server, browser, shots):
    from optviz.model.presets import PAPER_PRESETS

    page = _open(browser, server + "/?view=present", 1920, 1080)
    m = measure(page)
    page.screenshot(path=str(shots / "present-1920x1080.png"))
    print("\npresent", summary(m))
    _check_present(m, big_text=True)
    # the run names at the path heads: one tag per run, next to its head's pixel
    heads = page.evaluate("""() => { const p = document.querySelector('.ovp-root').__ovp, fl = p.mapEl._fullLayout;
        const box = p.mapEl.getBoundingClientRect();
        return p.frame.runs.map((fr, i) => { const n = p.namesEl.children[i].getBoundingClientRect();
          return [p.runs[i].label, p.namesEl.children[i].textContent,
                  box.left + fl.xaxis._offset + fl.xaxis.c2p(fr.hx), box.top + fl.yaxis._offset + fl.yaxis.c2p(fr.hy),
                  n.left, n.top, n.width, n.height]; }); }""")
    assert len(heads) == 7
    for label, text, hx, hy, x, y, w, h in heads:
        assert text == label and w > 0
        # near its head (tags nudged apart where runs end together stay within a few lines)
        assert -10 <= x - hx <= 80 and abs(y + h / 2 - hy) <= 8 * h, (label, hx, hy, x, y)

    # the clicker: PageDown → the deck's first scene (the paper presets in order), then the next
    first, second = PAPER_PRESETS[0].name, PAPER_PRESETS[1].name
    page.mouse.click(5, 300)                              # focus on the page, not a field
    page.keyboard.press("PageDown")
    page.wait_for_url(f"**preset={first}**", timeout=30_000)
    _ready(page)
    page.keyboard.press("PageDown")
    page.wait_for_url(f"**preset={second}**", timeout=30_000)
    _ready(page)
    q = _query(page)
    assert q["view"] == "present" and q["preset"] == second
    page.keyboard.press("PageUp")
    page.wait_for_url(f"**preset={first}**", timeout=30_000)
    _ready(page)
    # the arrow keys still step the player once it has focus
    slider = page.get_by_role("slider", name="Step", exact=True)
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert slider.get_attribute("aria-valuenow") == "1"

    # the second view: the preset's proof panel and the update rules, without leaving present mode
    page.locator("[data-testid='stButtonGroup'] button", has_text="Proof and rule").click()
    _settled_view(page)
    assert page.locator(".st-key-race_view").is_hidden()
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)   # the proof panel
    assert page.locator(".katex").count() >= 3                                # the rules
    page.screenshot(path=str(shots / "present-details-1920x1080.png"))
    assert _query(page)["view"] == "present"
    page.locator("[data-testid='stButtonGroup'] button", has_text="Race").click()
    _settled_view(page)
    assert page.locator(".st-key-race_view").is_visible()

    # a 1280×720 projector: the map refits to the window
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function(f"{PLAYER}.mapEl._fullLayout.height <= innerHeight", timeout=20_000)
    time.sleep(0.5)
    m = measure(page)
    page.screenshot(path=str(shots / "present-1280x720.png"))
    print("present", summary(m))
    _check_present(m, big_text=False)
    page.close()


def _settled_view(page):
    settle(page)
    time.sleep(0.4)
    _no_exception(page)


def test_a_deck_in_the_link_is_checked_and_followed(server, browser, shots):
    page = _open(browser, server + "/?view=present&deck=adamw-scale-free,nonsense,adam-step-bound",
                 1280, 720)
    alert = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "deck" in alert and "nonsense" in alert
    page.keyboard.press("PageDown")
    page.wait_for_url("**preset=adamw-scale-free**", timeout=30_000)
    _ready(page)
    page.keyboard.press("PageDown")
    page.wait_for_url("**preset=adam-step-bound**", timeout=30_000)
    _ready(page)
    assert _query(page)["deck"] == "adamw-scale-free,adam-step-bound"        # the bad name dropped
    page.close()


PHONE, TABLET = (390, 844), (768, 1024)


def _check_explore(page, shots, w: int, h: int) -> None:
    m = measure(page)
    page.screenshot(path=str(shots / f"explore-{w}x{h}.png"), full_page=True)
    print(f"\nexplore {summary(m)}")
    assert m["viewport"] == [w, h]
    assert m["sidebar"] is None or m["sidebar"]["x"] + m["sidebar"]["w"] <= 0, m["sidebar"]   # closed
    chart = page.evaluate("() => { const r = document.querySelector('.ovp-map').getBoundingClientRect();"
                          " return [r.left, r.width]; }")
    assert chart[1] >= 0.9 * w and chart[0] >= 0, (chart, summary(m))      # the map: the width
    assert m["map"]["w"] >= 0.9 * w, summary(m)                           # its plot area
    assert m["scrollWidth"] <= w, (w, m["scrollWidth"])                   # nothing off to the side
    assert not m["overlaps"], (w, m["overlaps"])
    assert len(m["tabs"]) == 6
    for tab in m["tabs"]:                                                 # every tab reachable
        assert 0 <= tab["x"] and tab["x"] + tab["w"] <= w, (w, tab, m["tabs"])
    page.get_by_role("tab", name="Sweep").click()
    settle(page)
    assert page.get_by_role("tab", name="Sweep").get_attribute("aria-selected") == "true", w


def _check_present_small(page, shots, w: int, h: int) -> None:
    """Present mode on a phone or tablet: usable (the map the width, controls apart, Play works)."""
    m = measure(page)
    page.screenshot(path=str(shots / f"present-{w}x{h}.png"), full_page=True)
    print(f"present {summary(m)}")
    assert m["viewport"] == [w, h]
    chart = page.evaluate("() => document.querySelector('.ovp-map').getBoundingClientRect().width")
    assert chart >= 0.9 * w and m["map"]["w"] >= 0.9 * w, summary(m)
    assert m["scrollWidth"] <= w and not m["overlaps"], (w, m["scrollWidth"], m["overlaps"])
    slider = page.get_by_role("slider", name="Step", exact=True)
    slider.focus()
    page.keyboard.press("End")                                   # from the finished race …
    page.wait_for_function(f"{PLAYER}.t === 1000", timeout=10_000)
    page.get_by_role("button", name="Play").click()              # … Play starts it again
    page.wait_for_function("+document.querySelector('.ovp-root').dataset.step < 1000", timeout=10_000)
    assert int(slider.get_attribute("aria-valuenow")) < 1000, w
    page.evaluate(f"{PLAYER}.pause()")


def _resize(page, w: int, h: int) -> None:
    """A new window size on the loaded page: the map refits (a relayout) to the new width."""
    page.set_viewport_size({"width": w, "height": h})
    page.wait_for_function(f"Math.abs({PLAYER}.mapEl.getBoundingClientRect().width - {w}) < 0.2 * {w}",
                           timeout=20_000)
    time.sleep(0.8)                 # the relayout's names and ticks, as after a load (_ready)


def test_phone_and_tablet(server, browser, shots):
    """Each size is opened fresh once and reached by a resize once: the explore page is loaded at
    the tablet's size, then shrunk to the phone's; present mode is loaded at the phone's size,
    then grown to the tablet's."""
    page = _open(browser, server, *TABLET)
    tabs = page.locator("[data-testid='stMain'] [role='tab']")
    opened = [t.get_attribute("aria-selected") for t in tabs.all()].index("true")
    _check_explore(page, shots, *TABLET)
    tabs.nth(opened).click()                                     # back to the tab it opened on
    settle(page)
    _resize(page, *PHONE)
    _check_explore(page, shots, *PHONE)
    page.close()

    page = _open(browser, server + "/?view=present", *PHONE)
    _check_present_small(page, shots, *PHONE)
    _resize(page, *TABLET)
    _check_present_small(page, shots, *TABLET)
    page.close()


def _open_dark(browser, url, page=None):
    page = page or browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    # the page switches Streamlit's theme (one reload), then draws dark
    page.wait_for_function("document.querySelector(\"[data-testid='stApp']\") && getComputedStyle(document.querySelector(\"[data-testid='stApp']\"))"
                           ".backgroundColor === 'rgb(14, 17, 23)'", timeout=60_000)
    _ready(page)
    return page


def test_theme_dark_gives_a_dark_page_and_dark_charts(server, browser, shots):
    page = _open_dark(browser, server + "/?theme=dark&view=present")
    m = measure(page)
    page.screenshot(path=str(shots / "dark-present-1280x900.png"))
    print("\ndark", summary(m))
    assert _lum(m["pageBg"]) < 0.02
    papers = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(g => g._fullLayout.paper_bgcolor)")
    assert papers and all(p in ("#0e1117", "rgb(14, 17, 23)") for p in papers), papers
    dim = [t for t in m["texts"] if t["inView"] and t["contrast"] < 4.5]
    assert not dim, dim[:5]
    assert _query(page)["theme"] == "dark"

    # explore, dark: the Diagnostics chart is dark too (the same tab: no second theme switch)
    page = _open_dark(browser, server + "/?theme=dark", page)
    page.get_by_role("tab", name="Diagnostics").click()
    settle(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    paper = page.evaluate("() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
                          "._fullLayout.paper_bgcolor")
    assert paper in ("#0e1117", "rgb(14, 17, 23)"), paper
    page.screenshot(path=str(shots / "dark-diagnostics-1280x900.png"), full_page=True)
    page.close()
