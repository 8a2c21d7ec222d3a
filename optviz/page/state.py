"""The widgets' state ⇄ the scenario ⇄ the URL.

Each control's session-state key is its URL parameter name (`surface`, `kappa`, `opt`, `adam.lr`,
`x0`, …). The URL is written from the scenario after every run (`to_query`), so it always says
exactly what the page shows; it is read back into the widgets on a session's first run and whenever
it changed under us (the browser's back button). Reading goes through `parse_query`, which names
every parameter it refused.

Some defaults depend on the surface: the start point and each optimizer's learning rate (the
surface's hint for its family). When the surface changes, a value still at its old default moves to
the new one; a value the user set stays. So a value is left out of the URL exactly when it equals
the default that a fresh page would compute.

`session` is any mutable mapping (st.session_state in the app, a dict in tests).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Mapping, MutableMapping

import numpy as np

import optimizers
import surfaces

from optviz.model.scenario import (CUSTOM, DEFAULT_EXPR, DEFAULT_OPTS, DEFAULT_SEED, DEFAULT_STEPS,
                       DEFAULT_SURFACE, LANGS, MAX_COPIES, MAX_RUNS, PRESET_TAGS, SEED, STEPS, THEMES,
                       Run, Scenario,
                       build_surface, instance_base, instance_copy, instance_key, parse_query,
                       query_string, run_defaults, start_specs, surface_specs, to_query)
from optviz.player.scene import click_grid_axes

URL_KEY = "_url_written"
TEXT_KEY = "_url_scenario_text"     # canonical to_query text of the scenario behind URL_KEY
NOTES_KEY = "_link_notes"
DEFAULTS_KEY = "_dependent_defaults"
SURFACE_ID_KEY = "_surface_id"
GOOD_EXPR_KEY = "_last_good_expr"
# the race (Scenario.race_key) whose learning rates were tuned: the `tuned` tag holds while the
# race is exactly that one, so changing a learning rate (or anything tuning depended on) clears it
TUNED_KEY = "_tuned_race"


def read_query(qp) -> dict[str, list[str]]:
    """st.query_params (or a plain mapping) as {key: [values]}."""
    if hasattr(qp, "get_all"):
        return {k: list(qp.get_all(k)) for k in qp}
    return {k: ([v] if isinstance(v, str) else list(v)) for k, v in qp.items()}


def _norm(q: Mapping) -> dict[str, list[str]]:
    return {k: ([v] if isinstance(v, str) else list(v)) for k, v in q.items()}


def begin(session: MutableMapping, query: Mapping) -> list[str]:
    """Read the URL into the widget state if this is a new session or the URL changed under us.

    Returns the notes about refused parameters (kept until the URL is read again).
    """
    written = session.get(URL_KEY)
    if written is not None and _norm(written) == _norm(query):
        return session.get(NOTES_KEY, [])
    scn, notes = parse_query(query)
    seed(session, scn)
    session[NOTES_KEY] = notes
    return notes


def seed(session: MutableMapping, s: Scenario) -> None:
    """Set every widget's state from scenario `s`."""
    session["surface"] = s.surface
    if s.surface == CUSTOM:
        session["expr"] = s.expr
        session[GOOD_EXPR_KEY] = s.expr
    for k, v in s.params.items():
        session[k] = v
    session["opt"] = [r.key for r in s.runs]
    for r in s.runs:
        for k, v in r.hp.items():
            session[f"{r.key}.{k}"] = v
    session["x0"], session["y0"] = s.x0, s.y0
    session["steps"], session["seed"] = s.steps, s.seed
    session["view"] = s.view
    session["preset"] = s.preset
    session["lang"] = s.lang
    session[TUNED_KEY] = s.race_key() if s.tuned else None
    session["predict"] = s.predict
    session["theme"], session["deck"] = s.theme, s.deck
    surf = s.build_surface()
    session[DEFAULTS_KEY] = dependent_defaults(surf, [r.key for r in s.runs])
    session[SURFACE_ID_KEY] = (s.surface, s.expr)


def dependent_defaults(surface, run_keys) -> dict:
    d = {"x0": float(surface.start[0]), "y0": float(surface.start[1])}
    for key in run_keys:
        d[f"{key}.lr"] = run_defaults(instance_base(key), surface)["lr"]
    return d


def current_expr(session: Mapping) -> tuple[str, str | None]:
    """The expression to draw (the last one that parsed) and the parser's message, if any."""
    from surfaces.expression import parse
    text = session.get("expr", DEFAULT_EXPR)
    try:
        return parse(text).text, None
    except ValueError as e:
        return session.get(GOOD_EXPR_KEY, DEFAULT_EXPR), str(e)


def surface_of(session: Mapping) -> tuple[str, tuple, str]:
    name = session.get("surface", DEFAULT_SURFACE)
    if name not in surfaces.names() and name != CUSTOM:
        name = DEFAULT_SURFACE
    params = []
    for h in surface_specs(name):
        params.append((h.name, _valid(h, session.get(h.name, h.default))))
    expr = current_expr(session)[0] if name == CUSTOM else ""
    return name, tuple(params), expr


def _valid(h, v):
    try:
        return h.check(v)
    except (ValueError, TypeError):
        return h.default


def prepare(session: MutableMapping) -> None:
    """Before the widgets are drawn: fill in missing values and move values that sat at a default
    which just changed (the surface or its parameters changed) to the new default."""
    name, params, expr = surface_of(session)
    if name == CUSTOM:
        ok_expr, err = current_expr(session)
        if err is None:
            session[GOOD_EXPR_KEY] = ok_expr
        session.setdefault("expr", ok_expr)
    for k, v in params:
        session.setdefault(k, v)
    surf = build_surface(name, params, expr)
    keys = [k for k in session.get("opt", list(DEFAULT_OPTS)) if _is_instance(k)][:MAX_RUNS]
    _set(session, "opt", keys)
    new = dependent_defaults(surf, keys)
    old = session.get(DEFAULTS_KEY, {})
    surface_changed = session.get(SURFACE_ID_KEY, (name, expr))[0] != name
    for key, value in new.items():
        if key not in session:
            session[key] = value
        elif surface_changed and key in ("x0", "y0"):
            _set(session, key, value)
        elif key in old and _eq(session[key], old[key]) and not _eq(old[key], value):
            session[key] = value
    for key in keys:
        d = run_defaults(instance_base(key), surf)
        for k, v in d.items():
            session.setdefault(f"{key}.{k}", v)
    for key, h in zip(("x0", "y0"), start_specs(surf)):
        _set(session, key, _valid(h, session[key]))  # a start outside the new window's range → default
    session.setdefault("steps", DEFAULT_STEPS)
    session.setdefault("seed", DEFAULT_SEED)
    session.setdefault("view", "explore")
    session[DEFAULTS_KEY] = new
    session[SURFACE_ID_KEY] = (name, expr)


def _set(session: MutableMapping, key: str, value) -> None:
    # Writing a widget's key, even with its own value, makes Streamlit push it to the browser
    # again; write only real changes.
    if key not in session or session[key] != value:
        session[key] = value


def _eq(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b


def _is_instance(key) -> bool:
    if not isinstance(key, str):
        return False
    base = instance_base(key)
    if base not in optimizers.names():
        return False
    try:
        return 1 <= instance_copy(key) <= MAX_COPIES
    except ValueError:
        return False


def scenario(session: Mapping) -> Scenario:
    """The scenario the widgets describe (every value re-checked against its range)."""
    name, params, expr = surface_of(session)
    surf = build_surface(name, params, expr)
    runs = []
    for key in session.get("opt", []):
        if not _is_instance(key):
            continue
        base = instance_base(key)
        d = run_defaults(base, surf)
        hp = tuple((h.name, _valid(h, session.get(f"{key}.{h.name}", d[h.name])) if f"{key}.{h.name}"
                    in session else d[h.name]) for h in optimizers.spec(base).hparams)
        runs.append(Run(key, base, hp))
    hx, hy = start_specs(surf)
    x0 = _valid(hx, session.get("x0", hx.default))
    y0 = _valid(hy, session.get("y0", hy.default))
    view = session.get("view", "explore")
    lang = session.get("lang", "") or ""
    theme, deck = display_of(session)
    s = Scenario(name, params, expr, tuple(runs), float(x0), float(y0),
                 int(_valid(STEPS, session.get("steps", DEFAULT_STEPS))),
                 int(_valid(SEED, session.get("seed", DEFAULT_SEED))),
                 view if view in ("explore", "present") else "explore",
                 session.get("preset", "") or "", lang if lang in LANGS else "",
                 predict=session.get("predict") is True, theme=theme, deck=deck)
    tuned = session.get(TUNED_KEY)
    return replace(s, tuned=True) if tuned is not None and tuned == s.race_key() else s


def display_of(session: Mapping) -> tuple[str, tuple[str, ...]]:
    """The page's `theme` and present mode's `deck` as the session holds them (checked)."""
    theme = session.get("theme", "") or ""
    deck = session.get("deck") or ()
    deck = tuple(d for d in deck if isinstance(d, str) and d in PRESET_TAGS) \
        if isinstance(deck, (tuple, list)) else ()
    return (theme if theme in THEMES else ""), deck


def finish(session: MutableMapping, s: Scenario, current: Mapping | None = None,
           sweep: Mapping | None = None) -> dict[str, list[str]]:
    """The URL for scenario `s` (plus the sweep tab's `sweep.*` keys), remembered so that `begin`
    can tell our own writes from the browser's history navigation.

    If the address bar (`current`) already reads back as exactly `s`, it is kept as it is: each
    write pushes a browser-history entry, and rewriting a page that was just opened (a preset's
    long link, or the bare default page) would make Back land on a page that rewrites itself.
    """
    extra = _norm(sweep or {})
    short = _norm(to_query(s))
    text = query_string(short)                  # the scenario's canonical text
    if current is not None:
        cur = _norm(current)
        if {k: v for k, v in cur.items() if k.startswith("sweep.")} == extra and (
                (cur == session.get(URL_KEY) and text == session.get(TEXT_KEY))   # unchanged
                or parse_query(cur) == (s, [])):           # the address bar says s in other words
            session[URL_KEY], session[TEXT_KEY] = cur, text
            return cur
    q = {**short, **extra}
    session[URL_KEY], session[TEXT_KEY] = q, text
    return q


# ----------------------------------------------------------------------------- callbacks
def can_duplicate(session: Mapping, key: str) -> bool:
    keys = list(session.get("opt", []))
    base = instance_base(key)
    return len(keys) < MAX_RUNS and any(instance_key(base, c) not in keys
                                        for c in range(2, MAX_COPIES + 1))


def duplicate_run(session: MutableMapping, key: str) -> str | None:
    """Add a copy of run `key` (same settings) for an A/B comparison; its new key, or None."""
    base = instance_base(key)
    keys = list(session.get("opt", []))
    for c in range(2, MAX_COPIES + 1):
        new = instance_key(base, c)
        if new not in keys:
            break
    else:
        return None
    if len(keys) >= MAX_RUNS:
        return None
    for h in optimizers.spec(base).hparams:
        src = f"{key}.{h.name}"
        if src in session:
            session[f"{new}.{h.name}"] = session[src]
    keys.insert(keys.index(key) + 1 if key in keys else len(keys), new)
    session["opt"] = keys
    old = session.get(DEFAULTS_KEY, {})
    if f"{key}.lr" in old:                 # the copy's lr follows the surface like the original's
        session[DEFAULTS_KEY] = {**old, f"{new}.lr": old[f"{key}.lr"]}
    return new


def set_start(session: MutableMapping, x: float, y: float) -> None:
    name, params, expr = surface_of(session)
    surf = build_surface(name, params, expr)
    (xa, xb), (ya, yb) = surf.window
    hx, hy = start_specs(surf)
    session["x0"] = _valid(hx, _round_to(x, xb - xa))
    session["y0"] = _valid(hy, _round_to(y, yb - ya))


def random_start(session: MutableMapping, rng: np.random.Generator | None = None) -> None:
    name, params, expr = surface_of(session)
    (xa, xb), (ya, yb) = build_surface(name, params, expr).window
    rng = rng or np.random.default_rng()
    set_start(session, rng.uniform(xa, xb), rng.uniform(ya, yb))


def default_start(session: MutableMapping) -> None:
    name, params, expr = surface_of(session)
    surf = build_surface(name, params, expr)
    session["x0"], session["y0"] = float(surf.start[0]), float(surf.start[1])


def _round_to(v: float, span: float) -> float:
    """Round a clicked coordinate to ~1/1000 of the window: a short, readable URL value."""
    decimals = max(0, 3 - math.ceil(math.log10(span))) if span > 0 else 3
    return float(round(float(v), decimals))


def start_from_selection(session: MutableMapping, selection) -> bool:
    """The chart's click → the start point: the click-grid point nearest the clicked point. The
    clicked point is whatever had the hover: usually a grid point, but on top of a path, the
    start or a minimum it is a point of that trace. True if a point was taken."""
    try:
        points = selection["selection"]["points"]
    except (KeyError, TypeError):
        return False
    for p in points or []:
        x, y = p.get("x"), p.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and \
                math.isfinite(x) and math.isfinite(y):
            gx, gy = click_grid_axes(build_surface(*surface_of(session)).window)
            set_start(session, float(gx[np.abs(gx - x).argmin()]),
                      float(gy[np.abs(gy - y).argmin()]))
            return True
    return False


def choose_lang(session: MutableMapping, choice: str, browser_default: str) -> None:
    """The sidebar's language switch: the link carries `lang` only while it differs from the
    language the browser would give anyway."""
    session["lang"] = "" if choice == browser_default else choice
