"""The update-rules panel: each run's rule in LaTeX with its current numbers put in, plus notes.

Constants (β1, β2, ε, λ, μ, …) are replaced by their values, coloured like the run, so the rule on
screen is the one being run; γ_t stays a symbol (it changes with the schedule) and its value is
stated below the rule.
"""
from __future__ import annotations

from optviz.i18n import note, t
import re

import optimizers
from optimizers import schedules

from optviz.model.fmt import fmt_latex
from optviz.model.scenario import Run


def _substituted(h) -> bool:
    """Numbers worth putting in the rule in place of their symbol (γ_t stays a symbol)."""
    return h.kind == "float" and h.in_rule and bool(h.symbol)


def rule_latex(run: Run, color: str = "#1f5fd1") -> str:
    spec = optimizers.spec(run.name)
    tex = spec.latex.strip()
    hp = run.hp_dict
    for h in spec.hparams:
        if not _substituted(h):
            continue
        if hp[h.name] == 0:          # a zero term reads better as its symbol (listed below)
            continue
        value = r"{\color{%s}%s}" % (color, fmt_latex(hp[h.name]))
        tex = re.sub(re.escape(h.symbol) + r"(?![A-Za-z0-9])", lambda _m: value, tex)
    return tex


def values_latex(run: Run) -> str:
    spec = optimizers.spec(run.name)
    hp = run.hp_dict
    parts = [r"\gamma_t = %s\cdot\eta_t" % fmt_latex(hp["lr"])]
    sched = schedules.LATEX.get(hp["schedule"], "")
    if sched:
        parts.append(sched.replace("T", r"T").replace("k", str(hp.get("step_every", "k")))
                     if hp["schedule"] == "step" else sched)
    zeros = [h for h in spec.hparams if _substituted(h) and hp[h.name] == 0]
    if zeros:
        parts.append(r",\ ".join(f"{h.symbol} = 0" for h in zeros))
    if hp.get("warmup"):
        parts.append(r"\text{%s } %d \text{ %s}" % (t("warm-up over"), hp["warmup"], t("steps")))
    return r",\quad ".join(parts)


def notes(run: Run) -> list[str]:
    """Lines under a run's rule: its weight-decay convention, what its entry says about these
    settings (entry.describe), its source."""
    spec = optimizers.spec(run.name)
    hp = run.hp_dict
    out = []
    if spec.weight_decay in ("decoupled", "proximal") and "decay" in hp:
        if hp["decay"] == "lr":
            out.append(t("Weight decay convention: **decay = lr** — each step shrinks θ by γ_t·λ "
                         "(torch / optax AdamW)."))
        else:
            out.append(t("Weight decay convention: **decay = schedule** — each step shrinks θ by "
                         "η_t·λ, independent of the learning rate (Loshchilov & Hutter, Alg. 2)."))
    elif spec.weight_decay and hp.get("weight_decay"):
        out.append(_WD_RULE_NOTE[spec.weight_decay](spec))
    if spec.describe is not None:
        out += [note(line) for line in spec.describe(hp)]
    if spec.paper:
        out.append(t("Source: {paper}.", paper=t(spec.paper)))
    return out


_WD_RULE_NOTE = {
    "l2": lambda spec: (t("Weight decay is L2: λθ is added to the gradient, so it passes through "
                          "the adaptive scaling (for Adam this is Adam-ℓ2, not AdamW).")
                        if spec.adam_family else
                        t("Weight decay is L2: λθ is added to the gradient, so it passes through "
                          "the adaptive scaling.")),
    "decoupled": lambda spec: t("Weight decay is decoupled: θ shrinks by γ_t·λ outside the update step."),
    "proximal": lambda spec: t("Weight decay is proximal: θ ← θ/(1 + γ_tλ) after the update step."),
}


def weight_decay_note(name: str, decay: str = "lr") -> str:
    """One line under the λ control saying which weight-decay convention is active ("" if the
    optimizer has no weight decay). Read from the entry's `weight_decay` kind."""
    spec = optimizers.spec(name)
    kind = spec.weight_decay
    if not kind:
        return ""
    if kind == "l2":
        return (t("λ is L2 weight decay: g ← g + λθ, so it passes through the optimizer's scaling "
                  "(Adam-ℓ2, not AdamW).") if spec.adam_family else
                t("λ is L2 weight decay: g ← g + λθ, so it passes through the optimizer's scaling."))
    if "decay" in spec.defaults:
        if kind == "proximal":
            return (t("λ is proximal weight decay, outside the adaptive step: per step θ shrinks by "
                      "γ_t·λ (decay = lr, as torch/optax).") if decay == "lr" else
                    t("λ is proximal weight decay, outside the adaptive step: per step θ shrinks by "
                      "η_t·λ, independent of the learning rate (decay = schedule)."))
        return (t("λ is decoupled weight decay, outside the adaptive step: per step θ shrinks by "
                  "γ_t·λ (decay = lr, as torch/optax).") if decay == "lr" else
                t("λ is decoupled weight decay, outside the adaptive step: per step θ shrinks by "
                  "η_t·λ, independent of the learning rate (decay = schedule)."))
    if kind == "decoupled":
        return t("λ is decoupled weight decay: θ shrinks by γ_t·λ, outside the update step.")
    return t("λ is proximal weight decay: θ ← θ/(1 + γ_t·λ), outside the update step.")
