"""The player's scene: everything but the per-step numbers (those are in the run records).

`build(...)` returns the scene (a small JSON-able dict: window, start, minima, style, one entry per
run with its label, colour, record id and the inspector's rule lines) and the blobs it refers to
(run records, the background image). Pure: no Streamlit, no Plotly.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from optviz.i18n import t

from . import record

PLOTLY_JS = "plotly-basic.min.js"
SPEEDS = (("½×", 0.5), ("1×", 1.0), ("2×", 2.0), ("4×", 4.0))
SECONDS_AT_1X = 8.0       # 1× plays the whole run in about this long …
MIN_RATE = 2.0            # … but never slower than this many steps per second
CLICK_GRID = 31           # a click on the map starts the race at the nearest of these points


def click_grid_axes(window) -> tuple[np.ndarray, np.ndarray]:
    """The x and y values of the candidate start points (the click grid's columns and rows)."""
    (xa, xb), (ya, yb) = window
    return np.linspace(xa, xb, CLICK_GRID), np.linspace(ya, yb, CLICK_GRID)


@dataclass(frozen=True)
class Style:
    """Type sizes and colours (the page's typography for the view)."""

    base: int = 14
    legend: int = 14
    tick: int = 13
    line: float = 2.6
    head: int = 12
    height: int = 620
    present: bool = False      # projector layout: map fills the window's height, names at the heads
    theme: str = "light"       # "light" | "dark": the player's frame and texts


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


# The inspector's lines, per rule shape: (text, record field, lag). `lag` 1 reads row t−1 (the
# gradient that update t used was recorded with θ_{t−1}). Text uses the Update rules tab's symbols.
_G = ("g_t = ∇f(θ_{t−1})", "grad", 1)
_GAMMA = ("γ_t = lr·η_t", "gamma", 0)
_DTHETA = ("Δθ_t = θ_t − θ_{t−1}", "dtheta", 0)
_THETA = ("θ_t", "theta", 0)
_F = ("f(θ_t) − f*", "f", 0)
_ADAM = [_G, ("m_t = β₁·m_{t−1} + (1−β₁)·g_t", "m", 0),
         ("v_t = β₂·v_{t−1} + (1−β₂)·g_t²", "v", 0),
         ("m̂_t = m_t / (1−β₁ᵗ)", "m_hat", 0), ("√v̂_t,  v̂_t = v_t / (1−β₂ᵗ)", "v_hat_sqrt", 0),
         _GAMMA, ("γ_t / (√v̂_t + ε)  (effective step per coordinate)", "eff", 0),
         ("Δθ_t = −γ_t·m̂_t / (√v̂_t + ε)", "dtheta", 0), _THETA, _F]
_NOBC = [_G, ("m_t = β₁·m_{t−1} + (1−β₁)·g_t  (no correction: m̂_t = m_t)", "m", 0),
         ("v_t = β₂·v_{t−1} + (1−β₂)·g_t²", "v", 0), ("√v_t  (no correction)", "v_hat_sqrt", 0),
         _GAMMA, ("γ_t / (√v_t + ε)  (effective step per coordinate)", "eff", 0),
         ("Δθ_t = −γ_t·m_t / (√v_t + ε)", "dtheta", 0), _THETA, _F]
_OTHER_ADAPTIVE = [_G, ("m_t", "m", 0), ("m̂_t", "m_hat", 0), ("√v̂_t", "v_hat_sqrt", 0), _GAMMA,
                   ("γ_t / (√v̂_t + ε)", "eff", 0), _DTHETA, _THETA, _F]
_PLAIN = [_G, _GAMMA, _DTHETA, _THETA, _F]
_MOMENTUM = [_G, ("b_t = μ·b_{t−1} + (1−τ)·(g_t + λθ_{t−1})  (momentum buffer)", "buf", 0), _GAMMA,
             ("Δθ_t = −γ_t·b_t  (Nesterov: −γ_t·(g_t + λθ_{t−1} + μ·b_t))", "dtheta", 0), _THETA, _F]


def inspector_lines(name: str, fields: set[str]) -> list[dict]:
    if name == "adam_nobc":
        lines = _NOBC
    elif name in ("adam", "adamw", "adamprox", "amsgrad"):
        lines = _ADAM
    elif "m_hat" in fields:
        lines = _OTHER_ADAPTIVE
    elif "buf" in fields:
        lines = _MOMENTUM
    else:
        lines = _PLAIN
    return [{"text": t(text), "field": f, "lag": lag} for text, f, lag in lines if f in fields]


def line_texts() -> list[str]:
    """The inspector's line texts that hold words to translate (the catalogue lists them)."""
    out = []
    for lines in (_ADAM, _NOBC, _OTHER_ADAPTIVE, _PLAIN, _MOMENTUM):
        out += [text for text, _, _ in lines if re.search("[a-z]{3}", text) and text not in out]
    return out


def texts() -> dict[str, str]:
    """Every fixed text the player's frontend shows, in the page's language (player.js keeps the
    English as its fallback; `{name}` fields are filled in by the browser)."""
    return {
        "play": "▶ " + t("Play"), "pause": "❚❚ " + t("Pause"),
        "play_aria": t("Play"), "pause_aria": t("Pause"),
        "play_title": t("Play / pause (space)"),
        "prev_aria": t("Previous step"), "prev_title": t("One step back (←; Shift+← ten)"),
        "next_aria": t("Next step"), "next_title": t("One step forward (→; Shift+→ ten)"),
        "step_aria": t("Step"), "speed_aria": t("Speed"), "speed_button_aria": t("Speed {label}"),
        "arrows_aria": t("Show step arrows"), "arrows": " " + t("arrows"),
        "runs_aria": t("Runs"),
        "loading": t("Loading the player…"), "loading_runs": t("Loading the runs…"),
        "no_plotly": t("The player could not load plotly.js: {error}"),
        "bad_data": t("Could not read the race data: {error}"),
        "minimum": t("minimum"), "start": t("start"), "momentum": t("momentum"),
        "step_axis": t("step"),
        "step_of": t("step {t} of {steps}"), "step_num": t("step {t} / {steps}"),
        "momentum_key": t("momentum") + " −γ_t m̂_t / −γ_t b_t",
        "scale_1": t("arrows at scale (×1)"), "scale": t("arrows ×{scale}, all alike"),
        "inspect_title": t("Inspect this run's step"),
        "show_run": t("Show {label}"), "show_hide": t("Show / hide"),
        "diverged_at": t("diverged at step {k}"),
        "fan_key": t("noise: {k} draws of −g̃ at θ_{t−1} (thick: the one this run used)"),
        "inspector_head": t("{label} · step {t}"),
        "step0": t("Step 0 is the start θ₀: press → for the first update."),
        "diverged_run": t("This run diverged at step {k}."),
        "derived_one": t("{names} is computed on the server, in float64, from the recorded values "
                         "(m̂_t, √v̂_t, γ_t, Δθ_t, g_t)."),
        "derived_many": t("{names} are computed on the server, in float64, from the recorded values "
                          "(m̂_t, √v̂_t, γ_t, Δθ_t, g_t)."),
        **predict_texts(),
    }


def predict_texts() -> dict[str, str]:
    """The predict panel's and the scrub slider's texts (player.js has the English fallbacks)."""
    return {
        "predict_aria": t("Predict, then reveal"),
        "predict_title": t("Predict first: the paths are hidden"),
        "revealed_title": t("Revealed: your guesses against the race"),
        "guess_for": t("Guess for"),
        "click_to_guess": t("Click the map where {label} will be after {steps} steps."),
        "guesses_placed": t("{n} of {total} guesses placed"),
        "first_pick": t("Reaches the minimum first:"),
        "reveal": t("Reveal"), "clear_guesses": t("Clear guesses"),
        "hide_again": t("Hide the paths again"),
        "guess_error": t("{label}: your guess is {d} from where it ended, ({x}, {y})"),
        "no_guesses": t("No guesses were placed."),
        "order_title": t("The true order (first step with f − f* ≤ {tol}):"),
        "order_title_final": t("The true order (by final f):"),
        "order_reached": t("{label}: step {k}"),
        "order_final": t("{label}: not reached (final {f})"),
        "pick_right": t("You picked {label}: right, it came first."),
        "pick_rank": t("Your pick, {label}, came {rank}; {first} was first."),
        "scrub_label": t("Scrub {hp} of {label} ({m} values)"),
        "scrub_aria": t("Scrub {hp}"),
        "scrub_value": t("{hp} = {v} at step {t}"),
    }


_CONSTANTS = (("beta1", "β₁"), ("beta2", "β₂"), ("eps", "ε"), ("weight_decay", "λ"),
              ("momentum", "μ"), ("alpha", "α"))


def constants_text(hp: dict) -> str:
    parts = [f"lr = {hp['lr']:g}"] if "lr" in hp else []
    parts += [f"{sym} = {hp[k]:g}" for k, sym in _CONSTANTS
              if k in hp and isinstance(hp[k], (int, float)) and not isinstance(hp[k], bool)]
    if hp.get("schedule", "constant") != "constant":
        parts.append(t("schedule {name}", name=hp["schedule"]))
    return ", ".join(parts)


def build(runs, trajectories: dict, surface, *, start, steps: int, background_png,
          style: Style = Style(), step: int | None = None, title: str = "",
          rule_notes: dict | None = None) -> tuple[dict, list[tuple[str, bytes]]]:
    """The scene and its blobs.

    runs: sequence of (RunInfo, label, colour, dash, symbol) in legend order; trajectories: run
    key → Trajectory; surface: for its window, minima and f*; background_png: the map picture
    (data URI or PNG bytes); step: the step to show first (kept by the player across reruns).
    """
    (xa, xb), (ya, yb) = surface.window
    f_star = surface.f_min
    blobs: list[tuple[str, bytes]] = []
    bg = record.IMAGES.get(background_png, lambda: record.image_blob(background_png))
    bg_id = record.header(bg)["id"]
    blobs.append((bg_id, bg))
    out_runs = []
    for info, label, color, dash, symbol in runs:
        tr = trajectories.get(info.key)
        if tr is None:
            continue
        hp_items = tuple(sorted((k, repr(v)) for k, v in info.hp.items()))
        blob = record.RECORDS.get(tr, (info.name, hp_items, f_star),
                                  lambda: record.run_record(tr, info, f_star))
        header = record.header(blob)
        rid = header["id"]
        if all(rid != b for b, _ in blobs):     # an A/B copy with the same settings: one record
            blobs.append((rid, blob))
        fields = set(header["fields"])
        out_runs.append({
            "key": info.key, "name": info.name, "label": label, "record": rid, "color": color,
            "dash": dash, "symbol": symbol, "diverged_at": header["diverged_at"],
            "last": header["last"], "adam": "m_hat" in fields,
            # the momentum direction's arrow: −γ_t·m̂_t (Adam family) or −γ_t·b_t (SGD momentum)
            "momentum": "m_hat" if "m_hat" in fields else "buf" if "buf" in fields else None,
            "lines": inspector_lines(info.name, fields), "derived": header["derived"],
            "constants": constants_text(info.hp),
            "note": (rule_notes or {}).get(info.key, ""),
        })
    mins = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    steps = int(steps)
    scene = {
        "v": 1, "title": title, "steps": steps, "window": [[xa, xb], [ya, yb]],
        "start": [_num(start[0]), _num(start[1])],
        "minima": [[_num(a), _num(b)] for a, b in mins],
        "f_star": f_star is not None, "background": bg_id, "runs": out_runs,
        "speeds": [[label, k] for label, k in SPEEDS],
        "rate": max(MIN_RATE, steps / SECONDS_AT_1X),
        "step": None if step is None else max(0, min(int(step), steps)),
        "click_grid": CLICK_GRID, "plotly": PLOTLY_JS, "texts": texts(),
        "style": {"base": style.base, "legend": style.legend, "tick": style.tick,
                  "line": style.line, "head": style.head, "height": style.height,
                  "present": style.present, "theme": style.theme if style.theme == "dark" else "light"},
    }
    return scene, blobs


def step_values(tr, t: int) -> list[tuple[str, str]]:
    """The recorded numbers of update t for one run, as text (the Update rules tab under the rule,
    following the player's step): g_t = ∇f(θ_{t−1}), m̂_t, √v̂_t, Δθ_t, θ_t."""
    P = tr.points
    if not 1 <= t < len(P) or not np.isfinite(P[t]).all():
        return []

    def pair(v) -> str:
        return "(" + ", ".join(f"{float(x):.6g}" for x in v) + ")"

    out = []
    if tr.grads is not None:
        out.append(("g_t = ∇f(θ_{t−1})", pair(tr.grads[t - 1])))
    if tr.m_hat is not None:
        out += [("m̂_t", pair(tr.m_hat[t])), ("√v̂_t", pair(tr.v_hat_sqrt[t]))]
    out += [("Δθ_t", pair(P[t] - P[t - 1])), ("θ_t", pair(P[t]))]
    return out
