r"""Every optimizer's update rule, next to its formula.

A rule is a pair of pure functions over a batch of runs (optax's shape):

    init(params, hp) -> state
    update(g, state, params, t, hp, ctx) -> (new_params, new_state)

`params` and `g` have shape (B, 2), one row per run. `t` = 1, 2, … counts updates. `hp` maps the
hyperparameter names of the registry to values; numeric ones are floats or arrays of shape (B, 1)
(a sweep gives each row its own value), switches (`nesterov`, `centered`, `amsgrad`, `decay`) are
plain Python values. `ctx` (a Step, below) is what the runner decides per update: the step size
γ_t = lr · η_t, the schedule's η_t, whether anyone reads the diagnostics, and the extra oracle
outputs the entry declared it needs. Nothing here loops over rows.

The arithmetic follows torch.optim's single-tensor code path operation by operation (lerp for the
first moment, addcmul/addcdiv order), so that trajectories agree with torch to the last few bits.
Like torch, a term whose hyperparameter is a plain 0 (weight decay, momentum) is skipped rather than
computed as `+ 0·θ`. Adam-family rules also leave `m_hat` and `v_hat_sqrt` in their state for the
diagnostics (`ctx.diagnostics` is False when nobody will read them, and Adam then skips m̂).

Speed: the hot rules (SGD family, AdaGrad, RMSProp, the Adam family) make each new array once and
then work on it in place (`m *= w`), so a step makes few temporaries; the operations and their order
are unchanged, and the inputs are never written to (the rules stay pure). tests/test_fastpath.py
checks every rule against a plain transcription, bit for bit.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(slots=True)
class Step:
    """What the runner hands a rule at update t, besides g, the state, θ and the hyperparameters.

    gamma: γ_t = lr · η_t (an array (B, 1) when lr is per row). eta: η_t, the schedule alone.
    diagnostics: False when nobody reads m_hat / v_hat_sqrt. Oracle outputs an entry declares in
    `needs` (None otherwise): loss, f(θ_{t-1}) per row (B,); hvp, a function v ↦ ∇²f(θ_{t-1}) v
    for v of shape (B, 2) (on the noise-free f).
    """

    gamma: Any = 1.0
    eta: float = 1.0
    diagnostics: bool = True
    loss: Any = None
    hvp: Callable | None = None


# --------------------------------------------------------------------------------------- helpers
_UNIQUE: dict = {}      # ids of hp arrays → (weak references, distinct values, each row's index)


def _distinct(arrays):
    """The distinct rows of the (B, 1) hyperparameter arrays side by side, as one list of Python
    floats per array, and each row's index among them; worked out once per run (the arrays live
    as long as the run)."""
    key = tuple(map(id, arrays))
    hit = _UNIQUE.get(key)
    if hit is None or not all(r() is a for r, a in zip(hit[0], arrays)):
        cols = np.broadcast_arrays(*arrays)
        values, where = np.unique(np.concatenate([c.reshape(-1, 1) for c in cols], axis=1),
                                  axis=0, return_inverse=True)
        refs = tuple(weakref.ref(a, lambda _, k=key: _UNIQUE.pop(k, None)) for a in arrays)
        hit = _UNIQUE[key] = (refs, [list(c) for c in values.T.tolist()],
                              where.reshape(cols[0].shape))
    return hit[1], hit[2]


def _each(fn, *hps):
    """fn(*hps) for hyperparameters that may be per-row arrays (a sweep), in Python floats, once per
    distinct value. fn holds only scalar arithmetic (β^t and the like): NumPy's power over an array
    runs SIMD code that on some processors (AVX-512) differs from the C library's pow in the last
    bit, and a sweep's row must be the very run one gets alone (and that torch computes)."""
    arrays = [h for h in hps if isinstance(h, np.ndarray)]
    if not arrays:
        return fn(*hps)
    cols, where = _distinct(arrays)
    n, it = len(cols[0]), iter(cols)
    args = [next(it) if isinstance(h, np.ndarray) else [h] * n for h in hps]
    return np.array(list(map(fn, *args)), dtype=np.float64)[where]


def _lerp(a, b, w):
    """torch.lerp: a + w(b - a), computed from the nearer end for accuracy (as torch does)."""
    if not isinstance(w, np.ndarray):  # a plain number (np.ndim would cost 1 µs per call)
        d = b - a                       # one new array, then in place: the same three operations
        if abs(w) < 0.5:
            d *= w
            d += a                      # a + w(b - a)
        else:
            d *= 1 - w
            np.subtract(b, d, out=d)    # b - (b - a)(1 - w)
        return d
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def _is_zero(x) -> bool:
    """A plain (not per-row) hyperparameter equal to 0: torch skips the term it scales."""
    return not isinstance(x, np.ndarray) and x == 0


def _l2(g, params, wd):
    """g + λθ (coupled weight decay), skipped when λ is a plain 0, as torch does."""
    return g if _is_zero(wd) else g + wd * params


def _ema_sq(v, g, beta):
    """β v + (1-β) g², in torch's order (v.mul_(β).addcmul_(g, g, value=1-β)): (v·β) + ((1-β)·g)·g."""
    v = v * beta
    gg = (1 - beta) * g
    gg *= g
    v += gg
    return v


def _select(cond, a, b):
    """`a if cond else b`, for a scalar or a per-row (B, 1) condition."""
    if not isinstance(cond, np.ndarray):
        return a if cond else b
    return np.where(cond, a, b)


def _zeros(params):
    return np.zeros_like(params, dtype=np.float64)


# ------------------------------------------------------------------------------------ SGD family
SGD_LATEX = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}\\
b_t &\leftarrow \mu\, b_{t-1} + (1-\tau)\, g_t \qquad (b_1 = g_1)\\
d_t &\leftarrow \begin{cases} g_t + \mu\, b_t & \text{Nesterov}\\ b_t & \text{heavy ball}\end{cases}\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, d_t
\end{aligned}"""


def sgd_init(params, hp):
    return {"buf": _zeros(params)}


def sgd_update(g, state, params, t, hp, ctx):
    mu, tau = hp["momentum"], hp["dampening"]
    g = _l2(g, params, hp["weight_decay"])
    if _is_zero(mu):  # plain gradient descent, whatever τ says; no buffer (torch keeps none)
        return params + (-ctx.gamma) * g, state
    if t == 1:
        buf = g.copy()
    else:
        buf = state["buf"] * mu
        buf += (1 - tau) * g
    d = g + mu * buf if hp["nesterov"] else buf
    d = _select(mu != 0, d, g)  # per-row μ: rows with μ = 0 are plain gradient descent
    return params + (-ctx.gamma) * d, {"buf": buf}


# --------------------------------------------------------------------------------------- AdaGrad
ADAGRAD_LATEX = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}\\
s_t &\leftarrow s_{t-1} + g_t^2 \qquad (s_0 = \text{initial accumulator})\\
\theta_t &\leftarrow \theta_{t-1} - \frac{\gamma_t}{1+(t-1)\,\delta}\,\frac{g_t}{\sqrt{s_t} + \epsilon}
\end{aligned}"""


def adagrad_init(params, hp):
    return {"sum": np.full_like(params, 1.0, dtype=np.float64) * hp["initial_accumulator_value"]}


def adagrad_update(g, state, params, t, hp, ctx):
    g = _l2(g, params, hp["weight_decay"])
    clr = ctx.gamma / (1 + (t - 1) * hp["lr_decay"])
    s = g * g
    s += state["sum"]               # s + g·g (addcmul with value 1)
    std = np.sqrt(s)
    std += hp["eps"]
    step = g / std
    step *= -clr
    return params + step, {"sum": s}


# --------------------------------------------------------------------------------------- RMSProp
RMSPROP_LATEX = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}\\
v_t &\leftarrow \alpha\, v_{t-1} + (1-\alpha)\, g_t^2\\
\bar g_t &\leftarrow \alpha\, \bar g_{t-1} + (1-\alpha)\, g_t \quad\text{(centered only; then } v_t \to v_t - \bar g_t^2)\\
b_t &\leftarrow \mu\, b_{t-1} + g_t / (\sqrt{v_t} + \epsilon)\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, b_t
\end{aligned}"""


def rmsprop_init(params, hp):
    return {"sq": _zeros(params), "avg": _zeros(params), "buf": _zeros(params)}


def rmsprop_update(g, state, params, t, hp, ctx):
    alpha, mu = hp["alpha"], hp["momentum"]
    g = _l2(g, params, hp["weight_decay"])
    sq = _ema_sq(state["sq"], g, alpha)
    avg = state["avg"]
    if hp["centered"]:
        avg = _lerp(avg, g, 1 - alpha)
        denom = np.sqrt(sq + (-1.0 * avg) * avg)
    else:
        denom = np.sqrt(sq)
    denom += hp["eps"]
    g_over = g / denom
    if _is_zero(mu):                # no momentum buffer, as torch
        g_over *= -ctx.gamma
        return params + g_over, {"sq": sq, "avg": avg, "buf": state["buf"]}
    buf = state["buf"] * mu
    buf += g_over
    d = _select(mu > 0, buf, g_over)
    return params + (-ctx.gamma) * d, {"sq": sq, "avg": avg, "buf": buf}


# ---------------------------------------------------------------------- Adam, AMSGrad, AdamW, …
ADAM_LATEX = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \quad\text{(L2: Adam-}\ell_2)\\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
\hat m_t &\leftarrow m_t/(1-\beta_1^t) \qquad \hat v_t \leftarrow v_t/(1-\beta_2^t)\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)
\end{aligned}"""

AMSGRAD_LATEX = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
v^{\max}_t &\leftarrow \max(v^{\max}_{t-1}, v_t) \qquad \hat v_t \leftarrow v^{\max}_t/(1-\beta_2^t)\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, \frac{m_t/(1-\beta_1^t)}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}"""

ADAM_NOBC_LATEX = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, m_t / (\sqrt{v_t} + \epsilon)
\quad\text{(no bias correction)}
\end{aligned}"""

ADAMW_LATEX = r"""
\begin{aligned}
\theta' &\leftarrow \theta_{t-1}\,(1 - c_t\lambda), \qquad c_t = \gamma_t \text{ or } \eta_t\\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
\theta_t &\leftarrow \theta' - \gamma_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)
\end{aligned}"""

ADAMPROX_LATEX = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
\theta_t &\leftarrow \frac{\theta_{t-1} - \gamma_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)}{1 + c_t\lambda},
\qquad c_t = \gamma_t \text{ or } \eta_t
\end{aligned}"""


def adam_init(params, hp):
    return {"m": _zeros(params), "v": _zeros(params), "vmax": _zeros(params)}


def _adam_direction(g, state, t, hp, ctx, bias_correction=True):
    """Shared by the Adam family: moments, bias correction, and the step m̂/(√v̂ + ε) · γ/bc1 terms.

    Returns (step, new_state) with θ_new = θ + step, in torch's order of operations:
    θ.addcdiv_(m, √v/√bc2 + ε, value=-γ/bc1).
    """
    b1, b2 = hp["beta1"], hp["beta2"]
    m = _lerp(state["m"], g, 1 - b1)
    v = _ema_sq(state["v"], g, b2)
    ams = hp.get("amsgrad")
    vmax = np.maximum(state["vmax"], v) if ams else state["vmax"]
    v_used = vmax if ams else v
    v_hat_sqrt = np.sqrt(v_used)
    if bias_correction:
        bc1 = _each(lambda b: 1 - b**t, b1)
        bc2_sqrt = _each(lambda b: (1 - b**t) ** 0.5, b2)
        step_size = ctx.gamma / bc1
        v_hat_sqrt /= bc2_sqrt
        m_hat = m / bc1 if ctx.diagnostics else None  # only the diagnostics read it
    else:
        step_size = ctx.gamma
        m_hat = m
    step = v_hat_sqrt + hp["eps"]   # the denominator, then the step in place
    np.divide(m, step, out=step)
    step *= -step_size
    return step, {"m": m, "v": v, "vmax": vmax, "m_hat": m_hat, "v_hat_sqrt": v_hat_sqrt}


def adam_update(g, state, params, t, hp, ctx):
    g = _l2(g, params, hp["weight_decay"])  # Adam's weight decay is L2: it enters m and v
    step, state = _adam_direction(g, state, t, hp, ctx)
    return params + step, state


def adam_nobc_update(g, state, params, t, hp, ctx):
    g = _l2(g, params, hp["weight_decay"])
    step, state = _adam_direction(g, state, t, hp, ctx, bias_correction=False)
    return params + step, state


def _decay_factor(hp, ctx):
    """c_t in θ(1 - c_t λ): γ_t (torch/optax convention) or η_t (Loshchilov & Hutter, Zhuang et al.)."""
    return ctx.gamma if hp["decay"] == "lr" else ctx.eta


def adamw_update(g, state, params, t, hp, ctx):
    step, state = _adam_direction(g, state, t, hp, ctx)
    if not _is_zero(hp["weight_decay"]):  # decoupled: m, v see the raw g
        params = params * (1 - _decay_factor(hp, ctx) * hp["weight_decay"])
    step += params
    return step, state


def adamprox_update(g, state, params, t, hp, ctx):
    step, state = _adam_direction(g, state, t, hp, ctx)
    # exact proximal step of (c λ/2)‖θ‖² after the Adam step; AdamW is its first-order Taylor form
    return (params + step) / (1 + _decay_factor(hp, ctx) * hp["weight_decay"]), state


# ---------------------------------------------------------------------------------------- AdaMax
ADAMAX_LATEX = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
u_t &\leftarrow \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon)\\
\theta_t &\leftarrow \theta_{t-1} - \frac{\gamma_t}{1-\beta_1^t}\, \frac{m_t}{u_t}
\end{aligned}"""


def adamax_init(params, hp):
    return {"m": _zeros(params), "u": _zeros(params)}


def adamax_update(g, state, params, t, hp, ctx):
    b1 = hp["beta1"]
    g = _l2(g, params, hp["weight_decay"])
    m = _lerp(state["m"], g, 1 - b1)
    u = np.maximum(state["u"] * hp["beta2"], np.abs(g) + hp["eps"])
    bc1 = _each(lambda b: 1 - b**t, b1)
    clr = ctx.gamma / bc1
    new = params + (-clr) * (m / u)
    return new, {"m": m, "u": u, "m_hat": m / bc1, "v_hat_sqrt": u}


# ----------------------------------------------------------------------------------------- NAdam
NADAM_LATEX = r"""
\begin{aligned}
\mu_t &= \beta_1\bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr) \qquad \Pi_t = \textstyle\prod_{i\le t}\mu_i\\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \qquad
v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
\theta_t &\leftarrow \theta_{t-1} - \frac{\gamma_t(1-\mu_t)}{1-\Pi_t}\,\frac{g_t}{\sqrt{\hat v_t}+\epsilon}
 - \frac{\gamma_t\,\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\,\frac{m_t}{\sqrt{\hat v_t}+\epsilon}
\end{aligned}"""


def nadam_init(params, hp):
    state = adam_init(params, hp)
    state["mu_product"] = 1.0
    return state


def nadam_update(g, state, params, t, hp, ctx):
    b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    lr = ctx.gamma
    g = _l2(g, params, hp["weight_decay"])
    bc2 = _each(lambda b: 1 - b**t, b2)
    mu = _each(lambda b, p: b * (1.0 - 0.5 * (0.96 ** (t * p))), b1, psi)
    mu_next = _each(lambda b, p: b * (1.0 - 0.5 * (0.96 ** ((t + 1) * p))), b1, psi)
    mu_product = state["mu_product"] * mu
    m = _lerp(state["m"], g, 1 - b1)
    v = state["v"] * b2 + (1 - b2) * g * g
    v_hat_sqrt = np.sqrt(v / bc2)
    denom = v_hat_sqrt + hp["eps"]
    mu_product_next = mu_product * mu_next
    new = params + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    new = new + ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)
    return new, {"m": m, "v": v, "vmax": state["vmax"], "mu_product": mu_product,
                 "m_hat": m / _each(lambda b: 1 - b**t, b1), "v_hat_sqrt": v_hat_sqrt}


# ----------------------------------------------------------------------------------------- RAdam
RADAM_LATEX = r"""
\begin{aligned}
\rho_\infty &= \tfrac{2}{1-\beta_2} - 1 \qquad \rho_t = \rho_\infty - \tfrac{2t\beta_2^t}{1-\beta_2^t}\\
r_t &= \sqrt{\tfrac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}} \qquad
l_t = \tfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\,\hat m_t\cdot\begin{cases} r_t\, l_t & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}
\end{aligned}"""


def _radam_rho(t, b2):
    """ρ_t and ρ_∞ for one β₂, in floats."""
    rho_inf = 2 / (1 - b2) - 1
    return rho_inf - 2 * t * (b2**t) / (1 - b2**t), rho_inf


def _radam_rect(rho_t, rho_inf):
    """r_t, in floats; NaN where the root is not real (r_t is used only where ρ_t > 5)."""
    try:
        r = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
    except ZeroDivisionError:       # β₂ = 0.6 or 1/3: ρ_∞ = 4 or 2
        return float("nan")
    return r ** 0.5 if r >= 0 else float("nan")


def radam_update(g, state, params, t, hp, ctx):
    b1, b2 = hp["beta1"], hp["beta2"]
    lr = ctx.gamma
    g = _l2(g, params, hp["weight_decay"])
    m = _lerp(state["m"], g, 1 - b1)
    v = state["v"] * b2 + (1 - b2) * g * g
    bc1 = _each(lambda b: 1 - b**t, b1)
    m_hat = m / bc1
    rho_t = _each(lambda b: _radam_rho(t, b)[0], b2)
    rect = _each(lambda b: _radam_rect(*_radam_rho(t, b)), b2)   # used only where ρ_t > 5
    bc2_sqrt = _each(lambda b: (1 - b**t) ** 0.5, b2)
    adaptive = bc2_sqrt / (np.sqrt(v) + hp["eps"])
    rectified = m_hat * lr * adaptive * rect
    plain = m_hat * lr
    new = params - _select(rho_t > 5.0, rectified, plain)
    return new, {"m": m, "v": v, "vmax": state["vmax"], "m_hat": m_hat,
                 "v_hat_sqrt": np.sqrt(v) / bc2_sqrt}


# ------------------------------------------------------------------------------------------ Lion
LION_LATEX = r"""
\begin{aligned}
c_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
\theta_t &\leftarrow \theta_{t-1}(1-\gamma_t\lambda) - \gamma_t\,\operatorname{sign}(c_t)\\
m_t &\leftarrow \beta_2 m_{t-1} + (1-\beta_2)\, g_t
\end{aligned}"""


def lion_init(params, hp):
    return {"m": _zeros(params)}


def lion_update(g, state, params, t, hp, ctx):
    b1, b2, lr = hp["beta1"], hp["beta2"], ctx.gamma
    c = b1 * state["m"] + (1 - b1) * g
    new = params * (1 - lr * hp["weight_decay"]) - lr * np.sign(c)
    return new, {"m": b2 * state["m"] + (1 - b2) * g}


# ------------------------------------------------------------------------------------- AdaBelief
ADABELIEF_LATEX = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t\\
s_t &\leftarrow \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \epsilon\\
\theta_t &\leftarrow \theta_{t-1} - \gamma_t\, \frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}
\end{aligned}"""


def adabelief_init(params, hp):
    return {"m": _zeros(params), "s": _zeros(params)}


def adabelief_update(g, state, params, t, hp, ctx):
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    m = b1 * state["m"] + (1 - b1) * g
    s = b2 * state["s"] + (1 - b2) * (g - m) ** 2 + eps
    m_hat = m / _each(lambda b: 1 - b**t, b1)
    s_hat_sqrt = np.sqrt(s / _each(lambda b: 1 - b**t, b2))
    new = params - ctx.gamma * m_hat / (s_hat_sqrt + eps)
    return new, {"m": m, "s": s, "m_hat": m_hat, "v_hat_sqrt": s_hat_sqrt}
