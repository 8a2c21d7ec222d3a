"""The one registry: every optimizer's name, rule, hyperparameters and formula.

The UI (controls), the URL codec, the CLI and the tests all read this table; adding an optimizer is
one rule in rules.py and one entry here. Defaults are torch.optim's where torch has the optimizer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from optviz.params import HParam

from . import rules, schedules


@dataclass(frozen=True)
class OptimizerSpec:
    name: str
    title: str
    family: str                      # "sgd" (step ∝ gradient), "adaptive" (step ≈ lr) or
                                     # "accumulating" (AdaGrad: step ≈ lr/√t); picks the surface's lr hint
    init: Callable
    update: Callable
    hparams: tuple[HParam, ...]
    latex: str
    description: str
    adam_family: bool = False        # records m̂ and √v̂ for the diagnostics
    paper: str = ""

    def hparam(self, name: str) -> HParam:
        for h in self.hparams:
            if h.name == name:
                return h
        raise KeyError(name)

    @property
    def defaults(self) -> dict:
        return {h.name: h.default for h in self.hparams}


# ---------------------------------------------------------------- shared hyperparameter builders
def _lr(default):
    return HParam("lr", default, 0.0, 1e3, log=True, symbol=r"\gamma", lo_open=True,
                  help="learning rate: the base step size γ")


def _beta1(default=0.9):
    return HParam("beta1", default, 0.0, 1.0, symbol=r"\beta_1", hi_open=True,
                  help="decay of the first-moment (momentum) average")


def _beta2(default=0.999):
    return HParam("beta2", default, 0.0, 1.0, symbol=r"\beta_2", hi_open=True,
                  help="decay of the second-moment average: its memory is about 1/(1-β2) steps")


def _eps(default):
    return HParam("eps", default, 0.0, 1.0, log=True, symbol=r"\epsilon",
                  help="added to the denominator for stability; ε = 0 makes the step scale-invariant")


def _wd(default=0.0, help="L2 penalty added to the gradient: g ← g + λθ"):
    return HParam("weight_decay", default, 0.0, 10.0, symbol=r"\lambda", help=help)


_SCHEDULE = (
    HParam("schedule", "constant", kind="choice", choices=schedules.SCHEDULES, symbol=r"\eta_t",
           help="step-size schedule γ_t = lr · η_t"),
    HParam("warmup", 0, 0, 20000, kind="int", symbol="w",
           help="linear warmup over w steps (0: none)"),
    HParam("step_every", 100, 1, 20000, kind="int", symbol="k",
           help="for the step schedule: divide by 10 every k steps"),
)
_AMSGRAD = HParam("amsgrad", False, kind="bool", help="use the running maximum of v (AMSGrad)")
_DECAY = HParam("decay", "lr", kind="choice", choices=("lr", "schedule"),
                help="weight decay per step is γ_t·λ (\"lr\", torch/optax) or η_t·λ (\"schedule\", "
                     "Loshchilov & Hutter; Zhuang et al.)")
_DECOUPLED = "decoupled weight decay: θ ← θ(1 - c_t λ), not seen by m and v"


def _sgd_hparams(momentum=0.0, nesterov=False):
    return (
        _lr(1e-3),
        HParam("momentum", momentum, 0.0, 1.0, symbol=r"\mu", hi_open=True,
               help="heavy-ball momentum: how much of the previous direction is kept"),
        HParam("dampening", 0.0, 0.0, 1.0, symbol=r"\tau",
               help="scales the new gradient in the momentum buffer by 1 - τ"),
        _wd(),
        HParam("nesterov", nesterov, kind="bool",
               help="look-ahead (Nesterov) momentum: step along g + μb"),
    ) + _SCHEDULE


def _adam_hparams(lr=1e-3, wd=0.0, wd_help=None, amsgrad=False, decay=False):
    hp = (_lr(lr), _beta1(), _beta2(), _eps(1e-8),
          _wd(wd, wd_help) if wd_help else _wd(wd), replace(_AMSGRAD, default=amsgrad))
    return hp + ((_DECAY,) if decay else ()) + _SCHEDULE


def _entry(**kw) -> OptimizerSpec:
    return OptimizerSpec(**kw)


_SGD_RULE = dict(init=rules.sgd_init, update=rules.sgd_update, latex=rules.SGD_LATEX, family="sgd")
_ADAM_RULE = dict(init=rules.adam_init, family="adaptive", adam_family=True)

REGISTRY: Mapping[str, OptimizerSpec] = MappingProxyType({s.name: s for s in (
    _entry(name="sgd", title="SGD", hparams=_sgd_hparams(), **_SGD_RULE,
           description="Plain gradient descent: the step is the gradient times γ, so it is as large "
                       "as the slope and as ill-conditioned as the problem."),
    _entry(name="momentum", title="Momentum", hparams=_sgd_hparams(momentum=0.9), **_SGD_RULE,
           description="Heavy-ball momentum: a running sum of past gradients, so consistent "
                       "directions accelerate and oscillations across a valley cancel."),
    _entry(name="nesterov", title="Nesterov", hparams=_sgd_hparams(momentum=0.9, nesterov=True),
           **_SGD_RULE,
           description="Nesterov momentum: steps along g + μb, a look-ahead that brakes earlier "
                       "than heavy ball when the slope turns."),
    _entry(name="adagrad", title="AdaGrad", family="accumulating",
           init=rules.adagrad_init, update=rules.adagrad_update, latex=rules.ADAGRAD_LATEX,
           hparams=(_lr(1e-2),
                    HParam("lr_decay", 0.0, 0.0, 1.0, symbol=r"\delta",
                           help="γ_t / (1 + (t-1)δ)"),
                    _wd(),
                    HParam("initial_accumulator_value", 0.0, 0.0, 10.0, symbol="s_0",
                           help="starting value of the squared-gradient sum"),
                    _eps(1e-10)) + _SCHEDULE,
           description="Divides each coordinate's step by the root of its summed squared gradients: "
                       "rare coordinates keep large steps (good for sparse features), but the sum "
                       "only grows, so steps shrink for ever."),
    _entry(name="rmsprop", title="RMSProp", family="adaptive",
           init=rules.rmsprop_init, update=rules.rmsprop_update, latex=rules.RMSPROP_LATEX,
           hparams=(_lr(1e-2),
                    HParam("alpha", 0.99, 0.0, 1.0, symbol=r"\alpha", hi_open=True,
                           help="decay of the squared-gradient average"),
                    _eps(1e-8), _wd(),
                    HParam("momentum", 0.0, 0.0, 1.0, symbol=r"\mu", hi_open=True,
                           help="momentum on the normalised step"),
                    HParam("centered", False, kind="bool",
                           help="divide by the variance estimate v - ḡ² instead of v")) + _SCHEDULE,
           description="AdaGrad with a forgetting average of squared gradients: the step is "
                       "normalised per coordinate and does not shrink for ever. No bias correction."),
    _entry(name="adam", title="Adam", update=rules.adam_update, latex=rules.ADAM_LATEX,
           hparams=_adam_hparams(), **_ADAM_RULE, paper="Kingma & Ba 2015, Algorithm 1",
           description="Momentum (m) divided by an RMS of gradients (√v), both bias-corrected: the "
                       "step is about γ in every coordinate whatever the gradient's scale. Its "
                       "weight decay is L2 (Adam-ℓ2): λθ passes through m and v."),
    _entry(name="adam_nobc", title="Adam, no bias correction", update=rules.adam_nobc_update,
           latex=rules.ADAM_NOBC_LATEX, hparams=_adam_hparams(), **_ADAM_RULE,
           paper="Kingma & Ba 2015, §6.4",
           description="Adam without dividing by 1-β^t (RMSProp with momentum). With β2 near 1, v "
                       "starts near 0 and the first steps are far too large."),
    _entry(name="amsgrad", title="AMSGrad", update=rules.adam_update, latex=rules.AMSGRAD_LATEX,
           hparams=_adam_hparams(amsgrad=True), **_ADAM_RULE, paper="Reddi et al. 2018",
           description="Adam with the running maximum of v: the effective step can only shrink, "
                       "which repairs Adam's non-convergence examples."),
    _entry(name="adamw", title="AdamW", update=rules.adamw_update, latex=rules.ADAMW_LATEX,
           hparams=_adam_hparams(wd=1e-2, wd_help=_DECOUPLED, decay=True), **_ADAM_RULE,
           paper="Loshchilov & Hutter 2019; Zhuang et al. 2022",
           description="Adam with decoupled weight decay: θ shrinks by (1 - cλ) outside the "
                       "adaptive step, so the decay is not rescaled by √v. With ε = 0 it is "
                       "scale-free: multiplying ∇f by any positive vector leaves the path unchanged."),
    _entry(name="adamprox", title="AdamProx", update=rules.adamprox_update,
           latex=rules.ADAMPROX_LATEX,
           hparams=_adam_hparams(wd=1e-2, wd_help="proximal weight decay: θ ← (θ - step)/(1 + c_t λ)",
                                 decay=True), **_ADAM_RULE,
           paper="Zhuang, Liu et al. 2022",
           description="The Adam step followed by the exact proximal step of (cλ/2)‖θ‖². AdamW is "
                       "its first-order Taylor approximation; the two agree when γλ is small."),
    _entry(name="adamax", title="AdaMax", family="adaptive", init=rules.adamax_init,
           update=rules.adamax_update, latex=rules.ADAMAX_LATEX, adam_family=True,
           hparams=(_lr(2e-3), _beta1(), _beta2(), _eps(1e-8), _wd()) + _SCHEDULE,
           paper="Kingma & Ba 2015, Algorithm 2",
           description="Adam with the L∞ norm: u is a decaying maximum of |g|, so |Δθ| ≤ γ/(1-β1^t) "
                       "· |m|/u stays close to γ. Only m is bias-corrected."),
    _entry(name="nadam", title="NAdam", family="adaptive", init=rules.nadam_init,
           update=rules.nadam_update, latex=rules.NADAM_LATEX, adam_family=True,
           hparams=(_lr(2e-3), _beta1(), _beta2(), _eps(1e-8), _wd(),
                    HParam("momentum_decay", 4e-3, 0.0, 1.0, symbol=r"\psi",
                           help="momentum warm-up schedule μ_t = β1(1 - ½·0.96^{tψ})")) + _SCHEDULE,
           paper="Dozat 2016",
           description="Adam with Nesterov momentum: the step mixes the current gradient and the "
                       "momentum of the next step, with a slowly warming momentum schedule."),
    _entry(name="radam", title="RAdam", family="adaptive", init=rules.adam_init,
           update=rules.radam_update, latex=rules.RADAM_LATEX, adam_family=True,
           hparams=(_lr(1e-3), _beta1(), _beta2(), _eps(1e-8), _wd()) + _SCHEDULE,
           paper="Liu et al. 2020",
           description="Rectified Adam: while v is too young to trust (ρ_t ≤ 5) it takes plain "
                       "momentum steps, then rescales the adaptive step by the variance rectifier r_t."),
    _entry(name="lion", title="Lion", family="adaptive", init=rules.lion_init,
           update=rules.lion_update, latex=rules.LION_LATEX,
           hparams=(_lr(1e-4), _beta1(0.9), _beta2(0.99), _wd(0.0, _DECOUPLED)) + _SCHEDULE,
           paper="Chen et al. 2023",
           description="The sign of an interpolated momentum: every coordinate moves by exactly γ "
                       "each step, so pick γ 3-10× smaller than Adam's."),
    _entry(name="adabelief", title="AdaBelief", family="adaptive", init=rules.adabelief_init,
           update=rules.adabelief_update, latex=rules.ADABELIEF_LATEX, adam_family=True,
           hparams=(_lr(1e-3), _beta1(), _beta2(), _eps(1e-16)) + _SCHEDULE,
           paper="Zhuang et al. 2020",
           description="Adam with v replaced by the variance of g around its mean m ('belief'): "
                       "steps are large where the gradient is predictable, small where it is noisy."),
)})


def names() -> list[str]:
    return list(REGISTRY)


def spec(name: str) -> OptimizerSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(REGISTRY)}") from None


@dataclass(frozen=True)
class Optimizer:
    """An optimizer with its hyperparameters fixed: `init(params)`, `update(g, state, params, t)`."""

    spec: OptimizerSpec
    hp: Mapping[str, Any]
    label: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    def init(self, params):
        return self.spec.init(params, self.hp)

    def update(self, grads, state, params, t, eta=1.0, hp=None):
        return self.spec.update(grads, state, params, t, {**(hp or self.hp), "eta": eta})

    def __repr__(self):
        changed = {k: v for k, v in self.hp.items() if not _same(v, self.spec.defaults[k])}
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"optimizers.get({self.name!r}{', ' if inner else ''}{inner})"


def _same(a, b) -> bool:
    try:
        return bool(np.all(a == b))
    except Exception:
        return False


def get(name: str, label: str = "", **hp) -> Optimizer:
    """The optimizer `name` with hyperparameters `hp` (the rest from its defaults).

    Raises ValueError naming the optimizer, the hyperparameter and its valid range for an unknown
    name or an out-of-range value. Numeric hyperparameters may be 1-D arrays (one value per row).
    """
    s = spec(name)
    known = {h.name for h in s.hparams}
    for k in hp:
        if k not in known:
            raise ValueError(f"{name}: unknown hyperparameter {k!r}; it takes {', '.join(sorted(known))}")
    values = {h.name: h.check(hp[h.name], name) if h.name in hp else h.default for h in s.hparams}
    if s.update is rules.sgd_update and values["nesterov"]:
        mu = np.asarray(values["momentum"])
        if np.any(mu <= 0) or np.any(np.asarray(values["dampening"]) != 0):
            raise ValueError(f"{name}: nesterov needs momentum > 0 and dampening = 0 "
                             f"(got momentum={values['momentum']}, dampening={values['dampening']})")
    return Optimizer(s, MappingProxyType(values), label or s.title)


def max_step_bound(opt: Optimizer, t: np.ndarray) -> np.ndarray:
    """The per-coordinate step bound the Adam paper states, for the diagnostics, or NaN.

    Adam (§2.1): |Δθ| ≲ γ (exact for ε = 0 in the dense case). AdaMax (§7.1): the exact bound
    γ(1-β1)(1-(β1/β2)^t)/((1-β1/β2)(1-β1^t)), about 1% above γ with the default β.
    """
    t = np.asarray(t, dtype=np.float64)
    lr = float(np.max(opt.hp["lr"]))
    if opt.name == "adamax":
        b1, b2 = float(np.max(opt.hp["beta1"])), float(np.max(opt.hp["beta2"]))
        r = b1 / b2
        if b1 == 0:
            return np.full_like(t, lr)
        return lr * (1 - b1) * (1 - r**t) / ((1 - r) * (1 - b1**t))
    if opt.spec.adam_family or opt.name == "lion":
        return np.full_like(t, lr)
    return np.full_like(t, math.nan)
