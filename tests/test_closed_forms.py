"""Optimizers without a torch counterpart, checked against independent oracles:
closed-form trajectories on a linear surface and scalar re-implementations written from each
paper's pseudo-code (plain Python floats, one coordinate at a time — no shared code with rules.py).
"""
import math

import numpy as np
import pytest

import optimizers
import surfaces

G = (3.0, -2.0)          # the constant gradient of f = 3x - 2y


@pytest.fixture(scope="module")
def linear():
    return surfaces.from_expression("3*x - 2*y", window=((-5, 5), (-5, 5)))


@pytest.mark.parametrize("lam,lr", [(0.1, 0.01), (1e-2, 0.05), (1.0, 1e-3)])
def test_adamprox_and_adamw_closed_form_on_a_linear_surface(linear, lam, lr):
    # With a constant gradient g and ε = 0, m̂ = g and √v̂ = |g| exactly, so the Adam step is γ·sign(g):
    #   AdamW:    θ_t = θ_{t-1}(1 - γλ) - γ s          ⇒ θ_t = θ* + (θ_0 - θ*)(1 - γλ)^t
    #   AdamProx: θ_t = (θ_{t-1} - γ s)/(1 + γλ)       ⇒ θ_t = θ* + (θ_0 - θ*)(1 + γλ)^(-t)
    # with θ* = -s/λ (s = sign g): the fixed point of the proximal map of (λ/2)‖θ‖² + step.
    T = 200
    th0 = np.array([0.5, -1.0])
    s = np.sign(G)
    star = -s / lam
    t = np.arange(T + 1)[:, None]
    kw = dict(lr=lr, eps=0.0, weight_decay=lam, beta1=0.9, beta2=0.999)
    w = optimizers.run(optimizers.get("adamw", **kw), linear, start=th0, steps=T)
    p = optimizers.run(optimizers.get("adamprox", **kw), linear, start=th0, steps=T)
    assert np.allclose(w.points, star + (th0 - star) * (1 - lr * lam) ** t, rtol=1e-10, atol=1e-12)
    assert np.allclose(p.points, star + (th0 - star) * (1 + lr * lam) ** (-t), rtol=1e-10, atol=1e-12)


def test_decay_schedule_convention_decouples_decay_from_lr(linear):
    # decay="schedule": θ ← θ(1 - η_t λ) with η_t the schedule only (constant: 1), not γλ
    lam, lr, T = 0.05, 1e-3, 100
    th0 = np.array([2.0, 1.0])
    s = np.sign(G)
    star = -lr * s / lam                     # fixed point of θ(1-λ) - γs
    t = np.arange(T + 1)[:, None]
    w = optimizers.run(optimizers.get("adamw", lr=lr, eps=0.0, weight_decay=lam, decay="schedule"),
                       linear, start=th0, steps=T)
    assert np.allclose(w.points, star + (th0 - star) * (1 - lam) ** t, rtol=1e-10, atol=1e-13)
    # AdamProx with decay="schedule": θ_t = (θ_{t-1} - γs)/(1 + λ)
    p = optimizers.run(optimizers.get("adamprox", lr=lr, eps=0.0, weight_decay=lam, decay="schedule"),
                       linear, start=th0, steps=T)
    star_p = -lr * s / lam
    assert np.allclose(p.points, star_p + (th0 - star_p) * (1 + lam) ** (-t), rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- scalar reference implementations
def _scalar_run(step_fn, init, f_grad, theta0, T):
    theta = list(theta0)
    states = [dict(init) for _ in theta]
    path = [tuple(theta)]
    for t in range(1, T + 1):
        g = f_grad(*theta)
        theta = [step_fn(theta[i], g[i], states[i], t) for i in range(2)]
        path.append(tuple(theta))
    return np.array(path)


def _adam_nobc(lr, b1, b2, eps, wd):
    def step(th, g, st, t):   # Kingma & Ba Alg. 1 without the two bias-correction lines
        g = g + wd * th
        st["m"] = b1 * st["m"] + (1 - b1) * g
        st["v"] = b2 * st["v"] + (1 - b2) * g * g
        return th - lr * st["m"] / (math.sqrt(st["v"]) + eps)
    return step, {"m": 0.0, "v": 0.0}


def _lion(lr, b1, b2, wd):
    def step(th, g, st, t):   # Chen et al. 2023, Program 1
        c = b1 * st["m"] + (1 - b1) * g
        sign = (c > 0) - (c < 0)
        th = th * (1 - lr * wd) - lr * sign
        st["m"] = b2 * st["m"] + (1 - b2) * g
        return th
    return step, {"m": 0.0}


def _adabelief(lr, b1, b2, eps):
    def step(th, g, st, t):   # Zhuang et al. 2020, Algorithm 2
        st["m"] = b1 * st["m"] + (1 - b1) * g
        st["s"] = b2 * st["s"] + (1 - b2) * (g - st["m"]) ** 2 + eps
        mh = st["m"] / (1 - b1**t)
        sh = st["s"] / (1 - b2**t)
        return th - lr * mh / (math.sqrt(sh) + eps)
    return step, {"m": 0.0, "s": 0.0}


def _adamprox(lr, b1, b2, eps, wd):
    def step(th, g, st, t):   # Zhuang, Liu et al. 2022: Adam step, then prox of (γλ/2)‖θ‖²
        st["m"] = b1 * st["m"] + (1 - b1) * g
        st["v"] = b2 * st["v"] + (1 - b2) * g * g
        mh, vh = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
        return (th - lr * mh / (math.sqrt(vh) + eps)) / (1 + lr * wd)
    return step, {"m": 0.0, "v": 0.0}


def _rosen_grad(x, y):
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


CASES = [
    ("adam_nobc", dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0),
     _adam_nobc(1e-2, 0.9, 0.999, 1e-8, 0.0)),
    ("adam_nobc", dict(lr=3e-3, beta1=0.5, beta2=0.9999, eps=1e-6, weight_decay=0.1),
     _adam_nobc(3e-3, 0.5, 0.9999, 1e-6, 0.1)),
    ("lion", dict(lr=1e-3, beta1=0.9, beta2=0.99, weight_decay=0.0), _lion(1e-3, 0.9, 0.99, 0.0)),
    ("lion", dict(lr=3e-3, beta1=0.95, beta2=0.98, weight_decay=0.5), _lion(3e-3, 0.95, 0.98, 0.5)),
    ("adabelief", dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-16), _adabelief(1e-2, 0.9, 0.999, 1e-16)),
    ("adabelief", dict(lr=2e-3, beta1=0.8, beta2=0.99, eps=1e-8), _adabelief(2e-3, 0.8, 0.99, 1e-8)),
    ("adamprox", dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1),
     _adamprox(1e-2, 0.9, 0.999, 1e-8, 0.1)),
]


@pytest.mark.parametrize("name,hp,ref", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_scalar_pseudocode_on_rosenbrock(name, hp, ref):
    T = 60   # short enough that Rosenbrock's valley does not amplify rounding differences
    start = (-1.2, 1.0)
    want = _scalar_run(ref[0], ref[1], _rosen_grad, start, T)
    got = optimizers.run(optimizers.get(name, **hp), surfaces.get("rosenbrock"), start=start, steps=T).points
    assert np.allclose(got, want, rtol=1e-11, atol=1e-12), np.abs(got - want).max()


def test_lion_moves_every_coordinate_by_exactly_lr():
    tr = optimizers.run(optimizers.get("lion", lr=1e-3), surfaces.get("beale"), steps=50)
    d = tr.deltas[1:]
    assert np.allclose(d, 1e-3, rtol=1e-9)


def test_amsgrad_effective_denominator_never_shrinks():
    tr = optimizers.run(optimizers.get("amsgrad", lr=1e-2), surfaces.get("rastrigin"), steps=300)
    bc = np.sqrt(1 - 0.999 ** np.arange(1, 301))[:, None]
    raw = tr.v_hat_sqrt[1:] * bc          # √v_max, undo the bias correction
    assert np.all(np.diff(raw, axis=0) >= -1e-12 * raw[1:])   # rounding of the undo only
