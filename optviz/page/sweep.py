"""The sweep tab: its widgets, its session state and its part of the URL (sweep.* keys)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Mapping

import numpy as np
import streamlit

import optimizers
from optviz.figures.sweep import heatmap
from optviz.model.defaults import lr_hint
from optviz.model.scenario import query_string
from optviz.model.fmt import fmt_hparam, fmt_value
from optviz.model.scenario import parse_scenario
from optviz.model.sweep import (MAX_STEPS, METRIC_TITLES, METRICS, N_CHOICES, PREFIX, RESULTS,
                                SweepSettings, best_cell, cell_query, default_range, is_beta_like,
                                parse_sweep_query, sweep_grid, sweep_to_query, sweepable)


def url_params(session: Mapping, query: Mapping | None = None) -> dict[str, str]:
    """The sweep.* keys the page's URL should carry (for the app's URL writer): the settings the
    sweep tab last used, even when the tab is not drawn in this run. Before the tab has ever been
    drawn, the sweep.* keys of the link itself (`query`) are kept as they came, so that opening a
    link does not drop them before the tab reads them."""
    if PREFIX + "opt" in session:            # the live widgets (the tab is drawn): this run's values
        return sweep_to_query(_settings_from(session))
    saved = session.get(_STATE)
    if saved:
        return sweep_to_query(SweepSettings(**saved))
    return {k: (v[-1] if isinstance(v, (list, tuple)) else v) for k, v in (query or {}).items()
            if k.startswith(PREFIX) and v}


_URL_PREV = "_sweep_url_prev"      # the sweep part of the URL in the previous run
_URL_OURS = "_sweep_url_ours"      # what the URL says when it carries our current settings
_STATE = "_sweep_settings"         # the last settings (widget keys vanish when the tab is hidden)
_NOTES = "_sweep_notes"


def _seed_session(session, s: SweepSettings) -> None:
    for k, v in asdict(s).items():
        session[PREFIX + k] = v


def _settings_from(session: Mapping) -> SweepSettings:
    d = SweepSettings()
    vals = {k: session.get(PREFIX + k, getattr(d, k)) for k in asdict(d)}
    q = {PREFIX + k: fmt_value(v) for k, v in vals.items()}
    return parse_sweep_query(q)[0]


def _on_opt_change():
    S = streamlit.session_state
    opt = S.get(PREFIX + "opt", SweepSettings().opt)
    sw = sweepable(opt)
    d = SweepSettings()
    x = d.x if d.x in sw else sw[0]
    y = d.y if d.y in sw and d.y != x else next(h for h in sw if h != x)
    S[PREFIX + "x"], S[PREFIX + "y"] = x, y
    for axis, hp in (("x", x), ("y", y)):
        _reset_axis(S, opt, axis, hp)


def _reset_axis(S, opt, axis, hp):
    lo, hi, log = default_range(optimizers.spec(opt).hparam(hp))
    S[PREFIX + axis + "min"], S[PREFIX + axis + "max"], S[PREFIX + axis + "log"] = lo, hi, log


def _on_axis_change(axis):
    S = streamlit.session_state
    opt = S.get(PREFIX + "opt", SweepSettings().opt)
    hp = S.get(PREFIX + axis)
    other = S.get(PREFIX + ("y" if axis == "x" else "x"))
    if hp == other:                                   # swap rather than refuse
        sw = sweepable(opt)
        S[PREFIX + ("y" if axis == "x" else "x")] = next(h for h in sw if h != hp)
        _reset_axis(S, opt, "y" if axis == "x" else "x", S[PREFIX + ("y" if axis == "x" else "x")])
    _reset_axis(S, opt, axis, hp)


def _race_context(query: Mapping, opt: str):
    """(surface, start, steps, seed, fixed hyperparameters) from the race part of the URL."""
    race = {k: v for k, v in query.items() if not k.startswith(PREFIX) and k not in ("view", "preset")}
    try:
        sc = parse_scenario(race)
    except ValueError:
        sc = parse_scenario({})
    surf = sc.build_surface()
    run = sc.first(opt)
    if run is not None:
        fixed = dict(run.hp)
    else:
        spec = optimizers.spec(opt)
        fixed = dict(spec.defaults, lr=lr_hint(surf, spec.family))
    return surf, sc.start, min(sc.steps, MAX_STEPS), sc.seed, fixed, sc


def _result_key(s: SweepSettings, sc, fixed) -> tuple:
    return (tuple(asdict(s).items()), sc.surface, tuple(sorted(sc.params.items())), sc.expr,
            sc.start, min(sc.steps, MAX_STEPS), sc.seed, tuple(sorted((k, str(v)) for k, v in fixed.items())))


def render(st, query: Mapping) -> None:
    """The sweep tab. `st`: the streamlit module or a container; `query`: the page's URL query
    ({key: value or [values]}, e.g. state.read_query(st.query_params)).

    The sweep.* keys are read on a session's first run and whenever the URL's sweep part changes
    under us (back button, a pasted link); a bad value is named in a warning and replaced by its
    default. The URL is the app's to write: it merges `url_params(st.session_state)` into its query."""
    S = streamlit.session_state
    q = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in query.items()}
    mine = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in q.items() if k.startswith(PREFIX)}
    prev = S.get(_URL_PREV)
    S[_URL_PREV] = mine
    if prev is None or (mine != prev and mine != S.get(_URL_OURS)):
        settings, notes = parse_sweep_query(q)
        _seed_session(S, settings)
        S[_STATE] = asdict(settings)
        S[_NOTES] = notes
    elif S.get(_STATE):
        for k, v in S[_STATE].items():              # widgets of a hidden tab lose their state
            S.setdefault(PREFIX + k, v)
    for note in S.get(_NOTES, []):
        st.warning(f"Sweep link: {note}")

    st.markdown("#### Hyperparameter sweep")
    st.caption("One optimizer, two of its hyperparameters on a grid, every cell a full run of the "
               "race's surface, start, steps and seed — all cells in one batched run. Click a cell "
               "to get its link into the race.")
    c1, c2, c3 = st.columns(3)
    opt = c1.selectbox("Optimizer", optimizers.names(), key=PREFIX + "opt", on_change=_on_opt_change,
                       format_func=lambda n: optimizers.spec(n).title)
    sw = sweepable(opt)
    metric = c2.selectbox("Metric", METRICS, key=PREFIX + "metric",
                          format_func=lambda m: METRIC_TITLES[m])
    n = c3.select_slider("Grid n × n", options=list(N_CHOICES) if S.get(PREFIX + "n") in N_CHOICES
                         else sorted(set(N_CHOICES) | {int(S.get(PREFIX + "n", 32))}),
                         key=PREFIX + "n")
    spec = optimizers.spec(opt)
    for axis, col in (("x", st.columns(4)), ("y", st.columns(4))):
        col[0].selectbox(f"{axis} axis", sw, key=PREFIX + axis, on_change=_on_axis_change,
                         args=(axis,))
        h = spec.hparam(S[PREFIX + axis])
        col[1].number_input(f"{axis} min", key=PREFIX + axis + "min", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[2].number_input(f"{axis} max", key=PREFIX + axis + "max", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[3].toggle("log" + (" (1 − β)" if is_beta_like(h) else ""), key=PREFIX + axis + "log")
    if metric == "steps_to":
        st.number_input("tolerance on f − f*", key=PREFIX + "tol", min_value=1e-300, format="%.3g")
    settings = _settings_from(S)
    S[_STATE] = asdict(settings)
    S[_URL_OURS] = sweep_to_query(settings)

    surf, start, steps, seed, fixed, sc = _race_context(q, settings.opt)
    st.caption(f"Surface {surf.title}, start ({start[0]:g}, {start[1]:g}), {steps} steps, seed {seed}; "
               f"{settings.opt}'s other hyperparameters: " +
               ", ".join(f"{h.name}={fixed[h.name]}" for h in optimizers.spec(settings.opt).hparams
                         if h.name not in (settings.x, settings.y) and h.kind == "float"))
    key = _result_key(settings, sc, fixed)
    res = RESULTS.get(key)
    if res is None:
        bar = st.progress(0.0, text=f"Running {settings.n * settings.n} runs × {steps} steps…")
        try:
            res = sweep_grid(settings.opt, settings.x, (settings.xmin, settings.xmax), settings.xlog,
                             settings.y, (settings.ymin, settings.ymax), settings.ylog, settings.n,
                             surf, start, steps, seed, fixed, tol=settings.tol,
                             progress=lambda f: bar.progress(min(1.0, f), text=f"{f:.0%} of the grid"))
        except ValueError as e:
            bar.empty()
            st.warning(f"Cannot run this sweep: {e}")
            return
        bar.empty()
        res.settings = sweep_to_query(settings)
        RESULTS.put(key, res)

    # the figure must not depend on the selection: a changed figure is redrawn and its selection
    # cleared (a second rerun would forget the click). The best cell is outlined instead.
    event = st.plotly_chart(heatmap(res, settings.metric, highlight=best_cell(res, settings.metric)),
                            key="sweep_heatmap", on_select="rerun", selection_mode="points")
    st.caption(f"{settings.n}×{settings.n} runs in {res.seconds:.2f} s ({res.chunks} batched "
               f"call{'s' if res.chunks > 1 else ''}). Diverged: {int(res.diverged.sum())} cells.")
    cell = _selected_cell(event, res.n)
    label = "Selected cell"
    if cell is None:
        cell, label = best_cell(res, settings.metric), "Best cell"
    if cell is not None:
        i, j = cell
        link = "?" + query_string(cell_query(res, i, j, keep_sweep=True))
        z = res.metric(settings.metric)[i, j]
        st.markdown(f"**{label}:** {settings.x} = {fmt_hparam(res.x_values[j])}, "
                    f"{settings.y} = {fmt_hparam(res.y_values[i])} — "
                    f"{METRIC_TITLES[settings.metric]}: "
                    f"{'diverged' if res.diverged[i, j] and settings.metric != 'diverged' else ('—' if np.isnan(z) else f'{z:.4g}')} "
                    f"· [open it in the race]({link})")


def _selected_cell(event, n: int) -> tuple[int, int] | None:
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points or []:
        cd = p.get("customdata")
        if isinstance(cd, dict):                  # Streamlit sends an array as {"0": i, "1": j}
            cd = [cd.get("0", cd.get(0)), cd.get("1", cd.get(1))]
        if isinstance(cd, (list, tuple)) and len(cd) == 2 and all(
                isinstance(c, (int, float)) for c in cd):
            i, j = int(cd[0]), int(cd[1])
        else:
            x, y = p.get("x"), p.get("y")
            if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
                continue
            i, j = int(round(y)), int(round(x))
        if 0 <= i < n and 0 <= j < n:
            return i, j
    return None
