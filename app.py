"""Optimizer race — the Streamlit page. Layout only: the logic lives in optviz/.

Run with `streamlit run app.py`. The link holds the whole scenario (see optviz/model/scenario.py).
"""
from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from optviz.figures import export, rules, slides, style
from optviz.figures.background import sample, undefined_share
from optviz.figures.diagnostics import diagnostics_figure, steps_figure, with_cursor
from optviz.figures.figure import Prebuilt
from optviz.figures.surface3d import surface_figure
from optviz.i18n import (LANG_NAMES, LANGS, in_lang, lang_for_locale, note, run_label,
                         set_lang, t)
from optviz.model import code, presets
from optviz.model.fmt import fmt_number
from optviz.model.runs import RunCache
from optviz.model.scenario import (CUSTOM, MAX_RUNS, SEED, STEPS, Repaired, build_surface,
                                   instance_copy, instance_label, parse_query, query_string,
                                   start_specs, surface_specs, to_query)
from optviz.page import controls, guard, present, state, sweep, tune
from optviz.page.panels import render_panel
from optviz.page.text import (md_escape, panel_suffix_css, range_text, surface_title,
                             symbol_text)
from optviz.page import player
from optviz.player import export as player_export
from optviz.player.build import fan_for, scene_for
from optviz.player.scene import step_values

S = st.session_state
_raw_query = state.read_query(st.query_params)
_present = (S.get("view") if "view" in S else (_raw_query.get("view") or [""])[-1]) == "present"
# the language: the link's `lang` if it has one, else the browser's (a Korean Chromium says ko-KR)
BROWSER_LANG = lang_for_locale(st.context.locale)
set_lang((S.get("lang") if "lang" in S else (_raw_query.get("lang") or [""])[-1]) or BROWSER_LANG)
# "auto": open on a wide screen, closed on a phone or tablet (open, it covered the whole map)
st.set_page_config(page_title=t("Optimizer race"), page_icon="🏁", layout="wide",
                   initial_sidebar_state="collapsed" if _present else "auto")
# the theme the browser shows (Streamlit's light or dark); the figures follow it
PAGE_THEME = style.theme_of(st.context.theme.type)
# the first element: the browser starts on the player's module and plotly.js while the script runs
player_box = player.preload(st, key="player")


# ------------------------------------------------------------------------------------ caches
@st.cache_resource
def run_cache() -> RunCache:
    return RunCache()


# Cached figures are keyed by the scenario's repr (cheap to hash) and the language; the scenario
# object itself is passed as an unhashed `_s` argument (Streamlit would pickle it on every call
# just to hash it). The language is set for this run before any of them is called.
@st.cache_data(max_entries=32, show_spinner=False)
def field(name: str, params: tuple, expr: str):
    return sample(build_surface(name, params, expr))


def _field(s):
    return field(s.surface, s.params, s.expr)


def player_scene(key: str, s, lang: str):
    # not st.cache_data: the records are cached per trajectory (optviz.player.record.RECORDS),
    # and pickling ~0.5 MB of blobs for a cache would cost more than building the scene.
    # `lang` is part of the call so that a cached scene is never reused across languages.
    return scene_for(s, run_cache().trajectories(s), _field(s), lang=lang, theme=PAGE_THEME)


@st.cache_data(max_entries=16, show_spinner=False)
def diagnostics_spec(key: str, _s, normalise: bool, lang: str, theme: str = "light") -> dict:
    return diagnostics_figure(_s, run_cache().trajectories(_s), normalise_steps=normalise,
                              theme=theme).spec


@st.cache_data(max_entries=16, show_spinner=False)
def steps_spec(key: str, _s, lang: str, theme: str = "light") -> dict:
    return steps_figure(_s, run_cache().trajectories(_s), theme=theme).spec


@st.cache_data(max_entries=8, show_spinner=False)
def surface_spec(key: str, _s, lang: str, theme: str = "light") -> dict:
    return surface_figure(_s, run_cache().trajectories(_s), field=_field(_s), theme=theme).spec


# ------------------------------------------------------------------------------ the controls
def control(h, key: str, label: str | None = None, on_change=None, args=()) -> None:
    """One registry parameter as a widget whose state key is its URL name. Its value outlives the
    widget (persist_state): a closed panel draws none of its widgets."""
    if label is None:
        sym = symbol_text(h.symbol)
        label = f"{sym} · {h.name}" if sym and sym != h.name else h.name
    helptext = t("{help}. Valid: {range}.", help=t(h.help), range=range_text(h)) if h.help else None
    if h.kind == "bool":
        st.toggle(label, key=key, help=helptext, persist_state="session", on_change=on_change, args=args)
    elif h.kind == "choice":
        st.selectbox(label, list(h.choices), key=key, help=helptext, persist_state="session", on_change=on_change, args=args)
    elif controls.uses_slider(h):
        st.select_slider(label, options=controls.options(h, S.get(key)), key=key,
                         format_func=fmt_number, help=helptext, persist_state="session",
                         on_change=on_change, args=args)
    else:
        st.number_input(label, min_value=int(h.lo), max_value=int(h.hi), step=1, key=key,
                        help=helptext, persist_state="session", on_change=on_change, args=args)


def surface_controls() -> None:
    # format_func may be called outside this run (after it): the labels are made now, in its language
    titles = {n: surface_title(n) for n in surfaces.names() + [CUSTOM]}
    st.selectbox(t("Surface"), list(titles), key="surface", format_func=titles.get)
    name = S["surface"]
    if name == CUSTOM:
        st.text_input("f(x, y) =", key="expr", max_chars=500,
                      help=t("Use x, y, numbers, + − * / **, pi, e and functions such as sin, exp, "
                             "log, sqrt, abs. Window: −3 … 3 in x and y."))
        error = state.current_expr(S)[1]
        if error:
            st.error(md_escape(note(error)) + "  \n" + t("Still showing the last valid expression."),
                     icon=":material/edit:")
    own = [h for h in surface_specs(name) if h.name not in {p.name for p in surfaces.ORACLE_PARAMS}]
    for h in own:
        control(h, h.name)
    oracle = st.expander(t("Gradient oracle: noise, dropout, sparsity, scale"), key="_panel_oracle",
                         on_change="rerun")
    if oracle.open:
        with oracle:
            for h in surfaces.ORACLE_PARAMS:
                control(h, h.name)


def notched(run_key: str, name: str) -> None:
    """A run's hyperparameter changed: only the race reruns (its fragment checks what else on the
    page shows the run), unless this panel itself changes with it: a control that shows or hides
    others (the schedule), or the weight-decay mode and its note."""
    spec = optimizers.spec(run_key.split("-")[0])
    if name != "decay" and not any(h.shown_when and h.shown_when[0] == name for h in spec.hparams):
        st.rerun("race")


def panel_headers() -> None:
    """Each optimizer panel's header shows its run's γ, from a style rule: a stateful expander's
    identity includes its label, so a label that changed with γ would close the panel at every
    notch (and the rule is the race fragment's: a notch does not redraw the panels)."""
    st.html(panel_suffix_css({f"_panel_opt_{k}": f" · γ = {fmt_number(S.get(f'{k}.lr'))}"
                              for k in S["opt"] if S.get(f"{k}.lr") is not None}))


def optimizer_controls(problems: dict) -> None:
    keys = list(S.get("opt", []))
    opts = optimizers.names() + [k for k in keys if instance_copy(k) > 1]
    labels = {k: run_label(instance_label(k)) for k in opts}
    st.multiselect(t("Optimizers"), opts, key="opt", format_func=labels.get,
                   max_selections=MAX_RUNS, placeholder=t("Choose optimizers"),
                   help=t("Each selected optimizer races from the same start. 'Duplicate for A/B' "
                          "in its panel adds a second copy with its own settings."))

    for key in S["opt"]:
        spec = optimizers.spec(key.split("-")[0])
        # Only an open panel draws its widgets (opening one reruns): ~8 widgets per optimizer
        # were most of every rerun's elements, on the server and in the browser alike.
        panel = st.expander(run_label(instance_label(key)), key=f"_panel_opt_{key}",
                            on_change="rerun", expanded=key in problems)
        if not panel.open:
            continue
        with panel:
            st.caption(t(spec.description))
            decay_note = rules.weight_decay_note(spec.name, S.get(f"{key}.decay", "lr"))
            for h in spec.hparams:
                if h.shown_when and S.get(f"{key}.{h.shown_when[0]}") != h.shown_when[1]:
                    continue
                control(h, f"{key}.{h.name}", on_change=notched, args=(key, h.name))
                if h.name == spec.weight_decay_param and decay_note:
                    st.caption(decay_note)
            if key in problems:
                st.error(md_escape(note(problems[key])))
            if instance_copy(key) == 1:
                st.button(t("Duplicate for A/B"), key=f"_dup_{key}", on_click=state.duplicate_run,
                          args=(S, key), disabled=not state.can_duplicate(S, key),
                          help=t("Adds a copy with the same settings (up to three of one optimizer)"))


def start_controls() -> None:
    surf = build_surface(*state.surface_of(S))
    hx, hy = start_specs(surf)
    c1, c2 = st.columns(2)
    c1.number_input(t("start x₀"), min_value=hx.lo, max_value=hx.hi, step=0.1, format="%g", key="x0")
    c2.number_input(t("start y₀"), min_value=hy.lo, max_value=hy.hi, step=0.1, format="%g", key="y0")
    b1, b2 = st.columns(2)
    b1.button(t("Random"), icon=":material/casino:", help=t("A random start inside the window"),
              on_click=state.random_start, args=(S,), width="stretch")
    b2.button(t("Reset"), icon=":material/restart_alt:", help=t("The surface's usual start"),
              on_click=state.default_start, args=(S,), width="stretch")
    st.select_slider(t("Steps"), options=controls.options(STEPS, S.get("steps")), key="steps",
                     help=t("Number of updates. The player steps through every one of them."))
    st.number_input(t("Seed (gradient noise)"), min_value=0, max_value=int(SEED.hi), step=1,
                    key="seed", help=t(SEED.help))


def load_preset(name: str) -> None:
    p = presets.get_preset(name)
    if p is not None:
        lang_key = {"lang": S["lang"]} if S.get("lang") else {}
        scn, notes = parse_query({**p.query, "preset": p.name, "view": S.get("view", "explore"),
                                  **lang_key, **({"predict": "1"} if S.get("predict") else {}),
                                  **present.display_query(S)})
        state.seed(S, scn)
        S[state.NOTES_KEY] = notes


TAB_NAMES = [":material/monitoring: Diagnostics", ":material/landscape: 3-D view",
             ":material/function: Update rules", ":material/download: Export",
             ":material/school: Presets", ":material/grid_on: Sweep"]


def switch_language() -> None:
    old = S.get("lang") or BROWSER_LANG
    new = S.get("_lang_choice")
    if new not in LANGS:              # the selected button clicked again: keep the language
        return
    state.choose_lang(S, new, BROWSER_LANG)
    # the open tab is remembered by its label: carry it over to the new language's label
    for name in TAB_NAMES:
        if S.get("tab") == in_lang(name, old):
            S["tab"] = in_lang(name, new)
    # widgets whose option labels change with the language: written again so that the browser
    # shows their value under its new label (else a radio shows no choice selected)
    for key in ("view", "surface", "opt", "sweep.opt", "sweep.metric"):
        if key in S:
            S[key] = S[key]


def switch_theme() -> None:
    S["theme"] = "dark" if S.get("_dark") else "light"


def go_deck(step: int | None = None) -> None:
    """The deck's next (+1) or previous (−1) scene: a button, or the clicker's PageDown/PageUp."""
    if step is None:
        step = (S.get("player") or {}).get("page")
    name = present.deck_neighbour(S.get("preset", ""), S.get("deck"), step)
    if name:
        load_preset(name)
        S["_present_page"] = "race"


def sidebar() -> None:
    """The controls. Drawn after the race: their ~100 widgets then no longer hold back the race's
    records (a first load draws the race while they arrive)."""
    with st.sidebar:
        st.markdown("## :material/sports_score: " + t("Optimizer race"))
        if S.get("_lang_choice") != lang:
            S["_lang_choice"] = lang
        st.segmented_control(":material/translate: " + t("Language"), LANGS, key="_lang_choice",
                             format_func=LANG_NAMES.get, on_change=switch_language,
                             label_visibility="collapsed")
        st.radio(t("View"), ["explore", "present"], key="view", horizontal=True,
                 format_func={"explore": t("Explore"), "present": t("Present (large type)")}.get)
        S["_dark"] = PAGE_THEME == "dark"
        st.toggle(":material/dark_mode: " + t("Dark theme"), key="_dark", on_change=switch_theme,
                  help=t("For a dark room; the link keeps it (theme=dark)."))
        st.toggle(":material/quiz: " + t("Predict, then reveal"), key="predict",
                  help=t("Hides the paths until you have marked on the map where each run will "
                         "end (and picked the winner), then Reveal plays the race against your "
                         "guesses. The link carries the switch, never the guesses."))
        st.markdown("#### " + t("Surface"))
        surface_controls()
        st.markdown("#### " + t("Optimizers"))
        optimizer_controls(problems)
        tune.controls(st, S)          # a fair race: every optimizer at its best learning rate
        st.markdown("#### " + t("Start and length"))
        start_controls()
        # <html lang> follows the page's language (screen readers, fonts, translation prompts);
        # the value is one of LANGS, never text from the link
        st.html(f"<script>document.documentElement.lang = {lang!r};</script>",
                unsafe_allow_javascript=True)
        if scn.theme and scn.theme != PAGE_THEME:       # the link asks for the other theme
            st.html(present.theme_script(scn.theme), unsafe_allow_javascript=True)


# ------------------------------------------------------------------------------------- page
notes = state.begin(S, _raw_query)
lang = set_lang(S.get("lang") or BROWSER_LANG)
state.prepare(S)
scn = state.scenario(S)        # built once: the sidebar's widgets only show what S already holds
problems = scn.problems()

_current = state.read_query(st.query_params)
query = state.finish(S, scn, _current, sweep=sweep.url_params(S, _current))
if _current != query:
    st.query_params.from_dict(query)
surface = scn.build_surface()
typo = style.typography(scn.view)

st.markdown(style.page_css(scn.view, PAGE_THEME), unsafe_allow_html=True)

PRESENTING = scn.view == "present"


def formula_element(where) -> None:
    if scn.surface == CUSTOM:
        where.code(f"f(x, y) = {scn.expr}", language=None)
    else:
        where.latex(f"f(x, y) = {surface.latex}", **({"width": "content"} if PRESENTING else {}))


preset = presets.get_preset(scn.preset) if scn.preset else None
details_view = False
if PRESENTING:
    # one line (wrapping on a narrow screen): the title, the formula and the deck's controls; the
    # second view holds the preset's text, its proof panel and the update rules (the race stays
    # mounted, hidden, so that paging back is instant)
    at, n_scenes = present.deck_position(scn.preset, scn.deck)
    with st.container(key="present_head", horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"## {surface_title(scn.surface)}", width="content")
        formula_element(st)
        with st.container(horizontal=True, vertical_alignment="center", gap="small", width="content"):
            st.button("◀", key="_deck_prev", on_click=go_deck, args=(-1,), disabled=at == 0,
                      help=t("Previous scene (PageUp)"))
            S.setdefault("_present_page", "race")
            st.segmented_control(t("Show"), ["race", "details"], key="_present_page",
                                 label_visibility="collapsed",
                                 format_func={"race": t("Race"), "details": t("Proof and rule")}.get)
            st.button("▶", key="_deck_next", on_click=go_deck, args=(1,),
                      disabled=at is not None and at == n_scenes - 1,
                      help=t("Next scene (PageDown) of the deck: the paper presets, or the "
                             "link's deck=…"))
            st.markdown(f"{'–' if at is None else at + 1} / {n_scenes}", width="content")
    details_view = S.get("_present_page") == "details"
else:
    head, formula = st.columns([2, 3], vertical_alignment="center")
    head.markdown(f"# {surface_title(scn.surface)}")
    formula_element(formula)
if preset is not None and not PRESENTING:
    tag = "" if presets.unchanged(preset, scn) else t(" — changed since it was loaded")
    with st.expander(t("**Preset: {title}**{tag} · what to look for", title=t(preset.title), tag=tag),
                     expanded=scn.view != "present", icon=":material/school:",
                     # keyed so that it stays as the user left it while the tag comes and goes;
                     # the view in the key: its default (open or closed) follows the view
                     key=f"_panel_preset_{preset.name}_{scn.view}"):
        st.markdown(t(preset.what_to_look_for))
        if preset.source:
            st.caption(t(preset.source))

_undefined = undefined_share(_field(scn))
if _undefined > 0:
    st.info(t("f is not a finite number on {share}% of the window (grey on the map); "
              "a run that steps there stops as diverged.", share=f"{100 * _undefined:.0f}"),
            icon=":material/info:")

for n in (n for n in notes if isinstance(n, Repaired)):     # mended, not refused
    st.info(md_escape(note(n)), icon=":material/build:")
notes = [n for n in notes if not isinstance(n, Repaired)]
if notes:
    st.warning(t("**Some parameters of this link could not be used** — each was replaced by its "
                 "default:") + "\n" + "\n".join(f"- {md_escape(note(n))}" for n in notes),
               icon=":material/warning:")
for key, msg in problems.items():
    st.error(t("**{run}** is left out of the race: {why}", run=md_escape(run_label(instance_label(key))),
               why=md_escape(note(msg))))

tune.render(st, scn)

def share_link(s) -> str:
    return (st.context.url or "").rstrip("/") + "/?" + query_string(to_query(s))


def fragment_rerun() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def outside(s, pre, problems: dict, tab: str, step, veiled: bool) -> tuple:
    """What the page outside the race fragment shows of scenario `s`. A fragment rerun that changes
    it asks for the whole page; one that does not (a notch of a hyperparameter, on the default
    landing tab) redraws only the race and what follows it."""
    q = to_query(s)
    follows = bool(tab) and tab != TAB_NAMES[4] and s.view != "present"
    if not follows:     # the run's own settings are shown by the fragment alone
        runs = {r.key for r in s.runs}
        q = {k: v for k, v in q.items() if k.split(".")[0] not in runs}
    refused = S.get(tune.REFUSED_KEY)
    return (query_string(q), pre is not None and presets.unchanged(pre, s), tuple(problems),
            s.tuned, refused is not None and refused[0] == s.race_key(), veiled,
            step if follows else None)


@st.fragment(key="race")
def race_view():
    """The race, the panel that explains it and the share link: a hyperparameter's notch (see
    `notched`), a step reported by the player or a scrub reruns this alone. Returns (trajectories,
    the scene, the player's step, veiled) on the page's run; (None, …) when the race was refused."""
    s, probs, rerun = scn, problems, fragment_rerun()
    if rerun:
        set_lang(lang)
        s = state.scenario(S)
        probs = s.problems()
        current = state.read_query(st.query_params)
        q = state.finish(S, s, current, sweep=sweep.url_params(S, current))
        if current != q:
            st.query_params.from_dict(q)
    pre = presets.get_preset(s.preset) if s.preset else None
    tab = next((n for n in TAB_NAMES if in_lang(n, lang) == S.get("tab")), S.get("tab", ""))
    trs = None
    if not s.runs:
        st.info(t("Pick at least one optimizer in the sidebar to start a race."))
    else:
        with st.spinner(t("Running the optimizers…")):
            trs = guard.race_trajectories(st, run_cache(), s)   # None: over the budget (said)
    if trs is None:
        if rerun:
            st.rerun()
        # a fragment rerun may write to an outside container only where the last page run did
        with player_box:
            st.empty()
        return None, None, None, False
    surf = s.build_surface() if rerun else surface
    key = s.figure_key()
    panel = pre.panel if pre is not None else "race"
    scene, blobs = player_scene(key, s, lang)
    # a noisy oracle: the player reports its step when paused, and gets that step's noise fan back
    scene["fan"] = fan_for(s, trs, player.session_step(S, s.steps), surf)
    scene["report"] = player.follows_step(panel, tab) or surf.stochastic
    scene["predict"] = player.predict_scene(s, t(pre.question) if pre and pre.question else "")
    if details_view:
        st.markdown("<style>.st-key-race_view { display: none !important; }</style>",
                    unsafe_allow_html=True)
    slot = st.container(key="race_view")   # the player; the scrub's choices under it are read first
    scrub = player.scrub_controls(st, S, s)
    family = player.family_scene(st, s, scrub, surf.f_min) if scrub else None
    if family:
        scene["family"], blobs = family[0], [*blobs, family[1]]
    with slot:
        result = player.mount(st, scene, blobs, key="player", box=player_box,
                              on_start=lambda: player.start_from_click(S),
                              on_scrub=lambda: player.scrub_release(S), on_page=go_deck)
    panel_headers()
    step = player.reported_step(result, s.steps)   # the panels' cursor
    veiled = s.predict and not player.revealed(result)
    seen = outside(s, pre, probs, tab, step, veiled)
    if rerun and seen != S.get("_outside"):
        st.rerun()                                 # the race is drawn; now the rest of the page
    S["_outside"] = seen
    if details_view:
        if pre is not None:
            st.markdown(f"### {t(pre.title)}" + (f" · *{t(pre.source)}*" if pre.source else ""))
            st.markdown(t(pre.what_to_look_for))
        if panel in ("diagnostics", "steps"):
            spec = steps_spec(key, s, lang, PAGE_THEME) if panel == "steps" else \
                diagnostics_spec(key, s, False, lang, PAGE_THEME)
            st.plotly_chart(Prebuilt(style.themed(with_cursor(spec, step), PAGE_THEME)),
                            theme=None, key="present_chart")
        elif panel == "3d":
            spec = surface_spec(key, s, lang, PAGE_THEME)
            st.plotly_chart(Prebuilt(style.themed(spec, PAGE_THEME)), theme=None, key="present_3d")
        elif panel != "race":
            render_panel(panel, s, st, step=step)
        st.markdown("#### " + t("Update rules"))
        for r in s.runs:
            st.markdown(f"**{md_escape(run_label(s.label(r.key)))}**")
            st.latex(rules.rule_latex(r, style.run_color(r.key, PAGE_THEME)))
        return trs, scene, step, veiled
    st.caption(t("▶ Play, or step with ← → (Shift: ten steps), Home / End, once the player has "
                 "focus. **Click anywhere on the map to start the race there.** Click a run in the "
                 "legend to inspect its step; hover a path or the loss curve to see the same step "
                 "in the other.")
               if not s.predict else
               t("**Predict first:** choose a run beside the map and click where it will be after "
                 "the race; pick the run that reaches the minimum first; then press **Reveal**."))
    if PRESENTING:
        pass        # the proof panel is the second view's
    elif veiled and panel not in ("race", "diagnostics", "3d"):
        st.caption(t("The panel that explains this preset appears after Reveal."))
    elif panel == "steps":
        st.markdown("#### " + t("Effective step size |Δθᵢ| / γ"))
        spec = steps_spec(key, s, lang, PAGE_THEME)
        st.plotly_chart(Prebuilt(style.themed(with_cursor(spec, step), PAGE_THEME)), theme=None,
                        key="steps_chart")
    elif panel not in ("race", "diagnostics", "3d"):
        render_panel(panel, s, st, step=step)

    present_link = "?" + query_string({**to_query(s), "view": "present"})
    st.markdown(t("**:material/link: Share this scenario** — this link reproduces the race exactly")
                + ("" if s.view == "present" else
                   t(" · [open it in presentation mode]({link}) (large type, sidebar closed)",
                     link=present_link))
                + ":")
    # a text box, not st.code: st.code loads a 1.5 MB syntax highlighter, ~0.4 s of the first load
    st.text_input(t("Share this scenario"), share_link(s), label_visibility="collapsed",
                  help=t("Click, select all and copy; the address bar holds the same link."))
    return trs, scene, step, veiled


trajectories, race_scene, player_step, veiled = race_view()
sidebar()
if trajectories is None or details_view:
    st.stop()
fig_key = scn.figure_key()
panel = preset.panel if preset is not None else "race"

if scn.view == "present":
    st.stop()

tab_names = [t(name) for name in TAB_NAMES]
default_tab = {"diagnostics": tab_names[0], "steps": tab_names[0], "3d": tab_names[1],
               "sweep": tab_names[5]}.get(panel)
if default_tab is None and any(k.startswith("sweep.") for k in _current):
    default_tab = tab_names[5]     # a link into the sweep opens on it
if default_tab is None:
    # a newcomer lands on the gallery of scenarios; it also keeps the first load to one chart
    default_tab = tab_names[4]
tabs = st.tabs(tab_names, key="tab", on_change="rerun", default=default_tab)

for _veiled_tab in (tabs[0], tabs[1]) if veiled else ():   # their curves and paths tell the end
    if _veiled_tab.open:
        with _veiled_tab:
            st.info(t("Hidden until Reveal: this shows how the race ends."), icon=":material/quiz:")

if tabs[0].open and not veiled:
    with tabs[0]:
        normalise = st.toggle(t("Divide |Δθᵢ| by γ_t (the Adam paper's bound becomes 1)"),
                              key="_normalise")
        spec = diagnostics_spec(fig_key, scn, normalise, lang, PAGE_THEME)
        st.plotly_chart(Prebuilt(style.themed(with_cursor(spec, player_step), PAGE_THEME)),
                        theme=None, key="diag")
        st.caption(t("Same colours as the race. Bounds (dotted) are the Adam paper's: |Δθᵢ| ≲ γ for "
                     "the Adam family, the exact AdaMax bound for AdaMax (dashed grey: γ itself)."))

if tabs[1].open and not veiled:
    with tabs[1]:
        spec = surface_spec(fig_key, scn, lang, PAGE_THEME)
        st.plotly_chart(Prebuilt(style.themed(spec, PAGE_THEME)), theme=None, key="surface3d")
        st.caption(t("Drag to turn the surface. Height is log₁₀(f − f*) where the surface uses "
                     "log-spaced levels."))

if tabs[2].open:
    with tabs[2]:
        for r in scn.runs:
            st.markdown(f"#### {md_escape(run_label(scn.label(r.key)))}")
            st.latex(rules.rule_latex(r, style.run_color(r.key, PAGE_THEME)))
            st.latex(rules.values_latex(r))
            values = step_values(trajectories[r.key], player_step) \
                if player_step and r.key in trajectories else []
            if values:
                st.markdown(t("At step {k} (the race player's step): ", k=player_step) + " · ".join(
                    f"{name} = `{text}`" for name, text in values))
            spec_r = optimizers.spec(r.name)
            st.markdown(t(spec_r.description) + "  \n" + "  \n".join(rules.notes(r)))

if tabs[3].open:
    with tabs[3]:
        st.markdown(t("Everything below reproduces this exact scenario."))
        link = share_link(scn)             # now: the downloads are made after this run
        c1, c2, c3 = st.columns(3)
        c1.download_button(t("Trajectories (CSV)"), lambda: export.trajectories_csv(scn, trajectories),
                           file_name="trajectories.csv", mime="text/csv", width="stretch",
                           icon=":material/download:")
        c2.download_button(t("Trajectories + scenario (JSON)"),
                           lambda: export.trajectories_json(scn, trajectories, link),
                           file_name="trajectories.json", mime="application/json", width="stretch",
                           icon=":material/download:")
        c3.download_button(t("Animated race (HTML, plays offline)"),
                           lambda: player_export.race_html(*player_scene(fig_key, scn, lang),
                                                           title=t(surface_title(scn.surface)),
                                                           lang=lang),
                           file_name="optimizer-race.html", mime="text/html", width="stretch",
                           icon=":material/movie:",
                           help=t("The same player in a single ~2 MB file with plotly.js inside: put "
                                  "it on a slide or a course page; no server or network needed."))
        # slides: made on click (deferred downloads; no rerun after one) from what this run
        # already holds, in the page's language and theme, at the player's step (the last one
        # until it reports one)
        slide_step = scn.steps if player_step is None else player_step
        slide_args = dict(theme=PAGE_THEME, title=surface_title(scn.surface),
                          lang=lang, labels={r["key"]: r["label"] for r in race_scene["runs"]})
        slide_field = _field(scn)
        st.markdown("#### " + t("Slides"))
        s1, s2, s3 = st.columns(3)
        s1.download_button(t("Slide at step {k} (PNG, 1920×1080)", k=slide_step),
                           lambda: slides.png(scn, trajectories, slide_field, step=slide_step,
                                              **slide_args),
                           file_name=f"optimizer-race-step-{slide_step}.png", mime="image/png",
                           width="stretch", on_click="ignore", icon=":material/image:",
                           help=t("16:9, present-mode type: the map, the legend with f − f* and the "
                                  "loss curve at the player's step (pause it where you want)."))
        s2.download_button(t("Animated race (GIF, 960×540)"),
                           lambda: slides.gif(scn, trajectories, slide_field, **slide_args),
                           file_name="optimizer-race.gif", mime="image/gif", width="stretch", on_click="ignore",
                           icon=":material/gif_box:",
                           help=t("Up to {n} frames over all the steps; plays in any slide deck.",
                                  n=slides.GIF_FRAMES))
        mp4_why = slides.mp4_unavailable()
        s3.download_button(t("Animated race (MP4, 1280×720)"),
                           lambda: slides.mp4(scn, trajectories, slide_field, **slide_args),
                           file_name="optimizer-race.mp4", mime="video/mp4", width="stretch", on_click="ignore",
                           icon=":material/movie:", disabled=mp4_why is not None,
                           help=mp4_why or t("H.264, 10 s: PowerPoint, Keynote and Google Slides "
                                             "play it."))
        if mp4_why:
            s3.caption(mp4_why)
        st.markdown("#### " + t("Get the code"))
        k1, k2 = st.columns(2)
        k1.download_button(t("Python script: this project's API"), lambda: code.api_script(scn),
                           file_name="race_api.py", mime="text/x-python", width="stretch", on_click="ignore",
                           icon=":material/code:",
                           help=t("optimizers.run on this scenario; prints the same CSV as above, "
                                  "number for number."))
        left_out = code.torch_left_out(scn)
        k2.download_button(t("Python script: torch.optim"), lambda: code.torch_script(scn),
                           file_name="race_torch.py", mime="text/x-python", width="stretch", on_click="ignore",
                           icon=":material/code:",
                           help=t("torch.optim on the same gradients: the CSV's paths up to "
                                  "rounding."))
        if left_out:
            k2.caption(t("Left out (torch.optim has no such rule): {runs}.",
                         runs=", ".join(run_label(instance_label(k)) for k in left_out)))
        # st.code's highlighter loads only here, with the Export tab
        with st.expander(t("Read the two scripts"), icon=":material/code:"):
            st.code(code.api_script(scn), language="python")
            st.code(code.torch_script(scn), language="python")

if tabs[4].open:
    with tabs[4]:
        # a card per preset: its question, and what to look for once it is loaded (three
        # elements a card: the gallery is the landing tab, drawn again at every rerun)
        for p in presets.all_presets():
            with st.container(border=True, horizontal=True, vertical_alignment="center"):
                url = presets.preset_url(p) + (f"&lang={scn.lang}" if scn.lang else "")
                st.markdown(f"**{t(p.title)}**" + (f" · *{t(p.source)}*" if p.source else "")
                            + (f"  \n{t(p.question)}" if p.question else "") + "  \n"
                            + t("[Open as a link]({url}) · makes its point in {panel}", url=url,
                                panel=t(presets.panel_label(p.panel))))
                st.button(t("Load"), key=f"_preset_{p.name}", on_click=load_preset, args=(p.name,),
                          icon=":material/play_arrow:", type="primary", width="content")

if tabs[5].open:
    with tabs[5]:
        sweep.render(st, _current, scenario=scn)
