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
with their ratio, and so are the CPU seconds the server and the browser side used. The browsers run
on the server's machine: each page's own work (parsing and drawing a new figure) costs several times
the server's, so on a small machine the N-user latencies mostly measure the browsers queueing for
the CPUs and are an upper bound on what N students on their own laptops would see. `--server-cpus`
gives the server CPUs of its own (the browsers get the rest). Streamlit's file watcher is off
(`--server.fileWatcherType=none`, as it should be when serving a class): with it on, an edit to a
source file during the run breaks concurrent sessions (see README, "Deploying for a class"); keep it
with `--watch-files`. The command exits non-zero only if the benchmark could not run at all (no
Playwright, no Chromium, no healthy server).

    python -m benchmarks.load --attack           # 5 sessions, without and then with an attacker

With --attack the two phases are: N (default 5) sessions making their K changes, then the same with
one more session, the attacker, that keeps opening the most expensive links the caps allow (12
optimizers × 20,000 steps on a 500-character expression with the sweep tab at 64 × 64; logistic
regression with minibatch 255 × 5,000 steps and a 64 × 64 sweep), takes every smaller run the page
offers in their place and lets it finish, and at the end opens one more and closes its tab in the
middle of the work. Printed: the others' p50/p95 rerun latencies with and without the attacker
(target p95 ≤ 2×), and the server's CPU use in the seconds after the attacker left (target ~0).
`--no-budget` runs the server without compute budgets (OPTVIZ_*_BUDGET=off), for comparison.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
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
VERBOSE = False
HEALTH_TIMEOUT = 10.0     # a load balancer would give up sooner (often 5 s)
QUIET_MS = 300            # a rerun is over when the state has stayed notRunning this long
AFTER_LEAVING = 8         # seconds of server CPU sampled after the attacker leaves

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
  }).observe(document, {attributes: true, subtree: true,
                        attributeFilter: ['data-test-script-state']});
  for (const type of ['pointerdown', 'mousedown', 'keydown', 'click']) {
    document.addEventListener(type, e => {
      if (e.isTrusted && st.armed && st.input === null) st.input = e.timeStamp;
    }, true);
  }
})();
"""

ARM = "() => { const s = window.__load; s.input = null; s.armed = true; return performance.now(); }"

# True once a rerun has started after `since` and the state has been notRunning for QUIET_MS with
# the chart on the page (or an exception box instead: the run is over, and failed); then it returns
# [latency ms, states seen, exception shown].
DONE = f"""
(since) => {{
  const s = window.__load, el = document.querySelector("[data-testid='stApp']");
  if (!el || el.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const after = s.log.filter(e => e[0] >= since);
  if (!after.some(e => e[1] !== 'notRunning')) return false;
  const last = after[after.length - 1];
  if (last[1] !== 'notRunning' || performance.now() - last[0] < {QUIET_MS}) return false;
  const failed = !!document.querySelector("{EXCEPTION}");
  if (!failed && !document.querySelector("{CHART}")) return false;
  const t0 = s.input !== null ? s.input : since;
  return [last[0] - t0, after.map(e => e[1]).join('>'), failed];
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
    unchanged: list[str] = field(default_factory=list)     # changes that left the link as it was


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (linear interpolation between the closest ranks)."""
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

    def __init__(self, port: int, watch_files: bool = False, cpus: set[int] | None = None,
                 env: dict | None = None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-load-", suffix=".log",
                                               delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1",
             "--browser.gatherUsageStats=false"]
            + ([] if watch_files else ["--server.fileWatcherType=none"]),
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if health(self.url, 2.0) == "ok":
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}: "
                                   + self.tail())
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit was not healthy after {timeout:.0f} s: "
                                   + self.tail())
            time.sleep(0.2)

    def text(self) -> str:
        if not self.log.closed:
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

    def cpu(self) -> float:
        """CPU seconds (user + system, all threads) the server has used so far (Linux only)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")

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
                last = next((x for x in lines[i + 1:]
                             if x and not x.startswith((" ", "Traceback"))), "")
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
    # Streamlit's slider is an <input type=range> over the option indices (min, max, value)
    now, lo, hi = [await slider.get_attribute(a) for a in ("value", "min", "max")]
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
    await nudge_slider(page.get_by_role("slider", name=re.compile(r"^Steps\b")), not v.right, arm)


async def a_noise(page, v, arm):
    exp = await open_expander(page, "Gradient oracle")
    await nudge_slider(exp.get_by_role("slider", name=re.compile(r"noise$")), True, arm)


async def a_seed(page, v, arm):
    await type_number(page.get_by_label("Seed (gradient noise)", exact=True), str(v.seed), arm)


async def a_amsgrad(page, v, arm):
    exp = await open_expander(page, "Adam ·")
    switch = exp.get_by_role("switch", name="amsgrad", exact=True)
    await switch.scroll_into_view_if_needed()
    await switch.focus()      # the input itself is a 1-px box under its label: use the keyboard
    await arm()
    await switch.press("Space")


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
    box = page.get_by_role("combobox", name="Surface", exact=True)
    await box.scroll_into_view_if_needed()
    current = await box.input_value()
    await box.click()
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=10_000)
    texts = [t.strip() for t in await options.all_inner_texts()]
    # another built-in surface than the current one (not the expression box: it needs typing)
    choices = [i for i, t in enumerate(texts) if t and t != current and "own f" not in t]
    await arm()
    await options.nth(choices[v.surface % len(choices)]).click()


HOVER = """() => {
    const gd = document.querySelectorAll('.js-plotly-plot')[0], h = gd && gd._hoverdata;
    return h && h.length ? h[0].curveNumber + 1 : false;      // the trace under the label, from 1
}"""


async def a_map_click(page, v, arm):
    """A click on the map: the race restarts there (the invisible start-point grid, trace 0)."""
    chart = page.locator(".js-plotly-plot").first
    await chart.scroll_into_view_if_needed()
    # plotly clicks the point under its hover label: wait for the label to be the start grid's
    # ("start here"), not a path's (a click on a path does not restart the race); move a little
    # and try again otherwise (a busy page may also miss a move)
    fx, fy = v.map_x, v.map_y
    for attempt in range(8):
        pos = await page.evaluate("""([fx, fy]) => {
            const gd = document.querySelectorAll('.js-plotly-plot')[0], fl = gd._fullLayout,
                  r = gd.getBoundingClientRect(), xa = fl.xaxis, ya = fl.yaxis;
            return {x: r.left + xa._offset + fx * xa._length,
                    y: r.top + ya._offset + fy * ya._length};
        }""", [fx, fy])
        await page.mouse.move(pos["x"], pos["y"], steps=2)
        try:
            handle = await page.wait_for_function(HOVER, polling=50, timeout=5_000)
            if await handle.json_value() == 1:
                break
        except Exception:
            pass
        fx = min(0.9, max(0.1, fx + (0.07 if attempt % 2 else -0.11)))
        fy = min(0.9, max(0.1, fy + (0.09 if attempt % 3 else -0.05)))
    await page.wait_for_timeout(100)
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


# ----------------------------------------------------------------------------------- attacker
# The most expensive links the caps allow: 12 optimizers (MAX_RUNS) × 20,000 steps (MAX_STEPS) on a
# 500-character expression (the length cap) of ~400 nodes (the node cap), the sweep tab at 64 × 64;
# and the logistic link (minibatch 255: the plain autograd path at every step).
ATTACK_EXPR = "+".join(f"sin(x*{k}+y)*cos(y*{k}-x)" for k in range(1, 22))[:500].rstrip("+*-(")
ATTACK_OPTS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adamprox",
               "adamax", "nadam", "radam", "amsgrad")
OFFER = re.compile(r"^Run (it with|a [0-9]+ *× *[0-9]+)")


def attack_links(base: str) -> list[str]:
    from urllib.parse import urlencode
    expr = ATTACK_EXPR
    while expr.count("(") != expr.count(")"):            # cut inside a term: drop that term
        expr = expr[:expr.rindex("+")]
    custom = {"surface": "custom", "expr": expr, "opt": list(ATTACK_OPTS), "steps": "20000",
              "sweep.n": "64"}
    logistic = {"surface": "logistic", "batch": "255", "steps": "5000", "sweep.n": "64",
                "opt": list(ATTACK_OPTS)}
    return [f"{base}/?{urlencode(q, doseq=True)}" for q in (custom, logistic)]


@dataclass
class Attack:
    opened: int = 0                       # expensive links opened
    ready: list[float] = field(default_factory=list)      # goto → script done, seconds
    offers: int = 0                       # smaller runs the page offered and the attacker took
    offer_done: list[float] = field(default_factory=list)  # click → that run done, seconds
    errors: list[str] = field(default_factory=list)
    left_at: float | None = None          # perf_counter() when its tab closed


async def attacker(browser, base: str, stop: asyncio.Event, att: Attack, timeout: float) -> None:
    """Open the expensive links in turn, take every offer and let it run, until `stop`; then open
    one more, take its offer, and close the tab a second into that work (the attacker leaves)."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    page.set_default_timeout(timeout * 1000)
    links, i = attack_links(base), 0

    async def open_and_take(wait: bool):
        nonlocal i
        t0 = time.perf_counter()
        await page.goto(links[i % len(links)], wait_until="commit")
        i += 1
        att.opened += 1
        await page.wait_for_timeout(250)
        await page.wait_for_selector(READY, state="attached")
        att.ready.append(time.perf_counter() - t0)
        for _ in range(2):                            # the race's offer, then the sweep's
            offer = page.get_by_role("button", name=OFFER)
            if not await offer.count():
                return
            t1 = time.perf_counter()
            await offer.first.click()
            att.offers += 1
            if not wait:
                await page.wait_for_timeout(1000)     # in the middle of the work
                return
            await page.wait_for_timeout(250)
            await page.wait_for_selector(READY, state="attached")
            att.offer_done.append(time.perf_counter() - t1)

    try:
        while not stop.is_set():
            await open_and_take(wait=True)
        await open_and_take(wait=False)
    except Exception as e:
        att.errors.append(f"attacker: {short(e)}")
    finally:
        await close(ctx)
        att.left_at = time.perf_counter()


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
        shown = await exception_text(page)
        if shown:
            s.errors.append(f"first load: the page shows an exception: {shown}")
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
        url_before = page.url
        try:
            await asyncio.wait_for(action(page, variation(idx, k, rng), arm), change_timeout)
            if "t" not in since:
                raise RuntimeError("the action never reached its input event")
            handle = await page.wait_for_function(DONE, arg=since["t"], polling=50,
                                                  timeout=change_timeout * 1000)
            latency_ms, states, failed = await handle.json_value()
            if failed:
                raise RuntimeError("the rerun ended with an exception on the page")
            s.latencies.append((name, latency_ms / 1000))
            shown = await exception_text(page)
            if shown:
                s.errors.append(f"{name}: the page shows an exception: {shown}")
            if page.url == url_before:       # every control is bound to the link: it should change
                s.unchanged.append(name)
            if VERBOSE:
                print(f"  [{time.strftime('%H:%M:%S')}] session {idx} change {k + 1} {name}: "
                      f"{latency_ms:.0f} ms ({states})", flush=True)
        except Exception as e:
            msg = f"{name}: {short(e)}{await diagnose(page, since.get('t'))}"
            shown = "" if page.is_closed() else await exception_text(page)
            await snapshot(page, f"session{idx:02d}-change{k + 1:02d}")
            if VERBOSE:
                print(f"  [{time.strftime('%H:%M:%S')}] session {idx} change {k + 1} {name}: "
                      f"ERROR {short(e)}", flush=True)
            if page.is_closed():
                s.errors.append(msg)
                break
            if shown:
                # the script died: the page shows the traceback instead of the app (no sidebar);
                # a user would reload the page, so does this session
                msg += f"; the page shows an exception: {shown}; reloaded the page"
                try:
                    await page.reload(wait_until="commit", timeout=load_timeout * 1000)
                    await page.wait_for_timeout(250)
                    await page.wait_for_selector(CHART, state="attached",
                                                 timeout=load_timeout * 1000)
                except Exception as e2:
                    s.errors.append(msg + f" (the reload failed: {short(e2)})")
                    break
            s.errors.append(msg)
            try:                  # let a late rerun finish before the next change
                await page.wait_for_selector(READY, state="attached", timeout=change_timeout * 1000)
            except Exception:
                break
    await close(ctx)
    return s


DIAGNOSE = """(since) => {
  const s = window.__load, el = document.querySelector("[data-testid='stApp']");
  const after = s.log.filter(e => e[0] >= since);
  const status = document.querySelector("[data-testid='stStatusWidget'], [role='dialog']");
  return {input: s.input !== null, states: after.map(e => e[1]).join('>'),
          now: el ? el.getAttribute('data-test-script-state') : 'no app',
          chart: !!document.querySelector('.js-plotly-plot'),
          status: status ? status.innerText.trim().slice(0, 120) : ''};
}"""


SHOTS: list[Path] = []           # where failure screenshots go (a temporary folder, printed)


async def snapshot(page, name: str) -> None:
    """A screenshot of the page at a failure (at most 20 per run)."""
    if not SHOTS or page.is_closed() or len(list(SHOTS[0].iterdir())) >= 20:
        return
    try:
        await page.screenshot(path=str(SHOTS[0] / f"{name}.png"), timeout=20_000)
    except Exception:
        pass


async def diagnose(page, since) -> str:
    """What the page looked like when a change failed: did the input land, did a rerun start."""
    if since is None or page.is_closed():
        return ""
    try:
        d = await asyncio.wait_for(page.evaluate(DIAGNOSE, since), 10)
    except Exception:
        return ""
    what = ("no rerun started" if not d["states"] else f"states since the input: {d['states']}")
    return (f" [input event {'seen' if d['input'] else 'NOT seen'}; {what}; state now "
            f"{d['now']}; chart {'present' if d['chart'] else 'MISSING'}"
            + (f"; status: {d['status']!r}" if d["status"] else "") + "]")


async def exception_text(page) -> str:
    """The first exception box on the page, on one line ("" if there is none)."""
    try:
        boxes = page.locator(EXCEPTION)
        if not await boxes.count():
            return ""
        text = (await boxes.first.inner_text(timeout=10_000)).strip()
        return " ⏎ ".join(ln.strip() for ln in text.splitlines() if ln.strip())[:400]
    except Exception as e:
        return f"(could not read it: {short(e)})"


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


async def watch_health(url: str, stop: asyncio.Event, gate: asyncio.Event, ph: "Phase",
                       tree: ProcessTree, every: float = 1.0) -> None:
    """Poll /_stcore/health until `stop`; every answer that is not "ok" is an error."""
    start = time.perf_counter()
    while not stop.is_set():
        tree.sample()
        t0 = time.perf_counter()
        answer = await asyncio.to_thread(health, url, HEALTH_TIMEOUT)
        ph.health_times.append(time.perf_counter() - t0)
        if answer != "ok":
            when = "during the changes" if gate.is_set() else "while the pages loaded"
            ph.errors.append(f"health check at +{t0 - start:.0f} s ({when}, "
                             f"{HEALTH_TIMEOUT:.0f} s allowed): {answer[:200]}")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


@dataclass
class Phase:
    users: int
    sessions: list[Session] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)        # health checks
    health_times: list[float] = field(default_factory=list)
    wall: float = float("nan")
    server_cpu: float = float("nan")                          # CPU seconds the server used
    machine_cpu: float = float("nan")                         # … and every process on the machine
    browser_cpu: float = float("nan")                         # … Chromium, its pages, Playwright
    load_wall: float = float("nan")                           # until every page had loaded
    load_cpu: float = float("nan")                            # the server's CPU seconds until then
    after_leaving: list[float] = field(default_factory=list)  # server CPU s per s, attacker gone

    def latencies(self, change: str | None = None) -> list[float]:
        return [x for s in self.sessions for n, x in s.latencies if change in (None, n)]

    def loads(self) -> list[float]:
        return [s.load for s in self.sessions if s.load is not None]

    def all_errors(self) -> list[str]:
        tag = (lambda s: f"session {s.idx}: ") if self.users > 1 else (lambda s: "")
        return [tag(s) + e for s in self.sessions for e in s.errors] + self.errors


async def phase(browser, server: Server, users: int, changes: int, load_timeout: float,
                change_timeout: float, attack: Attack | None = None) -> Phase:
    """`users` sessions at once: all load (staggered by 50 ms), then all change together. With
    `attack`, an attacker session starts first and leaves when the others are done; the server's
    CPU is then sampled for AFTER_LEAVING seconds (Phase.after_leaving)."""
    ph, gate, stop = Phase(users), asyncio.Event(), asyncio.Event()
    leave = asyncio.Event()
    att_task = (asyncio.create_task(attacker(browser, server.url, leave, attack, change_timeout))
                if attack is not None else None)
    if att_task is not None:
        await asyncio.sleep(3.0)             # the attacker's first link is in flight
    pending = [users]

    def loaded():
        pending[0] -= 1
        if pending[0] == 0:                  # every page is in: the changes start now
            ph.load_wall, ph.load_cpu = time.perf_counter() - t0, server.cpu() - cpu0
            gate.set()

    async def one(i):
        await asyncio.sleep(0.05 * i)
        return await drive(browser, server.url, i + 1 if users > 1 else 0, changes, gate, loaded,
                           load_timeout, change_timeout)

    tree = ProcessTree(server.proc.pid)
    cpu0, mcpu0, bcpu0, t0 = server.cpu(), machine_cpu(), tree.sample(), time.perf_counter()
    watcher = asyncio.create_task(watch_health(server.url, stop, gate, ph, tree))
    tasks = [asyncio.create_task(one(i)) for i in range(users)]
    # an overall bound on top of the per-step timeouts
    done, not_done = await asyncio.wait(tasks, timeout=load_timeout + changes * (change_timeout + 5)
                                        + 60)
    for t in not_done:
        t.cancel()
    for i, t in enumerate(tasks):
        if t in done and t.exception() is None:
            ph.sessions.append(t.result())
        else:
            s = Session(i + 1 if users > 1 else 0)
            s.errors.append("session did not finish within the overall bound" if t in not_done
                            else f"session failed: {short(t.exception())}")
            ph.sessions.append(s)
    ph.wall, ph.server_cpu = time.perf_counter() - t0, server.cpu() - cpu0
    ph.machine_cpu, ph.browser_cpu = machine_cpu() - mcpu0, tree.sample() - bcpu0
    if att_task is not None:
        leave.set()
        await att_task
        # the server's CPU use per second after the attacker's tab closed: [0, 1), [1, 2), …
        c = [server.cpu()]
        for k in range(AFTER_LEAVING):
            await asyncio.sleep(max(0.0, attack.left_at + k + 1 - time.perf_counter()))
            c.append(server.cpu())
        ph.after_leaving = [b - a for a, b in zip(c, c[1:])]
    stop.set()
    await watcher
    return ph


# -------------------------------------------------------------------------------------- report
def table(rows: list[tuple]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))


def nmax(xs):
    return max(xs, default=float("nan"))


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def report(one: Phase, many: Phase, server_errs: list[str], changes: int, memory) -> int:
    n, a, b = many.users, one.latencies(), many.latencies()
    nu = f"{n} user" + ("s" if n != 1 else "")
    la, lb = one.loads(), many.loads()
    rows = [("", "1 user", nu, "ratio")]
    for label, p in (("rerun latency p50", 50), ("rerun latency p95", 95)):
        rows.append((label, fmt_s(pct(a, p)), fmt_s(pct(b, p)), fmt_ratio(pct(b, p), pct(a, p))))
    rows.append(("rerun latency max", fmt_s(nmax(a)), fmt_s(nmax(b)), fmt_ratio(nmax(b), nmax(a))))
    rows.append(("reruns measured", f"{len(a)} of {changes}", f"{len(b)} of {n * changes}", ""))
    rows.append(("first load p50 (goto → chart drawn, script done)", fmt_s(pct(la, 50)),
                 fmt_s(pct(lb, 50)), fmt_ratio(pct(lb, 50), pct(la, 50))))
    rows.append(("first load max", fmt_s(nmax(la)), fmt_s(nmax(lb)), fmt_ratio(nmax(lb), nmax(la))))
    rows.append(("health check p50 / max", f"{fmt_s(pct(one.health_times, 50))} / "
                 f"{fmt_s(nmax(one.health_times))}", f"{fmt_s(pct(many.health_times, 50))} / "
                 f"{fmt_s(nmax(many.health_times))}", ""))
    for label, fa, fb in (
            ("server CPU per first load", one.load_cpu / max(1, len(la)),
             many.load_cpu / max(1, len(lb))),
            ("server CPU per rerun", (one.server_cpu - one.load_cpu) / max(1, len(a)),
             (many.server_cpu - many.load_cpu) / max(1, len(b)))):
        rows.append((label, fmt_s(fa), fmt_s(fb), fmt_ratio(fb, fa)))
    rows.append(("phase wall time", fmt_s(one.wall), fmt_s(many.wall),
                 fmt_ratio(many.wall, one.wall)))
    rows.append(("errors", str(len(one.all_errors())), str(len(many.all_errors())), ""))
    print()
    table(rows)

    print(f"\nper change: median rerun latency, 1 user vs {nu}")
    rows = [("change", "1 user", nu, "ratio", f"reruns ({nu})")]
    for name, _ in ACTIONS[:changes]:
        x, y = med(one.latencies(name)), med(many.latencies(name))
        rows.append((name, fmt_s(x), fmt_s(y), fmt_ratio(y, x), str(len(many.latencies(name)))))
    table(rows)

    print()
    if memory:
        print(f"server memory: {memory[0]:.0f} MB resident at the end, peak {memory[1]:.0f} MB")
    for ph in (one, many):
        other = ph.machine_cpu - ph.server_cpu - ph.browser_cpu
        print(f"CPU in the {ph.users}-user phase ({fmt_s(ph.wall)}, {os.cpu_count()} CPUs): the "
              f"server {ph.server_cpu:.0f} s ({ph.server_cpu / ph.wall:.2f} CPUs on average), the "
              f"browser side (Chromium, {ph.users} page(s), Playwright) {ph.browser_cpu:.0f} s "
              f"({ph.browser_cpu / ph.wall:.2f} CPUs), other processes {max(other, 0):.0f} s")
    print(f"health checks in the phase with {nu}: {len(many.health_times)}, "
          f"not ok: {sum(e.startswith('health') for e in many.errors)}")
    unchanged = [f"{'session %d: ' % s.idx if ph.users > 1 else ''}{c}"
                 for ph in (one, many) for s in ph.sessions for c in s.unchanged]
    if unchanged:
        print(f"changes that reran the page but left its link unchanged ({len(unchanged)}; not "
              f"counted as errors): " + ", ".join(unchanged[:20]))

    errors = ([f"1 user: {e}" for e in one.all_errors()]
              + [f"{nu}: {e}" for e in many.all_errors()] + server_errs)
    print(f"\nERRORS: {len(errors)} (target 0) — 1 user: {len(one.all_errors())}, {nu}: "
          f"{len(many.all_errors())}, server log: {len(server_errs)}")
    for e in errors[:60]:
        print(f"  - {e}")
    if len(errors) > 60:
        print(f"  … and {len(errors) - 60} more")
    return len(errors)


def attack_report(calm: Phase, attacked: Phase, att: Attack, server_errs: list[str]) -> int:
    n, a, b = calm.users, calm.latencies(), attacked.latencies()
    print(f"\n{n} sessions' reruns without and with one attacker session:")
    rows = [("", "no attacker", "attacker", "ratio")]
    for label, p in (("rerun latency p50", 50), ("rerun latency p95", 95)):
        rows.append((label, fmt_s(pct(a, p)), fmt_s(pct(b, p)), fmt_ratio(pct(b, p), pct(a, p))))
    rows.append(("rerun latency max", fmt_s(nmax(a)), fmt_s(nmax(b)), fmt_ratio(nmax(b), nmax(a))))
    rows.append(("reruns measured", str(len(a)), str(len(b)), ""))
    rows.append(("server CPU (phase)", f"{calm.server_cpu:.0f} s", f"{attacked.server_cpu:.0f} s",
                 ""))
    rows.append(("errors", str(len(calm.all_errors())), str(len(attacked.all_errors())), ""))
    table(rows)
    print(f"\ntarget: p95 with the attacker ≤ 2× without it: "
          f"{fmt_ratio(pct(b, 95), pct(a, 95))}")
    print(f"attacker: opened {att.opened} expensive links (goto → page done: p50 "
          f"{fmt_s(pct(att.ready, 50))}, max {fmt_s(nmax(att.ready))}), took {att.offers} offered "
          f"smaller runs (click → done: p50 {fmt_s(pct(att.offer_done, 50))}, max "
          f"{fmt_s(nmax(att.offer_done))})")
    cpu = attacked.after_leaving
    if cpu:
        print("server CPU after the attacker closed its tab in the middle of a run, per second "
              "(CPU s / s): " + " ".join(f"{c:.2f}" for c in cpu))
        late = cpu[5:] or cpu[-1:]
        print(f"target ~0 from 5 s after it left: {statistics.mean(late):.2f} CPUs on average "
              f"over seconds 5-{len(cpu)}")
    errors = ([f"no attacker: {e}" for e in calm.all_errors()]
              + [f"attacker phase: {e}" for e in attacked.all_errors()] + att.errors + server_errs)
    print(f"\nERRORS: {len(errors)} (target 0)")
    for e in errors[:60]:
        print(f"  - {e}")
    return len(errors)


# ----------------------------------------------------------------------------------------- main
class ProcessTree:
    """CPU seconds used by this process's descendants (Playwright's driver, Chromium and its pages),
    the server excepted: /proc is sampled every second, each process's last sample counts."""

    def __init__(self, exclude: int):
        self.exclude, self.seen = exclude, {}

    def sample(self) -> float:
        try:
            tick, kids, cpu = os.sysconf("SC_CLK_TCK"), {}, {}
            for d in os.listdir("/proc"):
                if not d.isdigit():
                    continue
                try:
                    f = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                kids.setdefault(int(f[1]), []).append(int(d))
                cpu[int(d)] = ((int(f[19])), (int(f[11]) + int(f[12])) / tick)
            todo = [p for p in kids.get(os.getpid(), []) if p != self.exclude]
            while todo:
                pid = todo.pop()
                if pid in cpu:
                    start, used = cpu[pid]
                    self.seen[(pid, start)] = max(used, self.seen.get((pid, start), 0.0))
                todo += kids.get(pid, [])
            return sum(self.seen.values())
        except (OSError, ValueError, IndexError):
            return float("nan")


def machine_cpu() -> float:
    """CPU seconds every process on the machine has used so far (Linux /proc/stat; else NaN)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")     # all but idle, iowait
    except (OSError, ValueError, IndexError):
        return float("nan")


async def run(args) -> int:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        print("cannot run: playwright (python) is not installed", file=sys.stderr)
        return 2
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        print(f"cannot run: no Chromium at {CHROMIUM} (set CHROMIUM=/path/to/chromium)",
              file=sys.stderr)
        return 2
    t_total = time.perf_counter()
    server_cpus = browser_cpus = None
    if args.server_cpus:
        if not hasattr(os, "sched_setaffinity"):
            print("cannot run: --server-cpus needs Linux (os.sched_setaffinity)", file=sys.stderr)
            return 2
        server_cpus = cpu_list(args.server_cpus)
        browser_cpus = (os.sched_getaffinity(0) - server_cpus) or None
    att = Attack() if args.attack else None
    env = {"OPTVIZ_RACE_BUDGET": "off", "OPTVIZ_SWEEP_BUDGET": "off"} if args.no_budget else None
    server = Server(args.port or free_port(), args.watch_files, server_cpus, env)
    if browser_cpus:       # Playwright and Chromium, started from here on, inherit it
        os.sched_setaffinity(0, browser_cpus)
    SHOTS.append(Path(tempfile.mkdtemp(prefix="load-failures-")))
    try:
        try:
            await asyncio.to_thread(server.wait_healthy)
        except RuntimeError as e:
            print(f"cannot run: {e}", file=sys.stderr)
            return 2
        import streamlit
        placement = ("runs on the same machine as the server" if not server_cpus else
                     f"is pinned to CPUs {sorted(browser_cpus or [])}, the server to CPUs "
                     f"{sorted(server_cpus)}")
        print(f"Load benchmark: {APP.name} on {server.url} — "
              + (f"{args.users} concurrent sessions × {args.changes} control changes, without "
                 f"and then with an attacker session" if att else
                 f"1 user, then {args.users} concurrent sessions × {args.changes} control changes")
              + (" (compute budgets off)" if args.no_budget else ""))
        print(f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
              f"{os.cpu_count()} CPUs; Chromium ({CHROMIUM}, one context per session) {placement}; "
              f"Streamlit's file watcher "
              + ("on" if args.watch_files else "off (--server.fileWatcherType=none)"), flush=True)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                first = args.users if att else 1
                print(f"\nphase 1: {first} session(s) × {args.changes} changes"
                      + (", no attacker" if att else "") + " …", flush=True)
                one = await phase(browser, server, first, args.changes, args.load_timeout,
                                  args.timeout)
                if not one.loads():
                    print("cannot run: the page never loaded for the single user: "
                          + "; ".join(one.all_errors()), file=sys.stderr)
                    return 2
                print(f"phase 2: {args.users} concurrent sessions × {args.changes} changes"
                      + (" and an attacker session" if att else "") + " …", flush=True)
                many = await phase(browser, server, args.users, args.changes, args.load_timeout,
                                   args.timeout, attack=att)
            finally:
                try:
                    await asyncio.wait_for(browser.close(), 60)
                except Exception:
                    pass
        memory = server.memory()
        answer = health(server.url, HEALTH_TIMEOUT)
        if answer != "ok":
            many.errors.append(f"health check after the run: {answer[:200]}")
    finally:
        server.stop()
    if att:
        attack_report(one, many, att, server.server_errors())
    else:
        report(one, many, server.server_errors(), args.changes, memory)
    shots = sorted(SHOTS[0].iterdir())
    print(f"\ntotal wall time: {time.perf_counter() - t_total:.1f} s  "
          f"(server log: {server.log.name}"
          + (f"; {len(shots)} screenshot(s) of failures in {SHOTS[0]}" if shots else "") + ")")
    if not shots:
        SHOTS[0].rmdir()
    return 0


def cpu_list(text: str) -> set[int]:
    """"1" or "0,2" or "0-3" → a set of CPU numbers."""
    out = set()
    for part in text.split(","):
        a, _, b = part.strip().partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20, help="concurrent sessions (default 20)")
    ap.add_argument("--changes", type=int, default=10,
                    help="control changes per session (default 10)")
    ap.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds allowed for one change's rerun (default 120)")
    ap.add_argument("--load-timeout", type=float, default=300.0,
                    help="seconds allowed for a session's first load (default 300)")
    ap.add_argument("--watch-files", action="store_true",
                    help="keep Streamlit's file watcher on (off by default: an edit to a source "
                         "file during the run makes every session evict the project's modules from "
                         "sys.modules while other sessions run, see the README, Deploying for a class)")
    ap.add_argument("--server-cpus", default="",
                    help="pin the server to these CPUs (e.g. 1 or 0-3) and the browsers to the "
                         "others, so the pages' own work does not slow the server (Linux)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every change as it ends")
    ap.add_argument("--attack", action="store_true",
                    help="N sessions without, then with an attacker session (default N = 5)")
    ap.add_argument("--no-budget", action="store_true",
                    help="run the server without compute budgets (for comparison)")
    args = ap.parse_args(argv)
    if args.attack and "--users" not in " ".join(argv if argv is not None else sys.argv):
        args.users = 5
    if args.users < 1 or args.changes < 1:
        ap.error("--users and --changes must be at least 1")
    global VERBOSE
    VERBOSE = args.verbose
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
