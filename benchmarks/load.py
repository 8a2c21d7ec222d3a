"""Load: one `streamlit run app.py` on localhost, a single user, then N concurrent browser sessions.

    python benchmarks/load.py                    # 20 concurrent sessions × 10 control changes
    python -m benchmarks.load --users 5 --changes 4 --port 8599

What it does. It starts `streamlit run app.py` on 127.0.0.1 (a free port unless --port), waits for
/_stcore/health, and drives Debian's Chromium through Playwright (asyncio, one browser, one context
per session):
  1. one user alone makes K control changes in sequence (the baseline, measured in this same run);
  2. N sessions load the page together, then all make their K changes at the same time.
Each change is a real widget interaction that reruns the script: Adam's learning-rate slider, the
Steps slider, the gradient-noise slider, the seed box, Adam's amsgrad toggle, removing an optimizer,
the x₀ box, the Random start button, the Surface select box, a click on the map. A rerun's latency
runs from the input event's own timestamp (in the page) to the moment the page's script state is
back to notRunning (read by a MutationObserver, so a fast rerun is not missed) with the chart drawn.
Every session opens its own link (a different start point) and varies its slider directions, seeds
and choices, so no two sessions share a cached figure: the server computes every rerun.

An error is: an exception box on a page, a Playwright timeout, a page crash, an uncaught page error,
a console error, a health check that is not "ok", or a traceback in the server's log. Target: 0.

Nothing is pass/fail on times: latencies are printed next to the single user's from the same run,
with their ratio. The browser runs on the same machine as the server (it competes for the same CPUs),
so the ratios are an upper bound on what the server alone would show. The command exits non-zero
only if the benchmark could not run at all (no Playwright, no Chromium, no healthy server).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = ".js-plotly-plot .main-svg"
EXCEPTION = "[data-testid='stException']"
VIEWPORT = {"width": 1280, "height": 900}
QUIET_MS = 300            # a rerun is over when the state has stayed notRunning this long

# Recorded in every page from its first script: each change of the app's script state, with the
# page's own clock, and the timestamp of the first trusted input event since the last `arm`.
PROBE = """
(() => {
  const st = window.__load = {log: [], input: null, armed: false};
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.target.getAttribute && m.target.getAttribute('data-testid') === 'stApp')
        st.log.push([performance.now(), m.target.getAttribute('data-test-script-state')]);
    }
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
  for (const type of ['pointerdown', 'mousedown', 'keydown', 'click']) {
    document.addEventListener(type, e => {
      if (e.isTrusted && st.armed && st.input === null) st.input = e.timeStamp;
    }, true);
  }
})();
"""

ARM = "() => { const s = window.__load; s.input = null; s.armed = true; return performance.now(); }"

# True once a rerun has started after `since` and the state has been notRunning for QUIET_MS with
# the chart on the page; then it returns [latency ms, states seen].
DONE = f"""
(since) => {{
  const s = window.__load, el = document.querySelector("[data-testid='stApp']");
  if (!el || el.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const after = s.log.filter(e => e[0] >= since);
  if (!after.some(e => e[1] !== 'notRunning')) return false;
  const last = after[after.length - 1];
  if (last[1] !== 'notRunning' || performance.now() - last[0] < {QUIET_MS}) return false;
  if (!document.querySelector("{CHART}")) return false;
  const t0 = s.input !== null ? s.input : since;
  return [last[0] - t0, after.map(e => e[1]).join('>')];
}}
"""

OPTIMIZERS_TO_REMOVE = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "AdamW")


# ------------------------------------------------------------------------------------ results
@dataclass
class Session:
    idx: int
    load: float | None = None                              # seconds, goto → script done + chart
    latencies: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank on the sorted values, interpolated)."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def fmt_s(x: float) -> str:
    if x != x:
        return "—"
    return f"{x * 1e3:.0f} ms" if x < 1 else f"{x:.2f} s"


def fmt_ratio(a: float, b: float) -> str:
    return "—" if a != a or b != b or b <= 0 else f"{a / b:.2f}×"


# ------------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(url: str, timeout: float = 5.0) -> str:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=timeout).read().decode()
    except OSError as e:
        return f"{type(e).__name__}: {e}"


class Server:
    """`streamlit run app.py` on 127.0.0.1:port; its output goes to a log file read at the end."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-load-", suffix=".log",
                                               delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1",
             "--browser.gatherUsageStats=false"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if health(self.url, 2.0) == "ok":
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}: "
                                   + self.tail())
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit was not healthy after {timeout:.0f} s: " + self.tail())
            time.sleep(0.2)

    def text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def tail(self, n: int = 5) -> str:
        return " | ".join(self.text().strip().splitlines()[-n:])

    def memory(self) -> tuple[float, float] | None:
        """(current, peak) resident memory in MB, from /proc (Linux only)."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        kb = {k: int(v.split()[0]) for k, v in (ln.split(":", 1) for ln in status.splitlines()
                                                  if ln.startswith(("VmRSS", "VmHWM")))}
        return kb.get("VmRSS", 0) / 1024, kb.get("VmHWM", 0) / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()

    def server_errors(self) -> list[str]:
        """Tracebacks and error lines in the server's log (the app's own exceptions land here)."""
        out, lines = [], self.text().splitlines()
        for i, ln in enumerate(lines):
            if ln.startswith("Traceback"):
                last = next((l for l in lines[i + 1:] if l and not l.startswith((" ", "Traceback"))),
                            "")
                out.append(f"server log: traceback ending in {last.strip()[:200]!r}")
            elif re.search(r"\b(ERROR|CRITICAL)\b", ln):
                out.append(f"server log: {ln.strip()[:200]}")
        return out


# ------------------------------------------------------------------------------------ actions
# Each action prepares what it needs (open an expander, a drop-down), then calls `arm` right before
# the final input event, so the latency starts at the input that triggers the rerun.
def expander(page, title_part: str):
    return page.locator("[data-testid='stExpander']").filter(
        has=page.locator("summary", has_text=title_part)).first


async def open_expander(page, title_part: str):
    exp = expander(page, title_part)
    details = exp.locator("details").first
    if await details.count() and await details.get_attribute("open") is None:
        await exp.locator("summary").first.click()
        await page.wait_for_timeout(150)
    return exp


async def nudge_slider(slider, go_right: bool, arm):
    """One arrow key on a slider, towards `go_right` unless it is already at that end."""
    await slider.scroll_into_view_if_needed()
    now, lo, hi = [await slider.get_attribute(a) for a in
                   ("aria-valuenow", "aria-valuemin", "aria-valuemax")]
    try:
        if go_right and float(now) >= float(hi):
            go_right = False
        elif not go_right and float(now) <= float(lo):
            go_right = True
    except (TypeError, ValueError):
        pass
    await slider.focus()
    await arm()
    await slider.press("ArrowRight" if go_right else "ArrowLeft")


async def type_number(box, text: str, arm):
    await box.scroll_into_view_if_needed()
    await box.fill(text)
    await arm()
    await box.press("Enter")


async def a_adam_lr(page, v, arm):
    exp = await open_expander(page, "Adam ·")
    await nudge_slider(exp.get_by_role("slider", name=re.compile(r"\blr$")), v.right, arm)


async def a_steps(page, v, arm):
    await nudge_slider(page.get_by_role("slider", name="Steps", exact=True), not v.right, arm)


async def a_noise(page, v, arm):
    exp = await open_expander(page, "Gradient oracle")
    await nudge_slider(exp.get_by_role("slider", name=re.compile(r"noise$")), True, arm)


async def a_seed(page, v, arm):
    await type_number(page.get_by_label("Seed (gradient noise)", exact=True), str(v.seed), arm)


async def a_amsgrad(page, v, arm):
    exp = await open_expander(page, "Adam ·")
    switch = exp.get_by_role("switch", name="amsgrad", exact=True)
    await switch.scroll_into_view_if_needed()
    await arm()
    await switch.click()


async def a_remove_optimizer(page, v, arm):
    for name in v.removals:
        button = page.get_by_role("button", name=f"Remove {name}", exact=True)
        if await button.count():
            await button.scroll_into_view_if_needed()
            await arm()
            await button.click()
            return
    raise RuntimeError("no optimizer left to remove")


async def a_x0(page, v, arm):
    await type_number(page.get_by_label("start x₀", exact=True), f"{v.x0:g}", arm)


async def a_random(page, v, arm):
    button = page.get_by_role("button", name=re.compile(r"Random$"))
    await button.scroll_into_view_if_needed()
    await arm()
    await button.click()


async def a_surface(page, v, arm):
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Surface").first
    await box.scroll_into_view_if_needed()
    await box.locator("input, [role='combobox']").first.click()
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=10_000)
    texts = [t.strip() for t in await options.all_inner_texts()]
    current = (await box.inner_text()).split("\n")
    choices = [i for i, t in enumerate(texts) if t and t not in current and "own" not in t]
    await arm()
    await options.nth(choices[v.surface % len(choices)]).click()


async def a_map_click(page, v, arm):
    chart = page.locator(".js-plotly-plot").first
    await chart.scroll_into_view_if_needed()
    pos = await page.evaluate("""([fx, fy]) => {
        const gd = document.querySelectorAll('.js-plotly-plot')[0], fl = gd._fullLayout,
              r = gd.getBoundingClientRect(), xa = fl.xaxis, ya = fl.yaxis;
        return {x: r.left + xa._offset + fx * xa._length, y: r.top + ya._offset + fy * ya._length};
    }""", [v.map_x, v.map_y])
    await page.mouse.move(pos["x"], pos["y"])
    await page.wait_for_timeout(400)                 # plotly needs the hover before a click selects
    await arm()
    await page.mouse.down()
    await page.mouse.up()


ACTIONS = [("Adam lr slider", a_adam_lr), ("Steps slider", a_steps), ("noise slider", a_noise),
           ("seed box", a_seed), ("Adam amsgrad toggle", a_amsgrad),
           ("remove an optimizer", a_remove_optimizer), ("x₀ box", a_x0),
           ("Random start button", a_random), ("Surface select box", a_surface),
           ("click on the map", a_map_click)]


@dataclass
class Variation:
    """What differs between sessions (and between rounds of changes, past the tenth)."""

    right: bool
    seed: int
    removals: tuple
    x0: float
    surface: int
    map_x: float
    map_y: float


def variation(idx: int, k: int, rng: random.Random) -> Variation:
    r = k // len(ACTIONS)
    n = len(OPTIMIZERS_TO_REMOVE)
    return Variation(right=(idx + r) % 2 == 0, seed=1 + 97 * idx + 13 * k,
                     removals=tuple(OPTIMIZERS_TO_REMOVE[(idx + j) % n] for j in range(n)),
                     x0=round(rng.uniform(-1.9, 1.9), 2), surface=idx + 3 * r,
                     map_x=rng.uniform(0.15, 0.85), map_y=rng.uniform(0.15, 0.85))


def start_link(base: str, idx: int) -> str:
    """Every session opens its own link: the default scenario from its own start point."""
    return f"{base}/?x0={-1.5 + 0.02 * idx:.2f}&y0={2.0 - 0.01 * idx:.2f}"


# ------------------------------------------------------------------------------------ session
async def drive(browser, base: str, idx: int, changes: int, start_gate: asyncio.Event | None,
                loaded: callable, load_timeout: float, change_timeout: float) -> Session:
    """One session: load its link, wait for the gate, make `changes` changes; record everything."""
    s = Session(idx)
    rng = random.Random(idx)
    ctx = page = None
    try:
        ctx = await browser.new_context(viewport=VIEWPORT)
        await ctx.add_init_script(PROBE)
        page = await ctx.new_page()
        page.set_default_timeout(change_timeout * 1000)
        page.on("console", lambda m: s.errors.append(f"console error: {m.text[:200]}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: s.errors.append(f"page error: {str(e)[:200]}"))
        page.on("crash", lambda _: s.errors.append("page crashed"))
        t0 = time.perf_counter()
        await page.goto(start_link(base, idx), wait_until="commit", timeout=load_timeout * 1000)
        await page.wait_for_timeout(250)
        await page.wait_for_selector(READY, state="attached", timeout=load_timeout * 1000)
        await page.wait_for_selector(CHART, state="attached", timeout=load_timeout * 1000)
        s.load = time.perf_counter() - t0
        await check_exceptions(page, s, "first load")
    except Exception as e:
        s.errors.append(f"first load: {short(e)}")
    finally:
        loaded()
    if start_gate is not None:
        await start_gate.wait()
    if s.load is None:
        await close(ctx)
        return s
    for k in range(changes):
        name, action = ACTIONS[k % len(ACTIONS)]
        await page.wait_for_timeout(rng.uniform(300, 900))        # a user's think time
        since = {}

        async def arm():
            since["t"] = await page.evaluate(ARM)
        try:
            await asyncio.wait_for(action(page, variation(idx, k, rng), arm), change_timeout)
            if "t" not in since:
                raise RuntimeError("the action never reached its input event")
            handle = await page.wait_for_function(DONE, arg=since["t"], polling=50,
                                                  timeout=change_timeout * 1000)
            latency_ms, _states = await handle.json_value()
            s.latencies.append((name, latency_ms / 1000))
            await check_exceptions(page, s, name)
        except Exception as e:
            s.errors.append(f"{name}: {short(e)}")
            if page.is_closed():
                break
            try:                  # let a late rerun finish before the next change
                await page.wait_for_selector(READY, state="attached", timeout=change_timeout * 1000)
            except Exception:
                break
    await close(ctx)
    return s


async def check_exceptions(page, s: Session, where: str) -> None:
    boxes = page.locator(EXCEPTION)
    n = await boxes.count()
    if n:
        text = (await boxes.first.inner_text()).strip().replace("\n", " ⏎ ")
        s.errors.append(f"{where}: {n} exception box(es) on the page: {text[:300]}")


async def close(ctx) -> None:
    if ctx is not None:
        try:
            await asyncio.wait_for(ctx.close(), 30)
        except Exception:
            pass


def short(e: BaseException) -> str:
    if isinstance(e, asyncio.TimeoutError):
        return "timeout (asyncio)"
    first = (str(e).strip().splitlines() or [""])[0]
    return f"{type(e).__name__}: {first[:200]}"


async def watch_health(url: str, stop: asyncio.Event, bad: list[str], every: float = 1.0) -> int:
    """Poll /_stcore/health until `stop`; every answer that is not "ok" is recorded."""
    n = 0
    while not stop.is_set():
        answer = await asyncio.to_thread(health, url, 10.0)
        n += 1
        if answer != "ok":
            bad.append(f"health check: {answer[:200]}")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass
    return n


async def phase(browser, base: str, users: int, changes: int, load_timeout: float,
                change_timeout: float) -> tuple[list[Session], list[str], int, float]:
    """`users` sessions at once: all load (staggered by 50 ms), then all change together."""
    gate, stop, bad = asyncio.Event(), asyncio.Event(), []
    pending = [users]

    def loaded():
        pending[0] -= 1
        if pending[0] == 0:
            gate.set()
    watcher = asyncio.create_task(watch_health(base, stop, bad))
    t0 = time.perf_counter()

    async def one(i):
        await asyncio.sleep(0.05 * i)
        return await drive(browser, base, i + 1 if users > 1 else 0, changes, gate, loaded,
                           load_timeout, change_timeout)
    # an overall bound on top of the per-step timeouts
    bound = load_timeout + changes * (change_timeout + 5) + 60
    tasks = [asyncio.create_task(one(i)) for i in range(users)]
    done, not_done = await asyncio.wait(tasks, timeout=bound)
    for t in not_done:
        t.cancel()
    sessions = []
    for i, t in enumerate(tasks):
        if t in done and t.exception() is None:
            sessions.append(t.result())
        else:
            s = Session(i)
            s.errors.append("session did not finish within the overall bound" if t in not_done
                            else f"session failed: {short(t.exception())}")
            sessions.append(s)
    wall = time.perf_counter() - t0
    stop.set()
    checks = await watcher
    return sessions, bad, checks, wall


# -------------------------------------------------------------------------------------- report
def report(single: list[Session], many: list[Session], bad_single, bad_many, checks, server_errs,
           walls, users: int, changes: int, memory, total: float) -> int:
    def lat(ss):
        return [x for s in ss for _, x in s.latencies]

    def loads(ss):
        return [s.load for s in ss if s.load is not None]

    errors_single = [e for s in single for e in s.errors] + bad_single
    errors_many = [f"session {s.idx}: {e}" for s in many for e in s.errors] + bad_many
    n_err = len(errors_single) + len(errors_many) + len(server_errs)
    a, b = lat(single), lat(many)
    la, lb = loads(single), loads(many)

    rows = [("", "1 user", f"{users} users", "ratio")]
    for label, p in (("rerun latency p50", 50), ("rerun latency p95", 95)):
        rows.append((label, fmt_s(pct(a, p)), fmt_s(pct(b, p)), fmt_ratio(pct(b, p), pct(a, p))))
    rows.append(("rerun latency max", fmt_s(max(a, default=float("nan"))),
                 fmt_s(max(b, default=float("nan"))),
                 fmt_ratio(max(b, default=float("nan")), max(a, default=float("nan")))))
    rows.append(("reruns measured", f"{len(a)} of {changes}", f"{len(b)} of {users * changes}", ""))
    rows.append(("first load p50 (goto → chart, script done)", fmt_s(pct(la, 50)), fmt_s(pct(lb, 50)),
                 fmt_ratio(pct(lb, 50), pct(la, 50))))
    rows.append(("first load max", fmt_s(max(la, default=float("nan"))),
                 fmt_s(max(lb, default=float("nan"))),
                 fmt_ratio(max(lb, default=float("nan")), max(la, default=float("nan")))))
    rows.append(("phase wall time", fmt_s(walls[0]), fmt_s(walls[1]), fmt_ratio(walls[1], walls[0])))
    rows.append(("errors", str(len(errors_single)), str(len(errors_many)), ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))

    print(f"\nper change: median latency, 1 user vs {users} users")
    names = [n for n, _ in ACTIONS][:changes] if changes < len(ACTIONS) else [n for n, _ in ACTIONS]
    w = max(len(n) for n in names)
    for n in names:
        x = [v for s in single for m, v in s.latencies if m == n]
        y = [v for s in many for m, v in s.latencies if m == n]
        print(f"  {n.ljust(w)}  {fmt_s(statistics.median(x) if x else float('nan')):>8}  "
              f"{fmt_s(statistics.median(y) if y else float('nan')):>8}  "
              f"{fmt_ratio(statistics.median(y) if y else float('nan'), statistics.median(x) if x else float('nan')):>7}"
              f"   (n = {len(y)})")

    if memory:
        print(f"\nserver memory: {memory[0]:.0f} MB resident at the end, peak {memory[1]:.0f} MB")
    print(f"health checks during the {users}-user phase: {checks}, not ok: {len(bad_many)}")
    print(f"\nERRORS: {n_err} (target 0) — single user {len(errors_single)}, {users} users "
          f"{len(errors_many)}, server log {len(server_errs)}")
    for e in (errors_single + errors_many + server_errs)[:60]:
        print(f"  - {e}")
    if n_err > 60:
        print(f"  … and {n_err - 60} more")
    print(f"\ntotal wall time: {total:.1f} s")
    return n_err


# ----------------------------------------------------------------------------------------- main
async def run(args) -> int:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        print("cannot run: playwright (python) is not installed", file=sys.stderr)
        return 2
    if not (os.path.exists(CHROMIUM) or shutil_which(CHROMIUM)):
        print(f"cannot run: no Chromium at {CHROMIUM} (set CHROMIUM=/path/to/chromium)",
              file=sys.stderr)
        return 2
    t_total = time.perf_counter()
    port = args.port or free_port()
    server = Server(port)
    try:
        try:
            await asyncio.to_thread(server.wait_healthy)
        except RuntimeError as e:
            print(f"cannot run: {e}", file=sys.stderr)
            return 2
        import streamlit
        print(f"Load benchmark: {APP.name} on {server.url} — 1 user, then {args.users} concurrent "
              f"sessions × {args.changes} control changes")
        print(f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
              f"{os.cpu_count()} CPUs; Chromium ({CHROMIUM}) runs on the same machine as the server.",
              flush=True)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                print(f"\nphase 1: a single user, {args.changes} changes …", flush=True)
                single, bad1, _, wall1 = await phase(browser, server.url, 1, args.changes,
                                                     args.load_timeout, args.timeout)
                if all(s.load is None for s in single):
                    print("cannot run: the page never loaded for the single user: "
                          + "; ".join(single[0].errors), file=sys.stderr)
                    return 2
                print(f"phase 2: {args.users} concurrent sessions × {args.changes} changes …",
                      flush=True)
                many, bad2, checks, wall2 = await phase(browser, server.url, args.users,
                                                        args.changes, args.load_timeout,
                                                        args.timeout)
            finally:
                try:
                    await asyncio.wait_for(browser.close(), 60)
                except Exception:
                    pass
        memory = server.memory()
        if health(server.url) != "ok":
            bad2.append(f"health check after the run: {health(server.url)[:200]}")
    finally:
        server.stop()
    report(single, many, bad1, bad2, checks, server.server_errors(), (wall1, wall2), args.users,
           args.changes, memory, time.perf_counter() - t_total)
    print(f"server log: {server.log.name}")
    return 0


def shutil_which(cmd: str):
    import shutil
    return shutil.which(cmd)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20, help="concurrent sessions (default 20)")
    ap.add_argument("--changes", type=int, default=10, help="control changes per session (default 10)")
    ap.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds allowed for one change's rerun (default 120)")
    ap.add_argument("--load-timeout", type=float, default=240.0,
                    help="seconds allowed for a session's first load (default 240)")
    args = ap.parse_args(argv)
    if args.users < 1 or args.changes < 1:
        ap.error("--users and --changes must be at least 1")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
