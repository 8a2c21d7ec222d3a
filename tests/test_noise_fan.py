"""The noise fan: k gradient draws at θ_{t−1} from the run's own seeded generators, among them the
draw update t used, equal to the gradient the run recorded (and to the player record's g_t)."""
from __future__ import annotations

import numpy as np
import pytest

import optimizers
import surfaces
from optviz.model.presets import get_preset
from optviz.model.scenario import make_optimizer, parse_query
from optviz.player import record
from optviz.player.build import FAN_DRAWS, fan_for
from surfaces.oracles import gradient_draws

ORACLES = [("rosenbrock", {"noise": 5.0}), ("beale", {"dropout": 0.5}),
           ("rosenbrock", {"sparse": 0.2, "noise": 1.0, "scale_x": 3.0}),
           ("logistic", {"batch": 16}), ("ackley", {"noise": 0.5, "dropout": 0.3})]


@pytest.mark.parametrize("name,params", ORACLES, ids=lambda v: str(v))
def test_the_used_draw_is_the_recorded_gradient_and_the_others_are_fresh_draws(name, params):
    s = surfaces.get(name, **params)
    trs = optimizers.run([optimizers.get(n, lr=1e-3) for n in ("sgd", "adam", "momentum")], s,
                         steps=300, seed=7)
    checked = 0
    for tr in trs:
        for t in (1, 2, 11, 150, 300):
            if not np.isfinite(tr.points[t - 1]).all():     # diverged by then
                continue
            checked += 1
            draws, used = gradient_draws(s, 7, tr.points[t - 1], t - 1)
            assert draws.shape == (20, 2) and 0 <= used < 20
            g = tr.grads[t - 1]
            assert np.all(np.abs(draws[used] - g) <= 1e-15 * np.maximum(1.0, np.abs(g)))
            others = np.delete(draws, used, axis=0)
            # the others differ (other noise, masks, minibatches; dropout alone has 4 masks) ...
            assert np.unique(np.round(others, 12), axis=0).shape[0] >= 3
    assert checked >= 5
    # ... and come from the same distribution: the draws at a fixed θ average to the exact
    # gradient (every oracle here is unbiased) over many fans — a check against autograd's ∇f
    if name != "logistic":
        theta = np.array([0.3, -0.2])
        fans = np.vstack([gradient_draws(s, seed, theta, 5)[0] for seed in range(200)])
        exact = surfaces.get(name).grad(theta[None])[0] * [params.get("scale_x", 1.0), 1.0]
        sd = fans.std(axis=0) / np.sqrt(len(fans))
        assert np.all(np.abs(fans.mean(axis=0) - exact) <= 5 * sd + 1e-12)


def test_a_deterministic_oracle_has_no_fan():
    scn, _ = parse_query({})
    s = scn.build_surface()
    trs = {r.key: tr for r, tr in zip(scn.runs, optimizers.run(
        [make_optimizer(r) for r in scn.runs], s, start=scn.start, steps=20))}
    assert fan_for(scn, trs, 5, s) is None


def test_the_scene_fan_of_the_dropout_preset_holds_the_player_records_g_t():
    p = get_preset("adam-dropout-noise")
    scn, notes = parse_query(p.query)
    assert not notes
    s = scn.build_surface()
    assert s.stochastic
    trs = optimizers.run([make_optimizer(r) for r in scn.runs], s, start=scn.start,
                         steps=scn.steps, seed=scn.seed)
    trs = {r.key: tr for r, tr in zip(scn.runs, trs)}
    t = 37
    fan = fan_for(scn, trs, t, s)
    assert fan["step"] == t and fan["k"] == FAN_DRAWS and set(fan["runs"]) == set(trs)
    for r in scn.runs:
        fr = fan["runs"][r.key]
        rec = record.columns(record.run_record(trs[r.key], record.RunInfo(r.key, r.name, r.hp_dict),
                                               s.f_min))
        assert fr["draws"][fr["used"]] == list(rec["grad"][t - 1])      # bit for bit
        assert fr["at"] == list(rec["theta"][t - 1])
        assert len(fr["draws"]) == 20
    assert fan_for(scn, trs, 0, s) is None and fan_for(scn, trs, scn.steps + 1, s) is None
