"""Golden optimizer trajectories from torch.optim, for tests/test_reference.py.

Run with a Python that has torch (the project's own venv has none, on purpose)::

    /work/torchvenv/bin/python tools/make_reference.py

It rewrites ``tests/reference/<torch optimizer>.json`` (sgd, adagrad, rmsprop, adam, adamw,
adamax, nadam, radam).  The case list is fixed plus a seeded random sample, so a rerun with the
same torch on the same kind of CPU writes byte-identical files.

Exactly what is run for every case
----------------------------------
``torch.set_default_dtype(torch.float64)`` is called first, before anything else touches torch:
torch keeps scalar optimizer state (the ``step`` tensors, NAdam's ``mu_product``) in the default
dtype, and float32 there would break 1e-12 agreement.  Then::

    p = torch.tensor([x0, y0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.<Class>([p], <hyperparameters>, foreach=False, maximize=False,
                              [fused=None,] [capturable=False,] differentiable=False)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: eta(k + 1))   # only if not constant
    points = [p.tolist()]
    for k in range(steps):
        opt.zero_grad()
        loss = f(p[0], p[1])
        loss.backward()
        opt.step()
        if sched: sched.step()
        points.append(p.tolist())

``foreach=False`` selects the single-tensor code path (``_single_tensor_<name>`` in
``torch/optim/<name>.py``).  ``points[0]`` is the start, ``points[k]`` the parameters after k
updates.  With a schedule, the k-th update (k = 1, 2, ...) uses ``lr_k = lr * eta(k)`` where, for
T = steps and warmup w::

    constant      1
    inverse_sqrt  1 / sqrt(t)
    cosine        0.5 * (1 + cos(pi * (t - 1) / T))
    step          0.1 ** ((t - 1) // step_every)
    and, if w > 0, times min(1, t / w)

Mapping from our optimizer names / hyperparameters to torch:

    sgd, momentum, nesterov  torch.optim.SGD(lr, momentum, dampening, weight_decay, nesterov)
    adagrad                  torch.optim.Adagrad(lr, lr_decay, weight_decay,
                                                 initial_accumulator_value, eps)
    rmsprop                  torch.optim.RMSprop(lr, alpha, eps, weight_decay, momentum, centered)
    adam, amsgrad            torch.optim.Adam(lr, betas=(beta1, beta2), eps, weight_decay, amsgrad)
    adamw  (decay="lr")      torch.optim.AdamW(lr, betas, eps, weight_decay, amsgrad)
    adamw  (decay="schedule", weight_decay=lam, constant schedule only)
                             torch.optim.AdamW(lr, betas, eps, weight_decay=lam / lr, amsgrad)
    adamax                   torch.optim.Adamax(lr, betas, eps, weight_decay)
    nadam                    torch.optim.NAdam(lr, betas, eps, weight_decay, momentum_decay)
    radam                    torch.optim.RAdam(lr, betas, eps, weight_decay)

The surfaces are written below in torch with the same formulas (and operation order) as the
core's autograd.numpy versions.

Stability filter: every case is rerun with the gradient multiplied before each ``opt.step()``
by (1 + 1e-15), by (1 - 1e-15), and by 1 +- 1e-15 with a pseudo-random sign per step and
coordinate (two fixed patterns; a constant factor alone is nearly invisible to the adaptive
methods, which are invariant to a constant rescaling of each gradient coordinate), and with the
gradient evaluated at p * (1 +- 1e-15) (random signs; this models a different operation order in
the gradient, whose error near a stationary point is far larger than 1e-15 relative).  If either perturbed path differs from the unperturbed
one by more than STABILITY_TOL * max(1, |theta|) in any coordinate at any step, the case is
chaotic (a reimplementation that differs from torch in the last bit could not be held to 1e-12)
and is dropped.  Cases whose path becomes non-finite or leaves |theta| <= 1e3 are dropped too.
Every drop is printed.

Machine note: on x86 CPUs with FMA (torch's AVX2/AVX512 kernels) torch's elementwise kernels use
fused multiply-adds, e.g. ``a.add(b, alpha=c)`` is fma(c, b, a) and ``lerp_`` is
fma(w, end - self, self).  The JSON records ``torch.backends.cpu.get_cpu_capability()``.
"""
from __future__ import annotations

import inspect
import json
import math
import random
import sys
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "tests" / "reference"
SEED = 20240611
STABILITY_TOL = 1e-11
PERTURB = 1e-15
BOUND = 1e3

# --------------------------------------------------------------------------------------------
# Surfaces (same formulas and operation order as the core's autograd.numpy versions)
# --------------------------------------------------------------------------------------------


def quadratic(x, y, kappa, angle, center_x, center_y):
    a = angle * math.pi / 180
    dx = x - center_x
    dy = y - center_y
    u = math.cos(a) * dx + math.sin(a) * dy
    v = -math.sin(a) * dx + math.cos(a) * dy
    return 0.5 * (u**2 + kappa * v**2)


def rosenbrock(x, y, a, b):
    return (a - x) ** 2 + b * (y - x**2) ** 2


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def styblinski_tang(x, y):
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)


def saddle(x, y):
    return x**2 + 0.25 * y**4 - 0.5 * y**2


SURFACES = {
    "quadratic": (quadratic, {"kappa": 10.0, "angle": 0.0, "center_x": 0.0, "center_y": 0.0}),
    "rosenbrock": (rosenbrock, {"a": 1.0, "b": 100.0}),
    "beale": (beale, {}),
    "himmelblau": (himmelblau, {}),
    "styblinski_tang": (styblinski_tang, {}),
    "saddle": (saddle, {}),
}

# --------------------------------------------------------------------------------------------
# Optimizers: our name -> (torch class, our default hyperparameters)
# --------------------------------------------------------------------------------------------

SCHED_DEFAULTS = {"schedule": "constant", "warmup": 0, "step_every": 100}

DEFAULTS = {
    "sgd": {"lr": 0.01, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
    "momentum": {"lr": 0.01, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
    "nesterov": {"lr": 0.01, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": True},
    "adagrad": {"lr": 0.1, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "amsgrad": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "amsgrad": True},
    "adamw": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01, "amsgrad": False, "decay": "lr"},
    "adamax": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "nadam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0, "momentum_decay": 0.004},
    "radam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
}

TORCH_FILE = {  # our name -> reference file (= torch optimizer module)
    "sgd": "sgd", "momentum": "sgd", "nesterov": "sgd",
    "adagrad": "adagrad", "rmsprop": "rmsprop",
    "adam": "adam", "amsgrad": "adam", "adamw": "adamw",
    "adamax": "adamax", "nadam": "nadam", "radam": "radam",
}


def torch_args(name, hp):
    """(torch class, kwargs) for our optimizer `name` with complete hyperparameters `hp`."""
    if name in ("sgd", "momentum", "nesterov"):
        cls = torch.optim.SGD
        kw = dict(lr=hp["lr"], momentum=hp["momentum"], dampening=hp["dampening"],
                  weight_decay=hp["weight_decay"], nesterov=hp["nesterov"])
    elif name == "adagrad":
        cls = torch.optim.Adagrad
        kw = dict(lr=hp["lr"], lr_decay=hp["lr_decay"], weight_decay=hp["weight_decay"],
                  initial_accumulator_value=hp["initial_accumulator_value"], eps=hp["eps"])
    elif name == "rmsprop":
        cls = torch.optim.RMSprop
        kw = dict(lr=hp["lr"], alpha=hp["alpha"], eps=hp["eps"], weight_decay=hp["weight_decay"],
                  momentum=hp["momentum"], centered=hp["centered"])
    elif name in ("adam", "amsgrad", "adamw"):
        cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
        wd = hp["weight_decay"]
        if name == "adamw" and hp["decay"] == "schedule":
            if hp["schedule"] != "constant":
                raise ValueError("decay='schedule' cases are only generated with a constant schedule")
            wd = hp["weight_decay"] / hp["lr"]
        kw = dict(lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                  weight_decay=wd, amsgrad=hp["amsgrad"])
    elif name == "adamax":
        cls = torch.optim.Adamax
        kw = dict(lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                  weight_decay=hp["weight_decay"])
    elif name == "nadam":
        cls = torch.optim.NAdam
        kw = dict(lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                  weight_decay=hp["weight_decay"], momentum_decay=hp["momentum_decay"])
    elif name == "radam":
        cls = torch.optim.RAdam
        kw = dict(lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                  weight_decay=hp["weight_decay"])
    else:
        raise ValueError(name)
    accepted = inspect.signature(cls.__init__).parameters
    for k, v in (("foreach", False), ("maximize", False), ("fused", None),
                 ("capturable", False), ("differentiable", False)):
        if k in accepted:
            kw[k] = v
    return cls, kw


def eta(hp, t, steps):
    """η_t for t = 1, 2, … (same definition as optimizers/schedules.py)."""
    s = hp["schedule"]
    if s == "constant":
        e = 1.0
    elif s == "inverse_sqrt":
        e = 1.0 / math.sqrt(t)
    elif s == "cosine":
        e = 0.5 * (1.0 + math.cos(math.pi * (t - 1) / steps))
    elif s == "step":
        e = 0.1 ** float((t - 1) // hp["step_every"])
    else:
        raise ValueError(s)
    w = hp["warmup"]
    if w > 0:
        e = e * min(1.0, t / w)
    return e


def call_text(name, hp, steps):
    cls, kw = torch_args(name, hp)
    text = f"torch.optim.{cls.__name__}([p], " + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"
    if hp["schedule"] != "constant" or hp["warmup"] > 0:
        text += (f"; torch.optim.lr_scheduler.LambdaLR(opt, lambda k: eta(k + 1)) with "
                 f"schedule={hp['schedule']!r}, warmup={hp['warmup']}, "
                 f"step_every={hp['step_every']}, T={steps}; sched.step() after each opt.step()")
    return text


def run_torch(case, perturb=None):
    """Trajectory as a list of [x, y] (points[0] = start).

    `perturb`, if given, is ("grad", factors) or ("point", factors) with per-step (fx, fy)
    factors (stability filter only): "grad" multiplies the gradient before each ``opt.step()``,
    "point" evaluates loss and gradient at p * factors instead of p.
    """
    fn, _ = SURFACES[case["surface"]]
    sp = case["surface_params"]
    name, hp, steps = case["optimizer"], case["hp"], case["steps"]
    p = torch.tensor(case["start"], dtype=torch.float64, requires_grad=True)
    cls, kw = torch_args(name, hp)
    opt = cls([p], **kw)
    sched = None
    if hp["schedule"] != "constant" or hp["warmup"] > 0:
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: eta(hp, k + 1, steps))
    points = [p.tolist()]
    for _ in range(steps):
        opt.zero_grad()
        if perturb is not None and perturb[0] == "point":
            q = p * torch.tensor(perturb[1][len(points) - 1])
            loss = fn(q[0], q[1], **sp)
        else:
            loss = fn(p[0], p[1], **sp)
        loss.backward()
        if perturb is not None and perturb[0] == "grad":
            p.grad.mul_(torch.tensor(perturb[1][len(points) - 1]))
        opt.step()
        if sched is not None:
            sched.step()
        points.append(p.tolist())
    for st in opt.state.values():  # scalar state must be float64, see module docstring
        for v in st.values():
            if isinstance(v, torch.Tensor) and v.is_floating_point():
                assert v.dtype == torch.float64, (case["id"], v.dtype)
    return points


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

CASES: list[dict] = []


def add(optimizer, surface, start, steps, tag, sp=None, **hp_over):
    hp = dict(DEFAULTS[optimizer])
    hp.update(SCHED_DEFAULTS)
    for k in hp_over:
        if k not in hp:
            raise KeyError(f"{optimizer} has no hyperparameter {k}")
    hp.update(hp_over)
    surface_params = dict(SURFACES[surface][1])
    surface_params.update(sp or {})
    CASES.append({
        "id": f"{optimizer}-{len(CASES):03d}-{surface}-{tag}",
        "optimizer": optimizer,
        "hp": hp,
        "torch_call": call_text(optimizer, hp, steps),
        "surface": surface,
        "surface_params": surface_params,
        "start": [float(start[0]), float(start[1])],
        "steps": int(steps),
    })


Q = lambda kappa, angle=0.0, cx=0.0, cy=0.0: {"kappa": float(kappa), "angle": float(angle),  # noqa: E731
                                               "center_x": float(cx), "center_y": float(cy)}

# --- SGD family -----------------------------------------------------------------------------
add("sgd", "quadratic", (2.0, 1.5), 100, "k10", Q(10), lr=0.05)
add("sgd", "quadratic", (-1.5, 2.0), 200, "k1000-rot30", Q(1000, 30, 0.5, -0.25), lr=0.0015)
add("sgd", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.0005)
add("sgd", "himmelblau", (0.0, 0.0), 100, "origin", lr=0.005)
add("sgd", "styblinski_tang", (0.5, -0.5), 100, "wd", lr=0.01, weight_decay=0.1)
add("sgd", "saddle", (1.0, 0.3), 150, "escape", lr=0.05)
add("sgd", "beale", (1.0, 1.0), 200, "wd", lr=0.01, weight_decay=0.01)
add("sgd", "quadratic", (1.0, 1.0), 120, "invsqrt", Q(100, -45), lr=0.015, schedule="inverse_sqrt")
add("momentum", "quadratic", (2.0, 1.5), 150, "k100", Q(100, 20), lr=0.005)
add("momentum", "quadratic", (-2.0, -1.0), 200, "k1000-rot-60", Q(1000, -60, 1.0, 1.0), lr=0.0005)
add("momentum", "rosenbrock", (-1.5, 2.0), 300, "b09", lr=0.0002)
add("momentum", "himmelblau", (-1.0, -1.0), 150, "damp", lr=0.002, dampening=0.5)
add("momentum", "styblinski_tang", (-0.5, 0.5), 100, "m05-wd", lr=0.01, momentum=0.5, weight_decay=0.05)
add("momentum", "beale", (1.0, 1.5), 200, "damp-wd", lr=0.005, dampening=0.1, weight_decay=0.001)
add("momentum", "saddle", (-1.0, 0.5), 100, "cosine", lr=0.05, schedule="cosine")
add("momentum", "quadratic", (2.0, -2.0), 150, "step-warm", Q(30, 10), lr=0.02, schedule="step",
    step_every=40, warmup=10)
add("nesterov", "quadratic", (2.0, 1.5), 150, "k100", Q(100, 20), lr=0.005)
add("nesterov", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.0002, momentum=0.95)
add("nesterov", "himmelblau", (1.0, -1.0), 100, "wd", lr=0.002, weight_decay=0.01)
add("nesterov", "styblinski_tang", (0.5, 0.5), 100, "m05", lr=0.01, momentum=0.5)
add("nesterov", "saddle", (0.5, 0.2), 120, "warmup", lr=0.05, warmup=20)
add("nesterov", "quadratic", (-1.0, 3.0), 200, "k1000-rot75-invsqrt", Q(1000, 75), lr=0.001,
    schedule="inverse_sqrt")

# --- Adagrad --------------------------------------------------------------------------------
add("adagrad", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.5)
add("adagrad", "quadratic", (-2.0, 1.0), 200, "k1000-rot45", Q(1000, 45, -0.5, 0.5), lr=0.3)
add("adagrad", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.1)
add("adagrad", "himmelblau", (0.0, 0.0), 150, "lr_decay", lr=0.5, lr_decay=0.01)
add("adagrad", "styblinski_tang", (0.5, -0.5), 100, "init-acc", lr=0.5, initial_accumulator_value=0.1)
add("adagrad", "beale", (1.0, 1.0), 200, "wd", lr=0.1, weight_decay=0.01)
add("adagrad", "saddle", (1.0, 0.3), 100, "eps-large", lr=0.2, eps=1e-3)
add("adagrad", "himmelblau", (-1.0, 2.0), 120, "all", lr=0.4, lr_decay=0.001, weight_decay=0.001,
    initial_accumulator_value=1.0, eps=1e-8)
add("adagrad", "quadratic", (1.0, -2.0), 150, "cosine-warm", Q(50, -30), lr=0.5, schedule="cosine",
    warmup=15)

# --- RMSprop --------------------------------------------------------------------------------
add("rmsprop", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.01)
add("rmsprop", "quadratic", (-2.0, 1.0), 200, "k1000-rot30", Q(1000, 30), lr=0.005)
add("rmsprop", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.001)
add("rmsprop", "himmelblau", (0.0, 0.0), 150, "centered", lr=0.01, centered=True)
add("rmsprop", "styblinski_tang", (0.5, -0.5), 150, "centered-mom", lr=0.005, centered=True, momentum=0.9)
add("rmsprop", "beale", (1.0, 1.0), 200, "mom", lr=0.001, momentum=0.9)
add("rmsprop", "saddle", (1.0, 0.3), 120, "alpha09-wd", lr=0.01, alpha=0.9, weight_decay=0.01)
add("rmsprop", "quadratic", (1.0, 1.0), 150, "centered-alpha09", Q(100, -20, 0.3, 0.1), lr=0.01,
    alpha=0.9, centered=True)
add("rmsprop", "himmelblau", (-2.0, 2.0), 200, "invsqrt-mom", lr=0.02, momentum=0.5,
    schedule="inverse_sqrt")
add("rmsprop", "rosenbrock", (0.0, 0.0), 250, "step-centered", lr=0.002, centered=True, schedule="step",
    step_every=100)

# --- Adam / AMSGrad -------------------------------------------------------------------------
add("adam", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.05)
add("adam", "quadratic", (-2.0, 1.0), 200, "k1000-rot30", Q(1000, 30, 0.5, 0.5), lr=0.02)
add("adam", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.02)
add("adam", "himmelblau", (0.0, 0.0), 150, "b1-0", lr=0.05, beta1=0.0)
add("adam", "styblinski_tang", (0.5, -0.5), 150, "b1-05-b2-09", lr=0.05, beta1=0.5, beta2=0.9)
add("adam", "beale", (1.0, 1.0), 200, "b2-09999", lr=0.01, beta2=0.9999)
add("adam", "saddle", (1.0, 0.3), 120, "wd", lr=0.02, weight_decay=0.01)
add("adam", "rosenbrock", (-1.5, 2.0), 250, "wd-b2-09", lr=0.01, weight_decay=0.001, beta2=0.9)
add("adam", "himmelblau", (-1.0, 2.0), 150, "eps-large", lr=0.05, eps=1e-2)
add("adam", "quadratic", (1.5, -1.0), 200, "invsqrt-warm", Q(100, 60), lr=0.1, schedule="inverse_sqrt",
    warmup=10)
add("adam", "rosenbrock", (-1.2, 1.0), 300, "cosine", lr=0.05, schedule="cosine")
add("adam", "styblinski_tang", (-0.5, 0.5), 200, "step", lr=0.1, schedule="step", step_every=50)
add("amsgrad", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.05)
add("amsgrad", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.02)
add("amsgrad", "himmelblau", (0.0, 0.0), 150, "b2-09", lr=0.05, beta2=0.9)
add("amsgrad", "beale", (1.0, 1.0), 200, "wd", lr=0.01, weight_decay=0.01)
add("amsgrad", "quadratic", (-2.0, 1.0), 200, "k1000-rot30-b1-05", Q(1000, 30), lr=0.02, beta1=0.5)
add("amsgrad", "styblinski_tang", (0.5, 0.5), 150, "cosine-warm", lr=0.1, schedule="cosine", warmup=20)

# --- AdamW ----------------------------------------------------------------------------------
add("adamw", "quadratic", (2.0, 1.5), 150, "k10", Q(10, 0, 1.0, 1.0), lr=0.05)
add("adamw", "rosenbrock", (-1.2, 1.0), 300, "classic-wd0", lr=0.02, weight_decay=0.0)
add("adamw", "rosenbrock", (-1.2, 1.0), 300, "classic-wd01", lr=0.02, weight_decay=0.1)
add("adamw", "himmelblau", (0.0, 0.0), 150, "amsgrad", lr=0.05, weight_decay=0.05, amsgrad=True)
add("adamw", "styblinski_tang", (0.5, -0.5), 150, "b1-0-b2-09", lr=0.05, beta1=0.0, beta2=0.9)
add("adamw", "quadratic", (-2.0, 1.0), 200, "k1000-rot-30-b2-09999", Q(1000, -30), lr=0.02,
    beta2=0.9999, weight_decay=0.1)
add("adamw", "saddle", (1.0, 0.3), 150, "invsqrt", lr=0.05, weight_decay=0.01, schedule="inverse_sqrt")
add("adamw", "beale", (1.0, 1.0), 200, "step-warm", lr=0.02, weight_decay=0.01, schedule="step",
    step_every=60, warmup=10)
add("adamw", "quadratic", (2.0, 1.5), 150, "decay-schedule", Q(10, 0, 1.0, 1.0), lr=0.05,
    decay="schedule", weight_decay=0.001)
add("adamw", "rosenbrock", (-1.2, 1.0), 300, "decay-schedule", lr=0.02, decay="schedule",
    weight_decay=0.002)
add("adamw", "himmelblau", (0.0, 0.0), 150, "decay-schedule-amsgrad", lr=0.05, decay="schedule",
    weight_decay=0.0025, amsgrad=True)

# --- Adamax ---------------------------------------------------------------------------------
add("adamax", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.05)
add("adamax", "quadratic", (-2.0, 1.0), 200, "k1000-rot30", Q(1000, 30, 0.5, 0.5), lr=0.02)
add("adamax", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.02)
add("adamax", "himmelblau", (0.0, 0.0), 150, "b1-05-b2-09", lr=0.05, beta1=0.5, beta2=0.9)
add("adamax", "styblinski_tang", (0.5, -0.5), 150, "wd", lr=0.05, weight_decay=0.01)
add("adamax", "beale", (1.0, 1.0), 200, "b2-09999", lr=0.01, beta2=0.9999)
add("adamax", "saddle", (1.0, 0.3), 120, "b1-0-cosine", lr=0.05, beta1=0.0, schedule="cosine")

# --- NAdam ----------------------------------------------------------------------------------
add("nadam", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.05)
add("nadam", "quadratic", (-2.0, 1.0), 200, "k1000-rot30", Q(1000, 30, 0.5, 0.5), lr=0.02)
add("nadam", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.02)
add("nadam", "himmelblau", (0.0, 0.0), 150, "mdecay-0", lr=0.05, momentum_decay=0.0)
add("nadam", "styblinski_tang", (0.5, -0.5), 150, "mdecay-01", lr=0.05, momentum_decay=0.1)
add("nadam", "beale", (1.0, 1.0), 200, "wd-b2-09999", lr=0.01, weight_decay=0.01, beta2=0.9999)
add("nadam", "saddle", (1.0, 0.3), 120, "b1-05-b2-09", lr=0.05, beta1=0.5, beta2=0.9)
add("nadam", "himmelblau", (-1.0, 2.0), 150, "step-warm", lr=0.1, schedule="step", step_every=50,
    warmup=10)

# --- RAdam ----------------------------------------------------------------------------------
add("radam", "quadratic", (2.0, 1.5), 150, "k10", Q(10), lr=0.05)
add("radam", "quadratic", (-2.0, 1.0), 200, "k1000-rot30", Q(1000, 30, 0.5, 0.5), lr=0.001)
add("radam", "rosenbrock", (-1.2, 1.0), 300, "classic", lr=0.002)
add("radam", "rosenbrock", (-1.2, 1.0), 300, "b2-09", lr=0.002, beta2=0.9)
add("radam", "himmelblau", (0.0, 0.0), 150, "b2-09", lr=0.05, beta2=0.9)
add("radam", "styblinski_tang", (0.5, -0.5), 150, "wd", lr=0.05, weight_decay=0.01)
add("radam", "beale", (1.0, 1.0), 200, "b1-05-b2-09999", lr=0.01, beta1=0.5, beta2=0.9999)
add("radam", "saddle", (1.0, 0.3), 120, "b1-0", lr=0.05, beta1=0.0)
add("radam", "quadratic", (1.0, 1.0), 200, "invsqrt", Q(100, -70), lr=0.1, schedule="inverse_sqrt")

# --- More coverage for features whose first case above was dropped as chaotic ---------------
add("adam", "quadratic", (2.5, -1.0), 200, "k100-rot45-b2-09999", Q(100, 45), lr=0.05, beta2=0.9999)
add("adam", "himmelblau", (1.0, 1.0), 150, "wd-b2-09", lr=0.05, weight_decay=0.01, beta2=0.9)
add("adamax", "quadratic", (-1.0, 2.5), 200, "k300-rot-15-b2-09999", Q(300, -15), lr=0.05, beta2=0.9999)
add("rmsprop", "quadratic", (-2.0, 2.0), 200, "k100-rot10-mom", Q(100, 10), lr=0.002, momentum=0.9)
add("nadam", "quadratic", (1.5, 1.5), 150, "k30-b1-05-b2-09", Q(30, 50), lr=0.05, beta1=0.5, beta2=0.9)
add("nadam", "quadratic", (3.0, 3.0), 100, "k10-rot25-b1-05", Q(10, 25), lr=0.01, beta1=0.5)
add("nadam", "himmelblau", (-0.5, -2.0), 80, "b1-0", lr=0.01, beta1=0.0)
add("adamw", "quadratic", (2.0, -2.5), 150, "k200-cosine-warm", Q(200, 35), lr=0.05, weight_decay=0.05,
    schedule="cosine", warmup=20)
add("rmsprop", "himmelblau", (1.0, -2.5), 120, "centered-mom-warm", lr=0.005, centered=True, momentum=0.5,
    warmup=30)
add("radam", "himmelblau", (-2.0, 1.0), 150, "step-warm", lr=0.05, schedule="step", step_every=40,
    warmup=10)
add("adamax", "rosenbrock", (0.5, 2.0), 200, "step-warm-wd", lr=0.05, weight_decay=0.001, schedule="step",
    step_every=80, warmup=15)

# --- Seeded random sample -------------------------------------------------------------------
# Curvature scale per surface, so that the plain-gradient methods get sensible step sizes.
START_BOX = {
    "quadratic": ((-3.0, 3.0), (-3.0, 3.0)),
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
    "beale": ((-1.0, 2.0), (-1.0, 1.5)),
    "himmelblau": ((-4.0, 4.0), (-4.0, 4.0)),
    "styblinski_tang": ((-4.0, 4.0), (-4.0, 4.0)),
    "saddle": ((-2.0, 2.0), (0.2, 1.5)),
}
CURVATURE = {"rosenbrock": 2500.0, "beale": 200.0, "himmelblau": 150.0, "styblinski_tang": 100.0,
             "saddle": 5.0}


def _random_cases(rng: random.Random, per_optimizer: int):
    for name in DEFAULTS:
        for j in range(per_optimizer):
            surface = rng.choice(sorted(SURFACES))
            sp = {}
            if surface == "quadratic":
                sp = Q(rng.choice([1.0, 5.0, 30.0, 200.0, 1000.0]), rng.choice([0.0, 15.0, -40.0, 63.0, 90.0]),
                       round(rng.uniform(-1, 1), 3), round(rng.uniform(-1, 1), 3))
                L = sp["kappa"]
            else:
                L = CURVATURE[surface]
            (x0, x1), (y0, y1) = START_BOX[surface]
            start = (round(rng.uniform(x0, x1), 3), round(rng.uniform(y0, y1), 3))
            steps = rng.choice(range(50, 301, 10))
            hp = {}
            if name in ("sgd", "momentum", "nesterov"):
                hp["lr"] = rng.choice([0.1, 0.3, 0.8]) / L
                if name != "sgd":
                    hp["momentum"] = rng.choice([0.5, 0.9])
                if name == "momentum":
                    hp["dampening"] = rng.choice([0.0, 0.0, 0.3])
            elif name == "adagrad":
                hp["lr"] = rng.choice([0.1, 0.3, 1.0])
                hp["lr_decay"] = rng.choice([0.0, 0.001, 0.05])
                hp["initial_accumulator_value"] = rng.choice([0.0, 0.5])
                hp["eps"] = rng.choice([1e-10, 1e-6])
            elif name == "rmsprop":
                hp["lr"] = rng.choice([0.001, 0.005, 0.02])
                hp["alpha"] = rng.choice([0.9, 0.99])
                hp["momentum"] = rng.choice([0.0, 0.5, 0.9])
                hp["centered"] = rng.choice([False, True])
            else:
                hp["lr"] = rng.choice([0.005, 0.02, 0.1])
                hp["beta1"] = rng.choice([0.0, 0.5, 0.9])
                hp["beta2"] = rng.choice([0.9, 0.999, 0.9999])
                if name in ("adam", "adamw"):
                    hp["amsgrad"] = rng.choice([False, True])
                if name == "nadam":
                    hp["momentum_decay"] = rng.choice([0.004, 0.02])
            if name == "adamw":
                hp["weight_decay"] = rng.choice([0.0, 0.01, 0.1])
            else:
                hp["weight_decay"] = rng.choice([0.0, 0.0, 0.001, 0.01])
            if name == "adamw" and rng.random() < 0.3:
                hp["decay"] = "schedule"
                hp["weight_decay"] = hp["weight_decay"] * hp["lr"]
            elif rng.random() < 0.35:
                hp["schedule"] = rng.choice(["inverse_sqrt", "cosine", "step"])
                hp["warmup"] = rng.choice([0, 0, 5, 25])
                if hp["schedule"] == "step":
                    hp["step_every"] = rng.choice([20, 50, 75])
            add(name, surface, start, steps, f"rand{j}", sp, **hp)


_random_cases(random.Random(SEED), per_optimizer=4)


# --------------------------------------------------------------------------------------------


def perturbations(case):
    """Perturbations for the stability filter: (kind, per-step (fx, fy) factors).

    1. the literal recipe: every gradient times 1 + 1e-15, and times 1 - 1e-15;
    2. gradient times 1 +- 1e-15 with a pseudo-random sign per step and coordinate (two fixed
       patterns).  A constant factor alone is nearly invisible to the adaptive methods (Adam,
       RMSprop, Adagrad, Adamax are invariant to a constant rescaling of each gradient coordinate
       up to eps);
    3. the gradient evaluated at p * (1 +- 1e-15) (random signs, two patterns).  Near a
       stationary point the gradient is a difference of much larger terms, so evaluating it in a
       different operation order (autograd.numpy vs torch autograd) changes it by far more than
       1e-15 relative; a relative gradient perturbation misses that, a perturbed point does not.
    """
    n = case["steps"]
    pats = [("grad", [(1.0 + PERTURB, 1.0 + PERTURB)] * n),
            ("grad", [(1.0 - PERTURB, 1.0 - PERTURB)] * n)]
    for kind, seed in (("grad", 1), ("grad", 2), ("point", 3), ("point", 4)):
        r = random.Random(seed)
        pats.append((kind, [(1.0 + r.choice((-1, 1)) * PERTURB, 1.0 + r.choice((-1, 1)) * PERTURB)
                            for _ in range(n)]))
    return pats


def check(case):
    """(points, None) for a usable case, (None, reason) for a dropped one; also max sensitivity."""
    pts = run_torch(case)
    t = torch.tensor(pts)
    if not torch.isfinite(t).all():
        return None, "non-finite", float("nan")
    if t.abs().max() > BOUND:
        return None, f"left |theta| <= {BOUND:g} (max |theta| = {t.abs().max().item():.3g})", float("nan")
    scale = t.abs().clamp(min=1.0)
    worst = 0.0
    for pattern in perturbations(case):
        q = torch.tensor(run_torch(case, perturb=pattern))
        rel = ((q - t).abs() / scale)
        rel = torch.where(torch.isfinite(rel), rel, torch.full_like(rel, math.inf))
        worst = max(worst, rel.max().item())
    if worst > STABILITY_TOL:
        return None, f"chaotic: a {PERTURB:g} relative perturbation moves the path by {worst:.3g}", worst
    return pts, None, worst


def main(argv=None):
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    files: dict[str, list] = {}
    dropped = {"chaotic": [], "other": []}
    per_opt: dict[str, int] = {}
    for case in CASES:
        pts, reason, worst = check(case)
        if pts is None:
            kind = "chaotic" if reason.startswith("chaotic") else "other"
            dropped[kind].append(case["id"])
            print(f"DROPPED {case['id']}: {reason}")
            continue
        print(f"ok      {case['id']}: sensitivity {worst:.2e}")
        files.setdefault(TORCH_FILE[case["optimizer"]], []).append(dict(case, points=pts))
        per_opt[case["optimizer"]] = per_opt.get(case["optimizer"], 0) + 1
    for old in OUT_DIR.glob("*.json"):
        if old.stem not in files:
            old.unlink()
    for stem, cases in sorted(files.items()):
        doc = {
            "generator": "tools/make_reference.py",
            "torch": torch.__version__,
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "default_dtype": str(torch.get_default_dtype()),
            "stability_tol": STABILITY_TOL,
            "cases": cases,
        }
        path = OUT_DIR / f"{stem}.json"
        path.write_text(_dump(doc))
        print(f"wrote {path.relative_to(ROOT)} ({len(cases)} cases)")
    print("cases per optimizer:", json.dumps(per_opt))
    print(f"kept {sum(per_opt.values())} of {len(CASES)}; dropped {len(dropped['chaotic'])} chaotic, "
          f"{len(dropped['other'])} non-finite/unbounded")
    return 0


def _dump(doc):
    """JSON with one trajectory point per line (floats as repr, which round-trips float64)."""
    lines = ["{"]
    head = {k: v for k, v in doc.items() if k != "cases"}
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v)},")
    lines.append('  "cases": [')
    for i, case in enumerate(doc["cases"]):
        lines.append("    {")
        items = [(k, v) for k, v in case.items() if k != "points"]
        for k, v in items:
            lines.append(f"      {json.dumps(k)}: {json.dumps(v)},")
        lines.append('      "points": [')
        pts = case["points"]
        for j, pt in enumerate(pts):
            lines.append("        " + json.dumps(pt) + ("," if j < len(pts) - 1 else ""))
        lines.append("      ]")
        lines.append("    }" + ("," if i < len(doc["cases"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
