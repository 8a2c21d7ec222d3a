"""The race player in Chromium, against the targets of the race-player issue, printed next to the
figures the issue measured on the server-built animation it replaced (same machine class: 2 cores).

- notch → redrawn race: a key press on Adam's learning-rate slider (a value never sent before, so
  Streamlit's browser-side message cache cannot answer it) until the player shows the new run's
  record; p50 over the notches, timed inside the page (keydown → the frame painted).
- bytes per change: WebSocket frames received per notch (Chrome DevTools protocol).
- server CPU per rerun: the server process's user + system CPU time over the notches, per rerun.
- playback: frames drawn per second at 1× on the default scene (1000 steps), every step reachable.
- first load: goto → the player drawn (script done), fresh server (caches empty) and warm.

`python -m benchmarks.player [--before PATH]` prints the table. With --before (another checkout:
an earlier race player, e.g. `git worktree add /tmp/before <commit>`, or a page that still draws
the race as a server-built Plotly animation), both pages are served at once and measured in turn,
load by load and four notches by four, with one page open at a time, so that a shared machine's
drift falls on both alike; the older page is printed in the reference column. Without it, the reference column holds the figures the
issue reported.
"""
from __future__ import annotations

import os
import statistics
import time

import sys
from pathlib import Path

from .page import APP, CHROMIUM, CHROMIUM_ARGS, READY, TRIVIAL_PAGE, _Server
from .timing import Row, print_table

# The server-built animation, as the issue measured it (2-core machine, Chromium, one user).
BEFORE = {"notch": "~500 ms", "bytes": "~0.88 MB", "fps": "~15 fps (112 frames)",
          "cpu": "~180 ms", "load": "—"}
PLAYER = ".ovp[data-ready='1']"
NOTCHES, ROUNDS = 8, 2          # new values of Adam's γ, in two rounds per page


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _open(browser, url, drawn=PLAYER):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(drawn, state="attached", timeout=180_000)
    page.wait_for_selector(READY, state="attached", timeout=180_000)
    return ctx, page, time.perf_counter() - t0


# the old page: the race is the first plotly chart; "redrawn" is plotly's afterplot on it
OLD_DRAWN = ".js-plotly-plot .main-svg"
_OLD_PROBE = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  window.__bench = {keys: [], drawn: [], n: 0};
  document.addEventListener('keydown', (e) => window.__bench.keys.push(performance.now()), true);
  const hook = (g) => g.on('plotly_afterplot', () => requestAnimationFrame(() =>
      window.__bench.drawn.push([performance.now(), String(++window.__bench.n)])));
  hook(gd);
  // Streamlit may replace the chart's element: follow the first chart
  new MutationObserver(() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
    if (g && !g.__hooked) { g.__hooked = true; hook(g); } })
    .observe(document.body, {childList: true, subtree: true});
}"""
_OLD_MARK = "String(window.__bench.n)"


_PROBE = """() => {
  const root = document.querySelector('.ovp-root');
  window.__bench = {keys: [], drawn: []};
  document.addEventListener('keydown', (e) => window.__bench.keys.push(performance.now()), true);
  new MutationObserver(() => requestAnimationFrame(() =>
      window.__bench.drawn.push([performance.now(), root.dataset.records])))
    .observe(root, {attributes: true, attributeFilter: ['data-records']});
}"""


class _Notcher:
    """One page, ready to take notches on Adam's learning rate one at a time (so that two pages
    can be notched in turn): latencies (s), bytes received per notch, server CPU per rerun."""

    def __init__(self, page, server_pid: int, old: bool = False):
        import re
        self.page, self.pid, self.old = page, server_pid, old
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        self.received = []
        cdp.on("Network.webSocketFrameReceived",
               lambda e: self.received.append(len(e["response"]["payloadData"]) * (
                   3 / 4 if e["response"].get("opcode") == 2 else 1)))
        panel = page.locator("[data-testid='stSidebar'] .st-key-_panel_opt_adam")
        panel.locator("summary").first.click()
        self.lr = panel.get_by_role("slider", name=re.compile(r"\blr$"))
        self.lr.wait_for(state="visible")
        time.sleep(0.5)
        page.wait_for_selector(READY, state="attached")
        page.evaluate(_OLD_PROBE if old else _PROBE)
        self.mark = _OLD_MARK if old else "document.querySelector('.ovp-root').dataset.records"
        self.lats, self.sizes, self.cpu = [], [], 0.0

    def notch(self) -> None:
        page = self.page
        before = page.evaluate(self.mark)
        self.received.clear()
        cpu0 = _cpu_seconds(self.pid)
        self.lr.focus()
        self.lr.press("ArrowRight")
        page.wait_for_function(
            "(b) => window.__bench.drawn.length && window.__bench.drawn.at(-1)[1] !== b",
            arg=before, timeout=30_000)
        time.sleep(0.2)
        page.wait_for_selector(READY, state="attached")
        time.sleep(0.3)
        self.cpu += _cpu_seconds(self.pid) - cpu0
        k, d = page.evaluate("[window.__bench.keys.at(-1), window.__bench.drawn.at(-1)[0]]")
        self.lats.append((d - k) / 1000)
        self.sizes.append(int(sum(self.received)))


def _fps(page) -> tuple[float, int, int]:
    return tuple(page.evaluate("""() => new Promise((res) => {
        const p = document.querySelector('.ovp-root').__ovp;
        p.pause(); p.setStep(0, true); p.play();
        const t0 = performance.now(), f0 = p.frames;
        setTimeout(() => { const f = p.frames - f0, dt = performance.now() - t0, t = p.t;
                           p.pause(); res([f / dt * 1000, t, p.scene.steps]); }, 3000);
    })"""))


# scrub a hyperparameter: the default scene's first run's γ family, one member per animation frame
# (an input event each, as a drag makes): frames per second and the page's own ms per member
_SCRUB = """() => new Promise((res) => {
  const o = document.querySelector('.ovp-root').__ovp, s = o.famSlider, m = o.family.m;
  let n = 0, busy = 0; const t0 = performance.now();
  const step = () => { const t = performance.now(); s.value = String(n % m);
    s.dispatchEvent(new Event('input')); busy += performance.now() - t; n++;
    if (n < 4 * m) requestAnimationFrame(step);
    else res([n / (performance.now() - t0) * 1000, busy / n, m, o.family.n - 1]); };
  requestAnimationFrame(step); })"""


def _scrub(browser, url) -> tuple:
    ctx, page, _ = _open(browser, url)
    page.locator("label").filter(has_text="Scrub a hyperparameter").click()
    page.wait_for_selector("[data-testid='player-family']:not([hidden])", timeout=180_000)
    page.wait_for_selector(READY, state="attached")
    out = tuple(page.evaluate(_SCRUB))
    ctx.close()
    return out


def _scrub_rows(new: dict) -> list[Row]:
    if "scrub" not in new:
        return []
    fps, work, m, steps = new["scrub"]
    return [Row("scrub a hyperparameter (first run's γ family, default scene)", f"{fps:.0f} fps",
                "— (new)", "", "≥ 30 fps", fps >= 30,
                note=f"{m} members × {steps} steps, one member per frame; {work:.2f} ms of page "
                     "work per member; no server round trip")]


# the player's loading milestones (performance marks set by player.js), ms after navigation
_MARKS = """() => Object.fromEntries(performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('ovp:')).map((m) => [m.name.slice(4), Math.round(m.startTime)]))"""


def _is_player_page(app: Path) -> bool:
    return (app.parent / "optviz" / "player" / "frontend" / "player.js").exists()


def _measure(browser, apps: dict[str, Path]) -> dict[str, dict]:
    """Every figure for each page in `apps`, their servers up together and each step taken on
    one page and then the other (a shared machine's drift falls on both alike); one page is open
    at a time. out["floor"]: warm loads of a trivial one-chart Streamlit page, taken in turn with
    the others."""
    import contextlib
    import tempfile
    old = {k: not _is_player_page(a) for k, a in apps.items()}
    drawn = {k: OLD_DRAWN if old[k] else PLAYER for k in apps}
    out = {k: {"warm": []} for k in apps}
    out["floor"] = {"warm": []}
    with contextlib.ExitStack() as stack:
        trivial = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "trivial.py"
        trivial.write_text(TRIVIAL_PAGE)
        floor = stack.enter_context(_Server(trivial))
        servers = {k: stack.enter_context(_Server(a)) for k, a in apps.items()}
        for k in apps:
            ctx, page, out[k]["fresh"] = _open(browser, servers[k].url, drawn[k])
            ctx.close()
        for _ in range(3):
            for k in apps:
                ctx, page, t = _open(browser, servers[k].url, drawn[k])
                out[k]["warm"].append(t)
                if not old[k]:
                    out[k]["marks"] = page.evaluate(_MARKS)
                ctx.close()
            ctx, page, t = _open(browser, floor.url, OLD_DRAWN)
            out["floor"]["warm"].append(t)
            ctx.close()
        for k in apps:
            if not old[k]:
                ctx, page, _ = _open(browser, servers[k].url, drawn[k])
                out[k]["fps"] = _fps(page)
                ctx.close()
                if k == "new":                      # a page before the scrub has none
                    out[k]["scrub"] = _scrub(browser, servers[k].url)
            out[k].update(lats=[], sizes=[], cpu=0.0)
        # the notches: one page open at a time (a page's deferred work, such as a redraw some
        # time after its notch, fell on the other page's notch), in rounds taken in turn
        for _ in range(ROUNDS):
            for k in apps:
                ctx, page, _ = _open(browser, servers[k].url, drawn[k])
                n = _Notcher(page, servers[k].proc.pid, old[k])
                for _ in range(NOTCHES // ROUNDS):
                    n.notch()
                out[k]["lats"] += n.lats
                out[k]["sizes"] += n.sizes
                out[k]["cpu"] += n.cpu / NOTCHES
                ctx.close()
    return out


def run_all(before: Path | None = None) -> list[Row]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [Row("race player", "playwright not installed")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ref, why = None, ""
            if before:
                try:
                    m = _measure(browser, {"new": APP, "ref": before})
                    new, ref, floor = m["new"], m["ref"], m["floor"]
                except Exception as e:          # report ours whatever happened to the old page
                    why = f"before: not measured ({type(e).__name__}: {str(e).splitlines()[0][:80]})"
            if ref is None:
                m = _measure(browser, {"new": APP})
                new, floor = m["new"], m["floor"]
        finally:
            browser.close()

    def p50(m):
        return statistics.median(m["lats"])

    def kb(m):
        return statistics.median(m["sizes"]) / 1000

    def each(m, f, unit):
        return ", ".join(f(x) for x in m) + " " + unit

    refs = ({"notch": f"{p50(ref) * 1e3:.0f} ms", "bytes": f"{kb(ref):.0f} KB",
             "fps": f"{ref['fps'][0]:.0f} fps" if "fps" in ref else BEFORE["fps"] + " (issue)", "cpu": f"{ref['cpu'] * 1e3:.0f} ms",
             "warm": f"{min(ref['warm']):.2f} s", "fresh": f"{ref['fresh']:.2f} s"} if ref else
            {**BEFORE, "fps": BEFORE["fps"], "warm": "—", "fresh": "—"})
    fps, t_end, steps = new["fps"]
    rows = [Row("(the page before the player)", why)] if why else []
    rows += [
        Row(f"notch → redrawn race (p50 of {NOTCHES} new Adam γ values)", f"{p50(new) * 1e3:.0f} ms",
            refs["notch"], f"{p50(new) / p50(ref):.2f}×" if ref else "", "≤ 200 ms", p50(new) <= 0.2,
            note="player: " + each(new["lats"], lambda x: f"{x * 1e3:.0f}", "ms") +
                 ("\nbefore: " + each(ref["lats"], lambda x: f"{x * 1e3:.0f}", "ms") if ref else "")),
        Row("received per change (WebSocket, default scene)", f"{kb(new):.0f} KB", refs["bytes"],
            f"{kb(new) / kb(ref):.2f}×" if ref else "", "≤ 200 KB", kb(new) <= 200,
            note="player: " + each(new["sizes"], lambda x: f"{x / 1000:.0f}", "KB") +
                 ("\nbefore: " + each(ref["sizes"], lambda x: f"{x / 1000:.0f}", "KB") if ref else "")),
        Row("playback at 1× (default scene, every step reachable)", f"{fps:.0f} fps", refs["fps"],
            "", "≥ 30 fps", fps >= 30,
            note=f"after 3 s at step {t_end} of {steps}; the scrubber and ←/→ reach every one of "
                 f"the {steps + 1} steps (before: 112 frames of 1001 steps)"),
        Row("first load to a drawn race, warm server", f"{min(new['warm']):.2f} s", refs["warm"],
            f"{min(new['warm']) / min(ref['warm']):.2f}×" if ref else "", "≤ 2.5 s",
            min(new["warm"]) <= 2.5,
            note="player: " + each(new["warm"], lambda x: f"{x:.2f}", "s") +
                 ("\nbefore: " + each(ref["warm"], lambda x: f"{x:.2f}", "s") if ref else "") +
                 "\n(each load a new browser context: nothing cached)" +
                 f"\nfloor: a trivial one-chart Streamlit page, loaded in turn with these: "
                 + each(floor["warm"], lambda x: f"{x:.2f}", "s")
                 + ("\nplayer milestones, last warm load (ms after navigation): " + ", ".join(
                     f"{k} {v}" for k, v in new["marks"].items()) if new.get("marks") else "")),
        Row("first load to a drawn race, fresh server", f"{new['fresh']:.2f} s", refs["fresh"],
            f"{new['fresh'] / ref['fresh']:.2f}×" if ref else "", "≤ 3.5 s", new["fresh"] <= 3.5),
        Row("server CPU per rerun (one notch)", f"{new['cpu'] * 1e3:.0f} ms", refs["cpu"],
            f"{new['cpu'] / ref['cpu']:.2f}×" if ref else "", "≤ 60 ms", new["cpu"] <= 0.06),
    ]
    rows += _scrub_rows(new)
    return rows


if __name__ == "__main__":
    args = sys.argv[1:]
    before = Path(args[args.index("--before") + 1]).resolve() / "app.py" if "--before" in args else None
    if before is not None and not before.exists():
        sys.exit(f"no app.py at {before}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(other work on the machine slows both sides alike)")
    print_table(run_all(before))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
