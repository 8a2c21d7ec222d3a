"""Properties of the batched runner and the gradient oracles (hypothesis)."""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizers
import surfaces

NAMES = optimizers.names()
SURFS = ["quadratic", "rosenbrock", "beale", "himmelblau", "saddle", "styblinski_tang", "ackley"]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names_st = st.sampled_from(NAMES)
coord = st.floats(-1.5, 1.5, allow_nan=False)


def _opt(name, lr):
    spec = optimizers.spec(name)
    return optimizers.get(name, lr=lr * (0.1 if spec.family == "sgd" else 1.0))


def _same(a, b):
    return np.array_equal(a, b, equal_nan=True)


@FAST
@given(name=names_st, surf=st.sampled_from(SURFS), B=st.integers(1, 5),
       lr=st.sampled_from([1e-3, 1e-2, 1e-1]), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_b_rows_in_one_batch_equal_b_single_runs(name, surf, B, lr, seed, data):
    s = surfaces.get(surf, noise=0.1)
    starts = np.array([[data.draw(coord), data.draw(coord)] for _ in range(B)])
    opt = _opt(name, lr)
    batch = optimizers.run(opt, s, start=starts, steps=25, seed=seed)
    for i in range(B):
        one = optimizers.run(opt, s, start=starts[i], steps=25, seed=seed)
        assert _same(batch.points[:, i], one.points)
        assert _same(batch.losses[:, i], one.losses)


@FAST
@given(names=st.lists(names_st, min_size=1, max_size=5), surf=st.sampled_from(SURFS),
       seed=st.integers(0, 1000), dropout=st.sampled_from([0.0, 0.3]))
def test_a_list_of_optimizers_equals_separate_runs(names, surf, seed, dropout):
    s = surfaces.get(surf, dropout=dropout)
    opts = [_opt(n, 1e-2) for n in names]
    together = optimizers.run(opts, s, steps=30, seed=seed)
    for opt, tr in zip(opts, together):
        alone = optimizers.run(opt, s, steps=30, seed=seed)
        assert _same(tr.points, alone.points)
        assert tr.diverged_at == alone.diverged_at


@FAST
@given(name=names_st, extra=names_st, seed=st.integers(0, 10**6))
def test_adding_an_optimizer_does_not_change_the_others(name, extra, seed):
    s = surfaces.get("logistic", batch=8, noise=0.2, rare=0.1)
    base = optimizers.run([_opt(name, 1e-2)], s, steps=40, seed=seed)[0]
    more = optimizers.run([_opt(extra, 1e-1), _opt(name, 1e-2)], s, steps=40, seed=seed)[1]
    assert _same(base.points, more.points)


@FAST
@given(seed=st.integers(0, 10**6), surf=st.sampled_from(SURFS + ["logistic"]))
def test_same_seed_same_noisy_path_and_other_seed_differs(seed, surf):
    kw = dict(noise=0.5, dropout=0.2, sparse=0.5)
    if surf == "logistic":
        kw["batch"] = 16
    s = surfaces.get(surf, **kw)
    a = optimizers.run("adam", s, steps=30, seed=seed)
    b = optimizers.run("adam", surfaces.get(surf, **kw), steps=30, seed=seed)
    c = optimizers.run("adam", s, steps=30, seed=seed + 1)
    assert _same(a.points, b.points) and _same(a.grads, b.grads)
    assert not _same(a.grads, c.grads)


@FAST
@given(name=names_st, lr=st.sampled_from([10.0, 100.0, 1000.0]), surf=st.sampled_from(SURFS))
def test_divergence_is_flagged_and_silent(name, lr, surf):
    s = surfaces.get(surf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            bad, ok = optimizers.run([optimizers.get(name, lr=lr), optimizers.get("adam", lr=1e-3)], s,
                                     steps=60)
    k = bad.diverged_at
    if k is not None:
        assert np.isnan(bad.points[k:]).all() and np.isfinite(bad.points[:k]).all()
    else:
        assert np.all(np.abs(bad.points) <= s.bound)
    assert ok.diverged_at is None and np.isfinite(ok.points).all()


def test_a_longer_run_extends_a_shorter_one():
    s = surfaces.get("rosenbrock", noise=1.0, dropout=0.1)
    short = optimizers.run("adam", s, steps=50, seed=3)
    long = optimizers.run("adam", s, steps=120, seed=3)
    assert _same(short.points, long.points[:51])


def test_common_random_numbers_every_row_sees_the_same_draw():
    # on a flat surface the oracle gradient is pure noise: all rows must see the same vector
    s = surfaces.from_expression("0*x", noise=1.0)
    tr = optimizers.run(optimizers.get("sgd", lr=1.0), s, start=np.zeros((4, 2)), steps=10, seed=5)
    g = tr.grads
    assert np.all(g == g[:, :1])
    assert g[:, 0].std() > 0.3


def test_oracle_statistics():
    """Unbiasedness and scale of each noise model, checked on a linear surface (∇f = (3, -2))."""
    n = 20_000
    P = np.zeros((1, 2))

    def draws(**kw):
        o = surfaces.from_expression("3*x - 2*y", **kw).oracle(seed=11, steps=n)
        return np.array([o(P, k)[1][0] for k in range(n + 1)])

    g = draws(noise=2.0)
    assert np.allclose(g.mean(0), [3, -2], atol=0.1) and np.allclose(g.std(0), 2.0, rtol=0.05)
    g = draws(dropout=0.5)
    assert set(np.unique(g[:, 0])) == {0.0, 6.0} and np.allclose(g.mean(0), [3, -2], atol=0.1)
    g = draws(sparse=0.1)
    assert np.all(g[:, 0] == 3) and set(np.unique(g[:, 1])) == {0.0, -20.0}
    assert np.mean(g[:, 1] != 0) == pytest.approx(0.1, abs=0.01)
    g = draws(scale_x=1e3, scale_y=1e-2)
    assert np.all(g == [3e3, -2e-2])


def test_minibatch_gradient_is_an_unbiased_estimate_of_the_full_gradient():
    full = surfaces.get("logistic")
    mb = surfaces.get("logistic", batch=4)
    assert mb.stochastic and not full.stochastic
    P = np.array([[0.3, -0.7]])
    o = mb.oracle(seed=0, steps=4000)
    gs = np.array([o(P, k)[1][0] for k in range(4001)])
    exact = full.grad(P)[0]
    assert np.allclose(gs.mean(0), exact, atol=4 * gs.std(0).max() / np.sqrt(4001))
    assert o(P, 0)[0] == pytest.approx(full.value(P)[0])   # the recorded loss is the full-data one
