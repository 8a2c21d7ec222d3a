"""The race player in Chromium, against the targets of the race-player issue, printed next to the
figures the issue measured on the server-built animation it replaced (same machine class: 2 cores).

- notch → redrawn race: a key press on Adam's learning-rate slider (a value never sent before, so
  Streamlit's browser-side message cache cannot answer it) until the player shows the new run's
  record; p50 over the notches, timed inside the page (keydown → the frame painted).
- bytes per change: WebSocket frames received per notch (Chrome DevTools protocol).
- server CPU per rerun: the server process's user + system CPU time over the notches, per rerun.
- playback: frames drawn per second at 1× on the default scene (1000 steps), every step reachable.
- first load: goto → the player drawn (script done), fresh server (caches empty) and warm.

`python -m benchmarks.player` prints the table.
"""
from __future__ import annotations

import os
import statistics
import time

from .page import APP, CHROMIUM, CHROMIUM_ARGS, READY, _Server
from .timing import Row, print_table

# The server-built animation, as the issue measured it (2-core machine, Chromium, one user).
BEFORE = {"notch": "~500 ms", "bytes": "~0.88 MB", "fps": "~15 fps (112 frames)",
          "cpu": "~180 ms", "load": "—"}
PLAYER = ".ovp[data-ready='1']"
NOTCHES = 7


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _open(browser, url):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(PLAYER, state="attached", timeout=90_000)
    page.wait_for_selector(READY, state="attached", timeout=90_000)
    return ctx, page, time.perf_counter() - t0


_PROBE = """() => {
  const root = document.querySelector('.ovp-root');
  window.__bench = {keys: [], drawn: []};
  document.addEventListener('keydown', (e) => window.__bench.keys.push(performance.now()), true);
  new MutationObserver(() => requestAnimationFrame(() =>
      window.__bench.drawn.push([performance.now(), root.dataset.records])))
    .observe(root, {attributes: true, attributeFilter: ['data-records']});
}"""


def _notches(page, server_pid: int) -> tuple[list[float], list[int], float]:
    """Latencies (s), bytes received per notch, server CPU seconds per rerun."""
    import re
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.webSocketFrameReceived",
           lambda e: received.append(len(e["response"]["payloadData"]) * (
               3 / 4 if e["response"].get("opcode") == 2 else 1)))
    panel = page.locator("[data-testid='stSidebar'] [data-testid='stExpander']").filter(
        has=page.locator("summary", has_text="Adam · γ")).first
    panel.locator("summary").first.click()
    lr = panel.get_by_role("slider", name=re.compile(r"\blr$"))
    lr.wait_for(state="visible")
    time.sleep(0.5)
    page.wait_for_selector(READY, state="attached")
    page.evaluate(_PROBE)
    lats, sizes = [], []
    cpu0 = _cpu_seconds(server_pid)
    for i in range(NOTCHES):
        before = page.evaluate("document.querySelector('.ovp-root').dataset.records")
        received.clear()
        lr.focus()
        lr.press("ArrowRight")
        page.wait_for_function(
            "(b) => window.__bench.drawn.length && window.__bench.drawn.at(-1)[1] !== b",
            arg=before, timeout=30_000)
        time.sleep(0.2)
        page.wait_for_selector(READY, state="attached")
        time.sleep(0.3)
        k, d = page.evaluate("[window.__bench.keys.at(-1), window.__bench.drawn.at(-1)[0]]")
        lats.append((d - k) / 1000)
        sizes.append(int(sum(received)))
    cpu = (_cpu_seconds(server_pid) - cpu0) / NOTCHES
    return lats, sizes, cpu


def _fps(page) -> tuple[float, int, int]:
    return tuple(page.evaluate("""() => new Promise((res) => {
        const p = document.querySelector('.ovp-root').__ovp;
        p.pause(); p.setStep(0, true); p.play();
        const t0 = performance.now(), f0 = p.frames;
        setTimeout(() => { const f = p.frames - f0, dt = performance.now() - t0, t = p.t;
                           p.pause(); res([f / dt * 1000, t, p.scene.steps]); }, 3000);
    })"""))


def run_all() -> list[Row]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [Row("race player", "playwright not installed")]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with _Server(APP) as server:
                ctx, page, fresh = _open(browser, server.url)
                ctx.close()
                warm = []
                for _ in range(3):
                    ctx, page, t = _open(browser, server.url)
                    warm.append(t)
                    ctx.close()
                ctx, page, _ = _open(browser, server.url)
                fps, t_end, steps = _fps(page)
                lats, sizes, cpu = _notches(page, server.proc.pid)
                ctx.close()
        finally:
            browser.close()
    p50 = statistics.median(lats)
    kb = statistics.median(sizes) / 1000
    rows.append(Row("notch → redrawn race (p50 of %d new Adam γ values)" % NOTCHES,
                    f"{p50 * 1e3:.0f} ms", BEFORE["notch"], "", "≤ 200 ms", p50 <= 0.2,
                    note="each: " + ", ".join(f"{x * 1e3:.0f}" for x in lats) + " ms"))
    rows.append(Row("received per change (WebSocket, default scene)", f"{kb:.0f} KB",
                    BEFORE["bytes"], "", "≤ 200 KB", kb <= 200,
                    note="each: " + ", ".join(f"{s / 1000:.0f}" for s in sizes) + " KB"))
    rows.append(Row("playback at 1× (default scene, every step reachable)", f"{fps:.0f} fps",
                    BEFORE["fps"], "", "≥ 30 fps", fps >= 30,
                    note=f"after 3 s at step {t_end} of {steps}; the scrubber and ←/→ reach "
                         f"every one of the {steps + 1} steps"))
    rows.append(Row("first load to a drawn race, warm server", f"{min(warm):.2f} s", "", "",
                    "≤ 2.5 s", min(warm) <= 2.5,
                    note="loads: " + ", ".join(f"{t:.2f}" for t in warm) + " s (each a new "
                         "browser context: nothing cached)"))
    rows.append(Row("first load to a drawn race, fresh server", f"{fresh:.2f} s", "", "",
                    "≤ 3.5 s", fresh <= 3.5))
    rows.append(Row("server CPU per rerun (one notch)", f"{cpu * 1e3:.0f} ms", BEFORE["cpu"], "",
                    "≤ 60 ms", cpu <= 0.06))
    return rows


if __name__ == "__main__":
    print_table(run_all())
