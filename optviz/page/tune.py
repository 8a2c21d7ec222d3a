"""The sidebar's "Tune learning rates" button and what the page says about tuned rates.

The button's callback runs before the script draws the widgets (only then may it set the lr
sliders): it measures the tuning run against the tuning budget (guard.budget("tune")), runs it
(optviz.model.tuning: every run × every grid rate in one batched call), sets every run's lr to its
tuned value and remembers the tuned race (state.TUNED_KEY) so the link carries `tuned=1`. Over the
budget it runs nothing and leaves a refusal for `render` to show, with an offer of fewer steps.
"""
from __future__ import annotations

from optviz.i18n import t
from optviz.model import tuning

from . import guard, state

REFUSED_KEY = "_tune_refused"       # (race key, estimate s, budget s, offered steps or None)
RESULT_KEY = "_tune_result"         # (race key after tuning, runs, seconds)
OFFER_SHARE = 0.7                   # an offered shorter tuning aims at 70% of the budget


def controls(st, session) -> None:
    """The sidebar block: the button and one line on what it does."""
    st.button(t("Tune learning rates"), key="_tune", icon=":material/tune:", width="stretch",
              on_click=tune_now, args=(session,),
              help=t("Runs every selected optimizer at {n} learning rates (log-spaced) from this "
                     "start, in one batch, and races each at the rate that first gets f − f* ≤ "
                     "{tol} (ties and runs that never get there: the lower final loss).",
                     n=tuning.N_RATES, tol=f"{tuning.TOL:g}"))


def tune_now(session, steps: int | None = None) -> None:
    """The button's callback (and the offer's, with the steps it offers)."""
    import optimizers
    from optimizers import budget as cost
    if steps is not None:
        session["steps"] = steps
    s = state.scenario(session)
    session.pop(REFUSED_KEY, None)
    runs, opts, surface, rows, _, _ = tuning.plan(s)
    if not opts:
        return
    limit = guard.budget("tune")
    if limit is not None:
        if steps is not None:
            limit *= guard.GRACE        # the offer was measured to fit
        est = cost.estimate(opts, surface, start=rows, steps=s.steps, seed=s.seed,
                            diagnostics=False, record_grads=False, budget=limit)
        if est.seconds > limit:
            offer = est.max_steps(OFFER_SHARE * limit)
            session[REFUSED_KEY] = (s.race_key(), est.seconds, limit, offer or None)
            return
    try:
        res = tuning.tune(s, should_stop=guard.stop_check())
    except optimizers.Cancelled:
        return
    tuned = tuning.apply(s, res)
    for r in tuned.runs:
        if r.key in res.best:
            session[f"{r.key}.lr"] = r.hp["lr"]
    session[state.TUNED_KEY] = tuned.race_key()
    session[RESULT_KEY] = (tuned.race_key(), res.runs, res.seconds)


def render(st, scn) -> None:
    """Under the title: a refusal (over the tuning budget) or, for tuned rates, the fair-race note."""
    from optviz.model.scenario import STEPS
    from optviz.page.controls import options
    refused = st.session_state.get(REFUSED_KEY)
    if refused is not None and refused[0] == scn.race_key():
        _, seconds, limit, offer = refused
        st.warning(t("**Tuning is too big for this server.** {runs} runs × {steps} steps would take "
                     "about **{seconds} s** of computing; this server allows **{budget} s** for it.",
                     runs=tuning.N_RATES * len(scn.runs), steps=f"{scn.steps:,}",
                     seconds=guard.secs(seconds), budget=f"{limit:g}"), icon=":material/timer:")
        fits = [v for v in options(STEPS, None) if offer is not None and v <= offer]
        if fits:
            st.button(t("Tune with {steps} steps", steps=f"{max(fits):,}"), key="_tune_offer",
                      on_click=tune_now, args=(st.session_state, max(fits)),
                      type="primary", icon=":material/tune:")
    if not scn.tuned:
        return
    done = st.session_state.get(RESULT_KEY)
    took = (t(" ({runs} runs in one batch, {seconds} s)", runs=done[1],
              seconds=f"{done[2]:.2f}") if done is not None and done[0] == scn.race_key() else "")
    st.info(t("**Learning rates tuned** for this scene{took}: each optimizer races at the best of "
              "{n} log-spaced rates — the first to reach f − f* ≤ {tol} (ties and runs that never "
              "reach it: the lower final loss). **Equal gradient budget:** every run, in the tuning "
              "and in the race, made the same {calls} gradient calls ({steps} steps). Changing a "
              "learning rate, or anything else in the race, clears the tag.",
              took=took, n=tuning.N_RATES, tol=f"{tuning.TOL:g}", calls=f"{scn.steps + 1:,}", steps=f"{scn.steps:,}"),
            icon=":material/balance:")

