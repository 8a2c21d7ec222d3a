""""Get the code": two short Python scripts generated from a scenario.

`api_script(s)` reproduces the race with this project's public API (optimizers.run); `torch_script(s)`
with torch.optim for the optimizers torch has (the others are named, with why, in the script). Both
print the same long CSV as the page's "Trajectories (CSV)" (run, optimizer, step, x, y, loss, grad_x,
grad_y), so a reader can diff them against the download. Values are written with repr: a float
read back is the same float, so the API script gives the page's numbers bit for bit.
"""
from __future__ import annotations

import textwrap

import optimizers
import surfaces

from .scenario import CUSTOM, Scenario, query_string, to_query

# Our optimizer -> torch.optim class (the mapping tools/make_reference.py documents and tests hold
# to 1e-12 on stable paths).
TORCH_CLASS = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad",
               "rmsprop": "RMSprop", "adam": "Adam", "amsgrad": "Adam", "adamw": "AdamW",
               "adamax": "Adamax", "nadam": "NAdam", "radam": "RAdam"}
_WHY_NOT = {
    "adam_nobc": "torch.optim.Adam always corrects the bias of its moments",
    "adamprox": "torch.optim has no proximal weight-decay step",
    "lion": "torch.optim has no Lion",
    "adabelief": "torch.optim has no AdaBelief",
}


def _py(v) -> str:
    """A Python literal that reads back as the same value (floats by repr)."""
    if isinstance(v, bool) or isinstance(v, str):
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    return repr(float(v))


def _kwargs(items) -> str:
    return ", ".join(f"{k}={_py(v)}" for k, v in items)


def _surface_call(s: Scenario) -> str:
    specs = {h.name: h.default for h in surfaces.param_specs(s.surface)}
    changed = [(k, v) for k, v in s.params.items() if k not in specs or v != specs[k]]
    if s.surface == CUSTOM:
        return f"surfaces.from_expression({s.expr!r}" + (", " + _kwargs(changed) if changed else "") + ")"
    return f"surfaces.get({s.surface!r}" + (", " + _kwargs(changed) if changed else "") + ")"


def _hp_changed(name: str, hp: dict) -> list[tuple[str, object]]:
    """lr always (its default depends on the surface), the rest where it differs from the registry."""
    defaults = dict(optimizers.spec(name).defaults)
    return [(k, v) for k, v in hp.items()
            if k == "lr" or k not in defaults or type(v) is not type(defaults[k]) or v != defaults[k]]


def _link(s: Scenario) -> str:
    return "?" + query_string(to_query(s))


_CSV_LINES = '''\
w = csv.writer(sys.stdout, lineterminator="\\n")
w.writerow(["run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "label"])
'''


def api_script(s: Scenario) -> str:
    """A script that runs scenario `s` with optimizers.run and prints the page's CSV."""
    runs = "\n".join(f"    ({r.key!r}, {s.label(r.key)!r},\n"
                     f"     optimizers.get({r.name!r}, {_kwargs(_hp_changed(r.name, r.hp_dict))})),"
                     for r in s.runs)
    return f'''"""The optimizer race of this scenario, with the optimizer-visualizer API.

    pip install optimizer-visualizer
    python race_api.py > trajectories.csv    # the page's "Trajectories (CSV)", number for number

Scenario: {_link(s)}
Hyperparameters not written below are at their defaults.
"""
import csv
import math
import sys

import optimizers
import surfaces

surface = {_surface_call(s)}
runs = [
{runs}
]
trajectories = optimizers.run([opt for _, _, opt in runs], surface, start=({_py(s.x0)}, {_py(s.y0)}),
                              steps={int(s.steps)}, seed={int(s.seed)})


def cell(v):
    return repr(float(v)) if math.isfinite(v) else ""    # empty: after the run diverged


{_CSV_LINES}for (key, label, opt), tr in zip(runs, trajectories):
    for k, ((x, y), loss, (gx, gy)) in enumerate(zip(tr.points, tr.losses, tr.grads)):
        w.writerow([key, opt.name, k, *map(cell, (x, y, loss, gx, gy)), label])
    if tr.diverged_at is not None:
        print(f"{{key}} diverged at step {{tr.diverged_at}}", file=sys.stderr)
'''


def torch_left_out(s: Scenario) -> dict[str, str]:
    """Runs of `s` the torch script leaves out, with why."""
    out = {}
    for r in s.runs:
        if r.name not in TORCH_CLASS:
            out[r.key] = _WHY_NOT.get(r.name, f"torch.optim has no {optimizers.spec(r.name).title}")
    return out


def _torch_kwargs(name: str, hp: dict) -> list[tuple[str, str]]:
    """(argument, Python text) for torch.optim.<class>: the rule REFERENCE.md names for each."""
    f = _py
    betas = ("betas", f"({f(hp.get('beta1'))}, {f(hp.get('beta2'))})") if "beta1" in hp else None
    if name in ("sgd", "momentum", "nesterov"):
        keys = ["momentum", "dampening", "weight_decay", "nesterov"]
    elif name == "adagrad":
        keys = ["lr_decay", "weight_decay", "initial_accumulator_value", "eps"]
    elif name == "rmsprop":
        keys = ["alpha", "eps", "weight_decay", "momentum", "centered"]
    elif name in ("adam", "amsgrad", "adamw"):
        keys = ["eps", "weight_decay", "amsgrad"]
    elif name == "nadam":
        keys = ["eps", "weight_decay", "momentum_decay"]
    else:                                   # adamax, radam
        keys = ["eps", "weight_decay"]
    out = [("lr", f(hp["lr"]))] + ([betas] if betas else [])
    for k in keys:
        v = f(hp[k])
        if name == "adamw" and k == "weight_decay" and hp.get("decay") == "schedule":
            # decay="schedule": θ(1 − η_t·λ); torch multiplies its weight decay by lr·η_t
            v = f"{f(hp[k])} / {f(hp['lr'])}"
        out.append((k, v))
    return out + [("foreach", "False")]


def torch_script(s: Scenario) -> str:
    """A script that runs the runs of `s` torch.optim has, on the same gradients, and prints the
    page's CSV for them."""
    left_out = torch_left_out(s)
    kept = [r for r in s.runs if r.key not in left_out]
    lines = []
    for r in kept:
        hp = r.hp_dict
        args = ", ".join(f"{k}={v}" for k, v in _torch_kwargs(r.name, hp))
        sched = (f", ({hp['schedule']!r}, {int(hp['warmup'])}, {int(hp['step_every'])})"
                 if hp.get("schedule", "constant") != "constant" or hp.get("warmup", 0) else "")
        call = textwrap.fill(f"[p], {args})", width=96, initial_indent=" " * 8,
                             subsequent_indent=" " * 8, break_long_words=False,
                             break_on_hyphens=False)
        lines.append(f"    ({r.key!r}, {r.name!r}, {s.label(r.key)!r},\n"
                     f"     lambda p: torch.optim.{TORCH_CLASS[r.name]}(\n"
                     f"{call}{sched}),")
    runs = "\n".join(lines) or "    # none of this race's optimizers is in torch.optim"
    skipped = "".join(f"\n  - {k}: {why}" for k, why in left_out.items())
    skipped_text = (f"\nLeft out (no torch.optim equivalent):{skipped}" if skipped else "")
    return f'''"""The optimizer race of this scenario, with torch.optim (float64, single-tensor path).

    pip install optimizer-visualizer torch
    python race_torch.py > trajectories_torch.csv

The gradients come from optimizer-visualizer's surface (its gradient oracle: noise, dropout,
sparsity and scaling included, the same draw at step k as on the page), so torch's optimizers see
exactly the gradients the page's did; the paths agree with the page's CSV up to rounding
(torch fuses multiply-adds; a chaotic path, e.g. a zig-zag across a narrow valley, amplifies it).
Scenario: {_link(s)}{skipped_text}
"""
import csv
import math
import sys

import torch

import surfaces

torch.set_default_dtype(torch.float64)   # torch keeps its step counters in this type
surface = {_surface_call(s)}
start, steps, seed = ({_py(s.x0)}, {_py(s.y0)}), {int(s.steps)}, {int(s.seed)}
oracle = surface.oracle(seed, steps)     # oracle(θ rows, k) -> (f, gradient at θ_k)


def eta(t, schedule, warmup, every):
    """The step-size schedule η_t, t = 1, 2, …: γ_t = lr·η_t."""
    e = {{"constant": 1.0, "inverse_sqrt": 1.0 / math.sqrt(t),
         "cosine": 0.5 * (1.0 + math.cos(math.pi * (t - 1) / steps)),
         "step": 0.1 ** ((t - 1) // every)}}[schedule]
    return e * min(1.0, t / warmup) if warmup > 0 else e


def race(make, schedule=None):
    """Rows (step, (x, y, f, g_x, g_y)); after a divergence (|θ| past the bound, or f not
    finite) rows without values, as the page's CSV has them."""
    p = torch.tensor(start, requires_grad=True)
    opt = make(p)
    sched = (torch.optim.lr_scheduler.LambdaLR(opt, lambda k: eta(k + 1, *schedule))
             if schedule else None)
    rows = []
    for k in range(steps + 1):
        theta = p.detach().numpy().copy()
        f, g = oracle(theta[None], k)
        if not (abs(theta).max() <= surface.bound and math.isfinite(f[0])):
            print(f"diverged at step {{k}}", file=sys.stderr)
            return rows + [(j, None) for j in range(k, steps + 1)]     # the page's empty cells
        rows.append((k, (*theta, f[0], *g[0])))
        if k < steps:
            p.grad = torch.from_numpy(g[0].copy())
            opt.step()
            if sched:
                sched.step()
    return rows


runs = [
{runs}
]
{_CSV_LINES}for key, name, label, make, *schedule in runs:
    for k, values in race(make, *schedule):
        w.writerow([key, name, k, *([repr(float(v)) for v in values] if values else [""] * 5), label])
'''
