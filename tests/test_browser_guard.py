"""A shared server one link cannot starve, in a real browser against `streamlit run app.py`:
the budget message and its offer as a person sees them, and work that stops when nobody waits for
it any more (a closed tab, a newer control change), read from the server process's CPU time.

The server runs with the default race budget (5 s) and no sweep budget, so that a long sweep can be
started on purpose and then abandoned."""
from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import ROOT, free_port, serving, streamlit_cmd

from test_browser import ARGS, CHROMIUM, READY, sync_playwright   # skips as it does

pytestmark = pytest.mark.browser

EXPR = "+".join(f"sin(x*{k}+y)*cos(y*{k}-x)" for k in range(1, 21))    # ~460 characters
# one cheap race, then a long sweep (64 × 64 cells × 1000 steps on that expression: ~30 s of CPU)
SWEEP_LINK = {"surface": "custom", "expr": EXPR, "opt": "adam", "steps": "1000", "sweep.n": "64"}
DOS_LINK = {"surface": "custom", "expr": EXPR, "steps": "20000",
            "opt": ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                    "adamprox", "adamax", "nadam", "radam", "amsgrad"]}


@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = open(ROOT / ".pytest_cache" / "streamlit-guard-test.log", "w") \
        if (ROOT / ".pytest_cache").is_dir() else subprocess.DEVNULL
    env = {**os.environ, "OPTVIZ_SWEEP_BUDGET": "off"}
    env.pop("OPTVIZ_RACE_BUDGET", None)
    with serving(streamlit_cmd(port, "--server.fileWatcherType=none"), port, env=env,
                 log=log) as (url, proc):
        yield url, proc.pid


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) the server process has used."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def busy(pid: int, seconds: float) -> float:
    """The server's CPU use over the next `seconds`, in CPUs."""
    c0 = cpu(pid)
    time.sleep(seconds)
    return (cpu(pid) - c0) / seconds


def link(url: str, q: dict) -> str:
    return f"{url}/?{urlencode(q, doseq=True)}"


def start_long_sweep(browser, url: str, pid: int):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(link(url, SWEEP_LINK))
    # the sweep tab's caption (the race is drawn, the sweep is next) while the script still runs
    page.get_by_text(re.compile(r"adam's other hyperparameters")).wait_for(timeout=60_000)
    time.sleep(1.0)
    assert page.locator("[data-testid='stApp'][data-test-script-state='running']").count() == 1
    working = busy(pid, 2.0)        # CPUs: up to 1, less on a machine shared with other work
    assert working > 0.03           # (on a quiet machine ~1; under heavy load much less)
    return page, working


def test_the_budget_message_and_its_offer(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        t0 = time.perf_counter()
        page.goto(link(url, DOS_LINK))
        warning = page.get_by_text("This race is too big for this server.")
        warning.wait_for(timeout=60_000)
        shown = time.perf_counter() - t0
        text = page.locator("[data-testid='stAlert']").filter(has_text="too big").inner_text()
        # the estimate has one decimal below 10 s (a fast machine) and none above
        found = re.search(r"12 optimizers × 20,000 steps would take about (\d+(?:\.\d)?) s of computing", text)
        assert found and float(found.group(1)) > 5, text
        assert "this server allows 5 s per change" in text
        assert page.locator(".js-plotly-plot").count() == 0          # nothing was drawn
        offer = page.get_by_role("button", name=re.compile(r"^Run it with [0-9,]+ steps$"))
        steps = int(re.search(r"[0-9,]+", offer.inner_text()).group().replace(",", ""))
        offer.click()
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        time.sleep(0.3)
        page.wait_for_selector(READY, state="attached", timeout=120_000)
        assert f"steps={steps}" in page.url
        assert page.locator("[data-testid='stException']").count() == 0
        print(f"\nDoS link: budget message on screen {shown:.2f} s after goto; offer {steps} steps")
    finally:
        page.close()


def test_a_closed_tab_stops_the_servers_work(server, browser):
    url, pid = server
    page, working = start_long_sweep(browser, url, pid)
    page.close()
    time.sleep(1.0)
    after = busy(pid, 2.0)
    print(f"\nserver CPU while sweeping {working:.2f} CPUs; 1-3 s after the tab closed "
          f"{after:.2f} CPUs (~30 s of work was left)")
    assert after < working / 4


def test_a_newer_change_stops_the_old_work(server, browser):
    """Mid-sweep, the Steps slider goes to its first stop (10 steps): the rerun starts at once
    (the old sweep is abandoned within a step), so the page is done in seconds, not after the
    half minute the old sweep had left, and nothing keeps running after it."""
    url, pid = server
    page, working = start_long_sweep(browser, url, pid)
    try:
        slider = page.get_by_role("slider", name=re.compile(r"^Steps\b"))
        slider.focus()
        t0 = time.perf_counter()
        slider.press("Home")
        # the new run writes the link early in the script: it has started
        page.wait_for_function("() => location.search.includes('steps=10&') || "
                               "location.search.endsWith('steps=10')", timeout=60_000)
        started = time.perf_counter() - t0
        page.get_by_text(re.compile(r"\d+×\d+ runs in")).wait_for(timeout=120_000)
        time.sleep(0.3)
        page.wait_for_selector(READY, state="attached", timeout=120_000)
        done = time.perf_counter() - t0
        after = busy(pid, 2.0)
        print(f"\nnewer change mid-sweep: the new run started {started:.1f} s and was done "
              f"{done:.1f} s after the key press; server CPU while sweeping {working:.2f}, "
              f"afterwards {after:.2f} CPUs")
        # the old sweep had ≥ 25 s of CPU left (far more wall time on a busy machine)
        assert started < 10 and after < working / 4
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
