"""Every speed trick of the core against the plain path it replaces.

- Gradient trace replay (surfaces/fastgrad.py) == a normal autograd call, bit for bit: every surface,
  typed expressions, several batch shapes, special values; every fast VJP formula == autograd's own.
- Rules (optimizers/rules.py, fewer temporaries, zero terms skipped as torch does) == the plain
  transcription they replaced (kept below, verbatim), value for value.
- Runner (one max per step for divergence, schedules as floats, optional recording) == the plain
  runner it replaced (kept below): per-step kill, plain rules, plain autograd.

Equality here is exact: `np.array_equal(..., equal_nan=True)` (which counts -0.0 == 0.0; the
skipped `+ 0·θ` terms can only change the sign of a zero), or identical bytes for the gradient.
"""
from __future__ import annotations

import dataclasses
import threading

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.core import primitive_vjps
from autograd.tracer import getval

import optimizers
import surfaces
from optimizers import rules
from surfaces import fastgrad

SHAPES = [(2,), (1, 2), (7, 2), (64, 2), (3, 5, 2)]
SPECIAL = np.array([0.0, -0.0, 1e-300, -1e-300, 5e-324, 1.0, -1.0, 3.5, -2.25, 1e150, -1e150,
                    np.inf, -np.inf, np.nan])


def _bits_equal(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _same(a, b) -> bool:
    return np.array_equal(a, b, equal_nan=True)


def _points(shape, seed, special=False):
    rng = np.random.default_rng(seed)
    P = rng.uniform(-3.0, 3.0, shape)
    if special and P.size >= 4:
        flat = P.reshape(-1)
        k = min(len(SPECIAL), flat.size // 2)
        flat[rng.choice(flat.size, k, replace=False)] = rng.choice(SPECIAL, k)
    return P


def _plain(s, P, f=None):
    return s.value_and_grad(P, f=f, fast=False) if f is not None else s.value_and_grad(P, fast=False)


SURFACE_CASES = [(n, {}) for n in surfaces.names()] + [
    ("quadratic", {"kappa": 1e4, "angle": 30.0, "center_x": 1.5}), ("rosenbrock", {"a": -1.0, "b": 3.0}),
    ("logistic", {"rare": 0.05})]

EXPRESSIONS = [
    "(1-x)**2 + 100*(y-x**2)**2", "x**2 + 3*y**2 + 2*sin(2*x)*sin(2*y)", "x*y", "x/y + y/x", "x**y",
    "2**x + y**3 - x**-1.5", "exp(-x**2 - y**2)", "log(1 + x**2) + sqrt(1 + y**2)", "abs(x) + abs(y - 1)",
    "max(x, y) + min(x*y, 1)", "tanh(x) * cosh(y) + sinh(x)", "atan2(y, x) + arctan(x*y)",
    "arcsin(x/10) + arccos(y/10) + asin(0.1) + acos(0.2) + atan(y)", "log10(1 + x**2) + log2(1 + y**2)",
    "tan(x/4) - cos(y)", "x**2", "y", "-x + -(-y)", "pi*x + e*y", "sqrt(x**2 + y**2 + 1e-12)",
    "(x - 1)**4 + (y + 2)**4 / 4", "x**2 / (1 + y**2)", "3", "x*0", "max(x, 0.5) * min(y, -0.5)",
]


# ------------------------------------------------------------------------------ gradient replay
@pytest.mark.parametrize("name,params", SURFACE_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SURFACE_CASES)])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_replayed_gradient_is_autograds_bit_for_bit(name, params, shape):
    s = surfaces.get(name, **params)
    for seed in range(3):
        P = _points(shape, seed, special=seed == 2)
        want, got = _plain(s, P), s.value_and_grad(P)
        assert _bits_equal(want[0], got[0]) and _bits_equal(want[1], got[1]), (name, shape, seed)
    assert fastgrad.replay_for(s.f, _points(shape, 0)) is not None, "fell back to plain autograd"


@pytest.mark.parametrize("text", EXPRESSIONS)
@pytest.mark.parametrize("shape", [(7, 2), (33, 2), (2, 3, 2)], ids=str)
def test_replay_on_typed_expressions(text, shape):
    s = surfaces.from_expression(text)
    for seed in range(3):
        P = _points(shape, seed, special=seed == 2)
        want, got = _plain(s, P), s.value_and_grad(P)
        assert _bits_equal(want[0], got[0]) and _bits_equal(want[1], got[1]), (text, shape, seed)


def test_replay_is_used_for_typed_expressions():
    used = [fastgrad.replay_for(surfaces.from_expression(t).f, _points((9, 2), 0)) is not None
            for t in EXPRESSIONS]
    assert all(used), [t for t, u in zip(EXPRESSIONS, used) if not u]


@pytest.mark.parametrize("shape,target", [((5, 3), (5, 1)), ((5, 3), (1, 3)), ((5, 3), ()), ((4, 5, 3), (5, 3)),
                                          ((4, 5, 3), (1, 1)), ((1, 2), (1, 2)), ((3,), (1,))])
def test_unbroadcast_is_autograds(shape, target):
    from autograd.numpy.numpy_vjps import unbroadcast
    rng = np.random.default_rng(4)
    x = rng.choice(SPECIAL[:-3], size=shape)
    t = np.zeros(target)
    meta = (np.shape(t), np.ndim(t), np.result_type(t), False)
    assert _bits_equal(unbroadcast(x, meta), fastgrad._unbroadcast(x, meta))


def _autograd_vjp(anp_fun, pos, g, ans, args):
    return next(iter(primitive_vjps[anp_fun]((pos,), ans, args, {})(g)))


@pytest.mark.parametrize("raw", list(fastgrad.FAST_VJPS), ids=lambda f: f.__name__)
def test_every_fast_vjp_formula_is_autograds(raw):
    wrapped = getattr(anp, raw.__name__)
    formulas = fastgrad.FAST_VJPS[raw]
    rng = np.random.default_rng(1)
    base = np.concatenate([SPECIAL, rng.uniform(-4, 4, 50), rng.standard_normal(20) * 1e6])
    shapes = [((base.size,), (base.size,)), ((8, 1), (1, 8)), ((5, 3), ())]
    with np.errstate(all="ignore"):
        for sa, sb in shapes:
            x = rng.permutation(base)[: int(np.prod(sa))].reshape(sa) if sa else np.float64(1.5)
            y = rng.permutation(base)[: int(np.prod(sb))].reshape(sb) if sb else np.float64(-0.75)
            args = (x, y)[: len(formulas)]
            ans = raw(*args)
            g = rng.uniform(-2, 2, np.shape(ans))
            for pos, formula in enumerate(formulas):
                want = _autograd_vjp(wrapped, pos, g, ans, args)
                got = formula(g, ans, *args)
                if len(formulas) == 2 and np.shape(got) != np.shape(args[pos]):
                    got = fastgrad._unbroadcast(got, (np.shape(args[pos]), np.ndim(args[pos]),
                                                     np.result_type(args[pos]), False))
                assert _bits_equal(want, got), (raw.__name__, pos, sa, sb)


@pytest.mark.parametrize("y", [2, 3, 2.0, 0.5, -1, 0])
def test_power_with_a_constant_exponent(y):
    rng = np.random.default_rng(2)
    bits = rng.integers(0, 2**64, 200_000, dtype=np.uint64)
    x = np.concatenate([SPECIAL, bits.view(np.float64)])
    g = rng.uniform(-2, 2, x.shape)
    with np.errstate(all="ignore"):
        want = _autograd_vjp(anp.power, 0, g, x ** y, (x, y))
        got = fastgrad._power_x_const_exponent(y)(g, None, x, y)
    assert _bits_equal(want, got)


def test_pow_one_is_the_identity():
    """The one left-out operation: autograd computes x ** 1.0 for the VJP of x**2."""
    rng = np.random.default_rng(3)
    x = np.concatenate([SPECIAL, rng.integers(0, 2**64, 2_000_000, dtype=np.uint64).view(np.float64)])
    with np.errstate(all="ignore"):
        assert _bits_equal(x[~np.isnan(x)] ** 1.0, x[~np.isnan(x)])
        assert np.isnan(x[np.isnan(x)] ** 1.0).all()


def test_power_2_is_square_bit_for_bit():
    """The replay runs x**2 as np.square(x) (NumPy's power loop does the same for a constant 2):
    checked over special values and random bit patterns, contiguous and strided, and used."""
    rng = np.random.default_rng(4)
    x = np.concatenate([SPECIAL, rng.integers(0, 2**64, 2_000_000, dtype=np.uint64).view(np.float64)])
    with np.errstate(all="ignore"):
        for v in (x, x[::3]):
            a, b = np.power(v, 2), np.square(v)
            assert _bits_equal(np.isnan(a), np.isnan(b)) and _bits_equal(a[~np.isnan(a)], b[~np.isnan(b)])
            a, b = np.power(v, 2.0), np.square(v)
            assert _bits_equal(a[~np.isnan(a)], b[~np.isnan(b)])
    assert fastgrad._POWER_2_IS_SQUARE
    rep = fastgrad.replay_for(surfaces.get("rosenbrock").f, _points((16, 2), 0))
    squares = [fun is np.power and fastgrad._is_square(spec, dt) for fun, spec, dt in rep.ops[1:]]
    assert sum(squares) == 3                                      # (1-x)², (y-x²)², x²


def test_gradients_known_when_recording_are_folded():
    """100·g and 2·g from the seed are computed once when recording (same operations, same
    order): in Rosenbrock's replay the output's, 100·'s and both squares' incoming gradients are
    constants, so 8 gradient contributions are left to compute per call (bits: the tests above)."""
    s = surfaces.get("rosenbrock")
    rep = fastgrad.replay_for(s.f, _points((16, 2), 0))
    assert rep.folded == 3 and len(rep.program) == 8


def test_value_dependent_constants_are_recomputed_not_frozen():
    """Comparisons, sign, floor … are constants to autograd: the replay must recompute them."""
    s = surfaces.from_expression("x**2 + y**2")

    def f(P):
        x, y = P[..., 0], P[..., 1]
        return anp.where(x > 0, x**2, -x) + anp.sign(y) * y**3 + anp.floor(x) * y + anp.abs(x - y)

    s = dataclasses.replace(s, f=f)
    P = _points((50, 2), 0)
    assert fastgrad.replay_for(f, P) is not None
    for seed in range(1, 5):
        Q = _points((50, 2), seed)
        want, got = _plain(s, Q), s.value_and_grad(Q)
        assert _bits_equal(want[0], got[0]) and _bits_equal(want[1], got[1])


def test_value_dependent_python_control_flow_falls_back_to_autograd():
    s = surfaces.get("rosenbrock")

    def f(P):  # reads the values behind autograd's back: a replay would freeze this branch
        return P[..., 0] ** 2 if float(np.sum(getval(P))) > 0 else P[..., 1] ** 3

    s = dataclasses.replace(s, f=f)
    P = np.abs(_points((6, 2), 0))
    assert fastgrad.replay_for(f, P) is None
    for Q in (P, -P):
        want, got = _plain(s, Q), s.value_and_grad(Q)
        assert _bits_equal(want[0], got[0]) and _bits_equal(want[1], got[1])


def test_constant_gradients_are_fresh_writable_arrays():
    s = surfaces.from_expression("3*x - y")
    P = _points((5, 2), 0)
    a, b = s.value_and_grad(P)[1], s.value_and_grad(P)[1]
    assert a is not b and a.flags.writeable and b.flags.writeable
    a += 1.0
    assert _bits_equal(b, _plain(s, P)[1])


def test_replay_from_many_threads():
    s = surfaces.get("himmelblau")
    inputs = [_points((40, 2), k) for k in range(8)]
    want = [_plain(s, P) for P in inputs]
    bad = []

    def work(k):
        for _ in range(50):
            got = s.value_and_grad(inputs[k])
            if not (_bits_equal(got[0], want[k][0]) and _bits_equal(got[1], want[k][1])):
                bad.append(k)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_many_shapes_and_explicit_functions_stay_correct():
    s = surfaces.get("beale")
    for n in range(1, fastgrad.MAX_SHAPES + 5):          # past the cache's limit: plain autograd
        P = _points((n, 2), n)
        want, got = _plain(s, P), s.value_and_grad(P)
        assert _bits_equal(want[0], got[0]) and _bits_equal(want[1], got[1])
    lg = surfaces.get("logistic", batch=8)
    idx = np.arange(8)
    P = _points((4, 2), 0)
    f = lambda Q: lg.batch_f(Q, idx)  # noqa: E731  (a minibatch loss: always the plain path)
    assert _bits_equal(lg.value_and_grad(P, f=f)[1], _plain(lg, P, f=f)[1])


# --------------------------------------------------------------------------------------- rules
# The plain transcription of the rules as they were before the speed work (verbatim): the oracle
# for the in-place, fewer-temporaries, zero-terms-skipped versions in optimizers/rules.py.
def _lerp(a, b, w):
    """torch.lerp: a + w(b - a), computed from the nearer end for accuracy (as torch does)."""
    if np.ndim(w) == 0:
        return a + w * (b - a) if abs(w) < 0.5 else b - (b - a) * (1 - w)
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def _select(cond, a, b):
    """`a if cond else b`, for a scalar or a per-row (B, 1) condition."""
    if np.ndim(cond) == 0:
        return a if cond else b
    return np.where(cond, a, b)


def _zeros(params):
    return np.zeros_like(params, dtype=np.float64)


def _gamma(hp):
    return hp["lr"] * hp["eta"]


def sgd_update(g, state, params, t, hp):
    mu, tau = hp["momentum"], hp["dampening"]
    g = g + hp["weight_decay"] * params
    buf = g.copy() if t == 1 else state["buf"] * mu + (1 - tau) * g
    d = g + mu * buf if hp["nesterov"] else buf
    d = _select(mu != 0, d, g)  # μ = 0 is plain gradient descent, whatever τ says
    return params + (-_gamma(hp)) * d, {"buf": buf}


def adagrad_update(g, state, params, t, hp):
    g = g + hp["weight_decay"] * params
    clr = _gamma(hp) / (1 + (t - 1) * hp["lr_decay"])
    s = state["sum"] + g * g
    std = np.sqrt(s) + hp["eps"]
    return params + (-clr) * (g / std), {"sum": s}


def rmsprop_update(g, state, params, t, hp):
    alpha, mu = hp["alpha"], hp["momentum"]
    g = g + hp["weight_decay"] * params
    sq = state["sq"] * alpha + (1 - alpha) * g * g
    avg = state["avg"]
    if hp["centered"]:
        avg = _lerp(avg, g, 1 - alpha)
        denom = np.sqrt(sq + (-1.0 * avg) * avg) + hp["eps"]
    else:
        denom = np.sqrt(sq) + hp["eps"]
    buf = state["buf"] * mu + g / denom
    d = _select(mu > 0, buf, g / denom)
    return params + (-_gamma(hp)) * d, {"sq": sq, "avg": avg, "buf": buf}


def _adam_direction(g, state, t, hp, bias_correction=True):
    """Shared by the Adam family: moments, bias correction, and the step m̂/(√v̂ + ε) · γ/bc1 terms.

    Returns (step, new_state) with θ_new = θ + step, in torch's order of operations:
    θ.addcdiv_(m, √v/√bc2 + ε, value=-γ/bc1).
    """
    b1, b2 = hp["beta1"], hp["beta2"]
    m = _lerp(state["m"], g, 1 - b1)
    v = state["v"] * b2 + (1 - b2) * g * g
    vmax = np.maximum(state["vmax"], v) if hp.get("amsgrad") else state["vmax"]
    v_used = vmax if hp.get("amsgrad") else v
    if bias_correction:
        bc1 = 1 - b1**t
        bc2_sqrt = (1 - b2**t) ** 0.5
        step_size = _gamma(hp) / bc1
        v_hat_sqrt = np.sqrt(v_used) / bc2_sqrt
        m_hat = m / bc1
    else:
        step_size = _gamma(hp)
        v_hat_sqrt = np.sqrt(v_used)
        m_hat = m
    denom = v_hat_sqrt + hp["eps"]
    step = (-step_size) * (m / denom)
    return step, {"m": m, "v": v, "vmax": vmax, "m_hat": m_hat, "v_hat_sqrt": v_hat_sqrt}


def adam_update(g, state, params, t, hp):
    g = g + hp["weight_decay"] * params  # Adam's weight decay is L2: it enters m and v
    step, state = _adam_direction(g, state, t, hp)
    return params + step, state


def adam_nobc_update(g, state, params, t, hp):
    g = g + hp["weight_decay"] * params
    step, state = _adam_direction(g, state, t, hp, bias_correction=False)
    return params + step, state


def _decay_factor(hp):
    """c_t in θ(1 - c_t λ): γ_t (torch/optax convention) or η_t (Loshchilov & Hutter, Zhuang et al.)."""
    return _gamma(hp) if hp["decay"] == "lr" else hp["eta"]


def adamw_update(g, state, params, t, hp):
    params = params * (1 - _decay_factor(hp) * hp["weight_decay"])  # decoupled: m, v see raw g
    step, state = _adam_direction(g, state, t, hp)
    return params + step, state


def adamprox_update(g, state, params, t, hp):
    step, state = _adam_direction(g, state, t, hp)
    # exact proximal step of (c λ/2)‖θ‖² after the Adam step; AdamW is its first-order Taylor form
    return (params + step) / (1 + _decay_factor(hp) * hp["weight_decay"]), state


def adamax_update(g, state, params, t, hp):
    b1 = hp["beta1"]
    g = g + hp["weight_decay"] * params
    m = _lerp(state["m"], g, 1 - b1)
    u = np.maximum(state["u"] * hp["beta2"], np.abs(g) + hp["eps"])
    bc1 = 1 - b1**t
    clr = _gamma(hp) / bc1
    new = params + (-clr) * (m / u)
    return new, {"m": m, "u": u, "m_hat": m / bc1, "v_hat_sqrt": u}


def nadam_update(g, state, params, t, hp):
    b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    lr = _gamma(hp)
    g = g + hp["weight_decay"] * params
    bc2 = 1 - b2**t
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    mu_product = state["mu_product"] * mu
    m = _lerp(state["m"], g, 1 - b1)
    v = state["v"] * b2 + (1 - b2) * g * g
    v_hat_sqrt = np.sqrt(v / bc2)
    denom = v_hat_sqrt + hp["eps"]
    mu_product_next = mu_product * mu_next
    new = params + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    new = new + ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)
    return new, {"m": m, "v": v, "vmax": state["vmax"], "mu_product": mu_product,
                 "m_hat": m / (1 - b1**t), "v_hat_sqrt": v_hat_sqrt}


def radam_update(g, state, params, t, hp):
    b1, b2 = hp["beta1"], hp["beta2"]
    lr = _gamma(hp)
    g = g + hp["weight_decay"] * params
    m = _lerp(state["m"], g, 1 - b1)
    v = state["v"] * b2 + (1 - b2) * g * g
    bc1 = 1 - b1**t
    bc2 = 1 - b2**t
    m_hat = m / bc1
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    with np.errstate(invalid="ignore", divide="ignore"):  # r_t is only used where ρ_t > 5
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    adaptive = (bc2**0.5) / (np.sqrt(v) + hp["eps"])
    rectified = m_hat * lr * adaptive * rect
    plain = m_hat * lr
    new = params - _select(rho_t > 5.0, rectified, plain)
    return new, {"m": m, "v": v, "vmax": state["vmax"], "m_hat": m_hat,
                 "v_hat_sqrt": np.sqrt(v) / bc2**0.5}


def _as_plain(rule):
    """A rule that has no fast path, called the way the plain transcriptions are (γ_t from hp)."""
    def plain(g, state, params, t, hp):
        return rule(g, state, params, t, hp, rules.Step(gamma=hp["lr"] * hp["eta"], eta=hp["eta"]))
    return plain


PLAIN = {rules.sgd_update: sgd_update, rules.adagrad_update: adagrad_update,
         rules.rmsprop_update: rmsprop_update, rules.adam_update: adam_update,
         rules.adam_nobc_update: adam_nobc_update, rules.adamw_update: adamw_update,
         rules.adamprox_update: adamprox_update, rules.adamax_update: adamax_update,
         rules.nadam_update: nadam_update, rules.radam_update: radam_update,
         rules.lion_update: _as_plain(rules.lion_update),
         rules.adabelief_update: _as_plain(rules.adabelief_update)}

HP_VARIANTS = [dict(), dict(weight_decay=0.1), dict(weight_decay=np.array([0.0, 0.3, 0.0, 1.0])),
               dict(lr=np.array([1e-3, 1e-2, 0.1, 1.0])), dict(beta1=0.3), dict(beta1=np.array([0.0, 0.4, 0.6, 0.9])),
               dict(momentum=0.9), dict(momentum=np.array([0.0, 0.5, 0.9, 0.0])), dict(dampening=0.5, momentum=0.9),
               dict(centered=True), dict(centered=True, momentum=0.5), dict(amsgrad=True), dict(eps=0.0),
               dict(nesterov=True, momentum=0.9), dict(decay="schedule", weight_decay=0.1), dict(lr_decay=0.1),
               dict(initial_accumulator_value=0.5), dict(alpha=0.5)]


def _hp_for(name, variant):
    known = {h.name for h in optimizers.spec(name).hparams}
    hp = {k: v for k, v in variant.items() if k in known}
    if len(hp) != len(variant):
        return None
    try:
        opt = optimizers.get(name, **hp)
    except ValueError:
        return None
    return {k: (v.reshape(-1, 1) if isinstance(v, np.ndarray) else v) for k, v in opt.hp.items()}


def _state_equal(name, a, b, hp, live):
    """States agree on the rows whose θ is finite. (A row with a non-finite θ is dead and masked
    by the runner; there the plain rule's `+ 0·θ` makes NaN of a state torch's rule keeps.)"""
    for k in set(a) & set(b):
        if k == "buf" and not isinstance(hp.get("momentum"), np.ndarray) and hp.get("momentum") == 0:
            continue                            # μ = 0: the buffer is never read (torch keeps none)
        if a[k] is None or b[k] is None:
            continue
        if np.ndim(a[k]) == 2:
            assert _same(a[k][live], b[k][live]), (name, k)
        else:
            assert _same(a[k], b[k]), (name, k)


RULE_CASES = [(n, vi) for n in optimizers.names() for vi in range(len(HP_VARIANTS))
              if _hp_for(n, HP_VARIANTS[vi]) is not None]


@pytest.mark.parametrize("name,vi", RULE_CASES, ids=[f"{n}-{vi}" for n, vi in RULE_CASES])
def test_rules_equal_their_plain_transcription(name, vi):
    hp = _hp_for(name, HP_VARIANTS[vi])
    spec = optimizers.spec(name)
    if spec.update not in PLAIN:
        pytest.skip(f"{name}: its rule has no plain transcription here (a registered optimizer's "
                    "rule is its own plain version; add one to PLAIN if it gets a fast path)")
    rng = np.random.default_rng(vi)
    params = rng.uniform(-2, 2, (4, 2))
    params[0, 0] = 0.0
    fast_state = spec.init(params, hp)
    plain_state = spec.init(params, hp)
    fast_p = plain_p = params
    with np.errstate(all="ignore"):
        for t in range(1, 40):
            g = rng.standard_normal((4, 2)) * 10.0 ** rng.integers(-3, 3)
            g[1, 1] = 0.0 if t % 3 else -0.0
            eta = 1.0 / (1 + 0.1 * t)
            arrays = {k: v.copy() for k, v in fast_state.items() if isinstance(v, np.ndarray)}
            g_in, p_in = g.copy(), fast_p.copy()
            outs = [spec.update(g, fast_state, fast_p, t, hp,
                                rules.Step(gamma=hp["lr"] * eta, eta=eta, diagnostics=d))
                    for d in (True, False)]
            assert _same(g, g_in) and _same(fast_p, p_in), "a rule wrote into its input"
            assert all(_same(fast_state[k], v) for k, v in arrays.items()), "a rule wrote into its state"
            new_p, st_p = PLAIN[spec.update](g, plain_state, plain_p, t, {**hp, "eta": eta})
            live = np.isfinite(plain_p).all(axis=1)
            for new_f, st_f in outs:
                assert _same(new_f, new_p), (name, vi, t)
                _state_equal(name, st_f, st_p, hp, live)
            fast_p, fast_state = outs[0]
            plain_p, plain_state = new_p, st_p


# -------------------------------------------------------------------------------------- runner
def _kill(theta, bound):
    ok = (np.abs(theta) <= bound).all(axis=1)
    if not ok.all():
        theta = theta.copy()
        theta[~ok] = np.nan
    return theta


def plain_run(opts, surface, starts, steps, seed):
    """The runner as it was: a kill check at every step, the plain rules, plain autograd."""
    from optimizers import schedules
    from optimizers.runner import _rows_for
    blocks, hps, lo = [], [], 0
    for opt in opts:
        rows, hp = _rows_for(opt, starts)
        blocks.append((lo, lo + rows.shape[0], rows))
        hps.append(hp)
        lo += rows.shape[0]
    N = lo
    theta = np.concatenate([b[2] for b in blocks], axis=0)
    points, losses, grads = np.empty((steps + 1, N, 2)), np.empty((steps + 1, N)), np.empty((steps + 1, N, 2))
    etas = [schedules.eta(hp["schedule"], steps, hp["warmup"], hp["step_every"]) for hp in hps]
    oracle = surface.oracle(seed, steps)
    with np.errstate(all="ignore"):
        theta = _kill(theta, surface.bound)
        states = [o.spec.init(theta[a:b], hp) for o, hp, (a, b, _) in zip(opts, hps, blocks)]
        f, g = oracle(theta, 0)
        points[0], losses[0], grads[0] = theta, f, g
        for t in range(1, steps + 1):
            new = np.empty_like(theta)
            for i, (o, hp, (a, b, _)) in enumerate(zip(opts, hps, blocks)):
                hp["eta"] = etas[i][t - 1]
                new[a:b], states[i] = PLAIN[o.spec.update](g[a:b], states[i], theta[a:b], t, hp)
            theta = _kill(new, surface.bound)
            f, g = oracle(theta, t)
            points[t], losses[t], grads[t] = theta, f, g
    dead = np.isnan(points).any(axis=-1)
    losses[dead] = np.nan
    grads[dead] = np.nan
    first = np.where(dead.any(axis=0), dead.argmax(axis=0), -1)
    return points, losses, grads, first


RUN_CASES = [
    ("rosenbrock", {}, ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"], {}),
    ("beale", {"noise": 0.5, "dropout": 0.2}, optimizers.names(), {}),
    ("quadratic", {"kappa": 1e4, "angle": 30.0}, optimizers.names(), {"lr": 0.5}),     # many diverge
    ("logistic", {"batch": 8, "rare": 0.1}, ["adam", "sgd", "adagrad", "amsgrad"], {"schedule": "cosine"}),
    ("himmelblau", {"sparse": 0.3, "scale_x": 100.0}, ["rmsprop", "adamprox", "nadam", "radam"],
     {"warmup": 10, "schedule": "inverse_sqrt"}),
]


def _mk(name, extra):
    known = {h.name for h in optimizers.spec(name).hparams}
    return optimizers.get(name, **{k: v for k, v in extra.items() if k in known})


@pytest.mark.parametrize("case", range(len(RUN_CASES)))
def test_runner_equals_the_plain_runner(case, monkeypatch):
    surf, sp, names, extra = RUN_CASES[case]
    s = surfaces.get(surf, **sp)
    opts = [_mk(n, extra) for n in names]
    starts = np.array([s.start, (s.start[0] + 0.3, s.start[1] - 0.2), (1e9, 0.0)])  # one dead at 0
    trs = optimizers.run(opts, s, start=starts, steps=120, seed=7)
    monkeypatch.setattr(fastgrad, "replay_for", lambda f, P: None)       # plain autograd from here
    points, losses, grads, first = plain_run(opts, s, starts, 120, seed=7)
    a = 0
    for tr in trs:
        b = a + tr.points.shape[1]
        assert _same(tr.points, points[:, a:b]), tr.optimizer
        assert _same(tr.losses, losses[:, a:b]), tr.optimizer
        assert _same(tr.grads, grads[:, a:b]), tr.optimizer
        assert list(tr.diverged_at) == list(first[a:b]), tr.optimizer
        a = b
    assert (first[2::3] == 0).all()
    assert (first >= 0).sum() > len(opts) or case != 2          # the diverging case really diverges


def test_runner_per_row_hyperparameters_equal_the_plain_runner(monkeypatch):
    s = surfaces.get("rosenbrock", noise=0.1)
    lr = np.geomspace(1e-4, 3.0, 12)
    opts = [optimizers.get("adam", lr=lr), optimizers.get("momentum", lr=lr / 10, momentum=np.linspace(0, 0.99, 12))]
    trs = optimizers.run(opts, s, steps=80, seed=3)
    monkeypatch.setattr(fastgrad, "replay_for", lambda f, P: None)
    points, losses, _, first = plain_run(opts, s, np.asarray([s.start]), 80, seed=3)
    assert _same(np.concatenate([t.points for t in trs], axis=1), points)
    assert _same(np.concatenate([t.losses for t in trs], axis=1), losses)
    assert list(np.concatenate([t.diverged_at for t in trs])) == list(first)


def test_recording_options_do_not_change_the_paths():
    s = surfaces.get("beale", noise=0.3)
    opts = [optimizers.get(n) for n in ("adam", "adamw", "nadam", "sgd")]
    full = optimizers.run(opts, s, steps=60, seed=1)
    lean = optimizers.run(opts, s, steps=60, seed=1, diagnostics=False, record_grads=False)
    for a, b in zip(full, lean):
        assert _same(a.points, b.points) and _same(a.losses, b.losses)
        assert a.diverged_at == b.diverged_at
        assert b.grads is None and b.m_hat is None and b.v_hat_sqrt is None
    assert full[0].m_hat is not None and full[0].grads is not None


def test_dead_rows_are_nan_everywhere_from_the_step_they_died():
    s = surfaces.get("quadratic", kappa=100.0)
    tr = optimizers.run(optimizers.get("sgd", lr=np.array([1e-3, 0.01, 0.5])), s, steps=50)
    d = tr.diverged_at
    assert d[0] == -1 and d[1] == -1 and d[2] > 0
    k = d[2]
    for arr in (tr.points, tr.losses, tr.grads):
        assert np.isnan(arr[k:, 2]).all() and np.isfinite(arr[:k, 2]).all()
    assert np.isfinite(tr.points[:, :2]).all()


def test_caps_refuse_with_a_clear_message():
    s = surfaces.get("rosenbrock")
    with pytest.raises(ValueError, match=r"run-steps .*limit is 10,000,000"):
        optimizers.run("adam", s, start=np.zeros((5000, 2)), steps=2000)
    with pytest.raises(ValueError, match="limit is 20,000 runs"):
        optimizers.run("adam", s, start=np.zeros((20_001, 2)), steps=1)
    assert optimizers.run("adam", s, start=np.zeros((4096, 2)), steps=500,
                          diagnostics=False, record_grads=False).points.shape == (501, 4096, 2)


def test_replay_runs_only_on_the_autograd_releases_it_was_checked_against(monkeypatch):
    import importlib.metadata
    assert fastgrad.REPLAY_ENABLED == fastgrad._autograd_checked()
    monkeypatch.setattr(fastgrad, "version", lambda name: "1.10.0")
    assert not fastgrad._autograd_checked()
    monkeypatch.setattr(fastgrad, "version", lambda name: "1.9.1")
    assert fastgrad._autograd_checked()
    monkeypatch.setattr(fastgrad, "REPLAY_ENABLED", False)
    fastgrad._last = (None, None, None)
    s = surfaces.get("rosenbrock")
    assert fastgrad.replay_for(s.f, np.zeros((3, 2))) is None          # plain autograd then
    assert importlib.metadata.version("autograd").startswith(fastgrad.CHECKED_AUTOGRAD)
