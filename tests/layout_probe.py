"""What a person sees, measured in the page: boxes, type sizes and text contrast.

Used by tests/test_browser_layout.py and by `python tests/layout_probe.py URL` (prints the boxes at
the four sizes the layout is checked at, for a closing note's before/after).
"""
from __future__ import annotations

import json
import sys
import time

SIZES = ((1920, 1080), (1280, 720), (768, 1024), (390, 844))

# One pass over the page. Text: every visible text node's element (HTML) and every SVG <text> of
# the player's charts; its size and its contrast against the colour actually behind it (the first
# opaque background up the tree, or the chart's paper colour for SVG).
MEASURE_JS = r"""
() => {
  const vw = innerWidth, vh = innerHeight;
  const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
    return {x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height)}; };
  const rgb = (s) => { s = String(s).trim();
    if (s === "white") return [255, 255, 255, 1];
    const h = s.match(/^#([0-9a-f]{6})$/i);
    if (h) { const n = parseInt(h[1], 16); return [n >> 16, (n >> 8) & 255, n & 255, 1]; }
    const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const la = lum(a), lb = lum(b); return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05); };
  const over = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat([1]);
  const bgOf = (e) => { const layers = [];
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const plot = n.classList?.contains("js-plotly-plot") ? n._fullLayout : null;
      if (plot) { layers.push(rgb(plot.paper_bgcolor) || [255, 255, 255, 1]); if (layers.at(-1)[3] >= 1) break; }
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let acc = rgb(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1];
    if (acc[3] < 1) acc = over(acc, [255, 255, 255, 1]);
    for (const c of layers.reverse()) acc = over(c, acc);
    return acc; };
  const visible = (e) => { const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden" || +s.opacity === 0) return false; }
    return true; };
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  const texts = [];
  const seen = new Set();
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!e || seen.has(e) || !n.textContent.trim()) continue;
    if (e.closest("script, style, noscript, .modebar, .hoverlayer, [class*='st-key-player_blobs']")) continue;
    if (e.closest("button:disabled, [aria-disabled='true']")) continue;     // WCAG: inactive controls are exempt
    seen.add(e);
    if (!visible(e)) continue;
    const s = getComputedStyle(e);
    const svg = e instanceof SVGElement;
    let fg = rgb(svg ? (s.fill || s.color) : s.color) || [0, 0, 0, 1];
    if (svg && s.fillOpacity) fg[3] *= +s.fillOpacity;
    const bg = bgOf(e);
    const r = e.getBoundingClientRect();
    texts.push({text: n.textContent.trim().slice(0, 40), size: parseFloat(s.fontSize),
                contrast: Math.round(100 * ratio(over(fg, bg), bg)) / 100,
                where: e.closest(".ovp-map") ? "map" : e.closest(".ovp-loss") ? "loss" : e.closest(".ovp") ? "player" : "page",
                inView: r.bottom > 0 && r.top < vh && r.right > 0 && r.left < vw});
  }
  const plotBox = (sel) => box(document.querySelector(sel + " .nsewdrag"));
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  const sb = sidebar && visible(sidebar) ? box(sidebar) : null;
  const tabs = [...document.querySelectorAll("[data-testid='stMain'] [role='tab']")].map((t) => ({text: t.textContent.trim(), ...box(t)}));
  // the player's controls and the page's buttons: no box may cover another (a label holding its
  // own checkbox does not count)
  const ctl = [...document.querySelectorAll(".ovp-controls button, .ovp-controls input, .ovp-controls label, .ovp-controls .ovp-stepnum, [data-testid='stMain'] button")]
    .filter(visible);
  const controls = ctl.map((c) => ({text: (c.getAttribute("aria-label") || c.textContent).trim().slice(0, 20), ...box(c)}));
  const overlaps = [];
  for (let i = 0; i < ctl.length; i++) for (let j = i + 1; j < ctl.length; j++) {
    const a = controls[i], b = controls[j];
    const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    if (ix > 1 && iy > 1 && !ctl[i].contains(ctl[j]) && !ctl[j].contains(ctl[i])) overlaps.push([a.text, b.text]);
  }
  const pageBg = rgb(getComputedStyle(document.querySelector("[data-testid='stApp']") || document.body).backgroundColor);
  return {viewport: [vw, vh], scrollWidth: document.documentElement.scrollWidth,
          map: plotBox(".ovp-map"), loss: plotBox(".ovp-loss"), sidebar: sb, tabs, controls, overlaps,
          pageBg, mapPaper: document.querySelector(".ovp-map")?._fullLayout?.paper_bgcolor ?? null,
          texts};
}
"""


def measure(page) -> dict:
    return page.evaluate(MEASURE_JS)


def summary(m: dict) -> str:
    vw, vh = m["viewport"]
    mp = m["map"] or {"w": 0, "h": 0, "x": 0, "y": 0}
    shown = [t for t in m["texts"] if t["inView"]] or m["texts"]
    small = min(shown, key=lambda t: t["size"]) if shown else None
    dim = min(shown, key=lambda t: t["contrast"]) if shown else None
    tabs_out = [t["text"][-12:] for t in m["tabs"] if t["x"] < 0 or t["x"] + t["w"] > vw]
    return (f"{vw}x{vh}: map plot {mp['w']}x{mp['h']} at ({mp['x']},{mp['y']}) = "
            f"{100 * mp['w'] / vw:.0f}% of width, {100 * mp['h'] / vh:.0f}% of height; "
            f"loss {m['loss'] and (m['loss']['w'], m['loss']['h'])}; "
            f"sidebar {m['sidebar'] and (m['sidebar']['w'], m['sidebar']['h'])}; "
            f"smallest text {small and (small['size'], small['text'], small['where'])}; "
            f"lowest contrast {dim and (dim['contrast'], dim['text'])}; "
            f"tabs outside {tabs_out}; overlapping controls {m['overlaps']}")


def main(url: str, out: str = "/tmp/layout") -> None:
    from playwright.sync_api import sync_playwright
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for view in ("", "view=present"):
            for w, h in SIZES:
                page = b.new_page(viewport={"width": w, "height": h})
                page.goto(url + "/?" + view)
                page.wait_for_selector(".ovp-root[data-ready='1']", state="attached", timeout=90_000)
                time.sleep(1.5)
                m = measure(page)
                page.screenshot(path=f"{out}-{view.split('=')[-1] or 'explore'}-{w}x{h}.png")
                print((view or "explore").ljust(12), summary(m), flush=True)
                if "--json" in sys.argv:
                    print(json.dumps({k: v for k, v in m.items() if k != "texts"}))
                page.close()
        b.close()


if __name__ == "__main__":
    main(sys.argv[1], *(a for a in sys.argv[2:3] if not a.startswith("--")))
