"""Tuned learning rates (a fair race): the winner is the best of its grid, recomputed here one run
at a time with this file's own scoring; the link's `tuned` tag; the sidebar button and its budget."""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
from optviz.model import tuning
from optviz.model.scenario import DEFAULT_STEPS
from optviz.model.scenario import default_scenario, parse_query, to_query
from optviz.page import state

from conftest import APP
from test_app import widget


def reference_best(name: str, hp: dict, rates, surface, starts, steps: int, seed: int, tol: float):
    """The rate a fair race should pick, with nothing from optviz.model.tuning but the grid: one
    optimizers.run per grid value and start; score = (median first step with f − f* ≤ tol, never:
    inf; median final f − f*, diverged: inf; median of minus the step it diverged at), smallest
    rate first among equals."""
    f_star = surface.f_min if surface.f_min is not None else 0.0
    scored = []
    for i, lr in enumerate(rates):
        reach, final, late = [], [], []
        for x0 in starts:
            tr = optimizers.run(optimizers.get(name, **{**hp, "lr": float(lr)}), surface,
                                start=x0, steps=steps, seed=seed)
            gap = [float(v) - f_star for v in tr.losses]
            hit = [k for k, v in enumerate(gap) if v <= tol]
            reach.append(hit[0] if hit else math.inf)
            dead = tr.diverged_at is not None
            final.append(math.inf if dead else gap[-1])
            late.append(-tr.diverged_at if dead else -math.inf)
        scored.append(((statistics.median(reach), statistics.median(final),
                        statistics.median(late)), i))
    return float(rates[min(scored)[1]])


def test_the_tuned_rate_of_every_optimizer_on_the_default_scene_is_the_best_of_its_grid():
    s = default_scenario()
    res = tuning.tune(s)
    surface = s.build_surface()
    assert set(res.best) == {r.key for r in s.runs}
    for r in s.runs:
        rates = res.rates[r.key]
        want = reference_best(r.name, dict(r.hp), rates, surface, [s.start], s.steps, s.seed,
                              tuning.TOL)
        assert res.best[r.key] == want, r.key
    # the scene is not trivial: the winners differ, and some reach the tolerance, some never do
    assert len(set(res.best.values())) >= 4
    reached = [res.steps_to[k][list(res.rates[k]).index(v), 0] >= 0 for k, v in res.best.items()]
    assert any(reached) and not all(reached)


def test_several_starts_are_scored_by_their_median():
    s = replace(default_scenario(), steps=300,
                runs=tuple(r for r in default_scenario().runs if r.key in ("sgd", "adam")))
    starts = [(-1.5, 2.0), (0.5, -0.5), (-1.0, 0.0)]
    res = tuning.tune(s, starts=starts)
    surface = s.build_surface()
    assert res.runs == 2 * len(res.rates["adam"]) * 3
    for r in s.runs:
        assert res.best[r.key] == reference_best(r.name, dict(r.hp), res.rates[r.key], surface,
                                                 starts, s.steps, s.seed, tuning.TOL)


def test_the_grid_is_at_least_25_log_spaced_rates_over_the_registry_range():
    s = default_scenario()
    surface = s.build_surface()
    for name in optimizers.names():
        g = tuning.lr_grid(name, surface)
        h = optimizers.spec(name).hparam("lr")
        assert len(g) >= 25 and np.all(np.diff(g) > 0)
        assert g[0] <= h.sweep[0] and g[-1] >= h.sweep[1]
        h.check(g)                                          # every value is a valid lr
        ratios = g[1:] / g[:-1]
        assert ratios.max() / ratios.min() < 1.05           # log-spaced (to the 3-digit rounding)
    # plain SGD on Goldstein-Price needs 1e-5: its grid reaches a decade below that
    gp = default_scenario("goldstein_price").build_surface()
    assert tuning.lr_grid("sgd", gp)[0] <= 1e-6


def test_ties_and_never_reaching_runs_go_by_final_loss_and_diverged_runs_come_last():
    steps_to = np.array([[-1], [40], [40], [-1], [-1]])
    final = np.array([[1e-3], [1e-8], [1e-9], [np.nan], [1e-4]])
    diverged = np.array([[-1], [-1], [-1], [12], [-1]])
    keys = tuning.score_keys(steps_to, final, diverged)
    assert tuning.best_index(keys) == 2                     # equal steps: the lower final loss
    order = np.lexsort((np.arange(5), keys[:, 2], keys[:, 1], keys[:, 0]))
    assert list(order) == [2, 1, 4, 0, 3]                   # never-reaching by final loss; diverged last
    # only diverged runs: the one that lasted longest
    keys = tuning.score_keys(np.array([[-1], [-1]]), np.array([[np.nan], [np.nan]]),
                             np.array([[3], [9]]))
    assert tuning.best_index(keys) == 1


def test_the_tuned_link_holds_every_rate_and_the_tag():
    s = default_scenario()
    tuned = tuning.apply(s, tuning.tune(s))
    q = to_query(tuned)
    assert q["tuned"] == "1"
    assert all(f"{r.key}.lr" in q for r in s.runs)         # even a tuned rate equal to the default
    assert parse_query(q) == (tuned, [])
    assert "tuned" not in to_query(s)
    _, notes = parse_query({"tuned": "yes"})
    assert notes == ["tuned: 'yes' is not 1 or 0; ignored"]


def test_changing_a_learning_rate_clears_the_tag():
    s = default_scenario()
    tuned = tuning.apply(s, tuning.tune(s))
    session: dict = {}
    state.seed(session, tuned)
    state.prepare(session)
    assert state.scenario(session).tuned
    session["adam.lr"] = 0.5
    assert not state.scenario(session).tuned
    session["adam.lr"] = tuned.run("adam").hp["lr"]       # back to the tuned value: tuned again
    assert state.scenario(session).tuned
    session["steps"] = 500                                  # tuned for another race: not tuned
    assert not state.scenario(session).tuned


# ------------------------------------------------------------------------------ the page
@pytest.mark.usefixtures("fresh_caches")
def test_the_button_tunes_the_race_and_the_legend_and_link_say_so():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key="_tune").click().run()
    assert not at.exception, [e.value for e in at.exception]
    want = tuning.tune(default_scenario()).best
    assert at.query_params["tuned"] == "1"
    for key, lr in want.items():
        assert float(at.query_params[f"{key}.lr"]) == lr
        assert widget(at, f"{key}.lr").value == lr
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    labels = {r["key"]: r["label"] for r in json.loads(el.proto.json)["runs"]}
    assert labels["adam"] == f"Adam · γ tuned = {want['adam']:g}"
    info = "\n".join(i.value for i in at.info)
    assert "Equal gradient budget" in info and "1,001 gradient calls" in info
    widget(at, "adam.lr").set_value(0.05).run()
    assert "tuned" not in at.query_params
    assert "Equal gradient budget" not in "\n".join(i.value for i in at.info)


@pytest.mark.usefixtures("fresh_caches")
def test_tuning_over_its_budget_runs_nothing_and_offers_fewer_steps(monkeypatch):
    monkeypatch.setenv("OPTVIZ_TUNE_BUDGET", "0.2")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["steps"] = "20000"
    at.run()
    at.button(key="_tune").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "tuned" not in at.query_params
    assert any("Tuning is too big" in w.value for w in at.warning)
    offer = at.button(key="_tune_offer")
    steps = int(offer.label.split()[2].replace(",", ""))
    assert steps < 20000
    offer.click().run()
    assert not at.exception
    assert at.query_params.get("steps", str(DEFAULT_STEPS)) == str(steps)   # 1000: left out
    assert at.query_params.get("tuned") == "1"
