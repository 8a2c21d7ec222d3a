"""Every optimizer × every surface × extreme hyperparameters: no NumPy warning, divergence flagged
per run, every recorded value finite or NaN-after-divergence, and the other runs unaffected."""
import warnings

import numpy as np
import pytest

import optimizers
import surfaces

EXTREMES = [dict(lr=1e3), dict(lr=1e-6), dict(eps=0.0), dict(beta1=0.0), dict(beta1=0.99999),
            dict(beta2=0.0), dict(beta2=0.99999), dict(momentum=0.99999), dict(alpha=0.0),
            dict(weight_decay=10.0), dict(lr_decay=1.0), dict(momentum_decay=1.0)]
SURFACE_CASES = [(n, {}) for n in surfaces.names()] + [
    ("quadratic", {"kappa": 1e4}), ("quadratic", {"kappa": 1e4, "angle": 45.0}),
    ("logistic", {"rare": 0.01, "batch": 1}), ("rosenbrock", {"noise": 100.0, "dropout": 0.95, "sparse": 0.01}),
    ("beale", {"scale_x": 1e6, "scale_y": 1e-6})]


def _applicable(name, hp):
    known = {h.name for h in optimizers.spec(name).hparams}
    return {k: v for k, v in hp.items() if k in known}


@pytest.mark.parametrize("surf,params", SURFACE_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SURFACE_CASES)])
def test_every_optimizer_with_extreme_hyperparameters(surf, params):
    s = surfaces.get(surf, **params)
    opts = []
    for name in optimizers.names():
        for hp in EXTREMES:
            hp = _applicable(name, hp)
            if hp:
                opts.append(optimizers.get(name, **hp))
    control = optimizers.get("adam", lr=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            trs = optimizers.run(opts + [control], s, steps=150, seed=1)
    for tr in trs:
        k = tr.diverged_at
        end = tr.steps + 1 if k is None else k
        assert np.isfinite(tr.points[:end]).all(), tr.optimizer
        assert np.all(np.abs(tr.points[:end]) <= s.bound)
        assert np.isnan(tr.points[end:]).all()
        assert np.isfinite(tr.losses[:end]).all() or surf == "custom"
    alone = optimizers.run(control, s, steps=150, seed=1)
    assert np.array_equal(trs[-1].points, alone.points, equal_nan=True)


def test_huge_learning_rate_diverges_and_is_reported():
    trs = optimizers.run([optimizers.get("sgd", lr=1e3), optimizers.get("momentum", lr=1e3)],
                         surfaces.get("quadratic", kappa=1e4), steps=50)
    assert all(isinstance(t.diverged_at, int) and t.diverged_at <= 5 for t in trs)


def test_radam_where_its_rectifier_never_applies():
    """β₂ ≤ 2/3 gives ρ_∞ = 2/(1−β₂) − 1 ≤ 5, and ρ_t < ρ_∞: RAdam never rectifies, so its path is
    plain bias-corrected momentum whatever β₂ is. β₂ = 0.6 and 1/3 make ρ_∞ = 4 and 2, where r_t's
    denominator is 0 (a float division by zero that stopped the run)."""
    s = surfaces.get("rosenbrock")
    paths = [optimizers.run(optimizers.get("radam", beta2=b2), s, steps=200).points
             for b2 in (0.6, 1 / 3, 0.5, 0.0)]
    assert np.isfinite(paths[0]).all()
    for p in paths[1:]:
        np.testing.assert_array_equal(p, paths[0])
    # and one batched call with β₂ per row (a sweep) is the same runs, bit for bit
    both = optimizers.run(optimizers.get("radam", beta2=np.array([0.6, 0.999])), s,
                          start=np.array([[-1.5, 2.0], [-1.5, 2.0]]), steps=200).points
    np.testing.assert_array_equal(both[:, 0], optimizers.run(
        optimizers.get("radam", beta2=0.6), s, start=[-1.5, 2.0], steps=200).points)
    np.testing.assert_array_equal(both[:, 1], optimizers.run(
        optimizers.get("radam", beta2=0.999), s, start=[-1.5, 2.0], steps=200).points)
