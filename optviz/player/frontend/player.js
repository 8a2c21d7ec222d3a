// The race player: plays, scrubs and steps through every step of every run in the browser.
// Python sends each run's record once (a binary blob, float64 columns) and a small scene; this
// module draws them with plotly.js and only restyles its own traces while playing.
// Used two ways: as a Streamlit components-v2 module (default export) and, in the offline HTML,
// through mountStandalone().

const REG = (globalThis.__optvizPlayer ||= { blobs: new Map(), waiters: new Set(), players: new Map() });

// ------------------------------------------------------------------------------------- blobs
async function inflateUnshuffle(bytes, size) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  const planes = new Uint8Array(await new Response(stream).arrayBuffer());
  const n = size / 8, out = new Uint8Array(size);
  for (let b = 0; b < 8; b++) {
    const plane = planes.subarray(b * n, (b + 1) * n);
    for (let i = 0; i < n; i++) out[8 * i + b] = plane[i];
  }
  return out.buffer;
}

export async function addBlob(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const magic = String.fromCharCode(u8[0], u8[1], u8[2], u8[3]);
  if (magic !== "OVR1") return null;
  const hlen = u8[4] | (u8[5] << 8) | (u8[6] << 16) | (u8[7] << 24);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + hlen)));
  if (REG.blobs.has(header.id) || REG.pending?.has(header.id)) return header.id;
  (REG.pending ||= new Set()).add(header.id);
  // a copy, so the float64 views are aligned whatever the message buffer's offset
  let payload;
  try {
    payload = header.encoding === "shuffle8-deflate"
      ? await inflateUnshuffle(u8.subarray(8 + hlen), header.size) : u8.slice(8 + hlen).buffer;
  } finally {
    REG.pending.delete(header.id);
  }
  let value;
  if (header.kind === "run" || header.kind === "family") {
    const all = new Float64Array(payload);
    const cols = {};
    for (const [name, [off, c]] of Object.entries(header.fields)) {
      cols[name] = { data: all.subarray(off, off + header.n * c), cols: c };
    }
    value = { header, cols };
  } else {
    const url = URL.createObjectURL(new Blob([payload], { type: header.mime || "image/png" }));
    value = { header, url };
  }
  REG.blobs.set(header.id, value);
  if (REG.blobs.size > 64) {            // oldest first; the scene in use re-sends what it lacks
    const first = REG.blobs.keys().next().value;
    if (first !== header.id) REG.blobs.delete(first);
  }
  for (const w of [...REG.waiters]) w();
  return header.id;
}

function haveAll(scene) {
  return REG.blobs.has(scene.background) && scene.runs.every((r) => REG.blobs.has(r.record))
    && (!scene.family || REG.blobs.has(scene.family.record));
}

// the loading milestones, for the page benchmark (performance.getEntriesByType("mark"))
function mark(name) {
  try { if (!performance.getEntriesByName(name).length) performance.mark(name); } catch (e) { /* none */ }
}
mark("ovp:module");

// ------------------------------------------------------------------------------------ plotly
// A ".gz" url is plotly.js compressed once on disk: the server sends it as it is (the plain file
// it would gzip again for every page load), and the browser inflates it and runs it from a blob.
// Without DecompressionStream, or if that fails, the plain file next to it.
async function plotlySource(url) {
  if (url.endsWith(".gz") && typeof DecompressionStream === "function") {
    try {
      const res = await fetch(url);
      if (res.ok) {
        const js = await new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
        return URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
      }
    } catch (err) { /* the plain file */ }
  }
  return url.replace(/\.gz$/, "");
}

let plotlyPromise = null;
function loadPlotly(url) {
  if (globalThis.Plotly) return Promise.resolve(globalThis.Plotly);
  if (!plotlyPromise) {
    mark("ovp:plotly-requested");
    plotlyPromise = plotlySource(url).then((src) => new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.async = true;
      s.onload = () => {
        mark("ovp:plotly-loaded");
        if (src.startsWith("blob:")) URL.revokeObjectURL(src);
        resolve(globalThis.Plotly);
      };
      s.onerror = () => { plotlyPromise = null; reject(new Error("could not load plotly.js")); };
      document.head.appendChild(s);
    }));
  }
  return plotlyPromise;
}

if (!globalThis.Plotly && typeof document !== "undefined" && import.meta.url.startsWith("http")) {
  loadPlotly(new URL("plotly-basic.min.js.gz", import.meta.url).href).catch(() => {});
}

// ------------------------------------------------------------------------------------ format
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s = a >= 1e-3 && a < 1e5 ? v.toPrecision(6) : v.toExponential(5);
  if (s.includes("e")) {
    let [m, e] = s.split("e");
    if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
    s = m + "e" + (e[0] === "+" ? "" : "−") + e.replace(/^[+-]/, "");
  } else if (s.includes(".")) {
    s = s.replace(/0+$/, "").replace(/\.$/, "");
  }
  return s.replace(/^-/, "−");
}

function fmtLoss(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(2).replace("e-", "e−").replace("e+", "e+");
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

const DASH = { solid: "solid", dash: "dash", dot: "dot" };
// The path head's marker (style.run_symbol: the family's shape, open for a copy) as a legend glyph.
const GLYPH = { circle: "●○", square: "■□", diamond: "◆◇", "triangle-up": "▲△", x: "✕✕" };
const glyph = (symbol) => { const [base, open] = [symbol.split("-open")[0], symbol.includes("-open")];
                            return (GLYPH[base] || "●○")[open ? 1 : 0]; };

// black or white, whichever reads better on `hex` (one of them is always ≥ 4.58:1, WCAG)
export function inkOn(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex).trim());
  if (!m) return "#000";
  const n = parseInt(m[1], 16);
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const L = 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? "#000" : "#fff";
}

// The texts a person reads, in English; the scene's `texts` (made in Python, in the page's
// language) replace them. `{name}` fields are filled in here.
const TEXTS = {
  play: "▶ Play", pause: "❚❚ Pause", play_aria: "Play", pause_aria: "Pause",
  play_title: "Play / pause (space)", prev_aria: "Previous step", prev_title: "One step back (←; Shift+← ten)",
  next_aria: "Next step", next_title: "One step forward (→; Shift+→ ten)", step_aria: "Step",
  speed_aria: "Speed", speed_button_aria: "Speed {label}", arrows_aria: "Show step arrows",
  arrows: " arrows", runs_aria: "Runs", loading: "Loading the player…", loading_runs: "Loading the runs…",
  no_plotly: "The player could not load plotly.js: {error}", bad_data: "Could not read the race data: {error}",
  minimum: "minimum", start: "start", momentum: "momentum", step_axis: "step",
  step_of: "step {t} of {steps}", step_num: "step {t} / {steps}",
  momentum_key: "momentum −γ_t m̂_t / −γ_t b_t", scale_1: "arrows at scale (×1)",
  scale: "arrows ×{scale}, all alike", inspect_title: "Inspect this run's step", show_run: "Show {label}",
  show_hide: "Show / hide", diverged_at: "diverged at step {k}", inspector_head: "{label} · step {t}",
  step0: "Step 0 is the start θ₀: press → for the first update.",
  diverged_run: "This run diverged at step {k}.",
  predict_aria: "Predict, then reveal", predict_title: "Predict first: the paths are hidden",
  revealed_title: "Revealed: your guesses against the race", guess_for: "Guess for",
  click_to_guess: "Click the map where {label} will be after {steps} steps.",
  guesses_placed: "{n} of {total} guesses placed", first_pick: "Reaches the minimum first:",
  reveal: "Reveal", clear_guesses: "Clear guesses", hide_again: "Hide the paths again",
  guess_error: "{label}: your guess is {d} from where it ended, ({x}, {y})",
  no_guesses: "No guesses were placed.", order_title: "The true order (first step with f − f* ≤ {tol}):",
  order_title_final: "The true order (by final f):", order_reached: "{label}: step {k}",
  order_final: "{label}: not reached (final {f})", pick_right: "You picked {label}: right, it came first.",
  pick_rank: "Your pick, {label}, came {rank}; {first} was first.",
  scrub_label: "Scrub {hp} of {label} ({m} values)", scrub_aria: "Scrub {hp}",
  scrub_value: "{hp} = {v} at step {t}",
  derived_one: "{names} is computed on the server, in float64, from the recorded values (m̂_t, √v̂_t, γ_t, Δθ_t, g_t).",
  derived_many: "{names} are computed on the server, in float64, from the recorded values (m̂_t, √v̂_t, γ_t, Δθ_t, g_t).",
  fan_key: "noise: {k} draws of −g̃ at θ_{t−1} (thick: the one this run used)",
};

function text(scene, key, fields) {
  const own = scene?.texts?.[key];
  const s = typeof own === "string" ? own : TEXTS[key];
  return fields ? s.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? String(fields[k]) : m)) : s;
}

// ------------------------------------------------------------------------------------ player
class Player {
  constructor(root, hooks) {
    this.root = root;
    this.hooks = hooks;               // {report(step), focus(key), click([x, y])}
    this.t = 0;
    this.playing = false;
    this.speed = 1;
    this.hidden = new Set();
    this.focus = null;
    this.showArrows = true;
    this.scene = null;
    this.ready = false;
    this.build();
  }

  tx(key, fields) { return text(this.scene, key, fields); }

  // the fixed labels of the controls, in the scene's language
  applyTexts() {
    const T = (k) => this.tx(k);
    this.legendEl.setAttribute("aria-label", T("runs_aria"));
    this.playBtn.title = T("play_title");
    this.playBtn.textContent = this.playing ? T("pause") : T("play");
    this.playBtn.setAttribute("aria-label", this.playing ? T("pause_aria") : T("play_aria"));
    this.prevBtn.setAttribute("aria-label", T("prev_aria"));
    this.prevBtn.title = T("prev_title");
    this.nextBtn.setAttribute("aria-label", T("next_aria"));
    this.nextBtn.title = T("next_title");
    this.slider.setAttribute("aria-label", T("step_aria"));
    this.speedBox.setAttribute("aria-label", T("speed_aria"));
    this.arrowBox.setAttribute("aria-label", T("arrows_aria"));
    this.arrowText.textContent = T("arrows");
    if (!this.ready) this.status.textContent = T("loading");
    this.scaleKey = null;
  }

  build() {
    const r = this.root;
    r.classList.add("ovp");
    r.replaceChildren();
    this.mapEl = el("div", { class: "ovp-map", "data-testid": "player-map" });
    // run names at the path heads (present mode): HTML over the chart, moved with the heads
    this.namesEl = el("div", { class: "ovp-names", "aria-hidden": "true" });
    this.mapCol = el("div", { class: "ovp-mapcol" }, this.mapEl, this.namesEl);
    this.legendEl = el("div", { class: "ovp-legend", role: "list", "aria-label": "Runs" });
    this.lossEl = el("div", { class: "ovp-loss", "data-testid": "player-loss" });
    for (const chart of [this.mapEl, this.lossEl]) {
      chart.addEventListener("pointerenter", () => { if (this.stale) this.syncSoon(0); });
    }
    this.scaleEl = el("div", { class: "ovp-scale", "data-testid": "player-arrow-scale" });
    this.side = el("div", { class: "ovp-side" }, this.legendEl, this.scaleEl, this.lossEl);
    this.main = el("div", { class: "ovp-main" }, this.mapCol, this.side);
    this.playBtn = el("button", { class: "ovp-btn ovp-play", type: "button", "aria-label": "Play",
                                  title: "Play / pause (space)", text: "▶ Play",
                                  onclick: () => this.toggle() });
    this.prevBtn = el("button", { class: "ovp-btn", type: "button", "aria-label": "Previous step",
                                  title: "One step back (←; Shift+← ten)", text: "◀",
                                  onclick: () => this.stepBy(-1) });
    this.nextBtn = el("button", { class: "ovp-btn", type: "button", "aria-label": "Next step",
                                  title: "One step forward (→; Shift+→ ten)", text: "▶",
                                  onclick: () => this.stepBy(1) });
    this.slider = el("input", { class: "ovp-scrub", type: "range", min: "0", max: "1", step: "1",
                                value: "0", role: "slider", "aria-label": "Step",
                                "aria-valuemin": "0", "aria-valuemax": "1", "aria-valuenow": "0" });
    this.slider.addEventListener("input", () => { this.pause(); this.setStep(+this.slider.value); });
    this.stepText = el("span", { class: "ovp-stepnum", "data-testid": "player-step", "aria-hidden": "true" });
    this.speedBox = el("div", { class: "ovp-speeds", role: "group", "aria-label": "Speed" });
    this.arrowBox = el("input", { type: "checkbox", class: "ovp-arrowbox", "aria-label": "Show step arrows" });
    this.arrowBox.checked = true;
    this.arrowBox.addEventListener("change", () => { this.showArrows = this.arrowBox.checked; this.draw(); });
    this.arrowText = el("span", { text: " arrows" });
    const arrowLabel = el("label", { class: "ovp-arrowlabel" }, this.arrowBox, this.arrowText);
    this.controls = el("div", { class: "ovp-controls" }, this.playBtn, this.prevBtn, this.slider,
                       this.nextBtn, this.stepText, this.speedBox, arrowLabel);
    this.inspector = el("div", { class: "ovp-inspector", "data-testid": "player-inspector",
                                 "aria-live": "polite" });
    this.status = el("div", { class: "ovp-status", text: "Loading the player…" });
    r.append(this.status, this.main, this.controls, this.inspector);
    r.addEventListener("keydown", (e) => this.onKey(e));
    addEventListener("resize", () => { clearTimeout(this.fitTimer); this.fitTimer = setTimeout(() => this.refit(), 150); });
  }

  // ---------------------------------------------------------------------- view and theme
  // Present mode (projector): the map as tall as the window allows, the legend, controls and
  // loss curve beside it; the map never taller than its column is wide (a phone).
  get present() { return !!this.scene?.style?.present; }
  get dark() { return this.scene?.style?.theme === "dark"; }

  applyView() {
    const r = this.root;
    r.dataset.view = this.present ? "present" : "explore";
    r.dataset.theme = this.dark ? "dark" : "light";
    // present: the controls sit in the side column above the loss curve, the arrows' key below it
    // the predict panel and the noise fan's key, once made, keep their places
    const scale = [this.scaleEl, this.fanEl].filter(Boolean), first = [this.predictEl].filter(Boolean);
    const want = this.present ? [...first, this.legendEl, this.controls, this.lossEl, ...scale]
                              : [...first, this.legendEl, ...scale, this.lossEl];
    // moving a focused element blurs it: move only what is out of place, then give the focus back
    // (else every rerun, e.g. the step reported on a pause, would end the keyboard's stepping)
    const active = document.activeElement, kids = this.side.children;
    if (want.length !== kids.length || want.some((e, i) => kids[i] !== e)) this.side.replaceChildren(...want);
    if (!this.present && this.controls.nextSibling !== this.inspector) {
      this.root.insertBefore(this.controls, this.inspector);
    }
    if (active && active !== document.activeElement && this.root.contains(active)) {
      active.focus({ preventScroll: true });
    }
  }

  // under 900 px (a tablet or a phone) the map takes the whole width and the rest goes below it
  get narrow() { return (this.root.clientWidth || 800) < 900; }

  // a phone or a tablet: the y tick labels go inside the map, so the map gets the screen's width
  get small() { return this.narrow; }

  margins() {
    const small = this.small;
    return this.present ? { l: small ? 6 : 62, r: small ? 6 : 8, t: 6, b: small ? 44 : 50 }
                        : { l: small ? 6 : 50, r: small ? 6 : 10, t: 10, b: 40 };
  }

  mapHeight() {
    const st = this.scene.style, m = this.margins();
    const width = this.root.clientWidth || 800;
    this.root.toggleAttribute("data-narrow", this.narrow);
    if (!this.present) {
      const w = this.narrow ? width : Math.min(this.mapCol.clientWidth || width, width);
      const square = Math.round(w - m.l - m.r + m.t + m.b);
      // narrow: a square, but never taller than the window (a laptop with the sidebar open)
      return Math.max(240, Math.min(this.narrow ? innerHeight - 40 : st.height, square));
    }
    const top = this.main.getBoundingClientRect().top + scrollY;
    const room = Math.max(320, innerHeight - Math.max(0, top) - 8);
    if (this.narrow) return Math.min(Math.max(room, 0.6 * width), Math.round(width - m.l - m.r + m.t + m.b));
    // beside a side column of at least 38% of the width
    return Math.round(Math.min(room, 0.62 * width - m.l - m.r + m.t + m.b));
  }

  sizeColumns(h) {
    const m = this.margins(), width = this.root.clientWidth || 800;
    if (this.present && !this.narrow) {
      this.mapCol.style.flex = `0 0 ${Math.round(h - m.t - m.b + m.l + m.r)}px`;
    } else {
      this.mapCol.style.flex = "";
    }
  }

  async refit() {
    if (!this.ready || !this.mapEl._fullLayout) return;
    const h = this.mapHeight();
    this.sizeColumns(h);
    // the columns' widths change with the window (plotly keeps the width it drew at), the loss
    // curve's height with the legend's rows (values, a new run)
    const P = globalThis.Plotly, mw = this.mapEl.clientWidth, lw = this.lossEl.clientWidth;
    const fl = this.mapEl._fullLayout, ll = this.lossEl._fullLayout, lh = this.lossHeight(h);
    if (Math.abs(h - fl.height) > 2 || Math.abs(mw - fl.width) > 2) {
      await P.relayout(this.mapEl, { height: h, width: mw, margin: this.margins() });
    }
    if (ll && (Math.abs(lh - ll.height) > 2 || Math.abs(lw - ll.width) > 2)) {
      await P.relayout(this.lossEl, { height: lh, width: lw });
    }
    this.paintNames();
  }

  onKey(e) {
    // plotly's own inputs, the predict panel's lists and the scrub slider keep their keys
    if (!this.scene || e.target.closest?.(".js-plotly-plot input, select, .ovp-famslider")) return;
    // a button or a checkbox keeps its own space (the legend's, the speeds); the rest is ours
    const own = e.target.matches?.("button:not(.ovp-play), input[type=checkbox]");
    if (own && (e.key === " " || e.key === "Spacebar" || e.key === "Enter")) return;
    const big = e.shiftKey ? 10 : 1;
    let handled = true;
    switch (e.key) {
      case " ": case "Spacebar": this.toggle(); break;
      case "ArrowRight": case "ArrowUp": this.pause(); this.setStep(this.t + big); break;
      case "ArrowLeft": case "ArrowDown": this.pause(); this.setStep(this.t - big); break;
      case "PageUp": if (this.present) return; this.pause(); this.setStep(this.t + 10); break;
      case "PageDown": if (this.present) return; this.pause(); this.setStep(this.t - 10); break;
      case "Home": this.pause(); this.setStep(0); break;
      case "End": this.pause(); this.setStep(this.scene.steps); break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  }

  // -------------------------------------------------------------------------------- scene
  // What the charts' structure depends on: if only the run records change (a new learning
  // rate), the new paths are painted at once and plotly's own data follows when things are quiet.
  static layoutKey(scene) {
    return JSON.stringify([scene.window, scene.background, scene.steps, scene.f_star, scene.style,
                           scene.minima, scene.start, scene.click_grid, scene.texts,
                           scene.runs.map((r) => [r.key, r.label, r.color, r.dash, r.symbol])]);
  }

  async update(scene) {
    mark("ovp:scene");
    const first = this.scene === null;
    const old = this.scene;
    this.scene = scene;
    if (first) {
      this.t = scene.step ?? REG.lastStep?.get(this.hooks.key) ?? scene.steps;
      const adam = scene.runs.find((r) => r.adam);
      this.focus = (adam || scene.runs[0] || {}).key ?? null;
    }
    if (!scene.runs.some((r) => r.key === this.focus)) this.focus = scene.runs[0]?.key ?? null;
    this.t = Math.max(0, Math.min(this.t, scene.steps));
    this.applyView();
    this.applyTexts();
    this.speedBox.replaceChildren(...scene.speeds.map(([label, k]) => el("button", {
      class: "ovp-btn ovp-speed", type: "button", "aria-pressed": String(k === this.speed),
      "aria-label": this.tx("speed_button_aria", { label }), text: label,
      onclick: () => { this.speed = k; this.markSpeed(); if (this.playing) this.restartClock(); },
    })));
    if (!haveAll(scene)) {
      if (!this.ready) this.status.textContent = this.tx("loading_runs");
      await new Promise((resolve) => {
        const w = () => { if (this.scene !== scene || haveAll(scene)) { REG.waiters.delete(w); resolve(); } };
        REG.waiters.add(w);
        w();
      });
      if (this.scene !== scene) return;
    }
    const prepared = (REG.prepared ||= new Map());
    this.runs = scene.runs.map((r) => {
      let p = prepared.get(r.record);
      if (!p) {
        p = this.prepare({ rec: REG.blobs.get(r.record) });
        prepared.set(r.record, p);
        if (prepared.size > 64) prepared.delete(prepared.keys().next().value);
      }
      return { ...p, ...r };
    });
    this.updatePredict(scene);
    this.updateScrub(scene);
    this.buildLegend();
    try {
      await loadPlotly(this.hooks.plotlyUrl);
    } catch (err) {
      this.status.textContent = this.tx("no_plotly", { error: err.message });
      return;
    }
    if (this.scene !== scene) return;
    this.status.textContent = "";
    this.status.hidden = true;
    this.slider.max = String(scene.steps);
    this.slider.setAttribute("aria-valuemax", String(scene.steps));
    const key = Player.layoutKey(scene);
    if (this.ready && old && key === this.layout) {
      this.paintStatic();             // new paths now; plotly's data (hover) a moment later
      this.draw();
      this.stale = true;
      this.syncSoon();
    } else {
      this.stale = false;
      const sameAxes = old && JSON.stringify(old.window) === JSON.stringify(scene.window) && this.ready;
      await this.plot(sameAxes);
      if (this.scene !== scene) return;
      this.layout = key;
      this.ready = true;
      this.draw();
      this.paintHover();
    }
    await this.refit();
    if (this.scene !== scene) return;
    this.root.dataset.ready = "1";
    mark("ovp:drawn");
    this.root.dataset.records = scene.runs.map((r) => r.record).join(",");
    if (scene.report && !old?.report && !this.playing) this.reportSoon();
  }

  // plotly's own data (what hover and zoom redraw from) catches up once the page is quiet
  // plotly's own copy of the data (its hover) follows a new record in one redraw, 0.1–0.3 s of the
  // page's thread: at once when a pointer comes over a chart, else once the page has been quiet a
  // while, so that a next notch's answer does not wait behind it
  syncSoon(delay = 2500) {
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(async () => {
      if (!this.stale || this.playing) return;        // pause() asks again
      this.stale = false;
      await this.plot(true);
    }, delay);
  }

  // the faint full paths and the loss lines, painted from the records without a plotly redraw
  paintStatic() {
    const m = this.mapEl._fullLayout, l = this.lossEl._fullLayout;
    if (!m || !l) return;
    const me = (this.mapEls ||= this.traceEls(this.mapEl));
    const le = (this.lossEls ||= this.traceEls(this.lossEl));
    this.runs.forEach((r, i) => {
      Player.setPath(me[this.T_RUNS + 3 * i], Player.pathD(r.gx, r.gy, m.xaxis, m.yaxis), this.shows(r.key));
      Player.setPath(le[i], Player.pathD(r.lossX, r.lossY, l.xaxis, l.yaxis), this.shows(r.key));
    });
  }

  prepare(r) {
    const c = r.rec.cols;
    const n = r.rec.header.n;
    r.n = n;
    r.x = new Array(n); r.y = new Array(n); r.f = new Array(n);
    const th = c.theta.data, f = c.f.data;
    for (let i = 0; i < n; i++) { r.x[i] = th[2 * i]; r.y[i] = th[2 * i + 1]; r.f[i] = f[i]; }
    // long runs: the trailing path is drawn through every k-th vertex (the head stays exact)
    r.stride = Math.max(1, Math.ceil(n / 2500));
    const idx = [];
    for (let i = 0; i < n; i += r.stride) idx.push(i);
    if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
    r.drawIdx = idx;
    r.gx = idx.map((i) => r.x[i]); r.gy = idx.map((i) => r.y[i]);
    r.lossY = idx.map((i) => (r.f[i] > 0 ? r.f[i] : (r.f[i] === 0 ? 1e-300 : null)));
    r.lossX = idx;
    return r;
  }

  val(r, field, row, col) {
    const c = r.rec.cols[field];
    if (!c || row < 0 || row >= r.n) return NaN;
    return c.data[row * c.cols + (col || 0)];
  }

  // ---------------------------------------------------------------------------- the charts
  async plot(keepAxes) {
    const P = globalThis.Plotly;
    const s = this.scene, st = s.style, dark = this.dark;
    const ink = dark ? "#e6edf3" : "#222", paper = dark ? "#0e1117" : "white";
    const [[xa, xb], [ya, yb]] = s.window;
    const bg = REG.blobs.get(s.background);
    const mapH = this.mapHeight(), margin = this.margins();
    this.sizeColumns(mapH);
    const data = [
      { type: "scatter", mode: "markers", x: s.minima.map((m) => m[0]), y: s.minima.map((m) => m[1]),
        name: this.tx("minimum"), showlegend: false,
        hovertemplate: this.tx("minimum") + " (%{x:.4g}, %{y:.4g})<extra></extra>",
        marker: { symbol: "star", size: st.head + 8, color: "#ffd400", line: { color: "#333", width: 1.5 } } },
      { type: "scatter", mode: "markers", x: [s.start[0]], y: [s.start[1]], name: this.tx("start"),
        showlegend: false, hovertemplate: this.tx("start") + " (%{x:.4g}, %{y:.4g})<extra></extra>",
        marker: { symbol: "circle-open", size: st.head + 6, color: ink, line: { width: 2.5 } } },
    ];
    this.T_ARROWS = data.length;
    const arrow = (name, color, dash) => ({
      type: "scatter", mode: "lines", x: [xa, xa], y: [ya, ya], name, showlegend: false,
      hoverinfo: "skip", line: { color, width: 2.4, dash } });
    const AC = Player.arrowColors(dark);
    data.push(arrow("−γ∇f", AC[0], "solid"), arrow("Δθ", AC[1], "solid"),
              arrow(this.tx("momentum"), AC[2], "dot"));
    this.T_HOVER = data.length;
    const [x0, y0] = [xa, ya];
    data.push({ type: "scatter", mode: "markers", x: [x0], y: [y0], showlegend: false, hoverinfo: "skip",
                marker: { size: st.head + 4, color: "rgba(0,0,0,0)", line: { color: ink, width: 2 } } });
    this.T_RUNS = data.length;
    this.runs.forEach((r) => {
      const vis = this.shows(r.key);
      data.push(
        { type: "scatter", mode: "lines", x: r.gx, y: r.gy, customdata: r.drawIdx, opacity: 0.28,
          name: r.label, showlegend: false, visible: vis,
          line: { color: r.color, width: st.line, dash: DASH[r.dash] || "solid" },
          hovertemplate: `${r.label}<br>step %{customdata}<br>(%{x:.4g}, %{y:.4g})<extra></extra>` },
        // the moving traces start with dummy points: a frame rewrites their elements in place
        { type: "scatter", mode: "lines", x: [x0, x0], y: [y0, y0], name: r.label, showlegend: false,
          hoverinfo: "skip", visible: vis,
          line: { color: r.color, width: st.line, dash: DASH[r.dash] || "solid" } },
        { type: "scatter", mode: "markers", x: [x0], y: [y0], name: r.label, showlegend: false,
          visible: vis, hoverinfo: "skip",
          marker: { color: r.color, size: st.head, symbol: r.symbol,
                    line: { color: paper, width: 2 } } });
    });
    this.T_EXTRA = data.length;        // predict's guesses, then the scrubbed family
    data.push(...this.predictTraces(xa, ya), ...this.scrubTraces(xa, ya));
    this.T_FAN = data.length;        // the noise fan: every draw thin, the run's own draw thick
    for (const w of [1.1, 3.4]) {
      data.push({ type: "scatter", mode: "lines", x: [x0, x0], y: [y0, y0], showlegend: false,
                  hoverinfo: "skip", name: w > 2 ? "noise fan: the draw used" : "noise fan",
                  line: { color: dark ? "#c9d1d9" : "#444", width: w } });
    }
    const font = { size: st.base, family: "Inter, 'Source Sans Pro', Arial, sans-serif", color: ink };
    const axisLine = dark ? "#8b949e" : "#888", grid = dark ? "#30363d" : "#e5e5e5";
    const prev = keepAxes && this.mapEl._fullLayout ? {
      x: this.mapEl._fullLayout.xaxis.range.slice(), y: this.mapEl._fullLayout.yaxis.range.slice() } : null;
    const layout = {
      height: mapH, margin, font, showlegend: false,
      paper_bgcolor: paper, plot_bgcolor: paper, hovermode: "closest", dragmode: "zoom",
      xaxis: { range: prev ? prev.x : [xa, xb], constrain: "domain", showgrid: false,
               zeroline: false, title: { text: this.small ? "" : "x", standoff: 4 }, tickfont: { size: st.tick },
               mirror: true, showline: true, linecolor: axisLine, ticks: "outside" },
      yaxis: { range: prev ? prev.y : [ya, yb], scaleanchor: "x", scaleratio: 1, constrain: "domain",
               showgrid: false, zeroline: false, title: { text: this.small ? "" : "y", standoff: 4 },
               tickfont: { size: st.tick }, mirror: true, showline: true, linecolor: axisLine,
               ticks: this.small ? "" : "outside",       // an inside tick mark would read as a minus
               ticklabelposition: this.small ? "inside" : "outside" },
      images: [{ source: bg.url, xref: "x", yref: "y", x: xa, y: yb, sizex: xb - xa, sizey: yb - ya,
                 sizing: "stretch", layer: "below", xanchor: "left", yanchor: "top" }],
    };
    const config = { displaylogo: false, scrollZoom: false, responsive: true,
                     modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    await globalThis.Plotly.react(this.mapEl, data, layout, config);

    const ldata = [];
    for (const r of this.runs) {
      ldata.push({ type: "scatter", mode: "lines", x: r.lossX, y: r.lossY, name: r.label,
                   visible: this.shows(r.key),
                   line: { color: r.color, width: 2, dash: DASH[r.dash] || "solid" },
                   hovertemplate: `${r.label}<br>step %{x}<br>f − f* = %{y:.4g}<extra></extra>` });
    }
    let lo = Infinity, hi = -Infinity;
    for (const r of this.runs) for (const v of r.lossY) if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(lo < hi)) { lo = 1e-3; hi = 1; }
    this.L_LINE = ldata.length;
    ldata.push({ type: "scatter", mode: "lines", x: [0, 0], y: [lo, hi], showlegend: false, hoverinfo: "skip",
                 line: { color: dark ? "#c9d1d9" : "#333", width: 1.5, dash: "dot" } });
    this.L_CURSOR = ldata.length;
    ldata.push({ type: "scatter", mode: "markers", x: this.runs.map(() => 0), y: this.runs.map(() => hi),
                 showlegend: false, hoverinfo: "skip",
                 marker: { size: st.present ? 14 : 10, color: this.runs.map((r) => r.color), symbol: this.runs.map((r) => r.symbol),
                           line: { color: paper, width: 1.5 } } });   // the family marker, as at the path head
    this.L_HOVER = ldata.length;
    ldata.push({ type: "scatter", mode: "markers", x: [0], y: [hi], showlegend: false, hoverinfo: "skip",
                 marker: { size: 12, color: "rgba(0,0,0,0)", line: { color: ink, width: 2 } } });
    // present: the log axis' exponents (0.875 of the tick size) stay at 20 px or more
    const lsize = st.present ? Math.max(st.tick, 23) : st.base - 1;
    const llayout = {
      height: this.lossHeight(mapH),
      margin: st.present ? { l: 80, r: 10, t: 52, b: 56 } : { l: 55, r: 10, t: 28, b: 40 },
      font: { ...font, size: lsize }, showlegend: false, paper_bgcolor: paper,
      plot_bgcolor: dark ? "#161b22" : "#fafafa", hovermode: "closest",
      title: { text: s.f_star ? "f(θ_t) − f*  (log)" : "f(θ_t)  (log)", font: { size: lsize },
               x: 0, xanchor: "left", y: 0.98 },
      xaxis: { title: { text: this.tx("step_axis"), standoff: 2 }, range: [0, Math.max(1, s.steps)],
               gridcolor: grid, zeroline: false, linecolor: axisLine, tickfont: { size: lsize } },
      yaxis: { type: "log", gridcolor: grid, exponentformat: "power", linecolor: axisLine,
               tickfont: { size: lsize } },
    };
    await globalThis.Plotly.react(this.lossEl, ldata, llayout,
                                  { displaylogo: false, responsive: true, displayModeBar: false });
    this.mapEls = this.lossEls = null;
    if (!this.wired) this.wire();
  }

  wire() {
    this.wired = true;
    const map = this.mapEl, loss = this.lossEl;
    // plotly reports clicks on points only, and the moving heads are drawn by the frames: a
    // click on the map is read here. On a head: inspect that run; anywhere else: start there.
    map.addEventListener("click", (ev) => {
      if (!ev.target.closest?.(".nsewdrag")) return;
      const fl = map._fullLayout;
      if (!fl || !this.frame) return;
      const xa = fl.xaxis, ya = fl.yaxis, box = ev.target.getBoundingClientRect();
      const px = ev.clientX - box.left, py = ev.clientY - box.top;
      if (this.veiled) { this.placeGuess(xa.p2d(px), ya.p2d(py)); return; }
      let best = null, bestD = 14;
      this.frame.runs.forEach((fr, i) => {
        if (fr.hidden) return;
        const d = Math.hypot(xa.c2p(fr.hx) - px, ya.c2p(fr.hy) - py);
        if (d < bestD) { bestD = d; best = this.runs[i]; }
      });
      if (best) { this.setFocus(best.key); return; }
      const x = xa.p2d(px), y = ya.p2d(py);
      const [[x0, x1], [y0, y1]] = this.scene.window;
      if (this.hooks.click && x >= x0 && x <= x1 && y >= y0 && y <= y1) this.hooks.click([x, y]);
    });
    map.on("plotly_hover", (ev) => {
      const p = ev?.points?.[0];
      const run = p && this.runAtTrace(p.curveNumber);
      if (!run || (p.curveNumber - this.T_RUNS) % 3 !== 0) return;
      const k = p.customdata;
      this.hoverLoss = [k, run.f[k]];
      this.paintHover();
      loss.dataset.hoverStep = String(k);
    });
    map.on("plotly_unhover", () => {
      this.hoverLoss = null;
      this.paintHover();
      delete loss.dataset.hoverStep;
    });
    loss.on("plotly_hover", (ev) => {
      const p = ev?.points?.[0];
      if (!p || p.curveNumber >= this.runs.length) return;
      const run = this.runs[p.curveNumber];
      const k = Math.round(p.x);
      this.hoverMap = [run.x[k], run.y[k]];
      this.paintHover();
      map.dataset.hoverStep = String(k);
    });
    loss.on("plotly_unhover", () => {
      this.hoverMap = null;
      this.paintHover();
      delete map.dataset.hoverStep;
    });
    // plotly redraws from its own data (zoom, resize): put the current frame back
    map.on("plotly_afterplot", () => { this.mapEls = null; this.paintMap(); this.paintNames(); this.paintHover(); });
    loss.on("plotly_afterplot", () => { this.lossEls = null; this.paintLoss(); this.paintHover(); });
    loss.on("plotly_click", (ev) => {
      const p = ev?.points?.[0];
      if (!p) return;
      this.pause();
      this.setStep(Math.round(p.x));
    });
  }

  paintHover() {
    const m = this.mapEl._fullLayout, l = this.lossEl._fullLayout;
    if (m) {
      const els = (this.mapEls ||= this.traceEls(this.mapEl)), h = this.hoverMap;
      Player.setPoint(els[this.T_HOVER], 0, h ? m.xaxis.c2p(h[0]) : NaN, h ? m.yaxis.c2p(h[1]) : NaN, !!h);
    }
    if (l) {
      const els = (this.lossEls ||= this.traceEls(this.lossEl)), h = this.hoverLoss;
      Player.setPoint(els[this.L_HOVER], 0, h ? l.xaxis.c2p(h[0]) : NaN,
                      h && h[1] > 0 ? l.yaxis.c2p(h[1]) : NaN, !!h);
    }
  }

  // present mode beside the map: the loss curve takes the side column's height that is left
  lossHeight(mapH) {
    const st = this.scene.style;
    if (!this.present) return Math.max(220, Math.round(st.height * 0.42));
    if (this.narrow) return Math.max(260, Math.round(mapH * 0.5));
    const used = this.legendEl.offsetHeight + this.controls.offsetHeight + 2 * 12;
    return Math.max(220, Math.round(mapH - used));
  }

  static arrowColors(dark) {
    return dark ? ["#e6edf3", "#ff7b72", "#56d364"] : ["#111111", "#d10000", "#0a7d00"];
  }

  // the run names next to their heads, nudged apart vertically where they would overlap
  paintNames() {
    const box = this.namesEl, fl = this.mapEl._fullLayout, F = this.frame;
    if (!this.present || !fl || !F) { if (box.childElementCount) box.replaceChildren(); return; }
    const xa = fl.xaxis, ya = fl.yaxis, size = parseFloat(getComputedStyle(this.root).fontSize) || this.scene.style.legend;
    if (box.childElementCount !== this.runs.length) {
      box.replaceChildren(...this.runs.map((r) => el("span", { class: "ovp-name", text: r.label,
                                                             style: `--c:${r.color};--fg:${inkOn(r.color)}` })));
    }
    const items = [];
    F.runs.forEach((fr, i) => {
      const node = box.children[i];
      const px = xa._offset + xa.c2p(fr.hx), py = ya._offset + ya.c2p(fr.hy);
      const ok = !fr.hidden && Number.isFinite(px) && Number.isFinite(py);
      node.style.display = ok ? "" : "none";
      if (ok) items.push({ node, x: px + 0.6 * size, y: py - 0.6 * size, w: node.offsetWidth || size * 0.6 * this.runs[i].label.length });
    });
    items.sort((a, b) => a.y - b.y);
    const lineH = 1.15 * size, placed = [];
    for (const it of items) {
      for (const p of placed) if (Math.abs(it.x - p.x) < Math.max(it.w, p.w) && it.y < p.y + lineH) it.y = p.y + lineH;
      placed.push(it);
    }
    const W = fl.width, H = fl.height;
    for (const it of items) {
      const x = Math.min(Math.max(0, it.x), W - it.w - 4), y = Math.min(Math.max(0, it.y - lineH / 2), H - lineH);
      it.node.style.transform = `translate(${x.toFixed(0)}px, ${y.toFixed(0)}px)`;
    }
  }

  runAtTrace(ti) {
    const i = Math.floor((ti - this.T_RUNS) / 3);
    return ti >= this.T_RUNS && i < this.runs.length ? this.runs[i] : null;
  }

  // ------------------------------------------------------------------------ step and play
  setStep(t, quiet) {
    if (!this.scene) return;
    const nt = Math.max(0, Math.min(Math.round(t), this.scene.steps));
    if (nt === this.t && this.drawnT === nt) return;
    this.t = nt;
    this.draw();
    if (!quiet && !this.playing) this.reportSoon();
  }

  stepBy(k) { this.pause(); this.setStep(this.t + k); }

  reportSoon() {
    clearTimeout(this.reportTimer);
    if (!this.scene?.report) return;     // nothing on the page follows the step just now
    this.reportTimer = setTimeout(() => this.hooks.report?.(this.t), 300);
  }

  toggle() { this.playing ? this.pause() : this.play(); }

  markSpeed() {
    for (const b of this.speedBox.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b.textContent === this.scene.speeds.find((s) => s[1] === this.speed)?.[0]));
    }
  }

  restartClock() { this.t0 = this.t; this.clock = performance.now(); }

  play() {
    if (!this.ready || this.playing) return;
    if (this.t >= this.scene.steps) this.setStep(0, true);
    this.playing = true;
    this.root.dataset.playing = "1";
    this.playBtn.textContent = this.tx("pause");
    this.playBtn.setAttribute("aria-label", this.tx("pause_aria"));
    this.restartClock();
    this.frames = 0;
    const tick = (now) => {
      if (!this.playing) return;
      const rate = this.scene.rate * this.speed;
      const t = Math.min(this.scene.steps, this.t0 + Math.floor((now - this.clock) / 1000 * rate));
      if (t !== this.t) { this.t = t; this.draw(); this.frames++; }
      if (t >= this.scene.steps) { this.pause(); return; }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    delete this.root.dataset.playing;
    this.playBtn.textContent = this.tx("play");
    this.playBtn.setAttribute("aria-label", this.tx("play_aria"));
    this.reportSoon();
    if (this.stale) this.syncSoon();
  }

  setFocus(key) {
    this.focus = key;
    this.paintMap();                 // the noise fan follows the inspected run
    this.updateLegend();
    this.drawInspector();
    this.hooks.focus?.(key);
  }

  // ----------------------------------------------------------------------------- drawing
  // One frame: plotly drew the charts once (axes, background, faint full paths); a frame moves
  // the elements of its own moving traces (path so far, head, arrows, loss cursor) in place,
  // with the axes' own data→pixel maps. Plotly redraws from its data on zoom or resize, and the
  // frame is put back right after (plotly_afterplot).
  draw() {
    if (!this.ready) return;
    const t = this.t;
    this.drawnT = t;
    this.slider.value = String(t);
    this.slider.setAttribute("aria-valuenow", String(t));
    this.slider.setAttribute("aria-valuetext", this.tx("step_of", { t, steps: this.scene.steps }));
    this.stepText.textContent = this.tx("step_num", { t, steps: this.scene.steps });
    this.root.dataset.step = String(t);
    (REG.lastStep ||= new Map()).set(this.hooks.key, t);
    this.frame = this.computeFrame(t);
    this.paintMap();
    this.paintNames();
    this.paintLoss();
    this.paintScale();
    this.updateLegend();
    this.drawInspector();
  }

  computeFrame(t) {
    const runs = this.runs.map((r) => {
      const k = Math.min(t, r.last);
      const px = [], py = [];
      const di = r.drawIdx;
      for (let j = 0; j < di.length && di[j] < k; j++) { px.push(r.x[di[j]]); py.push(r.y[di[j]]); }
      px.push(r.x[k]); py.push(r.y[k]);
      return { k, px, py, hx: r.x[k], hy: r.y[k], f: r.f[k], hidden: !this.shows(r.key) };
    });
    // arrows at θ_{t−1}, all magnified by one factor (shown) so that they compare with each other
    const segs = [];
    let longest = 0;
    if (this.showArrows && t >= 1) {
      for (const r of this.runs) {
        if (!this.shows(r.key) || t > r.last) continue;
        const bx = r.x[t - 1], by = r.y[t - 1];
        const g = this.val(r, "gamma", t);
        const vs = [[0, [-g * this.val(r, "grad", t - 1, 0), -g * this.val(r, "grad", t - 1, 1)]],
                    [1, [this.val(r, "dtheta", t, 0), this.val(r, "dtheta", t, 1)]]];
        const mo = r.momentum;
        if (mo) vs.push([2, [-g * this.val(r, mo, t, 0), -g * this.val(r, mo, t, 1)]]);
        for (const [kind, v] of vs) {
          if (!Number.isFinite(v[0]) || !Number.isFinite(v[1])) continue;
          segs.push([kind, bx, by, v]);
          longest = Math.max(longest, Math.hypot(v[0], v[1]));
        }
      }
    }
    const [[xa, xb]] = this.scene.window;
    let scale = longest > 0 ? 0.12 * (xb - xa) / longest : 1;
    scale = scale > 1 ? Math.pow(10, Math.floor(Math.log10(scale))) : 1;   // magnify by 10^k only
    return { t, runs, segs, scale, shrink: longest > 0 && 0.12 * (xb - xa) / longest < 1 };
  }

  traceEls(gd) {
    const out = [];
    for (const g of gd.querySelectorAll(".scatterlayer .trace")) {
      const d = g.__data__;
      const idx = d && d[0] && d[0].trace ? d[0].trace.index : null;
      if (idx !== null) out[idx] = g;
    }
    return out;
  }

  static pathD(xs, ys, xa, ya) {
    let d = "", pen = false;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i], y = ys[i];
      if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      const px = xa.c2p(x), py = ya.c2p(y);
      if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
      d += (pen ? "L" : "M") + px.toFixed(1) + "," + py.toFixed(1);
      pen = true;
    }
    return d || "M0,0";
  }

  static setPath(g, d, show = true) {
    const p = g && g.querySelector("path.js-line");
    if (p) { p.setAttribute("d", d); p.style.display = show ? "" : "none"; }
  }

  static setPoint(g, i, px, py, show = true) {
    const pts = g && g.querySelectorAll("path.point");
    const p = pts && pts[i];
    if (!p) return;
    const ok = show && Number.isFinite(px) && Number.isFinite(py);
    p.style.display = ok ? "" : "none";
    if (ok) p.setAttribute("transform", `translate(${px.toFixed(1)},${py.toFixed(1)})`);
  }

  paintMap() {
    const gd = this.mapEl, fl = gd._fullLayout, F = this.frame;
    if (!fl || !F) return;
    const xa = fl.xaxis, ya = fl.yaxis;
    const els = (this.mapEls ||= this.traceEls(gd));
    F.runs.forEach((fr, i) => {
      const show = !fr.hidden;
      Player.setPath(els[this.T_RUNS + 3 * i + 1], Player.pathD(fr.px, fr.py, xa, ya), show);
      Player.setPoint(els[this.T_RUNS + 3 * i + 2], 0, xa.c2p(fr.hx), ya.c2p(fr.hy), show);
    });
    const [[x0, x1]] = this.scene.window;
    const head = 0.022 * (x1 - x0);
    const A = [[], [], []], M = [[], [], []];
    for (const [kind, bx, by, v] of F.segs) {
      const tx = bx + F.scale * v[0], ty = by + F.scale * v[1];
      A[kind].push(bx, tx, null); M[kind].push(by, ty, null);
      const len = Math.hypot(tx - bx, ty - by);
      if (len > 0) {             // the head: two strokes at ±25° back from the tip
        const h = Math.min(head, 0.5 * len), ux = (tx - bx) / len, uy = (ty - by) / len;
        for (const a of [0.44, -0.44]) {
          const c = Math.cos(a), s = Math.sin(a);
          A[kind].push(tx, tx - h * (c * ux - s * uy), null);
          M[kind].push(ty, ty - h * (s * ux + c * uy), null);
        }
      }
    }
    for (let kind = 0; kind < 3; kind++) {
      Player.setPath(els[this.T_ARROWS + kind], Player.pathD(A[kind], M[kind], xa, ya), A[kind].length > 0);
    }
    this.paintPredict(els, xa, ya);
    this.paintScrub(els, xa, ya);
    this.paintFan(els, xa, ya);
  }

  // The noise fan (scene.fan, made on the server for the step the player reported): at θ_{t−1}
  // of the inspected run, its k gradient draws as −g̃ arrows, one scale for all of them; the draw
  // update t used is thick and carries its exact numbers (data-gx, data-gy).
  paintFan(els, xa, ya) {
    const fan = this.scene.fan, F = this.frame;
    const fr = fan && fan.step === F.t && this.shows(this.focus) ? fan.runs[this.focus] : null;
    const run = fr && this.runs.find((r) => r.key === this.focus);
    const thin = els[this.T_FAN], thick = els[this.T_FAN + 1];
    if (!fr || !run) {
      Player.setPath(thin, "M0,0", false);
      Player.setPath(thick, "M0,0", false);
      if (this.fanEl) this.fanEl.hidden = true;
      return;
    }
    const [[x0, x1]] = this.scene.window;
    const longest = Math.max(...fr.draws.map(([gx, gy]) => Math.hypot(gx, gy)));
    const sc = longest > 0 ? 0.15 * (x1 - x0) / longest : 0;
    const [bx, by] = fr.at, head = 0.015 * (x1 - x0);
    const seg = (g, X, Y) => {
      const tx = bx - sc * g[0], ty = by - sc * g[1], len = Math.hypot(tx - bx, ty - by);
      X.push(bx, tx, null); Y.push(by, ty, null);
      if (len > 0) {
        const h = Math.min(head, 0.5 * len), ux = (tx - bx) / len, uy = (ty - by) / len;
        for (const a of [0.44, -0.44]) {
          X.push(tx, tx - h * (Math.cos(a) * ux - Math.sin(a) * uy), null);
          Y.push(ty, ty - h * (Math.sin(a) * ux + Math.cos(a) * uy), null);
        }
      }
    };
    const TX = [], TY = [], HX = [], HY = [];
    fr.draws.forEach((g, i) => { if (i !== fr.used) seg(g, TX, TY); });
    const used = fr.draws[fr.used];
    seg(used, HX, HY);
    Player.setPath(thin, Player.pathD(TX, TY, xa, ya), true);
    Player.setPath(thick, Player.pathD(HX, HY, xa, ya), true);
    for (const [g, w, o] of [[thin, 1.1, 0.55], [thick, 3.4, 1]]) {
      const p = g && g.querySelector("path.js-line");
      if (p) Object.assign(p.style, { stroke: run.color, strokeWidth: String(w), opacity: String(o),
                                      strokeLinecap: "round" });   // a zero draw shows as a dot
    }
    const p = thick && thick.querySelector("path.js-line");
    if (p) Object.assign(p.dataset, { gx: String(used[0]), gy: String(used[1]), x: String(bx),
                                      y: String(by), step: String(fan.step), run: this.focus,
                                      draws: String(fr.draws.length), scale: String(sc) });
    this.fanEl ||= el("div", { class: "ovp-scale ovp-fan", "data-testid": "player-noise-fan" });
    // after the arrows' scale, again after a layout change re-filled the side column without it
    if (this.fanEl.previousSibling !== this.scaleEl) this.scaleEl.after(this.fanEl);
    this.fanEl.hidden = false;
    this.fanEl.replaceChildren(el("span", { class: "ovp-key", style: `--c:${run.color}` },
                                  this.tx("fan_key", { k: fr.draws.length })));
  }

  paintLoss() {
    const gd = this.lossEl, fl = gd._fullLayout, F = this.frame;
    if (!fl || !F) return;
    const xa = fl.xaxis, ya = fl.yaxis;
    const els = (this.lossEls ||= this.traceEls(gd));
    const px = xa.c2p(F.t);
    Player.setPath(els[this.L_LINE], `M${px.toFixed(1)},0L${px.toFixed(1)},${ya._length.toFixed(1)}`);
    F.runs.forEach((fr, i) => {
      Player.setPoint(els[this.L_CURSOR], i, px, fr.f > 0 ? ya.c2p(fr.f) : NaN, !fr.hidden);
    });
  }

  paintScale() {
    const F = this.frame;
    const key = `${this.showArrows && F.segs.length}|${F.scale}|${this.dark}`;
    const AC = Player.arrowColors(this.dark);
    if (key === this.scaleKey) return;
    this.scaleKey = key;
    this.scaleEl.replaceChildren();
    if (this.showArrows && F.segs.length) {
      this.scaleEl.append(
        el("span", { class: "ovp-key", style: `--c:${AC[0]}` }, "−γ_t∇f"),
        el("span", { class: "ovp-key", style: `--c:${AC[1]}` }, "Δθ_t"),
        this.runs.some((r) => r.momentum) ? el("span", { class: "ovp-key ovp-dot", style: `--c:${AC[2]}` }, this.tx("momentum_key")) : null,
        el("span", { class: "ovp-scalev", text: F.scale === 1 ? this.tx("scale_1") : this.tx("scale", { scale: fmt(F.scale) }) }));
    }
    this.scaleEl.dataset.scale = String(F.scale);
  }

  buildLegend() {
    this.legendVals = [];
    const items = this.runs.map((r) => {
      const sw = el("span", { class: "ovp-swatch", style: `--c:${r.color}`, "data-dash": r.dash });
      const mark = el("span", { class: "ovp-mark", style: `color:${r.color}`, "aria-hidden": "true",
                                text: glyph(r.symbol || "circle") });
      const val = el("span", { class: "ovp-val" });
      this.legendVals.push(val);
      const label = el("button", { class: "ovp-run", type: "button",
                                   "aria-pressed": String(r.key === this.focus),
                                   title: this.tx("inspect_title"), "data-key": r.key,
                                   onclick: () => this.setFocus(r.key) },
                       sw, mark, el("span", { class: "ovp-label", text: r.label }), val);
      const eye = el("input", { type: "checkbox", class: "ovp-eye", "aria-label": this.tx("show_run", { label: r.label }),
                                title: this.tx("show_hide") });
      eye.checked = !this.hidden.has(r.key);
      eye.addEventListener("change", () => this.setHidden(r.key, !eye.checked));
      return el("div", { class: "ovp-item" + (this.hidden.has(r.key) ? " ovp-off" : ""),
                         role: "listitem", "data-key": r.key }, eye, label);
    });
    this.legendEl.replaceChildren(...items);
  }

  updateLegend() {
    const t = this.t;
    this.runs.forEach((r, i) => {
      const k = Math.min(t, r.last);
      const dead = r.diverged_at !== null && r.diverged_at !== undefined && t >= r.diverged_at;
      const v = r.f[k];
      const node = this.legendVals[i];
      if (!node) return;
      // present: the number alone (the loss curve beside it is titled f − f*), two runs a row
      node.textContent = this.veiled ? "?" : dead ? this.tx("diverged_at", { k: r.diverged_at }) :
        this.present ? fmtLoss(v) : `${this.scene.f_star ? "f−f*" : "f"} = ${fmtLoss(v)}`;
      node.dataset.value = String(v);
      node.dataset.step = String(k);
    });
    for (const b of this.legendEl.querySelectorAll(".ovp-run")) {
      b.setAttribute("aria-pressed", String(b.dataset.key === this.focus));
    }
  }

  setHidden(key, hide) {
    hide ? this.hidden.add(key) : this.hidden.delete(key);
    const i = this.runs.findIndex((r) => r.key === key);
    if (i < 0) return;
    const P = globalThis.Plotly;
    P.restyle(this.mapEl, { visible: this.shows(key) }, [this.T_RUNS + 3 * i, this.T_RUNS + 3 * i + 1, this.T_RUNS + 3 * i + 2]);
    P.restyle(this.lossEl, { visible: this.shows(key) }, [i]);
    this.legendEl.children[i]?.classList.toggle("ovp-off", hide);
    this.draw();
  }

  drawInspector() {
    const r = this.runs.find((q) => q.key === this.focus);
    const box = this.inspector;
    if (!r || this.veiled) { box.replaceChildren(); return; }
    const t = this.t;
    const head = el("div", { class: "ovp-ihead" },
                    el("span", { class: "ovp-swatch", style: `--c:${r.color}` }),
                    el("strong", { text: this.tx("inspector_head", { label: r.label, t }) }),
                    el("span", { class: "ovp-const", text: r.constants }));
    const rows = [];
    if (t === 0) {
      rows.push(el("div", { class: "ovp-irow", text: this.tx("step0") }));
    } else if (t > r.last) {
      rows.push(el("div", { class: "ovp-irow", text: this.tx("diverged_run", { k: r.diverged_at }) }));
    }
    const show = t > 0 && t <= r.last;
    for (const line of r.lines) {
      if (!show && !["theta", "f"].includes(line.field)) continue;
      const row = t - line.lag;
      const c = r.rec.cols[line.field];
      const vals = [];
      for (let j = 0; j < c.cols; j++) vals.push(this.val(r, line.field, row, j));
      const nums = vals.map((v) => el("span", { class: "ovp-num", "data-value": String(v), text: fmt(v) }));
      const valueEl = nums.length > 1 ? el("span", { class: "ovp-vec" }, "(", nums[0], ", ", nums[1], ")") : nums[0];
      rows.push(el("div", { class: "ovp-irow", "data-field": line.field, "data-row": String(row) },
                    el("span", { class: "ovp-itext", text: line.text }), el("span", { class: "ovp-eq", text: " = " }),
                    valueEl));
    }
    const notes = [];
    if (r.derived?.length && show) {
      const names = { m: "m_t", v: "v_t", eff: "γ_t/(√v̂_t+ε)", buf: "b_t" };
      notes.push(this.tx(r.derived.length > 1 ? "derived_many" : "derived_one",
                         { names: r.derived.map((d) => names[d] || d).join(", ") }));
    }
    if (r.note) notes.push(r.note);
    box.replaceChildren(head, ...rows, ...notes.map((n) => el("div", { class: "ovp-inote", text: n })));
  }

  // A run's traces are drawn unless hidden in the legend, veiled (predict) or stood in for by
  // its scrubbed family.
  shows(key) {
    return !this.hidden.has(key) && !this.veiled && !(this.family && this.family.run === key);
  }

  // ------------------------------------------------------------------- predict, then reveal
  // Veiled: paths, heads, arrows, loss curves, the legend's numbers and the inspector are hidden;
  // a click on the map marks where the chosen run will be after the race. Reveal plays the race
  // and puts each guess's distance to the run's true end point and the true order next to it.
  // The guesses live in the page (REG.predict), never in the link, and survive reruns.
  predictState() {
    const s = this.scene, on = !!s?.predict?.on;
    const was = this.predictOn;
    this.predictOn = on;
    if (!on) return null;
    const all = (REG.predict ||= new Map());
    const qkey = JSON.stringify([this.hooks.key, s.window, s.start, s.steps]);
    if (!all.has(qkey)) all.set(qkey, { guesses: {}, pick: "", revealed: false, target: "" });
    const st = all.get(qkey);
    if (was === false && st.revealed) {            // the switch turned on again: veil again
      st.revealed = false;
      this.hooks.revealed?.(false);
    }
    return st;
  }

  updatePredict() {
    this.pst = this.predictState();
    const veiled = !!this.pst && !this.pst.revealed;
    if (veiled !== this.veiled) this.layout = null;       // drawn again, with or without paths
    this.veiled = veiled;
    this.root.classList.toggle("ovp-veiled", veiled);
    this.buildPredictPanel();
  }

  predictTraces(xa, ya) {
    this.T_GUESS = this.T_EXTRA;
    const on = !!this.pst;
    this.nGuess = on ? this.runs.length : 0;
    return on ? this.runs.map((r) => ({ type: "scatter", mode: "lines", x: [xa, xa], y: [ya, ya],
      name: r.label, showlegend: false, hoverinfo: "skip", line: { color: r.color, width: 3 } })) : [];
  }

  endPoint(r) { return [r.x[r.last], r.y[r.last]]; }

  paintPredict(els, xa, ya) {
    const st = this.pst;
    if (!st) return;
    const [[x0, x1]] = this.scene.window;
    const h = 0.018 * (x1 - x0);
    this.runs.forEach((r, i) => {
      const g = st.guesses[r.key];
      const X = [], Y = [];
      if (g) {
        X.push(g[0] - h, g[0] + h, null, g[0] - h, g[0] + h, null);
        Y.push(g[1] - h, g[1] + h, null, g[1] + h, g[1] - h, null);
        if (!this.veiled) { const e = this.endPoint(r); X.push(g[0], e[0]); Y.push(g[1], e[1]); }
      }
      Player.setPath(els[this.T_GUESS + i], Player.pathD(X, Y, xa, ya), !!g && !this.hidden.has(r.key));
    });
  }

  placeGuess(x, y) {
    const st = this.pst, runs = this.runs;
    if (!st || !runs.length || !Number.isFinite(x) || !Number.isFinite(y)) return;
    const key = runs.some((r) => r.key === st.target) ? st.target : runs[0].key;
    st.guesses[key] = [x, y];
    // then the next run still without a guess (one chosen run: pick it again in the list)
    const next = runs.find((r) => !(r.key in st.guesses));
    if (next) st.target = next.key;
    this.buildPredictPanel();
    this.paintMap();
  }

  // Which run reaches the minimum first: the first step with f − f* ≤ tol (as recorded); runs
  // that never do follow, by their final loss; a diverged run is last.
  predictOrder() {
    const tol = this.scene.predict?.tol ?? 1e-3;
    const rows = this.runs.map((r) => {
      let k = null;
      if (this.scene.f_star) for (let i = 0; i <= r.last; i++) if (r.f[i] <= tol) { k = i; break; }
      const dead = r.diverged_at !== null && r.diverged_at !== undefined;
      return { r, k, fin: dead ? Infinity : r.f[r.last] };
    });
    rows.sort((a, b) => (a.k ?? Infinity) - (b.k ?? Infinity) || a.fin - b.fin);
    return rows;
  }

  reveal(show) {
    const st = this.pst;
    if (!st) return;
    st.revealed = show;
    this.hooks.revealed?.(show);
    this.veiled = !show;
    this.root.classList.toggle("ovp-veiled", !show);
    this.pause();
    this.buildPredictPanel();
    this.plot(true).then(() => {
      this.layout = Player.layoutKey(this.scene);
      this.draw();
      if (show) { this.setStep(0, true); this.play(); }
    });
  }

  buildPredictPanel() {
    const st = this.pst;
    if (!this.predictEl) {
      this.predictEl = el("div", { class: "ovp-predict", "data-testid": "player-predict", role: "region" });
      this.side.prepend(this.predictEl);
    }
    const box = this.predictEl;
    box.hidden = !st;
    if (!st) { box.replaceChildren(); return; }
    box.setAttribute("aria-label", this.tx("predict_aria"));
    const T = (k, f) => this.tx(k, f);
    const q = this.scene.predict.question;
    const kids = [el("div", { class: "ovp-ptitle", text: T(this.veiled ? "predict_title" : "revealed_title") })];
    if (q) kids.push(el("div", { class: "ovp-question", "data-testid": "predict-question", text: q }));
    const opts = (sel, first) => {
      const s = el("select", { class: "ovp-select" });
      if (first) s.append(el("option", { value: "", text: first }));
      for (const r of this.runs) s.append(el("option", { value: r.key, text: r.label }));
      s.value = sel;
      return s;
    };
    const label = (r) => r?.label ?? "";
    if (this.veiled) {
      const target = this.runs.some((r) => r.key === st.target) ? st.target : this.runs[0]?.key ?? "";
      const who = opts(target);
      who.setAttribute("aria-label", T("guess_for"));
      const hint = (key) => T("click_to_guess", { label: label(this.runs.find((r) => r.key === key)),
                                                  steps: this.scene.steps });
      const hintEl = el("div", { class: "ovp-hint", text: hint(target) });
      // the list stays (and keeps the focus and its keys): only the hint follows it
      who.addEventListener("change", () => { st.target = who.value; hintEl.textContent = hint(who.value); });
      kids.push(el("div", { class: "ovp-prow" }, el("span", { text: T("guess_for") + " " }), who), hintEl);
      const n = Object.keys(st.guesses).filter((k) => this.runs.some((r) => r.key === k)).length;
      kids.push(el("div", { class: "ovp-hint", "data-testid": "predict-count", "data-n": String(n),
                            text: T("guesses_placed", { n, total: this.runs.length }) }));
      const pick = opts(st.pick, "—");
      pick.setAttribute("aria-label", T("first_pick"));
      pick.addEventListener("change", () => { st.pick = pick.value; });
      kids.push(el("div", { class: "ovp-prow" }, el("span", { text: T("first_pick") + " " }), pick));
      kids.push(el("div", { class: "ovp-prow" },
        el("button", { class: "ovp-btn ovp-reveal", type: "button", text: T("reveal"), onclick: () => this.reveal(true) }),
        el("button", { class: "ovp-btn", type: "button", text: T("clear_guesses"),
                       onclick: () => { st.guesses = {}; st.pick = ""; this.buildPredictPanel(); this.paintMap(); } })));
    } else {
      const list = el("div", { class: "ovp-results", "data-testid": "predict-results" });
      for (const r of this.runs) {
        const g = st.guesses[r.key];
        if (!g) continue;
        const e = this.endPoint(r), d = Math.hypot(g[0] - e[0], g[1] - e[1]);
        list.append(el("div", { class: "ovp-result", "data-key": r.key, "data-error": String(d),
                                "data-end": JSON.stringify(e) },
          el("span", { class: "ovp-swatch", style: `--c:${r.color}` }),
          el("span", { text: " " + T("guess_error", { label: r.label, d: fmt(Number(d.toPrecision(3))),
                                                      x: fmt(Number(e[0].toPrecision(4))), y: fmt(Number(e[1].toPrecision(4))) }) })));
      }
      if (!list.children.length) list.append(el("div", { class: "ovp-hint", text: T("no_guesses") }));
      kids.push(list);
      const order = this.predictOrder();
      const ol = el("ol", { class: "ovp-order", "data-testid": "predict-order",
                            "data-order": order.map((o) => o.r.key).join(",") });
      for (const o of order) {
        ol.append(el("li", { "data-key": o.r.key, text: o.k !== null ? T("order_reached", { label: o.r.label, k: o.k })
          : T("order_final", { label: o.r.label, f: fmtLoss(o.fin) }) }));
      }
      kids.push(el("div", { class: "ovp-hint", text: this.scene.f_star ? T("order_title", { tol: fmt(this.scene.predict?.tol ?? 1e-3) }) : T("order_title_final") }), ol);
      if (st.pick) {
        const rank = order.findIndex((o) => o.r.key === st.pick) + 1;
        if (rank > 0) kids.push(el("div", { class: "ovp-verdict", "data-testid": "predict-verdict", "data-rank": String(rank),
          text: T(rank === 1 ? "pick_right" : "pick_rank", { label: label(order[rank - 1].r), rank, first: label(order[0].r) }) }));
      }
      kids.push(el("button", { class: "ovp-btn", type: "button", text: T("hide_again"), onclick: () => this.reveal(false) }));
    }
    box.replaceChildren(...kids);
  }

  // ----------------------------------------------------------------- scrub a hyperparameter
  // One run's hyperparameter over a family of values, computed in one batched call on the
  // server and sent as one record: the second slider paints member j's path from it in place
  // (no server round trip); letting go sends the value back once (the sidebar control follows).
  updateScrub(scene) {
    const F = scene.family;
    const had = this.family ? this.family.record : null;
    if (!F) {
      this.family = null;
      if (had) this.layout = null;
      if (this.famBox) this.famBox.hidden = true;
      return;
    }
    const rec = REG.blobs.get(F.record);
    const m = F.values.length, n = rec.header.n;
    const th = rec.cols.theta.data, f = rec.cols.f.data;      // row t: x₀ y₀ x₁ y₁ …; f₀ f₁ …
    if (had !== F.record) {
      this.layout = null;
      const stride = Math.max(1, Math.ceil(n / 2500)), idx = [];
      for (let i = 0; i < n; i += stride) idx.push(i);
      if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
      const last = [];
      for (let j = 0; j < m; j++) {
        let k = n - 1;
        while (k > 0 && !(Number.isFinite(th[(k * m + j) * 2]) && Number.isFinite(th[(k * m + j) * 2 + 1]))) k--;
        last.push(k);
      }
      this.famIdx = F.index;
      this.fam = { idx, last };
    } else if (this.family.index !== F.index || this.family.key !== F.key) {
      this.famIdx = F.index;
    }
    this.family = { ...F, rec, m, n, th, f };
    this.buildScrubBox();
  }

  memberPath(j, t) {
    const { m, th } = this.family, { idx, last } = this.fam;
    const k = Math.min(t, last[j]), px = [], py = [];
    for (let q = 0; q < idx.length && idx[q] < k; q++) { px.push(th[(idx[q] * m + j) * 2]); py.push(th[(idx[q] * m + j) * 2 + 1]); }
    px.push(th[(k * m + j) * 2]); py.push(th[(k * m + j) * 2 + 1]);
    return { k, px, py };
  }

  scrubTraces(xa, ya) {
    this.T_FAM = this.T_EXTRA + (this.nGuess || 0);
    const F = this.family;
    if (!F) return [];
    const r = this.runs.find((q) => q.key === F.run) || { color: "#444", symbol: "circle", dash: "solid" };
    const X = [], Y = [];
    for (let j = 0; j < F.m; j++) {
      const p = this.memberPath(j, F.n - 1);
      X.push(...p.px, null); Y.push(...p.py, null);
    }
    const st = this.scene.style;
    return [
      { type: "scatter", mode: "lines", x: X, y: Y, opacity: 0.18, showlegend: false, hoverinfo: "skip",
        visible: !this.veiled, line: { color: r.color, width: 1.2 } },
      { type: "scatter", mode: "lines", x: [xa, xa], y: [ya, ya], showlegend: false, hoverinfo: "skip",
        line: { color: r.color, width: st.line + 0.6, dash: DASH[r.dash] || "solid" } },
      { type: "scatter", mode: "markers", x: [xa], y: [ya], showlegend: false, hoverinfo: "skip",
        marker: { color: r.color, size: st.head + 2, symbol: r.symbol, line: { color: "white", width: 2 } } },
    ];
  }

  paintScrub(els, xa, ya) {
    const F = this.family;
    if (!F || !this.fam) return;
    const p = this.memberPath(this.famIdx, this.t);
    this.famFrame = p;
    Player.setPath(els[this.T_FAM + 1], Player.pathD(p.px, p.py, xa, ya), !this.veiled);
    Player.setPoint(els[this.T_FAM + 2], 0, xa.c2p(p.px[p.px.length - 1]), ya.c2p(p.py[p.py.length - 1]),
                    !this.veiled);
    this.scrubText();
  }

  scrubText() {
    const F = this.family, j = this.famIdx, v = F.values[j];
    const p = this.famFrame, fv = p ? F.f[p.k * F.m + j] : NaN;
    const dead = p && p.k < this.t;
    const txt = this.tx("scrub_value", { hp: F.symbol, v: fmt(v), t: this.t }) + " · " +
      (dead ? this.tx("diverged_at", { k: p.k + 1 }) : `${this.scene.f_star ? "f−f*" : "f"} = ${fmtLoss(fv)}`);
    this.famSlider.value = String(j);
    this.famSlider.setAttribute("aria-valuenow", String(j));
    this.famSlider.setAttribute("aria-valuetext", `${F.symbol} = ${fmt(v)}`);
    this.famText.textContent = txt;
    this.famBox.dataset.index = String(j);
    this.famBox.dataset.value = String(v);
  }

  buildScrubBox() {
    const F = this.family;
    if (!this.famBox) {
      this.famSlider = el("input", { class: "ovp-scrub ovp-famslider", type: "range", min: "0", step: "1", role: "slider" });
      this.famText = el("span", { class: "ovp-famtext", "data-testid": "player-family-value" });
      this.famLabel = el("span", { class: "ovp-famlabel" });
      this.famBox = el("div", { class: "ovp-family", "data-testid": "player-family" }, this.famLabel, this.famSlider, this.famText);
      this.controls.after(this.famBox);
      this.famSlider.addEventListener("input", () => {
        this.famIdx = +this.famSlider.value;
        clearTimeout(this.famTimer);
        const fl = this.mapEl._fullLayout;
        if (fl) this.paintScrub((this.mapEls ||= this.traceEls(this.mapEl)), fl.xaxis, fl.yaxis);
      });
      // let go (or a key's last press): the value goes to the sidebar control, once
      this.famSlider.addEventListener("change", () => {
        clearTimeout(this.famTimer);
        this.famTimer = setTimeout(() => {
          const G = this.family;
          if (G && this.famIdx !== G.index) this.hooks.scrub?.({ key: G.key, value: G.values[this.famIdx] });
        }, 350);
      });
    }
    this.famBox.hidden = false;
    this.famSlider.max = String(F.m - 1);
    this.famSlider.setAttribute("aria-valuemin", "0");
    this.famSlider.setAttribute("aria-valuemax", String(F.m - 1));
    this.famSlider.setAttribute("aria-label", this.tx("scrub_aria", { hp: F.symbol, label: F.label }));
    this.famLabel.textContent = this.tx("scrub_label", { hp: F.symbol, label: F.label, m: F.m });
    this.famSlider.value = String(this.famIdx);
  }
}

// -------------------------------------------------------------------------------- entries
function playerFor(root, key, hooks) {
  let p = root.__ovp;
  if (!p) {
    p = new Player(root, hooks);
    root.__ovp = p;
  } else {
    p.hooks = hooks;
  }
  REG.players.set(key, p);
  return p;
}

// A presenter's clicker sends PageDown / PageUp: in present mode they page through the deck of
// scenes (the page's `page` trigger), wherever the focus is, except in a text field.
if (typeof document !== "undefined" && !REG.deckKeys) {
  REG.deckKeys = true;
  document.addEventListener("keydown", (e) => {
    if ((e.key !== "PageDown" && e.key !== "PageUp") || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest?.("textarea, select, [contenteditable='true'], input:not([type=range]):not([type=checkbox])")) return;
    for (const p of REG.players.values()) {
      if (p.present && p.hooks.page && p.root.isConnected) {
        e.preventDefault();
        e.stopPropagation();
        p.pause();
        p.hooks.page(e.key === "PageDown" ? 1 : -1);
        return;
      }
    }
  }, true);
}

// Streamlit components v2: called on mount and whenever the data changes.
export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue, key } = component;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    mark("ovp:blob");
    addBlob(data).catch(() => {});
    return;
  }
  mark("ovp:mounted");
  if (!data || typeof data !== "object") return;
  let root = parentElement.querySelector(":scope > .ovp-root");
  if (!root) {
    root = el("div", { class: "ovp-root" });
    parentElement.append(root);
  }
  const plotlyUrl = new URL(data.plotly || "plotly-basic.min.js", import.meta.url).href;
  const player = playerFor(root, key, {
    plotlyUrl,
    report: (t) => setStateValue("step", t),
    focus: (k) => setStateValue("focus", k),
    click: (xy) => setTriggerValue("start", xy),
    scrub: (v) => setTriggerValue("scrub", v),
    revealed: (b) => setStateValue("revealed", b),
    page: (d) => setTriggerValue("page", d),
  });
  player.update(data);
  return () => { player.pause(); };
}

// The offline HTML: plotly.js is already on the page, the blobs come base64-encoded.
export function mountStandalone(root, scene, blobs) {
  for (const b64 of blobs) {
    const bin = atob(b64);
    const u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    addBlob(u8).catch((err) => { root.textContent = text(scene, "bad_data", { error: err.message }); });
  }
  const p = playerFor(root, "standalone", { plotlyUrl: "" });
  p.update(scene);
  return p;
}
