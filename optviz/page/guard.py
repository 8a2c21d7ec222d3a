"""What one change may cost on a shared server, and the check that stops work nobody waits for.

Budgets: CPU seconds one change may spend computing (measured before it runs by a probe of a few
real steps, optimizers.budget). Defaults suit a class on a small shared server; a private server
sets its own through the environment:

    OPTVIZ_RACE_BUDGET=30 OPTVIZ_SWEEP_BUDGET=120 streamlit run app.py    # seconds
    OPTVIZ_TUNE_BUDGET=20 ...            # tuning the learning rates (25 rates × every run)
    OPTVIZ_RACE_BUDGET=off ...                                            # no limit

Cancellation: `stop_check()` gives the runner a callable that is true once this session's script
has a newer rerun waiting (a control changed) or has been told to stop (its browser tab closed or
navigated away): the same request state Streamlit itself reads at its next yield point, read here
without its lock (one attribute read per step). A rerun that only concerns a fragment does not
interrupt the script, and does not stop the work either (Streamlit's own rule).
"""
from __future__ import annotations

import math
import os

from optviz.i18n import t

RACE_ENV, SWEEP_ENV, TUNE_ENV = "OPTVIZ_RACE_BUDGET", "OPTVIZ_SWEEP_BUDGET", "OPTVIZ_TUNE_BUDGET"
ENVS = {"race": RACE_ENV, "sweep": SWEEP_ENV, "tune": TUNE_ENV}
# tuning runs 25× the race's rows in one call: it gets the sweep's allowance, not the race's
DEFAULTS = {"race": 5.0, "sweep": 15.0, "tune": 15.0}
_OFF = ("0", "off", "none", "no", "unlimited", "inf")
OFFER_TAKEN = "_budget_offer_taken"    # ("race", steps) or ("sweep", n): the offer the user took
GRACE = 1.5                            # the budget for a taken offer's own re-probe


def budget(kind: str) -> float | None:
    """CPU seconds one change of `kind` ("race", "sweep" or "tune") may cost; None: no limit. An
    unreadable value in the environment falls back to the default."""
    raw = os.environ.get(ENVS[kind], "").strip().lower()
    if not raw:
        return DEFAULTS[kind]
    if raw in _OFF:
        return None
    try:
        v = float(raw)
    except ValueError:
        return DEFAULTS[kind]
    return v if math.isfinite(v) and v > 0 else DEFAULTS[kind]


def stop_check():
    """A no-argument callable, true once this session no longer wants the current script run's
    result; None outside a Streamlit script run (or if this Streamlit lacks the request state:
    then nothing is cancelled, as before)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    except ImportError:                                 # pragma: no cover - other Streamlit
        return None
    ctx = get_script_run_ctx(suppress_warning=True)
    requests = getattr(ctx, "script_requests", None)
    if requests is None or not hasattr(requests, "_state"):
        return None
    go_on, rerun = ScriptRequestType.CONTINUE, ScriptRequestType.RERUN

    def should_stop() -> bool:
        state = requests._state
        if state is go_on:
            return False
        if state is rerun:
            data = requests._rerun_data
            # a fragment's own rerun does not preempt the script (script_requests.py)
            return not (data.fragment_id_queue and not data.is_fragment_scoped_rerun)
        return True

    return should_stop


def hand_over(st) -> None:
    """After optimizers.Cancelled: send one element, which is a Streamlit yield point, where the
    waiting rerun or stop takes over this script run (it raises there)."""
    import streamlit
    st.empty()
    streamlit.stop()            # not reached while a rerun or stop is waiting


def race_trajectories(st, cache, scn):
    """The race's trajectories from `cache` (optviz.model.runs.RunCache) within the race budget,
    stopped when this session no longer wants them. Over the budget: the page says what the race
    would cost, against what budget, and offers the most steps that fit (a button that sets the
    steps slider); returns None. A cancelled run hands the script over to Streamlit."""
    import optimizers
    import streamlit
    from optimizers.budget import OverBudget
    limit = budget("race")
    if limit is not None and streamlit.session_state.get(OFFER_TAKEN) == ("race", scn.steps):
        limit *= GRACE              # the offer was measured to fit: a noisier re-probe may not say so
    try:
        return cache.trajectories(scn, budget=limit, should_stop=stop_check())
    except optimizers.Cancelled:
        hand_over(st)
    except OverBudget as e:
        _refuse_race(st, scn, e)
    return None


def _refuse_race(st, scn, e) -> None:
    from optviz.model.scenario import STEPS
    from optviz.page.controls import options
    n = len(scn.runs)
    fields = dict(n=n, steps=f"{scn.steps:,}", seconds=secs(e.estimate.seconds),
                  budget=f"{budget('race'):g}")
    st.warning(t("**This race is too big for this server.** {n} optimizers × {steps} steps would "
                 "take about **{seconds} s** of computing (measured on a few of its steps); this "
                 "server allows **{budget} s** per change.", **fields) if n != 1 else
               t("**This race is too big for this server.** {n} optimizer × {steps} steps would "
                 "take about **{seconds} s** of computing (measured on a few of its steps); this "
                 "server allows **{budget} s** per change.", **fields),
               icon=":material/timer:")
    fits = [v for v in options(STEPS, None) if e.offer is not None and v <= e.offer]
    if fits:
        st.button(t("Run it with {steps} steps", steps=f"{max(fits):,}"), on_click=_set_steps,
                  args=(max(fits),), type="primary", key="_race_offer", icon=":material/play_arrow:")
    else:
        st.caption(t("Even the fewest steps are too much here: race fewer optimizers, or a simpler "
                     "surface."))


def secs(x: float) -> str:
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _set_steps(steps: int) -> None:
    import streamlit
    streamlit.session_state["steps"] = steps
    streamlit.session_state[OFFER_TAKEN] = ("race", steps)
