"""Issue 13's fair race and noise fan in a real browser (one server for both). The noise fan: on
the dropout-noise preset, paused at step t, the inspected run shows k = 20 thin −g̃ arrows at
θ_{t−1} and one thick one whose numbers are the gradient the run recorded (optimizers.run,
computed here). Tuning: the sidebar button renames every run in the legend with its tuned rate."""
from __future__ import annotations

import time

import numpy as np
import pytest

pytestmark = pytest.mark.browser

from test_browser import READY, browser, sync_playwright  # noqa: E402,F401


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server            # the session's server (tests/conftest.py)

PLAYER = ".ovp-root[data-ready='1']"
THICK = "[data-testid=player-noise-fan]"


def test_the_fan_is_drawn_at_step_t_and_its_thick_arrow_is_the_recorded_gradient(server, browser,
                                                                                  tmp_path):
    import optimizers
    from optviz.model.presets import get_preset, preset_url
    from optviz.model.scenario import make_optimizer, parse_query
    from surfaces.oracles import gradient_draws
    p = get_preset("adam-dropout-noise")
    scn, _ = parse_query(p.query)
    s = scn.build_surface()
    trs = dict(zip([r.key for r in scn.runs], optimizers.run(
        [make_optimizer(r) for r in scn.runs], s, start=scn.start, steps=scn.steps, seed=scn.seed)))
    key = scn.runs[-1].key
    tr = trs[key]

    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.goto(server + preset_url(p))
    page.wait_for_selector(PLAYER, state="attached", timeout=60_000)
    time.sleep(0.3)
    page.wait_for_selector(READY, state="attached", timeout=60_000)
    page.locator(f".ovp-run[data-key='{key}']").click()
    page.get_by_role("slider", name="Step", exact=True).focus()
    page.keyboard.press("Home")
    # a step whose used draw is not zero (dropout zeroes both coordinates a quarter of the time;
    # a zero draw is drawn as a dot)
    t = next(k for k in range(3, 40) if np.hypot(*tr.grads[k - 1]) > 0)
    for _ in range(t):
        page.keyboard.press("ArrowRight")
    # paused at t: the player reports it, the server sends the fan of step t back
    page.wait_for_function(
        f"[...document.querySelectorAll('.ovp-root path.js-line[data-step]')].some("
        f"(p) => p.dataset.step === '{t}' && p.dataset.run === '{key}' && p.style.display !== 'none')",
        timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    thick = page.evaluate("""() => { const p = document.querySelector(
        '.ovp-root path.js-line[data-step]'); const b = p.getBoundingClientRect();
        return {gx: +p.dataset.gx, gy: +p.dataset.gy, x: +p.dataset.x, y: +p.dataset.y,
                draws: +p.dataset.draws, w: b.width, h: b.height, stroke: p.style.stroke,
                width: parseFloat(p.style.strokeWidth),
                thin: p.closest('.trace').previousElementSibling.querySelector('path.js-line')
                       .getAttribute('d').split('M').length - 1,
                thinShown: p.closest('.trace').previousElementSibling
                       .querySelector('path.js-line').style.display !== 'none'}; }""")

    assert [thick["gx"], thick["gy"]] == list(tr.grads[t - 1])     # bit for bit: g_t
    assert [thick["x"], thick["y"]] == list(tr.points[t - 1])      # drawn at θ_{t−1}
    assert thick["draws"] == 20
    # what a person sees: 19 thin arrows (a shaft each, and two head strokes where the draw is
    # not zero: dropout zeroes both coordinates a quarter of the time) and a thick one of
    # visible length, in the run's colour, with the key saying what they are
    draws, used = gradient_draws(s, scn.seed, tr.points[t - 1], t - 1)
    moving = int((np.hypot(*np.delete(draws, used, axis=0).T) > 0).sum())
    assert 0 < moving < 19                              # the case is not trivial
    assert thick["thinShown"] and thick["thin"] == 19 + 2 * moving
    assert max(thick["w"], thick["h"]) >= 8 and thick["width"] >= 3
    swatch = page.evaluate(f"""() => getComputedStyle(document.querySelector(
        ".ovp-run[data-key='{key}'] .ovp-swatch")).getPropertyValue('--c').trim()""")
    rgb = tuple(int(swatch[i:i + 2], 16) for i in (1, 3, 5))
    assert thick["stroke"] == "rgb({}, {}, {})".format(*rgb)          # the run's colour
    page.screenshot(path=str(tmp_path / "noise-fan.png"))
    print(tmp_path)
    assert "20 draws" in page.locator(THICK).inner_text()
    # stepping on hides the old fan until the new step's fan arrives
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"document.querySelector('.ovp-root path.js-line[data-step]').dataset.step === '{t + 1}'",
        timeout=30_000)
    gx = float(page.get_attribute(".ovp-root path.js-line[data-step]", "data-gx"))
    assert gx == tr.grads[t][0]
    page.close()


def test_tune_learning_rates_in_the_browser_names_the_tuned_rates(server, browser):
    """The sidebar button → the legend reads "γ tuned = …" for every run, the equal-budget note
    is on the page, and the address bar carries tuned=1 with every rate."""
    from urllib.parse import parse_qs, urlparse

    from optviz.model import tuning
    from optviz.model.scenario import default_scenario
    best = tuning.tune(default_scenario()).best
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.goto(server)
    page.wait_for_selector(PLAYER, state="attached", timeout=60_000)
    page.get_by_role("button", name="Tune learning rates").click()
    page.wait_for_function("document.querySelectorAll('.ovp-label').length === 7 && [...document"
                           ".querySelectorAll('.ovp-label')].every((e) => e.textContent.includes("
                           "'γ tuned = '))", timeout=60_000)
    labels = page.eval_on_selector_all(".ovp-run", "els => els.map((e) => [e.closest('[data-key]')"
                                       "?.dataset.key ?? e.parentElement.dataset.key, "
                                       "e.querySelector('.ovp-label').textContent])")
    for key, text in labels:
        assert text.endswith(f"γ tuned = {best[key]:g}"), (key, text)
    note = page.get_by_text("Equal gradient budget:")
    assert note.is_visible()
    assert "1,001 gradient calls" in note.locator("xpath=..").inner_text()
    q = parse_qs(urlparse(page.url).query)
    assert q["tuned"] == ["1"] and all(float(q[f"{k}.lr"][0]) == v for k, v in best.items())
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
