// The race player: plays, scrubs and steps through every step of every run in the browser.
// Python sends each run's record once (a binary blob, float64 columns) and a small scene; this
// module draws them with plotly.js and only restyles its own traces while playing.
// Used two ways: as a Streamlit components-v2 module (default export) and, in the offline HTML,
// through mountStandalone().

const REG = (globalThis.__optvizPlayer ||= { blobs: new Map(), waiters: new Set(), players: new Map() });

// ------------------------------------------------------------------------------------- blobs
export function addBlob(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const magic = String.fromCharCode(u8[0], u8[1], u8[2], u8[3]);
  if (magic !== "OVR1") return null;
  const hlen = u8[4] | (u8[5] << 8) | (u8[6] << 16) | (u8[7] << 24);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + hlen)));
  if (REG.blobs.has(header.id)) return header.id;
  // a copy, so the float64 views are aligned whatever the message buffer's offset
  const payload = u8.slice(8 + hlen).buffer;
  let value;
  if (header.kind === "run") {
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
  if (REG.blobs.size > 256) {            // oldest first; the scene in use re-sends what it lacks
    const first = REG.blobs.keys().next().value;
    if (first !== header.id) REG.blobs.delete(first);
  }
  for (const w of [...REG.waiters]) w();
  return header.id;
}

function haveAll(scene) {
  return REG.blobs.has(scene.background) && scene.runs.every((r) => REG.blobs.has(r.record));
}

// ------------------------------------------------------------------------------------ plotly
let plotlyPromise = null;
function loadPlotly(url) {
  if (globalThis.Plotly) return Promise.resolve(globalThis.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = url;
      s.async = true;
      s.onload = () => resolve(globalThis.Plotly);
      s.onerror = () => { plotlyPromise = null; reject(new Error("could not load plotly.js")); };
      document.head.appendChild(s);
    });
  }
  return plotlyPromise;
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

  build() {
    const r = this.root;
    r.classList.add("ovp");
    r.replaceChildren();
    this.mapEl = el("div", { class: "ovp-map", "data-testid": "player-map" });
    this.legendEl = el("div", { class: "ovp-legend", role: "list", "aria-label": "Runs" });
    this.lossEl = el("div", { class: "ovp-loss", "data-testid": "player-loss" });
    this.scaleEl = el("div", { class: "ovp-scale", "data-testid": "player-arrow-scale" });
    this.side = el("div", { class: "ovp-side" }, this.legendEl, this.scaleEl, this.lossEl);
    this.main = el("div", { class: "ovp-main" }, this.mapEl, this.side);
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
    this.arrowBox.addEventListener("change", () => { this.showArrows = this.arrowBox.checked; this.draw(true); });
    const arrowLabel = el("label", { class: "ovp-arrowlabel" }, this.arrowBox, " arrows");
    this.controls = el("div", { class: "ovp-controls" }, this.playBtn, this.prevBtn, this.slider,
                       this.nextBtn, this.stepText, this.speedBox, arrowLabel);
    this.inspector = el("div", { class: "ovp-inspector", "data-testid": "player-inspector",
                                 "aria-live": "polite" });
    this.status = el("div", { class: "ovp-status", text: "Loading the player…" });
    r.append(this.status, this.main, this.controls, this.inspector);
    r.addEventListener("keydown", (e) => this.onKey(e));
  }

  onKey(e) {
    if (!this.scene || e.target.closest?.(".js-plotly-plot input")) return;
    const big = e.shiftKey ? 10 : 1;
    let handled = true;
    switch (e.key) {
      case " ": case "Spacebar": this.toggle(); break;
      case "ArrowRight": case "ArrowUp": this.pause(); this.setStep(this.t + big); break;
      case "ArrowLeft": case "ArrowDown": this.pause(); this.setStep(this.t - big); break;
      case "PageUp": this.pause(); this.setStep(this.t + 10); break;
      case "PageDown": this.pause(); this.setStep(this.t - 10); break;
      case "Home": this.pause(); this.setStep(0); break;
      case "End": this.pause(); this.setStep(this.scene.steps); break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  }

  // -------------------------------------------------------------------------------- scene
  async update(scene) {
    const first = this.scene === null;
    const old = this.scene;
    this.scene = scene;
    if (first) {
      this.t = scene.step ?? scene.steps;
      const adam = scene.runs.find((r) => r.adam);
      this.focus = (adam || scene.runs[0] || {}).key ?? null;
    }
    if (!scene.runs.some((r) => r.key === this.focus)) this.focus = scene.runs[0]?.key ?? null;
    this.t = Math.max(0, Math.min(this.t, scene.steps));
    this.speedBox.replaceChildren(...scene.speeds.map(([label, k]) => el("button", {
      class: "ovp-btn ovp-speed", type: "button", "aria-pressed": String(k === this.speed),
      "aria-label": `Speed ${label}`, text: label,
      onclick: (ev) => { this.speed = k; this.markSpeed(); if (this.playing) this.restartClock(); },
    })));
    if (!haveAll(scene)) {
      this.status.textContent = "Loading the runs…";
      await new Promise((resolve) => {
        const w = () => { if (this.scene !== scene || haveAll(scene)) { REG.waiters.delete(w); resolve(); } };
        REG.waiters.add(w);
        w();
      });
      if (this.scene !== scene) return;
    }
    this.runs = scene.runs.map((r) => ({ ...r, rec: REG.blobs.get(r.record) }));
    for (const r of this.runs) this.prepare(r);
    try {
      await loadPlotly(this.hooks.plotlyUrl);
    } catch (err) {
      this.status.textContent = "The player could not load plotly.js: " + err.message;
      return;
    }
    if (this.scene !== scene) return;
    this.status.textContent = "";
    this.status.hidden = true;
    const sameAxes = old && JSON.stringify(old.window) === JSON.stringify(scene.window) && this.ready;
    await this.plot(sameAxes);
    this.ready = true;
    this.slider.max = String(scene.steps);
    this.slider.setAttribute("aria-valuemax", String(scene.steps));
    this.draw(true);
    this.root.dataset.ready = "1";
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
  }

  val(r, field, row, col) {
    const c = r.rec.cols[field];
    if (!c || row < 0 || row >= r.n) return NaN;
    return c.data[row * c.cols + (col || 0)];
  }

  // ---------------------------------------------------------------------------- the charts
  async plot(keepAxes) {
    const P = globalThis.Plotly;
    const s = this.scene, st = s.style;
    const [[xa, xb], [ya, yb]] = s.window;
    const bg = REG.blobs.get(s.background);
    const n = s.click_grid, gx = [], gy = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
      gx.push(xa + (xb - xa) * i / (n - 1)); gy.push(ya + (yb - ya) * j / (n - 1));
    }
    const data = [
      { type: "scatter", mode: "markers", x: gx, y: gy, name: "start grid", showlegend: false,
        marker: { size: 14, opacity: 0, color: "#000" },
        hovertemplate: "start here: (%{x:.3g}, %{y:.3g})<extra></extra>" },
      { type: "scatter", mode: "markers", x: s.minima.map((m) => m[0]), y: s.minima.map((m) => m[1]),
        name: "minimum", showlegend: false, hovertemplate: "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
        marker: { symbol: "star", size: st.head + 8, color: "#ffd400", line: { color: "#333", width: 1.5 } } },
      { type: "scatter", mode: "markers", x: [s.start[0]], y: [s.start[1]], name: "start",
        showlegend: false, hovertemplate: "start (%{x:.4g}, %{y:.4g})<extra></extra>",
        marker: { symbol: "circle-open", size: st.head + 6, color: "#222", line: { width: 2.5 } } },
    ];
    this.T_ARROWS = data.length;
    const arrow = (name, color, dash) => ({
      type: "scatter", mode: "lines+markers", x: [], y: [], name, showlegend: false,
      hoverinfo: "skip", line: { color, width: 2.4, dash },
      marker: { symbol: "arrow", angleref: "previous", size: [], color, line: { width: 0 } } });
    data.push(arrow("−γ∇f", "#111111", "solid"), arrow("Δθ", "#d10000", "solid"),
              arrow("momentum", "#0a7d00", "dot"));
    this.T_HOVER = data.length;
    data.push({ type: "scatter", mode: "markers", x: [], y: [], showlegend: false, hoverinfo: "skip",
                marker: { size: st.head + 4, color: "rgba(0,0,0,0)", line: { color: "#000", width: 2 } } });
    this.T_RUNS = data.length;
    for (const r of this.runs) {
      const vis = !this.hidden.has(r.key);
      data.push(
        { type: "scatter", mode: "lines", x: r.gx, y: r.gy, customdata: r.drawIdx, opacity: 0.28,
          name: r.label, showlegend: false, visible: vis,
          line: { color: r.color, width: st.line, dash: DASH[r.dash] || "solid" },
          hovertemplate: `${r.label}<br>step %{customdata}<br>(%{x:.4g}, %{y:.4g})<extra></extra>` },
        { type: "scatter", mode: "lines", x: [], y: [], name: r.label, showlegend: false,
          hoverinfo: "skip", visible: vis,
          line: { color: r.color, width: st.line, dash: DASH[r.dash] || "solid" } },
        { type: "scatter", mode: "markers", x: [], y: [], name: r.label, showlegend: false,
          visible: vis, hovertemplate: `${r.label} (step shown)<extra></extra>`,
          marker: { color: r.color, size: st.head, symbol: r.symbol,
                    line: { color: "white", width: 2 } } });
    }
    const font = { size: st.base, family: "Inter, 'Source Sans Pro', Arial, sans-serif", color: "#222" };
    const prev = keepAxes && this.mapEl._fullLayout ? {
      x: this.mapEl._fullLayout.xaxis.range.slice(), y: this.mapEl._fullLayout.yaxis.range.slice() } : null;
    const layout = {
      height: st.height, margin: { l: 50, r: 10, t: 10, b: 40 }, font, showlegend: false,
      paper_bgcolor: "white", plot_bgcolor: "white", hovermode: "closest", dragmode: "zoom",
      uirevision: "map",
      xaxis: { range: prev ? prev.x : [xa, xb], constrain: "domain", showgrid: false,
               zeroline: false, title: { text: "x", standoff: 4 }, tickfont: { size: st.tick },
               mirror: true, showline: true, linecolor: "#888", ticks: "outside" },
      yaxis: { range: prev ? prev.y : [ya, yb], scaleanchor: "x", scaleratio: 1, constrain: "domain",
               showgrid: false, zeroline: false, title: { text: "y", standoff: 4 },
               tickfont: { size: st.tick }, mirror: true, showline: true, linecolor: "#888",
               ticks: "outside" },
      images: [{ source: bg.url, xref: "x", yref: "y", x: xa, y: yb, sizex: xb - xa, sizey: yb - ya,
                 sizing: "stretch", layer: "below", xanchor: "left", yanchor: "top" }],
    };
    const config = { displaylogo: false, scrollZoom: false, responsive: true,
                     modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    await globalThis.Plotly.react(this.mapEl, data, layout, config);

    const ldata = [];
    for (const r of this.runs) {
      ldata.push({ type: "scatter", mode: "lines", x: r.lossX, y: r.lossY, name: r.label,
                   visible: !this.hidden.has(r.key),
                   line: { color: r.color, width: 2, dash: DASH[r.dash] || "solid" },
                   hovertemplate: `${r.label}<br>step %{x}<br>f − f* = %{y:.4g}<extra></extra>` });
    }
    this.L_CURSOR = ldata.length;
    ldata.push({ type: "scatter", mode: "markers", x: [], y: [], showlegend: false, hoverinfo: "skip",
                 marker: { size: 9, color: [], line: { color: "white", width: 1.5 } } });
    this.L_HOVER = ldata.length;
    ldata.push({ type: "scatter", mode: "markers", x: [], y: [], showlegend: false, hoverinfo: "skip",
                 marker: { size: 12, color: "rgba(0,0,0,0)", line: { color: "#000", width: 2 } } });
    const llayout = {
      height: Math.max(220, Math.round(st.height * 0.42)), margin: { l: 55, r: 10, t: 28, b: 40 },
      font: { ...font, size: st.base - 1 }, showlegend: false, paper_bgcolor: "white",
      plot_bgcolor: "#fafafa", hovermode: "closest", uirevision: "loss",
      title: { text: s.f_star ? "f(θ_t) − f*  (log)" : "f(θ_t)  (log)", font: { size: st.base - 1 },
               x: 0, xanchor: "left", y: 0.98 },
      xaxis: { title: { text: "step", standoff: 2 }, range: [0, Math.max(1, s.steps)],
               gridcolor: "#e5e5e5", zeroline: false },
      yaxis: { type: "log", gridcolor: "#e5e5e5", exponentformat: "power" },
      shapes: [{ type: "line", xref: "x", yref: "paper", x0: this.t, x1: this.t, y0: 0, y1: 1,
                 line: { color: "#333", width: 1.5, dash: "dot" } }],
    };
    await globalThis.Plotly.react(this.lossEl, ldata, llayout,
                                  { displaylogo: false, responsive: true, displayModeBar: false });
    if (!this.wired) this.wire();
  }

  wire() {
    this.wired = true;
    const map = this.mapEl, loss = this.lossEl;
    map.on("plotly_click", (ev) => {
      const p = ev?.points?.[0];
      if (!p) return;
      const ti = p.curveNumber;
      if (ti === 0) { this.hooks.click?.([p.x, p.y]); return; }
      const run = this.runAtTrace(ti);
      if (run) this.setFocus(run.key);
    });
    map.on("plotly_hover", (ev) => {
      const p = ev?.points?.[0];
      const run = p && this.runAtTrace(p.curveNumber);
      if (!run || (p.curveNumber - this.T_RUNS) % 3 !== 0) return;
      const k = p.customdata;
      globalThis.Plotly.restyle(loss, { x: [[k]], y: [[run.f[k] > 0 ? run.f[k] : null]],
                                        "marker.line.color": run.color }, [this.L_HOVER]);
      loss.dataset.hoverStep = String(k);
    });
    map.on("plotly_unhover", () => {
      globalThis.Plotly.restyle(loss, { x: [[]], y: [[]] }, [this.L_HOVER]);
      delete loss.dataset.hoverStep;
    });
    loss.on("plotly_hover", (ev) => {
      const p = ev?.points?.[0];
      if (!p || p.curveNumber >= this.runs.length) return;
      const run = this.runs[p.curveNumber];
      const k = Math.round(p.x);
      globalThis.Plotly.restyle(map, { x: [[run.x[k]]], y: [[run.y[k]]],
                                       "marker.line.color": run.color }, [this.T_HOVER]);
      map.dataset.hoverStep = String(k);
    });
    loss.on("plotly_unhover", () => {
      globalThis.Plotly.restyle(map, { x: [[]], y: [[]] }, [this.T_HOVER]);
      delete map.dataset.hoverStep;
    });
    loss.on("plotly_click", (ev) => {
      const p = ev?.points?.[0];
      if (!p) return;
      this.pause();
      this.setStep(Math.round(p.x));
    });
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
    this.playBtn.textContent = "❚❚ Pause";
    this.playBtn.setAttribute("aria-label", "Pause");
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
    this.playBtn.textContent = "▶ Play";
    this.playBtn.setAttribute("aria-label", "Play");
    this.reportSoon();
  }

  setFocus(key) {
    this.focus = key;
    this.drawLegend();
    this.drawInspector();
    this.hooks.focus?.(key);
  }

  // ----------------------------------------------------------------------------- drawing
  draw(full) {
    if (!this.ready) return;
    const t = this.t, P = globalThis.Plotly;
    this.drawnT = t;
    this.slider.value = String(t);
    this.slider.setAttribute("aria-valuenow", String(t));
    this.slider.setAttribute("aria-valuetext", `step ${t} of ${this.scene.steps}`);
    this.stepText.textContent = `step ${t} / ${this.scene.steps}`;
    this.root.dataset.step = String(t);
    const xs = [], ys = [], idx = [];
    const cx = [], cy = [], cc = [];
    this.runs.forEach((r, i) => {
      const k = Math.min(t, r.last);
      // the trailing path through the drawn vertices, then exactly θ_k
      const px = [], py = [];
      const di = r.drawIdx;
      for (let j = 0; j < di.length && di[j] < k; j++) { px.push(r.x[di[j]]); py.push(r.y[di[j]]); }
      px.push(r.x[k]); py.push(r.y[k]);
      xs.push(px, [r.x[k]]); ys.push(py, [r.y[k]]);
      idx.push(this.T_RUNS + 3 * i + 1, this.T_RUNS + 3 * i + 2);
      if (!this.hidden.has(r.key)) {
        cx.push(k); cy.push(r.f[k] > 0 ? r.f[k] : null); cc.push(r.color);
      }
    });
    // arrows at θ_{t−1}, all magnified by one factor (shown) so they compare with each other
    const A = [[], [], []], M = [[], [], []], S = [[], [], []];
    let longest = 0;
    const segs = [];
    if (this.showArrows && t >= 1) {
      for (const r of this.runs) {
        if (this.hidden.has(r.key) || t > r.last) continue;
        const bx = r.x[t - 1], by = r.y[t - 1];
        const g = this.val(r, "gamma", t);
        const gs = [-g * this.val(r, "grad", t - 1, 0), -g * this.val(r, "grad", t - 1, 1)];
        const dt = [this.val(r, "dtheta", t, 0), this.val(r, "dtheta", t, 1)];
        const mm = r.adam ? [-g * this.val(r, "m_hat", t, 0), -g * this.val(r, "m_hat", t, 1)] : null;
        for (const [kind, v] of [[0, gs], [1, dt], [2, mm]]) {
          if (!v || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) continue;
          segs.push([kind, bx, by, v]);
          longest = Math.max(longest, Math.hypot(v[0], v[1]));
        }
      }
    }
    const [[xa, xb]] = this.scene.window;
    const target = 0.12 * (xb - xa);
    let scale = longest > 0 ? target / longest : 1;
    scale = scale > 1 ? Math.pow(10, Math.floor(Math.log10(scale))) : scale;   // magnify by 10^k only
    for (const [kind, bx, by, v] of segs) {
      A[kind].push(bx, bx + scale * v[0], null);
      M[kind].push(by, by + scale * v[1], null);
      S[kind].push(0, 11, 0);
    }
    for (let kind = 0; kind < 3; kind++) {
      xs.push(A[kind]); ys.push(M[kind]); idx.push(this.T_ARROWS + kind);
    }
    this.arrowScale = scale;
    P.restyle(this.mapEl, { x: xs, y: ys }, idx);
    P.restyle(this.mapEl, { "marker.size": S }, [this.T_ARROWS, this.T_ARROWS + 1, this.T_ARROWS + 2]);
    P.update(this.lossEl, { x: [cx], y: [cy], "marker.color": [cc] },
             { "shapes[0].x0": t, "shapes[0].x1": t }, [this.L_CURSOR]);
    this.scaleEl.innerHTML = "";
    if (this.showArrows && segs.length) {
      this.scaleEl.append(
        el("span", { class: "ovp-key", style: "--c:#111" }, "−γ_t∇f"),
        el("span", { class: "ovp-key", style: "--c:#d10000" }, "Δθ_t"),
        this.runs.some((r) => r.adam) ? el("span", { class: "ovp-key ovp-dot", style: "--c:#0a7d00" }, "−γ_t m̂_t") : null,
        el("span", { class: "ovp-scalev", text: scale === 1 ? "at scale (×1)" : `all ×${fmt(scale)}` }));
      this.scaleEl.dataset.scale = String(scale);
    }
    this.drawLegend();
    this.drawInspector();
  }

  drawLegend() {
    const t = this.t;
    const items = this.runs.map((r) => {
      const k = Math.min(t, r.last);
      const dead = r.diverged_at !== null && r.diverged_at !== undefined && t >= r.diverged_at;
      const v = r.f[k];
      const text = dead ? `diverged at step ${r.diverged_at}` :
        `${this.scene.f_star ? "f−f*" : "f"} = ${fmtLoss(v)}`;
      const sw = el("span", { class: "ovp-swatch", style: `--c:${r.color}`, "data-dash": r.dash });
      const label = el("button", { class: "ovp-run", type: "button", role: "listitem",
                                   "aria-pressed": String(r.key === this.focus),
                                   title: "Inspect this run's step", "data-key": r.key,
                                   onclick: () => this.setFocus(r.key) },
                       sw, el("span", { class: "ovp-label", text: r.label }),
                       el("span", { class: "ovp-val", "data-value": String(v), text }));
      const eye = el("input", { type: "checkbox", class: "ovp-eye", "aria-label": `Show ${r.label}`,
                                title: "Show / hide" });
      eye.checked = !this.hidden.has(r.key);
      eye.addEventListener("change", () => this.setHidden(r.key, !eye.checked));
      return el("div", { class: "ovp-item" + (this.hidden.has(r.key) ? " ovp-off" : "") }, eye, label);
    });
    this.legendEl.replaceChildren(...items);
  }

  setHidden(key, hide) {
    hide ? this.hidden.add(key) : this.hidden.delete(key);
    const i = this.runs.findIndex((r) => r.key === key);
    if (i < 0) return;
    const P = globalThis.Plotly;
    P.restyle(this.mapEl, { visible: !hide }, [this.T_RUNS + 3 * i, this.T_RUNS + 3 * i + 1, this.T_RUNS + 3 * i + 2]);
    P.restyle(this.lossEl, { visible: !hide }, [i]);
    this.draw(true);
  }

  drawInspector() {
    const r = this.runs.find((q) => q.key === this.focus);
    const box = this.inspector;
    if (!r) { box.replaceChildren(); return; }
    const t = this.t;
    const head = el("div", { class: "ovp-ihead" },
                    el("span", { class: "ovp-swatch", style: `--c:${r.color}` }),
                    el("strong", { text: `${r.label} · step ${t}` }),
                    el("span", { class: "ovp-const", text: r.constants }));
    const rows = [];
    if (t === 0) {
      rows.push(el("div", { class: "ovp-irow", text: "Step 0 is the start θ₀: press → for the first update." }));
    } else if (t > r.last) {
      rows.push(el("div", { class: "ovp-irow", text: `This run diverged at step ${r.diverged_at}.` }));
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
      notes.push(`${r.derived.map((d) => ({ m: "m_t", v: "v_t", eff: "γ_t/(√v̂_t+ε)" }[d] || d)).join(", ")} `
                 + "are computed on the server from the recorded m̂_t, √v̂_t and γ_t (float64).");
    }
    if (r.note) notes.push(r.note);
    box.replaceChildren(head, ...rows, ...notes.map((n) => el("div", { class: "ovp-inote", text: n })));
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

// Streamlit components v2: called on mount and whenever the data changes.
export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue, key } = component;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) { addBlob(data); return; }
  if (!data || typeof data !== "object") return;
  let root = parentElement.querySelector(":scope > .ovp-root");
  if (!root) {
    root = el("div", { class: "ovp-root" });
    parentElement.append(root);
  }
  const plotlyUrl = new URL(data.plotly || "plotly.min.js", import.meta.url).href;
  const player = playerFor(root, key, {
    plotlyUrl,
    report: (t) => setStateValue("step", t),
    focus: (k) => setStateValue("focus", k),
    click: (xy) => setTriggerValue("start", xy),
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
    addBlob(u8);
  }
  const p = playerFor(root, "standalone", { plotlyUrl: "" });
  p.update(scene);
  return p;
}
