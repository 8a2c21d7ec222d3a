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
from optviz.model.cache import LockedLRU
from optviz.i18n import note, t
from optviz.model.fmt import fmt_hparam, fmt_value
from optviz.model.scenario import parse_scenario
from optviz.model.sweep import (MAX_STEPS, METRIC_TITLES, METRICS, N_CHOICES, PREFIX, RESULTS,
                                SweepSettings, best_cell, cell_query, default_range, is_beta_like,
                                largest_grid, parse_sweep_query, sweep_cost, sweep_grid,
                                sweep_seconds, sweep_to_query, sweepable)
from optviz.page import guard
from optviz.page.text import md_escape


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


_REFUSED = LockedLRU(64)            # sweeps probed and found over the budget: (estimate, offer)
MAX_NOTES = 25                      # as the race's link notes
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


def _race_context(query: Mapping, opt: str, scenario=None):
    """(surface, start, steps, seed, fixed hyperparameters, key) of the race the page shows:
    `scenario`, the page's own (its refused link values already replaced by their defaults), or,
    without one, the race part of the URL `query`. The swept optimizer's other hyperparameters are
    its settings in the race if it races (and they go together), else its defaults with the
    surface's learning-rate hint."""
    if scenario is None:
        race = {k: v for k, v in query.items() if not k.startswith(PREFIX) and k not in ("view", "preset")}
        try:
            sc = parse_scenario(race)
        except ValueError:
            sc = parse_scenario({})
        surf, start, steps, seed = sc.build_surface(), sc.start, sc.steps, sc.seed
        run = sc.first(opt)
        where = (sc.surface, tuple(sorted(sc.params.items())), sc.expr)
    else:
        bad = scenario.problems()
        surf, start, steps, seed = (scenario.build_surface(), scenario.start, scenario.steps,
                                    scenario.seed)
        run = next((r for r in scenario.runs if r.name == opt and r.key not in bad), None)
        where = (scenario.surface, tuple(sorted(scenario.params.items())), scenario.expr)
    if run is not None:
        fixed = dict(run.hp)
    else:
        spec = optimizers.spec(opt)
        fixed = dict(spec.defaults, lr=lr_hint(surf, spec.family))
    steps = min(steps, MAX_STEPS)
    return surf, tuple(start), steps, seed, fixed, where + (tuple(start), steps, seed)


def _result_key(s: SweepSettings, where: tuple, fixed) -> tuple:
    return (tuple(asdict(s).items()), where, tuple(sorted((k, str(v)) for k, v in fixed.items())))


def _set_n(n: int) -> None:
    streamlit.session_state[PREFIX + "n"] = n
    streamlit.session_state[guard.OFFER_TAKEN] = ("sweep", n)


def render(st, query: Mapping, write_url: bool = False, scenario=None) -> None:
    """The sweep tab. `st`: the streamlit module or a container; `query`: the page's URL query
    ({key: value or [values]}, e.g. state.read_query(st.query_params)).

    The sweep.* keys are read on a session's first run and whenever the URL's sweep part changes
    under us (back button, a pasted link); a bad value is named in a warning and replaced by its
    default. The URL is the app's to write: it merges `url_params(st.session_state)` into its query.
    write_url=True makes this function write the sweep.* keys into st.query_params itself.
    scenario: the race the page shows (the sweep runs on its surface, start, steps and seed);
    without it, the race part of `query` is read again.

    A sweep whose probe says it would cost more than guard.budget("sweep") is not run: the tab
    says what it would cost and offers the largest grid that fits."""
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
    notes = S.get(_NOTES, [])
    if notes:
        shown = [note(n) for n in notes[:MAX_NOTES]] + (
            [t("… and {n} more problems", n=len(notes) - MAX_NOTES)] if len(notes) > MAX_NOTES else [])
        st.warning(t("**Sweep settings of this link replaced by their defaults:**") + "\n"
                   + "\n".join(f"- {md_escape(n)}" for n in shown),
                   icon=":material/warning:")

    st.markdown("#### " + t("Hyperparameter sweep"))
    st.caption(t("One optimizer, two of its hyperparameters on a grid, every cell a full run of the "
                 "race's surface, start, steps and seed — all cells in one batched run. Click a cell "
                 "to get its link into the race."))
    c1, c2, c3 = st.columns(3)
    opt = c1.selectbox(t("Optimizer"), optimizers.names(), key=PREFIX + "opt", on_change=_on_opt_change,
                       format_func={n: t(optimizers.spec(n).title) for n in optimizers.names()}.get)
    sw = sweepable(opt)
    metric = c2.selectbox(t("Metric"), METRICS, key=PREFIX + "metric",
                          format_func={m: t(METRIC_TITLES[m]) for m in METRICS}.get)
    n = c3.select_slider(t("Grid n × n"), options=list(N_CHOICES) if S.get(PREFIX + "n") in N_CHOICES
                         else sorted(set(N_CHOICES) | {int(S.get(PREFIX + "n", 32))}),
                         key=PREFIX + "n")
    spec = optimizers.spec(opt)
    for axis, col in (("x", st.columns(4)), ("y", st.columns(4))):
        col[0].selectbox(t("{axis} axis", axis=axis), sw, key=PREFIX + axis, on_change=_on_axis_change,
                         args=(axis,))
        h = spec.hparam(S[PREFIX + axis])
        col[1].number_input(t("{axis} min", axis=axis), key=PREFIX + axis + "min", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[2].number_input(t("{axis} max", axis=axis), key=PREFIX + axis + "max", format="%.6g",
                            min_value=float(h.lo), max_value=float(h.hi), step=None)
        col[3].toggle(t("log scale") + (" (1 − β)" if is_beta_like(h) else ""), key=PREFIX + axis + "log")
    if metric == "steps_to":
        st.number_input(t("tolerance on f − f*"), key=PREFIX + "tol", min_value=1e-300, format="%.3g")
    settings = _settings_from(S)
    S[_STATE] = asdict(settings)
    S[_URL_OURS] = sweep_to_query(settings)

    surf, start, steps, seed, fixed, where = _race_context(q, settings.opt, scenario)
    st.caption(t("Surface {surface}, start ({x:g}, {y:g}), {steps} steps, seed {seed}; "
                 "{opt}'s other hyperparameters: ", surface=t(surf.title), x=start[0], y=start[1],
                 steps=steps, seed=seed, opt=settings.opt) +
               ", ".join(f"{h.name}={fixed[h.name]}" for h in optimizers.spec(settings.opt).hparams
                         if h.name not in (settings.x, settings.y) and h.kind == "float"))
    key = _result_key(settings, where, fixed)
    res = RESULTS.get(key)
    if res is None:
        args = (settings.opt, settings.x, (settings.xmin, settings.xmax), settings.xlog,
                settings.y, (settings.ymin, settings.ymax), settings.ylog, settings.n,
                surf, start, steps, seed, fixed)
        stop = guard.stop_check()
        limit = guard.budget("sweep")
        if limit is not None and S.get(guard.OFFER_TAKEN) == ("sweep", settings.n):
            limit *= guard.GRACE    # the offer was measured to fit: a noisier re-probe may not say so
        bar = None
        try:
            if limit is not None and not _within(st, key, limit, args, settings, stop):
                return
            bar = st.progress(0.0, text=t("Running {runs} runs × {steps} steps…",
                                                runs=settings.n * settings.n, steps=steps))
            res = sweep_grid(*args, tol=settings.tol, should_stop=stop,
                             progress=lambda f: bar.progress(min(1.0, f), text=t("{share} of the grid",
                                                                                   share=f"{f:.0%}")))
        except optimizers.Cancelled:
            guard.hand_over(st)
            return
        except ValueError as e:
            if bar is not None:
                bar.empty()
            st.warning(t("Cannot run this sweep: {why}", why=note(str(e))))
            return
        bar.empty()
        res.settings = sweep_to_query(settings)
        RESULTS.put(key, res)

    # the figure must not depend on the selection: a changed figure is redrawn and its selection
    # cleared (a second rerun would forget the click). The best cell is outlined instead.
    event = st.plotly_chart(heatmap(res, settings.metric, highlight=best_cell(res, settings.metric)),
                            key="sweep_heatmap", on_select="rerun", selection_mode="points")
    st.caption(t("{n}×{n} runs in {seconds} s ({chunks} batched calls). Diverged: {diverged} cells."
                 if res.chunks > 1 else
                 "{n}×{n} runs in {seconds} s ({chunks} batched call). Diverged: {diverged} cells.",
                 n=settings.n, seconds=f"{res.seconds:.2f}", chunks=res.chunks,
                 diverged=int(res.diverged.sum())))
    cell = _selected_cell(event, res.n)
    label = t("Selected cell")
    if cell is None:
        cell, label = best_cell(res, settings.metric), t("Best cell")
    if cell is not None:
        i, j = cell
        lang = {"lang": S["lang"]} if S.get("lang") else {}     # the link keeps a chosen language
        link = "?" + query_string({**cell_query(res, i, j, keep_sweep=True), **lang})
        z = res.metric(settings.metric)[i, j]
        st.markdown(f"**{label}:** {settings.x} = {fmt_hparam(res.x_values[j])}, "
                    f"{settings.y} = {fmt_hparam(res.y_values[i])} — "
                    f"{t(METRIC_TITLES[settings.metric])}: "
                    f"{t('diverged') if res.diverged[i, j] and settings.metric != 'diverged' else ('—' if np.isnan(z) else f'{z:.4g}')} "
                    "· " + t("[open it in the race]({link})", link=link))


def _within(st, key, limit: float, args, settings: SweepSettings, stop) -> bool:
    """True if the sweep fits the budget; otherwise the tab says what it would cost and offers
    the largest grid that fits (a button), and False. A refusal is remembered for the key."""
    refused = _REFUSED.get((limit, key))
    if refused is None:
        est = sweep_cost(*args, tol=settings.tol, should_stop=stop)
        if sweep_seconds(est, settings.n) <= limit:
            return True
        refused = (est, largest_grid(est, limit, settings.n))
        _REFUSED.put((limit, key), refused)
    est, n = refused
    n_cells = settings.n * settings.n
    st.warning(t("**This sweep is too big for this server.** {n} × {n} = {cells} runs × {steps} steps "
                 "would take about **{seconds} s** of computing (measured on a few of its steps); "
                 "this server allows **{budget} s** per change.",
                 n=settings.n, cells=f"{n_cells:,}", steps=f"{est.steps:,}",
                 seconds=guard.secs(sweep_seconds(est, settings.n)),
                 budget=f"{guard.budget('sweep'):g}"), icon=":material/timer:")
    if n is not None:
        st.button(t("Run a {n} × {n} grid instead", n=n), on_click=_set_n, args=(n,), type="primary",
                  key="_sweep_offer", icon=":material/grid_on:",
                  help=t("About {seconds} s by the same measurement",
                         seconds=f"{sweep_seconds(est, n):.0f}"))
    else:
        st.caption(t("Even the smallest grid is too much with these steps: use fewer steps in the "
                     "race (the sweep runs the race's steps)."))
    return False


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
