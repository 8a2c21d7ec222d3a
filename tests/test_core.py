"""The optimizer core's public API: registry, validation, schedules, runner contract."""
import math
import warnings

import numpy as np
import pytest

import optimizers
import surfaces
from optviz.model.defaults import lr_hint
from optimizers import schedules

ALL = optimizers.names()


def test_registry_lists_every_required_optimizer():
    required = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adam_nobc", "amsgrad",
                "adamw", "adamprox", "adamax", "nadam", "radam", "lion", "adabelief"}
    assert required <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_registry_entry_is_complete(name):
    spec = optimizers.spec(name)
    assert spec.title and spec.description and spec.latex.strip()
    assert spec.family in ("sgd", "adaptive", "accumulating")
    for surface in surfaces.names():
        assert lr_hint(surfaces.get(surface), spec.family) > 0
    names = [h.name for h in spec.hparams]
    assert len(names) == len(set(names))
    allowed = {"lr", "beta1", "beta2", "eps", "weight_decay", "momentum", "dampening", "nesterov", "alpha",
               "centered", "amsgrad", "lr_decay", "initial_accumulator_value", "momentum_decay", "decay",
               "schedule", "warmup", "step_every"}
    assert set(names) <= allowed
    for h in spec.hparams:
        assert h.name.isascii() and h.help
        assert h.check(h.default, name) == h.default     # every default is inside its own range
    optimizers.get(name)  # defaults construct


# torch.optim's documented defaults (torch 2.x), written out independently of the registry
TORCH_DEFAULTS = {
    "sgd": {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
    "adagrad": {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
    "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "momentum_decay": 4e-3},
    "radam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
}


@pytest.mark.parametrize("name", sorted(TORCH_DEFAULTS))
def test_defaults_are_torchs(name):
    d = optimizers.spec(name).defaults
    for k, v in TORCH_DEFAULTS[name].items():
        assert d[k] == v, (name, k)
    assert optimizers.spec("adamw").defaults["decay"] == "lr"


@pytest.mark.parametrize("bad,match", [
    (dict(name="nope"), "unknown optimizer 'nope'"),
    (dict(name="adam", lr=-1.0), r"adam: lr=-1.0 is invalid; valid: \(0, 1000\]"),
    (dict(name="adam", lr=0.0), "lr"),
    (dict(name="adam", beta1=1.0), r"beta1=1.0 is invalid; valid: \[0, 1\)"),
    (dict(name="adam", beta2=float("nan")), "beta2"),
    (dict(name="adam", eps=-1e-8), "eps"),
    (dict(name="adam", momentum=0.9), "unknown hyperparameter 'momentum'"),
    (dict(name="rmsprop", centered="maybe"), "centered"),
    (dict(name="adamw", decay="sometimes"), "decay"),
    (dict(name="sgd", schedule="exponential"), "schedule"),
    (dict(name="sgd", warmup=2.5), "warmup"),
    (dict(name="nesterov", momentum=0.0), "nesterov needs momentum > 0"),
    (dict(name="nesterov", dampening=0.1), "nesterov needs momentum > 0 and dampening = 0"),
    (dict(name="adam", lr=np.array([1e-3, -1.0])), "lr=-1.0 is invalid"),
    (dict(name="adam", lr="fast"), "lr"),
])
def test_get_raises_valueerror_naming_optimizer_hparam_and_range(bad, match):
    kw = dict(bad)
    name = kw.pop("name")
    with pytest.raises(ValueError, match=match):
        optimizers.get(name, **kw)


def test_schedules_match_their_formulas():
    T = 10
    t = np.arange(1, T + 1)
    assert np.array_equal(schedules.eta("constant", T), np.ones(T))
    assert np.allclose(schedules.eta("inverse_sqrt", T), 1 / np.sqrt(t), rtol=0, atol=1e-16)
    assert np.allclose(schedules.eta("cosine", T), 0.5 * (1 + np.cos(np.pi * (t - 1) / T)), atol=1e-16)
    assert schedules.eta("cosine", T)[0] == 1.0
    assert np.allclose(schedules.eta("step", T, step_every=3), [1, 1, 1, .1, .1, .1, .01, .01, .01, .001])
    w = schedules.eta("constant", T, warmup=4)
    assert np.allclose(w, [.25, .5, .75, 1, 1, 1, 1, 1, 1, 1])


def test_schedule_scales_the_step():
    # SGD on a linear slope f = 3x: Δx_t = -lr·η_t·3 exactly
    s = surfaces.get("quadratic", kappa=1.0)
    opt = optimizers.get("sgd", lr=1e-3, schedule="inverse_sqrt")
    tr = optimizers.run(opt, s, start=(1.0, 0.0), steps=5)
    # on ½x² the step is -lr·η_t·x_{t-1}
    x = 1.0
    for k in range(1, 6):
        x = x - 1e-3 * (1 / math.sqrt(k)) * x
        assert tr.points[k, 0] == pytest.approx(x, rel=1e-14)


def test_run_shapes_single_and_batched():
    s = surfaces.get("rosenbrock")
    tr = optimizers.run(optimizers.get("adam"), s, start=(-1.5, 2.0), steps=7)
    assert tr.points.shape == (8, 2) and tr.losses.shape == (8,) and tr.grads.shape == (8, 2)
    assert tr.m_hat.shape == (8, 2) and tr.v_hat_sqrt.shape == (8, 2)
    assert np.array_equal(tr.points[0], [-1.5, 2.0])
    assert tr.losses[0] == pytest.approx(12.5)
    assert np.allclose(tr.grads[0], s.grad(np.array([-1.5, 2.0])))
    assert tr.diverged_at is None
    B = np.array([[-1.5, 2.0], [0.0, 0.0], [1.5, -0.5]])
    trs = optimizers.run([optimizers.get("sgd"), optimizers.get("adam")], s, start=B, steps=7)
    assert isinstance(trs, list) and len(trs) == 2
    assert trs[0].points.shape == (8, 3, 2) and trs[0].losses.shape == (8, 3)
    assert trs[0].m_hat is None and trs[1].m_hat.shape == (8, 3, 2)
    assert list(trs[0].diverged_at) == [-1, -1, -1]
    assert optimizers.run(optimizers.get("sgd"), s, steps=0).points.shape == (1, 2)
    assert optimizers.run("adam", s, steps=3).optimizer.name == "adam"


def test_deltas_are_step_sizes():
    tr = optimizers.run(optimizers.get("adam", lr=0.01), surfaces.get("beale"), steps=20)
    d = tr.deltas
    assert np.isnan(d[0]).all()
    assert np.allclose(d[1:], np.abs(tr.points[1:] - tr.points[:-1]))


def test_one_gradient_call_per_step_for_the_whole_batch(monkeypatch):
    s = surfaces.get("rosenbrock")
    calls = []
    make = type(s).oracle

    def counting_oracle(self, seed, steps):
        oracle = make(self, seed, steps)

        def counted(P, k):
            calls.append((np.shape(P), k))
            return oracle(P, k)
        return counted

    monkeypatch.setattr(type(s), "oracle", counting_oracle)
    opts = [optimizers.get(n) for n in ("sgd", "momentum", "adam", "adamw", "rmsprop")]
    optimizers.run(opts, s, start=np.zeros((4, 2)), steps=30)
    assert [k for _, k in calls] == list(range(31))  # the start + one per update
    assert all(c == (20, 2) for c, _ in calls)       # every row of every optimizer, together


def test_divergence_is_flagged_cleanly_without_warnings():
    s = surfaces.get("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):  # the runner must silence its own float errors
            trs = optimizers.run([optimizers.get("sgd", lr=1.0), optimizers.get("adam", lr=0.01)], s,
                                 steps=200)
    bad, good = trs
    k = bad.diverged_at
    assert isinstance(k, int) and 1 <= k <= 200
    assert np.isfinite(bad.points[:k]).all() and np.isnan(bad.points[k:]).all()
    assert np.isnan(bad.losses[k:]).all() and np.isfinite(bad.losses[:k]).all()
    assert np.all(np.abs(bad.points[:k]) <= s.bound)
    assert good.diverged_at is None and np.isfinite(good.points).all()


def test_steps_cap():
    s = surfaces.get("saddle")
    with pytest.raises(ValueError, match="steps"):
        optimizers.run("sgd", s, steps=optimizers.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="too large"):
        optimizers.run("sgd", s, start=np.zeros((20_001, 2)), steps=10)


def test_long_run_at_the_cap():
    tr = optimizers.run(optimizers.get("adam", lr=0.02), surfaces.get("rosenbrock"), steps=20_000,
                        diagnostics=False)
    assert tr.points.shape == (20_001, 2) and tr.points.dtype == np.float64
    assert tr.losses[-1] < 1e-10


def test_per_row_hyperparameters_equal_separate_runs():
    s = surfaces.get("rosenbrock")
    lrs = np.array([1e-3, 3e-3, 1e-2])
    b2 = np.array([0.9, 0.99, 0.999])
    batch = optimizers.run(optimizers.get("adam", lr=lrs, beta2=b2), s, start=(-1.0, 1.0), steps=50)
    assert batch.points.shape == (51, 3, 2)
    for i in range(3):
        one = optimizers.run(optimizers.get("adam", lr=float(lrs[i]), beta2=float(b2[i])), s,
                             start=(-1.0, 1.0), steps=50)
        assert np.allclose(batch.points[:, i], one.points, rtol=1e-13, atol=1e-13)


def test_repr_shows_changed_hyperparameters():
    assert repr(optimizers.get("adam", lr=0.01)) == "optimizers.get('adam', lr=0.01)"


def test_max_step_bound_adamax_matches_formula():
    opt = optimizers.get("adamax", lr=2e-3)
    t = np.arange(1, 6)
    r = 0.9 / 0.999
    want = 2e-3 * 0.1 * (1 - r**t) / ((1 - r) * (1 - 0.9**t))
    assert np.allclose(optimizers.max_step_bound(opt, t), want, rtol=1e-14)
    assert optimizers.max_step_bound(opt, np.array([1]))[0] == pytest.approx(2e-3)


def test_custom_surfaces_suggest_a_learning_rate_for_every_family():
    s = surfaces.from_expression("x**2 + y**2")
    for name in optimizers.names():
        assert lr_hint(s, optimizers.spec(name).family) > 0
