"""The page in Korean in a real browser: a Chromium whose language is Korean (ko-KR) gets the Korean
page by default, <html lang="ko">, and Hangul drawn with a real font (not empty boxes).

Uses the browser harness of test_browser.py (the same server and Chromium, skipped the same way).
"""
from __future__ import annotations

import re

import pytest

from test_browser import READY, browser, settle, shots  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server            # the session's server (tests/conftest.py)

pytestmark = pytest.mark.browser

# Draws two Hangul syllables and two unassigned code points (which every font draws as the same
# empty box, if at all) in the page's own font; returns how many pixels each pair differs by.
GLYPHS = """(font) => {
    const draw = (ch) => {
        const c = document.createElement('canvas'); c.width = 64; c.height = 64;
        const g = c.getContext('2d'); g.font = font; g.fillStyle = '#000';
        g.fillText(ch, 4, 48);
        return g.getImageData(0, 0, 64, 64).data;
    };
    const diff = (a, b) => { let n = 0; for (let i = 3; i < a.length; i += 4) n += (a[i] !== b[i]); return n; };
    const ink = (a) => { let n = 0; for (let i = 3; i < a.length; i += 4) n += (a[i] > 0); return n; };
    const ga = draw('가'), hih = draw('힣'), box1 = draw('\\u0378'), box2 = draw('\\u0379');
    return {hangul: diff(ga, hih), boxes: diff(box1, box2), ink: ink(ga), ink_box: ink(box1),
            vs_box: diff(ga, box1)};
}"""


def open_in(browser, url: str, locale: str):
    ctx = browser.new_context(locale=locale, viewport={"width": 1440, "height": 1000})
    page = ctx.new_page()
    page.goto(url)
    settle(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return ctx, page


def test_a_korean_browser_gets_the_korean_page(server, browser, shots):
    ctx, page = open_in(browser, server, "ko-KR")
    try:
        assert page.evaluate("navigator.language") == "ko-KR"
        page.wait_for_function("document.documentElement.lang === 'ko'", timeout=20_000)
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "옵티마이저 경주" in sidebar and "곡면" in sidebar and "시작점과 길이" in sidebar
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "이 시나리오 공유" in body and "Share this scenario" not in body
        # the race player: its legend, controls and inspector in Korean
        page.wait_for_selector(".ovp-legend .ovp-item", timeout=60_000)
        legend = " ".join(page.locator(".ovp-legend .ovp-val").all_text_contents())
        assert legend.count("f−f*") == 7, legend
        assert page.locator(".ovp-play").inner_text().strip() == "▶ 재생"
        assert page.locator("[data-testid='player-step']").inner_text().startswith("스텝 ")
        assert "스텝" in page.locator("[data-testid='player-inspector']").inner_text()
        assert page.locator(".ovp-arrowlabel").inner_text().strip() == "화살표"
        assert "lang=" not in page.url            # the browser's own language is not written
        page.screenshot(path=str(shots / "korean.png"))
        # Hangul is drawn with a real font: two syllables differ from each other and from the
        # empty box that a missing font gives (which is the same box for any two characters)
        font = page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stSidebar\"] h2')).font")
        g = page.evaluate(GLYPHS, font)
        assert g["ink"] > 40, g
        assert g["hangul"] > 40 and g["vs_box"] > 40, g
        # the Korean heading as rendered on screen: a real, non-blank image of the Hangul title
        shot = page.locator("[data-testid='stSidebar'] h2").screenshot(path=str(shots / "korean-title.png"))
        assert len(shot) > 1000
    finally:
        ctx.close()


def test_an_english_browser_gets_english_and_the_switch_writes_the_link(server, browser, shots):
    ctx, page = open_in(browser, server + "/?surface=quadratic", "en-US")
    try:
        page.wait_for_function("document.documentElement.lang === 'en'", timeout=20_000)
        assert "Optimizer race" in page.locator("[data-testid='stSidebar']").inner_text()
        page.locator("[data-testid='stSidebar'] button", has_text="한국어").click()
        page.wait_for_function("document.documentElement.lang === 'ko'", timeout=20_000)
        settle(page)
        assert "옵티마이저 경주" in page.locator("[data-testid='stSidebar']").inner_text()
        assert re.search(r"[?&]lang=ko\b", page.url) and "surface=quadratic" in page.url
        page.screenshot(path=str(shots / "switched-to-korean.png"))
        # the widgets whose option labels changed still show their value
        assert page.get_by_role("radio", name="탐색").is_checked()
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
        shown = box.evaluate("el => el.innerText + ' ' + [...el.querySelectorAll('input')].map(i => i.value).join(' ')")
        assert "2차 골짜기" in shown, shown
    finally:
        ctx.close()
