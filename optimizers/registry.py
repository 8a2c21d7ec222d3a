"""The one registry: every optimizer's name, rule, hyperparameters and formula.

An entry says everything the app, the URL codec, the CLI, the sweep, the diagnostics and the tests
need to know about its optimizer: its rule, hyperparameters (with their slider grid and sweep range),
colour, weight-decay kind, step bound, the diagnostics it records and the oracle outputs it needs.
Nothing outside the entries branches on an optimizer's name (only data does: the default race, the
presets, and the paper panels' claims about named optimizers). Adding one is one module: a rule and `optimizers.register(OptimizerSpec(...))`,
also from another package through the entry-point group `optimizer_visualizer.optimizers`.
Defaults are torch.optim's where torch has the optimizer.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from optviz.params import HParam

from . import rules, schedules

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


WEIGHT_DECAY_KINDS = ("", "l2", "decoupled", "proximal")
WEIGHT_DECAY_PARAM = "weight_decay"      # λ's shared name (API, CLI, URL)
FAMILIES = ("sgd", "adaptive", "accumulating")
RECORDABLE = ("m_hat", "v_hat_sqrt")
NEEDS = ("loss", "hvp")           # oracle outputs a rule may ask the runner for (rules.Step)


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: its pure rule, its hyperparameters and how the app shows it."""

    name: str                        # ASCII id for the API, CLI and URL: [a-z][a-z0-9_]*
    title: str
    family: str                      # how the step scales: "sgd" (∝ gradient), "adaptive" (≈ lr)
                                     # or "accumulating" (≈ lr/√t); the app picks a default lr by it
    init: Callable                   # init(params, hp) -> state
    update: Callable                 # update(g, state, params, t, hp, ctx) -> (params, state);
                                     # ctx: rules.Step (γ_t, η_t, diagnostics, declared needs)
    hparams: tuple[HParam, ...]      # must include lr and the schedule switches (SCHEDULE_HPARAMS)
    latex: str                       # the update rule (aligned LaTeX, symbols as in hparams)
    description: str
    adam_family: bool = False        # m̂/√v̂ style: its L2 decay is Adam-ℓ2, ε is worth showing
    paper: str = ""
    color: str = ""                  # "#rrggbb"; "" picks a stable colour from the name
    weight_decay: str = ""           # "l2" (g ← g + λθ), "decoupled" (θ ← θ(1 − cλ)),
                                     # "proximal" (θ ← θ/(1 + cλ)); "" if it has none
    step_bound: Callable | None = None   # step_bound(hp, t) -> |Δθᵢ| bound at γ = lr (t = 1, 2, …)
    records: tuple[str, ...] = ()    # state entries the diagnostics plot (subset of RECORDABLE)
    check: Callable | None = None    # check(values, name): raise ValueError for a bad combination
    describe: Callable | None = None  # describe(hp) -> [str]: notes on these settings (Markdown)
    needs: tuple[str, ...] = ()      # extra oracle outputs its rule reads from ctx (subset of NEEDS)

    def __post_init__(self):
        problems = []
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            problems.append(f"name {self.name!r} must match [a-z][a-z0-9_]* (it is a URL key)")
        if self.family not in FAMILIES:
            problems.append(f"family {self.family!r} must be one of {', '.join(FAMILIES)}")
        if self.weight_decay not in WEIGHT_DECAY_KINDS:
            problems.append(f"weight_decay {self.weight_decay!r} must be one of "
                            f"{', '.join(map(repr, WEIGHT_DECAY_KINDS))}")
        if not set(self.records) <= set(RECORDABLE):
            problems.append(f"records {self.records!r} must be among {', '.join(RECORDABLE)}")
        if not set(self.needs) <= set(NEEDS):
            problems.append(f"needs {self.needs!r} must be among {', '.join(NEEDS)}")
        if self.color and not _COLOR.fullmatch(self.color):
            problems.append(f"color {self.color!r} must be #rrggbb")
        names = [h.name for h in self.hparams]
        missing = [n for n in ("lr",) + tuple(h.name for h in SCHEDULE_HPARAMS) if n not in names]
        if missing:
            problems.append(f"hparams miss {', '.join(missing)} (add optimizers.SCHEDULE_HPARAMS)")
        if bool(self.weight_decay) != (WEIGHT_DECAY_PARAM in names):
            problems.append("weight_decay (the kind) must be set exactly when a weight_decay "
                            "hyperparameter exists")
        if len(set(names)) != len(names):
            problems.append("hparams has a duplicate name")
        if not callable(self.init) or not callable(self.update):
            problems.append("init and update must be functions")
        if problems:
            raise ValueError(f"optimizer entry {self.name!r}: " + "; ".join(problems))

    def hparam(self, name: str) -> HParam:
        for h in self.hparams:
            if h.name == name:
                return h
        raise KeyError(name)

    @property
    def weight_decay_param(self) -> str | None:
        """The hyperparameter holding λ (where the page states the weight-decay convention)."""
        return WEIGHT_DECAY_PARAM if self.weight_decay else None

    @property
    def defaults(self) -> dict:
        return {h.name: h.default for h in self.hparams}


# ---------------------------------------------------------------- shared hyperparameter builders
# Slider stops (a value from a link that is not on the grid is added to it).
LR_GRID = tuple(float(f"{m}e{e}") for e in range(-6, 1) for m in (1, 2, 3, 5, 7)) + (10.0,)
NEAR_ONE = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99,
            0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999)
EPS_GRID = (0.0,) + tuple(10.0 ** k for k in range(-16, 1))
WD_GRID = (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)


def lr_hparam(default):
    """The learning rate: every entry has one (γ_t = lr · η_t); the rule shows it as γ_t."""
    return HParam("lr", default, 0.0, 1e3, log=True, symbol=r"\gamma", lo_open=True,
                  help="learning rate: the base step size γ", grid=LR_GRID, sweep=(1e-4, 1.0, True),
                  in_rule=False)


def _beta1(default=0.9):
    return HParam("beta1", default, 0.0, 1.0, symbol=r"\beta_1", hi_open=True, grid=NEAR_ONE,
                  sweep=(0.0, 0.99, False), help="decay of the first-moment (momentum) average")


def _beta2(default=0.999):
    return HParam("beta2", default, 0.0, 1.0, symbol=r"\beta_2", hi_open=True, grid=NEAR_ONE,
                  sweep=(0.9, 0.9999, True),
                  help="decay of the second-moment average: its memory is about 1/(1-β2) steps")


def _eps(default):
    return HParam("eps", default, 0.0, 1.0, log=True, symbol=r"\epsilon", grid=EPS_GRID,
                  sweep=(1e-12, 1e-2, True),
                  help="added to the denominator for stability; ε = 0 makes the step scale-invariant")


def _wd(default=0.0, help="L2 penalty added to the gradient: g ← g + λθ"):
    return HParam("weight_decay", default, 0.0, 10.0, symbol=r"\lambda", help=help, grid=WD_GRID,
                  sweep=(0.0, 1.0, False))


_lr = lr_hparam
SCHEDULE_HPARAMS = (
    HParam("schedule", "constant", kind="choice", choices=schedules.SCHEDULES, symbol=r"\eta_t",
           help="step-size schedule γ_t = lr · η_t"),
    HParam("warmup", 0, 0, 20000, kind="int", symbol="w",
           help="linear warmup over w steps (0: none)"),
    HParam("step_every", 100, 1, 20000, kind="int", symbol="k", shown_when=("schedule", "step"),
           help="for the step schedule: divide by 10 every k steps"),
)
_SCHEDULE = SCHEDULE_HPARAMS
_AMSGRAD = HParam("amsgrad", False, kind="bool", help="use the running maximum of v (AMSGrad)")
_DECAY = HParam("decay", "lr", kind="choice", choices=("lr", "schedule"),
                help="weight decay per step is γ_t·λ (\"lr\", torch/optax) or η_t·λ (\"schedule\", "
                     "Loshchilov & Hutter; Zhuang et al.)")
_DECOUPLED = "decoupled weight decay: θ ← θ(1 - c_t λ), not seen by m and v"


def _sgd_hparams(momentum=0.0, nesterov=False):
    return (
        _lr(1e-3),
        HParam("momentum", momentum, 0.0, 1.0, symbol=r"\mu", hi_open=True, grid=NEAR_ONE,
               sweep=(0.0, 0.99, False),
               help="heavy-ball momentum: how much of the previous direction is kept"),
        HParam("dampening", 0.0, 0.0, 1.0, symbol=r"\tau",
               grid=tuple(round(0.1 * i, 1) for i in range(11)), sweep=(0.0, 0.9, False),
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


def lr_step_bound(hp, t) -> np.ndarray:
    """|Δθᵢ| ≲ γ: the Adam paper's bound (§2.1, exact for ε = 0 in the dense case); Lion's step is γ."""
    return np.full(np.shape(t), float(np.max(hp["lr"])))


def adamax_step_bound(hp, t) -> np.ndarray:
    """AdaMax (§7.1): γ(1-β1)(1-(β1/β2)^t)/((1-β1/β2)(1-β1^t)), about 1% above γ with the default β."""
    t = np.asarray(t, dtype=np.float64)
    lr = float(np.max(hp["lr"]))
    b1, b2 = float(np.max(hp["beta1"])), float(np.max(hp["beta2"]))
    if b1 == 0:
        return np.full_like(t, lr)
    r = b1 / b2
    return lr * (1 - b1) * (1 - r**t) / ((1 - r) * (1 - b1**t))


def check_nesterov(values: Mapping, name: str) -> None:
    """nesterov needs momentum > 0 and dampening = 0 (torch raises the same)."""
    if values["nesterov"]:
        mu = np.asarray(values["momentum"])
        if np.any(mu <= 0) or np.any(np.asarray(values["dampening"]) != 0):
            raise ValueError(f"{name}: nesterov needs momentum > 0 and dampening = 0 "
                             f"(got momentum={values['momentum']}, dampening={values['dampening']})")


def _sgd_notes(hp) -> list[str]:
    kind = ("plain gradient descent" if hp["momentum"] == 0 else
            "Nesterov momentum" if hp["nesterov"] else "heavy-ball momentum")
    return [f"With these settings this is {kind}."]


def _amsgrad_note(hp) -> list[str]:
    return ["AMSGrad is on: v̂ uses the running maximum of v."] if hp.get("amsgrad") else []


_ADAM_RECORDS = ("m_hat", "v_hat_sqrt")
_SGD_RULE = dict(init=rules.sgd_init, update=rules.sgd_update, latex=rules.SGD_LATEX, family="sgd",
                 weight_decay="l2", check=check_nesterov, describe=_sgd_notes)
_ADAM_RULE = dict(init=rules.adam_init, family="adaptive", adam_family=True, step_bound=lr_step_bound,
                  records=_ADAM_RECORDS, describe=_amsgrad_note)

_BUILTIN: dict[str, OptimizerSpec] = {s.name: s for s in (
    _entry(name="sgd", color="#bb2e00", title="SGD", hparams=_sgd_hparams(), **_SGD_RULE,
           description="Plain gradient descent: the step is the gradient times γ, so it is as large "
                       "as the slope and as ill-conditioned as the problem."),
    _entry(name="momentum", color="#a16335", title="Momentum", hparams=_sgd_hparams(momentum=0.9), **_SGD_RULE,
           description="Heavy-ball momentum: a running sum of past gradients, so consistent "
                       "directions accelerate and oscillations across a valley cancel."),
    _entry(name="nesterov", color="#3b2500", title="Nesterov", hparams=_sgd_hparams(momentum=0.9, nesterov=True),
           **_SGD_RULE,
           description="Nesterov momentum: steps along g + μb, a look-ahead that brakes earlier "
                       "than heavy ball when the slope turns."),
    _entry(name="adagrad", color="#0b5128", weight_decay="l2", title="AdaGrad", family="accumulating",
           init=rules.adagrad_init, update=rules.adagrad_update, latex=rules.ADAGRAD_LATEX,
           hparams=(_lr(1e-2),
                    HParam("lr_decay", 0.0, 0.0, 1.0, symbol=r"\delta",
                           grid=(0.0, 1e-4, 1e-3, 1e-2, 0.1, 1.0), sweep=(0.0, 0.1, False),
                           help="γ_t / (1 + (t-1)δ)"),
                    _wd(),
                    HParam("initial_accumulator_value", 0.0, 0.0, 10.0, symbol="s_0",
                           grid=(0.0, 0.01, 0.1, 0.5, 1.0, 10.0), sweep=(0.0, 1.0, False),
                           help="starting value of the squared-gradient sum"),
                    _eps(1e-10)) + _SCHEDULE,
           description="Divides each coordinate's step by the root of its summed squared gradients: "
                       "rare coordinates keep large steps (good for sparse features), but the sum "
                       "only grows, so steps shrink for ever."),
    _entry(name="rmsprop", color="#9246bb", weight_decay="l2", title="RMSProp", family="adaptive",
           init=rules.rmsprop_init, update=rules.rmsprop_update, latex=rules.RMSPROP_LATEX,
           hparams=(_lr(1e-2),
                    HParam("alpha", 0.99, 0.0, 1.0, symbol=r"\alpha", hi_open=True, grid=NEAR_ONE,
                           sweep=(0.9, 0.9999, True), help="decay of the squared-gradient average"),
                    _eps(1e-8), _wd(),
                    HParam("momentum", 0.0, 0.0, 1.0, symbol=r"\mu", hi_open=True, grid=NEAR_ONE,
                           sweep=(0.0, 0.99, False), help="momentum on the normalised step"),
                    HParam("centered", False, kind="bool",
                           help="divide by the variance estimate v - ḡ² instead of v")) + _SCHEDULE,
           description="AdaGrad with a forgetting average of squared gradients: the step is "
                       "normalised per coordinate and does not shrink for ever. No bias correction."),
    _entry(name="adam", color="#0c4591", weight_decay="l2", title="Adam", update=rules.adam_update, latex=rules.ADAM_LATEX,
           hparams=_adam_hparams(), **_ADAM_RULE, paper="Kingma & Ba 2015, Algorithm 1",
           description="Momentum (m) divided by an RMS of gradients (√v), both bias-corrected: the "
                       "step is about γ in every coordinate whatever the gradient's scale. Its "
                       "weight decay is L2 (Adam-ℓ2): λθ passes through m and v."),
    _entry(name="adam_nobc", color="#d01d70", weight_decay="l2", title="Adam, no bias correction", update=rules.adam_nobc_update,
           latex=rules.ADAM_NOBC_LATEX, hparams=_adam_hparams(), **_ADAM_RULE,
           paper="Kingma & Ba 2015, §6.4",
           description="Adam without dividing by 1-β^t (RMSProp with momentum). With β2 near 1, v "
                       "starts near 0 and the first steps are far too large."),
    _entry(name="amsgrad", color="#111c6a", weight_decay="l2", title="AMSGrad", update=rules.adam_update, latex=rules.AMSGRAD_LATEX,
           hparams=_adam_hparams(amsgrad=True), **{**_ADAM_RULE, "describe": None}, paper="Reddi et al. 2018",
           description="Adam with the running maximum of v: the effective step can only shrink, "
                       "which repairs Adam's non-convergence examples."),
    _entry(name="adamw", color="#1b6f61", weight_decay="decoupled", title="AdamW", update=rules.adamw_update, latex=rules.ADAMW_LATEX,
           hparams=_adam_hparams(wd=1e-2, wd_help=_DECOUPLED, decay=True), **_ADAM_RULE,
           paper="Loshchilov & Hutter 2019; Zhuang et al. 2022",
           description="Adam with decoupled weight decay: θ shrinks by (1 - cλ) outside the "
                       "adaptive step, so the decay is not rescaled by √v. With ε = 0 it is "
                       "scale-free: multiplying ∇f by any positive vector leaves the path unchanged."),
    _entry(name="adamprox", color="#606b00", weight_decay="proximal", title="AdamProx", update=rules.adamprox_update,
           latex=rules.ADAMPROX_LATEX,
           hparams=_adam_hparams(wd=1e-2, wd_help="proximal weight decay: θ ← (θ - step)/(1 + c_t λ)",
                                 decay=True), **_ADAM_RULE,
           paper="Zhuang, Liu et al. 2022",
           description="The Adam step followed by the exact proximal step of (cλ/2)‖θ‖². AdamW is "
                       "its first-order Taylor approximation; the two agree when γλ is small."),
    _entry(name="adamax", color="#994e24", weight_decay="l2", title="AdaMax", family="adaptive", init=rules.adamax_init,
           update=rules.adamax_update, latex=rules.ADAMAX_LATEX, adam_family=True,
           step_bound=adamax_step_bound, records=_ADAM_RECORDS,
           hparams=(_lr(2e-3), _beta1(), _beta2(), _eps(1e-8), _wd()) + _SCHEDULE,
           paper="Kingma & Ba 2015, Algorithm 2",
           description="Adam with the L∞ norm: u is a decaying maximum of |g|, so |Δθ| ≤ γ/(1-β1^t) "
                       "· |m|/u stays close to γ. Only m is bias-corrected."),
    _entry(name="nadam", color="#790c37", weight_decay="l2", title="NAdam", family="adaptive", init=rules.nadam_init,
           update=rules.nadam_update, latex=rules.NADAM_LATEX, adam_family=True,
           step_bound=lr_step_bound, records=_ADAM_RECORDS,
           hparams=(_lr(2e-3), _beta1(), _beta2(), _eps(1e-8), _wd(),
                    HParam("momentum_decay", 4e-3, 0.0, 1.0, symbol=r"\psi",
                           grid=(0.0, 1e-3, 2e-3, 4e-3, 1e-2, 2e-2, 4e-2, 0.1, 1.0),
                           sweep=(0.0, 0.01, False),
                           help="momentum warm-up schedule μ_t = β1(1 - ½·0.96^{tψ})")) + _SCHEDULE,
           paper="Dozat 2016",
           description="Adam with Nesterov momentum: the step mixes the current gradient and the "
                       "momentum of the next step, with a slowly warming momentum schedule."),
    _entry(name="radam", color="#4f2dad", weight_decay="l2", title="RAdam", family="adaptive", init=rules.adam_init,
           update=rules.radam_update, latex=rules.RADAM_LATEX, adam_family=True,
           step_bound=lr_step_bound, records=_ADAM_RECORDS,
           hparams=(_lr(1e-3), _beta1(), _beta2(), _eps(1e-8), _wd()) + _SCHEDULE,
           paper="Liu et al. 2020",
           description="Rectified Adam: while v is too young to trust (ρ_t ≤ 5) it takes plain "
                       "momentum steps, then rescales the adaptive step by the variance rectifier r_t."),
    _entry(name="lion", color="#242221", weight_decay="decoupled", title="Lion", family="adaptive", init=rules.lion_init,
           update=rules.lion_update, latex=rules.LION_LATEX, step_bound=lr_step_bound,
           hparams=(_lr(1e-4), _beta1(0.9), _beta2(0.99), _wd(0.0, _DECOUPLED)) + _SCHEDULE,
           paper="Chen et al. 2023",
           description="The sign of an interpolated momentum: every coordinate moves by exactly γ "
                       "each step, so pick γ 3-10× smaller than Adam's."),
    _entry(name="adabelief", color="#5a7074", title="AdaBelief", family="adaptive", init=rules.adabelief_init,
           update=rules.adabelief_update, latex=rules.ADABELIEF_LATEX, adam_family=True,
           step_bound=lr_step_bound, records=_ADAM_RECORDS,
           hparams=(_lr(1e-3), _beta1(), _beta2(), _eps(1e-16)) + _SCHEDULE,
           paper="Zhuang et al. 2020",
           description="Adam with v replaced by the variance of g around its mean m ('belief'): "
                       "steps are large where the gradient is predictable, small where it is noisy."),
)}
_ENTRIES: dict[str, OptimizerSpec] = dict(_BUILTIN)
REGISTRY: Mapping[str, OptimizerSpec] = MappingProxyType(_ENTRIES)   # a live, read-only view
ENTRY_POINT_GROUP = "optimizer_visualizer.optimizers"
_plugins_loaded = False


def register(entry: OptimizerSpec, *, replace: bool = False) -> OptimizerSpec:
    """Add an optimizer: afterwards it is in the app (panel, race, diagnostics, sweep, update
    rules, export), the URL codec and the CLI like a built-in one.

    Its `update` must follow the rule contract of optimizers.rules (pure, (B, 2) batches, hp
    values may be (B, 1) arrays). Registering a name that exists raises unless replace=True
    (a built-in cannot be replaced). Returns the entry.
    """
    if not isinstance(entry, OptimizerSpec):
        raise TypeError(f"register() takes an optimizers.OptimizerSpec, not {type(entry).__name__}")
    if entry.name in _BUILTIN:
        raise ValueError(f"{entry.name!r} is a built-in optimizer; pick another name")
    if entry.name in _ENTRIES and not replace and _ENTRIES[entry.name] is not entry:
        raise ValueError(f"an optimizer named {entry.name!r} is already registered "
                         f"(register(..., replace=True) replaces it)")
    _ENTRIES[entry.name] = entry
    return entry


def unregister(name: str) -> None:
    """Remove a registered (not built-in) optimizer; unknown names are ignored."""
    if name in _BUILTIN:
        raise ValueError(f"{name!r} is a built-in optimizer and cannot be removed")
    _ENTRIES.pop(name, None)


def load_plugins() -> list[str]:
    """Register every optimizer that installed packages declare in the entry-point group
    `optimizer_visualizer.optimizers` (once per process). An entry point names either an
    OptimizerSpec or a function returning one or a list of them. A broken plugin is skipped with
    a message on stderr, never a traceback. Returns the names added."""
    global _plugins_loaded
    if _plugins_loaded:
        return []
    _plugins_loaded = True
    import sys
    from importlib.metadata import entry_points
    added = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, OptimizerSpec):
                obj = obj()
            for entry in (obj if isinstance(obj, (list, tuple)) else [obj]):
                register(entry, replace=True)
                added.append(entry.name)
        except Exception as e:          # one broken package must not take the app down
            print(f"optimizer plugin {ep.name!r} ({ep.value}) skipped: {e}", file=sys.stderr)
    return added


def names() -> list[str]:
    load_plugins()
    return list(_ENTRIES)


def spec(name: str) -> OptimizerSpec:
    load_plugins()
    try:
        return _ENTRIES[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(_ENTRIES)}") from None


@dataclass(frozen=True)
class Optimizer:
    """An optimizer with its hyperparameters fixed (its entry's pure rule runs in optimizers.run)."""

    spec: OptimizerSpec
    hp: Mapping[str, Any]
    label: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

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
    if s.check is not None:
        s.check(values, name)
    return Optimizer(s, MappingProxyType(values), label or s.title)


def max_step_bound(opt: Optimizer, t: np.ndarray) -> np.ndarray:
    """The per-coordinate step bound its entry declares (at γ = lr), for the diagnostics; NaN
    when the entry declares none (no bound is drawn then)."""
    t = np.asarray(t, dtype=np.float64)
    if opt.spec.step_bound is None:
        return np.full_like(t, math.nan)
    return np.asarray(opt.spec.step_bound(opt.hp, t), dtype=np.float64)
