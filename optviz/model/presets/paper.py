"""The eight claims of the Adam and AdamW papers as one-click presets (../shared/REFERENCE.md).

Each preset is a complete scenario — every URL parameter written out, so a later change of a
default cannot change what a link shows — with a title, the paper and section it comes from, a
"what to look for" paragraph a lecturer can read aloud, and the `panel` that makes its claim
obvious. Panels the race view alone cannot show are drawn here by `render_panel`:

    scale_free       the scenario with and without its per-coordinate gradient scale, overlaid
    condition        steps to a tolerance against κ, axis-aligned and rotated (log-log)
    prox_gap         the AdamW–AdamProx gap relative to weight decay's own effect, against γλ
    bias_correction  |Δθ|/α for the first steps of Adam and Adam without bias correction
    step_bound       |Δθᵢ|/α per step with α, AdaMax's exact bound and the sparse-case bound

`scenario_runs(preset)` parses a preset's query (validating every value against the registries)
and runs it through the public API in one batched call: tests/test_claims.py asserts each claim on
exactly the scenario its link shows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

import optimizers
import surfaces
from views.scenario import SCHEMA_VERSION, fmt_value, read_link

try:
    from views.presets import Preset
except ImportError:  # the app's module is not there: a compatible stand-in
    @dataclass(frozen=True)
    class Preset:
        """A complete scenario with a title and what to look for (a lecturer can read it aloud)."""

        name: str
        title: str
        what_to_look_for: str
        query: dict
        source: str = ""
        panel: str = "race"

__all__ = ["Preset", "PAPER_PRESETS", "PANELS", "Scenario", "parse_scenario", "scenario_runs",
           "render_panel", "preset_url", "get", "CONDITION_TOL", "CONDITION_KAPPAS",
           "PROX_GAMMA_LAMBDAS", "SPARSE_Q", "SPARSE_STEPS"]

PANELS = ("scale_free", "condition", "prox_gap", "bias_correction", "step_bound")

# ------------------------------------------------------------------------------ the scenario
@dataclass(frozen=True)
class Run:
    key: str                 # URL id: adam, adam-2
    name: str                # registry name: adam
    hp: Mapping[str, Any]    # every hyperparameter

    def optimizer(self, **override):
        return optimizers.get(self.name, label=self.key, **{**self.hp, **override})


@dataclass(frozen=True)
class Scenario:
    """A parsed query: the surface, the runs, the start, the number of steps and the seed."""

    surface: str
    params: Mapping[str, Any]
    runs: tuple[Run, ...]
    start: tuple[float, float]
    steps: int
    seed: int
    expr: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)   # keys the race does not read

    def build_surface(self, **override):
        p = {**self.params, **override}
        if self.surface == "custom":
            return surfaces.from_expression(self.expr, **p)
        return surfaces.get(self.surface, **p)

    def run(self, key: str) -> Run:
        for r in self.runs:
            if r.key == key:
                return r
        raise KeyError(key)

    def first(self, *names: str) -> Run | None:
        """The first run of any of these optimizers (by registry name), or None."""
        for r in self.runs:
            if r.name in names:
                return r
        return None


def fmt(v) -> str:
    """A value as URL text: the shortest text that reads back to the same number."""
    if isinstance(v, np.generic):       # NumPy scalars read as the Python value they hold
        v = v.item()
    return fmt_value(v)


def parse_scenario(query: Mapping[str, Any], strict: bool = False) -> Scenario:
    """A Scenario from URL parameters (str → str, or list[str] for the repeated `opt`), read by the
    app's own reader (views.scenario.read_link): one definition of what a link means.

    Where the app notes a refused value and shows its default, this raises: a panel or a test must
    not silently run something else. strict (presets): also every race parameter must be written
    out and no key may be unknown — a preset must not depend on a default. Otherwise missing values
    take the app's defaults (an optimizer's lr: the surface's hint for its family) and keys the race
    does not read are kept in `extra`. Raises ValueError naming every problem.
    """
    s, notes, extra = read_link(query)
    problems = list(notes)
    if strict:
        given = {str(k) for k in query}
        required = (["v", "surface"] + (["expr"] if s.surface == "custom" else [])
                    + [name for name, _ in s.params] + ["opt"]
                    + [f"{r.key}.{k}" for r in s.runs for k, _ in r.hp] + ["x0", "y0", "steps", "seed"])
        problems += [f"{k}: missing (a preset writes every parameter)" for k in required if k not in given]
        if extra:
            problems.append(f"unknown parameters: {', '.join(sorted(extra))}")
    if problems:
        raise ValueError("; ".join(problems))
    runs = tuple(Run(r.key, r.name, dict(r.hp)) for r in s.runs)
    return Scenario(s.surface, dict(s.params), runs, (s.x0, s.y0), s.steps, s.seed, s.expr,
                    {k: v[0] if len(v) == 1 else v for k, v in extra.items()})


def scenario_runs(preset, *, surface: Mapping | None = None, runs: Mapping | None = None,
                  start=None, steps: int | None = None, seed: int | None = None,
                  diagnostics: bool = True, strict: bool | None = None):
    """Run a preset (or a query dict) through the public API: (surface, [Trajectory per run]).

    All runs advance in ONE batched `optimizers.run`. Keyword overrides make variants of the same
    scenario: `surface` (surface parameters, e.g. {"scale_x": 1.0}), `runs` ({key: {hp: value}}),
    `start`, `steps`, `seed`. Presets are parsed strictly (every parameter explicit and valid).
    """
    query = preset.query if hasattr(preset, "query") else preset
    sc = parse_scenario(query, strict=hasattr(preset, "query") if strict is None else strict)
    surf = sc.build_surface(**(surface or {}))
    opts = [r.optimizer(**(runs or {}).get(r.key, {})) for r in sc.runs]
    trs = optimizers.run(opts, surf, start=sc.start if start is None else start,
                         steps=sc.steps if steps is None else steps,
                         seed=sc.seed if seed is None else seed, diagnostics=diagnostics)
    return surf, trs


def _query(surface: str, runs: Sequence[tuple[str, Mapping]], *, params: Mapping | None = None,
           start: tuple[float, float], steps: int, seed: int = 0) -> dict:
    """A complete query: every surface parameter and every hyperparameter written out."""
    params = dict(params or {})
    q: dict[str, Any] = {"v": SCHEMA_VERSION, "surface": surface}
    for h in surfaces.param_specs(surface):
        q[h.name] = fmt(params.pop(h.name, h.default))
    if params:
        raise ValueError(f"{surface}: unknown parameters {sorted(params)}")
    q["opt"] = [key for key, _ in runs]
    for key, hp in runs:
        spec = optimizers.spec(key.split("-")[0])
        hp = dict(hp)
        for h in spec.hparams:
            q[f"{key}.{h.name}"] = fmt(hp.pop(h.name, h.default))
        if hp:
            raise ValueError(f"{key}: unknown hyperparameters {sorted(hp)}")
    q["x0"], q["y0"] = fmt(float(start[0])), fmt(float(start[1]))
    q["steps"], q["seed"] = str(steps), str(seed)
    parse_scenario(q, strict=True)           # a preset that does not parse fails at import
    return q


def preset_url(preset) -> str:
    """The preset's relative link: "?" + the query, tagged with preset=<name>."""
    from urllib.parse import urlencode
    return "?" + urlencode({**preset.query, "preset": preset.name}, doseq=True)


# ------------------------------------------------------------------------- the eight presets
# Constants the panels and tests share (each is explained where the preset uses it).
CONDITION_TOL = 1e-6                                # f − f* ≤ tol, absolute (f* = 0)
CONDITION_KAPPAS = (1.0, 10.0, 100.0, 1e3, 1e4)
CONDITION_ROTATED = 45.0                            # the rotated case when the preset is axis-aligned
PROX_GAMMA_LAMBDAS = (1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)
SPARSE_Q = 1e-3          # step_bound's sparse variant: y-gradient seen once per ~1/(1-β2) steps
SPARSE_STEPS = 2000
PANEL_MAX_STEPS = 5000   # panels rerun the scenario: longer races are cut here (compute budget)

_ADAM_SCALE = _query(
    # Rosenbrock from the classic start. Every gradient is multiplied by c = 1000 (scale_x = scale_y).
    # Adam with ε = 0 divides m̂ by √v̂, both scaled by c, so its path is the unscaled path to the
    # last bits; with torch's ε = 1e-8 the difference is ~1e-9 (ε matters only where |g| ≈ ε);
    # SGD's step is 1000× larger and it diverges at step 2.
    "rosenbrock",
    [("adam", {"lr": 0.02, "eps": 0.0}), ("adam-2", {"lr": 0.02, "eps": 1e-8}),
     ("sgd", {"lr": 1e-3})],
    params={"scale_x": 1000.0, "scale_y": 1000.0}, start=(-1.5, 2.0), steps=1000)

_STEP_BOUND = _query(
    # The scenario of REFERENCE.md's AdaMax number: Rosenbrock from (0, 0), lr 2e-3 (AdaMax's
    # default). torch.optim.Adamax's largest step there is 1.00017α (at t = 3): above the paper's
    # α, below the exact bound α(1-β1)(1-(β1/β2)^t)/((1-β1/β2)(1-β1^t)) ≈ 1.009α. Adam's dense
    # steps stay ≤ α. 500 steps: the whole descent into the valley and along it.
    "rosenbrock",
    [("adam", {"lr": 2e-3}), ("adamax", {"lr": 2e-3})],
    start=(0.0, 0.0), steps=500)

_BIAS = _query(
    # Adam paper §6.4 / Fig. 4: β2 ∈ {0.999, 0.9999} with and without bias correction. lr 0.05 on
    # Rosenbrock from (-1.5, 2): bias-corrected Adam steps ≈ α and its loss never rises above the
    # start's 12.5; without correction the first step is α(1-β1)/√(1-β2) = 3.16α (β2 = 0.999) or
    # 10α (β2 = 0.9999), the 0.9999 run is flung up the valley wall and its loss peaks at ~250.
    "rosenbrock",
    [("adam", {"lr": 0.05, "beta2": 0.999}), ("adam-2", {"lr": 0.05, "beta2": 0.9999}),
     ("adam_nobc", {"lr": 0.05, "beta2": 0.999}), ("adam_nobc-2", {"lr": 0.05, "beta2": 0.9999})],
    start=(-1.5, 2.0), steps=500)

_SPARSE = _query(
    # Two-weight logistic regression; the second feature is present in 1% of the 256 examples
    # (rare = 0.01), minibatches of 16 (so ~85% of minibatch gradients have a zero rare coordinate).
    # Learning rates: each optimizer's best on a log grid for its loss averaged over the last 20
    # of 300 steps and 8 seeds (tests/test_claims.py re-checks SGD's): SGD 0.63, AdaGrad 0.63 —
    # the same γ — and Adam 0.08. The start is the surface's: 4 left of and 3.5 above the optimum.
    "logistic",
    [("sgd", {"lr": 0.63}), ("adagrad", {"lr": 0.63}), ("adam", {"lr": 0.08})],
    params={"rare": 0.01, "batch": 16}, start=(-2.1020300969963523, 2.1869161267404653), steps=300)

_NOISY = _query(
    # Beale with dropout noise p = 0.5: each gradient coordinate is zeroed with probability ½ and
    # the rest doubled (unbiased, as in the Adam paper's dropout experiments). Nesterov's lr 1e-3
    # is a notch below its edge (2.2e-3 diverges for some seeds under this noise); Adam's 0.2 is near
    # its best. Averaged over 8 seeds and the last 100 of 1000 steps, Adam ends ~4e-11 above f*,
    # Nesterov ~6e-5 at this lr and ~4e-7 at its best lr on a grid (1.8e-3; 3.2e-3 diverges).
    "beale",
    [("nesterov", {"lr": 1e-3}), ("adam", {"lr": 0.2})],
    params={"dropout": 0.5}, start=(1.0, 1.5), steps=1000)

_ADAMW_SCALE = _query(
    # AdamW paper (Zhuang et al. 2022, scale-freeness): ½(u² + κv²) with κ = 10 centred at (3, -1)
    # is ½·[(x-3)² + 10(y+1)²] — REFERENCE.md's (x-3)² + 10(y+1)² up to a constant factor 2, which
    # no Adam-type method (ε = 0) can see. The minimiser is not the origin, so the L2 term of
    # Adam-ℓ2 is not itself a per-coordinate rescaling. c = (1e3, 1e-2): x-gradients ×1000,
    # y-gradients ÷100. λ = 0.1, γ = 0.01, ε = 0 for all three.
    "quadratic",
    [("adamw", {"lr": 0.01, "eps": 0.0, "weight_decay": 0.1}),
     ("adamprox", {"lr": 0.01, "eps": 0.0, "weight_decay": 0.1}),
     ("adam", {"lr": 0.01, "eps": 0.0, "weight_decay": 0.1})],
    params={"kappa": 10.0, "angle": 0.0, "center_x": 3.0, "center_y": -1.0,
            "scale_x": 1000.0, "scale_y": 0.01},
    start=(0.0, 0.0), steps=1000)

_PROX = _query(
    # AdamW ≈ AdamProx: γ = 0.01, λ = 0.1 so γλ = 1e-3, on Rosenbrock from (-1.5, 2) for 300 steps.
    # Adam with λ = 0 is the reference for weight decay's own effect on the path. The panel
    # raises λ (at this γ) through γλ ∈ PROX_GAMMA_LAMBDAS: one step of each differs by
    # θ(γλ)²/(1+γλ) + γ·s·γλ/(1+γλ) (s the Adam direction), a fraction ≈ γλ + γ|s|/|θ| of the
    # decay's own step γλθ — below 1% at γλ = 1e-3 and growing with γλ.
    "rosenbrock",
    [("adamw", {"lr": 0.01, "weight_decay": 0.1}), ("adamprox", {"lr": 0.01, "weight_decay": 0.1}),
     ("adam", {"lr": 0.01, "weight_decay": 0.0})],
    start=(-1.5, 2.0), steps=300)

_CONDITION = _query(
    # ½(x² + κy²) with κ = 1e4, axis-aligned, from (-4, 2) (the surface's own start). GD at
    # γ = 1/κ = 1e-4 (the largest step that does not overshoot the steep direction; the stability
    # edge is 2/κ) contracts x by (1 - 1/κ) per step: ~8e4 steps to f ≤ 1e-6. Adam and AdamW
    # (γ = 0.05) divide each coordinate by its own gradient scale: with ε = 0 their path does not
    # depend on κ at all, and with ε = 1e-8 it hardly does — ~220 steps for any κ here.
    "quadratic",
    [("sgd", {"lr": 1e-4}), ("adam", {"lr": 0.05}), ("adamw", {"lr": 0.05, "weight_decay": 0.01})],
    params={"kappa": 1e4, "angle": 0.0, "center_x": 0.0, "center_y": 0.0},
    start=(-4.0, 2.0), steps=1000)


PAPER_PRESETS: list[Preset] = [
    Preset(
        name="adam-scale-invariance",
        title="Adam ignores the gradient's scale (ε = 0)",
        what_to_look_for=(
            "Every gradient on this Rosenbrock surface has been multiplied by 1000. Adam divides "
            "its momentum m̂ by the root of its squared-gradient average √v̂; both grow by the same "
            "factor 1000, so with ε = 0 the factor cancels and Adam walks exactly the path it "
            "walks on the unscaled surface — the panel overlays the two and their largest "
            "difference is at the level of rounding (about 1e-16). With torch's ε = 1e-8 the path "
            "moves by about 1e-9: ε only matters where gradients are as small as ε. Plain SGD's "
            "step is the gradient times γ, so it becomes 1000 times larger and SGD diverges at "
            "step 2."),
        query=_ADAM_SCALE,
        source="Kingma & Ba 2015, Adam, §2.1 (invariance to diagonal rescaling of the gradient)",
        panel="scale_free"),
    Preset(
        name="adam-step-bound",
        title="Adam's step is bounded by α — and AdaMax's by slightly more",
        what_to_look_for=(
            "The panel plots each step's largest coordinate |Δθᵢ| divided by the learning rate α. "
            "Adam's curve never rises above the line at 1: on a dense problem its step is at most "
            "about α, whatever the gradient's size, which is what makes α easy to choose — it is "
            "a trust region. AdaMax's paper says the same, but its exact bound is the dashed "
            "curve α(1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t)), which climbs to about 1.009α: on "
            "this run AdaMax's third step is 1.00017α, just above α and well below its bound. "
            "Switch on the sparse gradient: when a coordinate's gradient has been zero for a long "
            "time and then appears, Adam's step jumps above α towards α(1−β1)/√(1−β2) ≈ 3.2α, "
            "the paper's sparse-case bound. (The x-steps rise above α then too: each sudden "
            "y-move changes the x-gradient abruptly, and the bound ≈ α holds only while the "
            "gradient's scale changes slowly.)"),
        query=_STEP_BOUND,
        source="Kingma & Ba 2015, Adam, §2.1 (effective step size) and §7.1 (AdaMax)",
        panel="step_bound"),
    Preset(
        name="adam-bias-correction",
        title="Why Adam corrects its moment estimates' bias",
        what_to_look_for=(
            "Adam's running averages m and v start at zero, so in the first steps they are too "
            "small; Adam divides them by 1−β1^t and 1−β2^t. Without that correction v is far too "
            "small for about 1/(1−β2) steps: the first step is α(1−β1)/√(1−β2), that is 3.2α for "
            "β2 = 0.999 and 10α for β2 = 0.9999 — look at the magnified first twenty steps. On "
            "the surface the uncorrected β2 = 0.9999 run is flung up the valley wall and its loss "
            "jumps from 12.5 to about 250, while both corrected runs take steps of α and their "
            "loss never rises. The closer β2 is to 1 — the setting sparse problems need — the "
            "worse it gets, which is why bias correction matters."),
        query=_BIAS,
        source="Kingma & Ba 2015, Adam, §3 (initialization bias correction) and §6.4, Fig. 4",
        panel="bias_correction"),
    Preset(
        name="adam-sparse-features",
        title="Sparse gradients: a rare feature",
        what_to_look_for=(
            "Logistic regression with two weights: the first feature is in every example, the "
            "second in only 1% of them, so most minibatch gradients say nothing about the second "
            "weight (the vertical axis). SGD's step is proportional to the gradient: it quickly "
            "fixes the frequent weight and then creeps along the flat direction of the rare one. "
            "AdaGrad, at the same learning rate, and Adam divide each coordinate by the size of "
            "its own past gradients, so the rare weight takes full-sized steps whenever its "
            "feature appears: after 300 steps they are about 2.5 to 3 times closer to the rare "
            "weight's optimum than SGD, with the frequent weight just as good. (In two "
            "dimensions the effect is modest; it grows with the number of rare features.)"),
        query=_SPARSE,
        source="Kingma & Ba 2015, Adam, §1 and §6.1 (logistic regression, sparse features)",
        panel="race"),
    Preset(
        name="adam-dropout-noise",
        title="Noisy gradients: dropout noise, Adam vs SGD with Nesterov momentum",
        what_to_look_for=(
            "Each gradient coordinate is dropped with probability ½ and the rest doubled: the "
            "gradient is right on average but every single one is wrong. Watch the loss curves. "
            "Nesterov's step is proportional to the noisy gradient, so a doubled coordinate "
            "doubles the step: it needs a small learning rate to survive (twice as large "
            "diverges for some seeds) and its loss stalls about 6e-5 above the minimum — even at "
            "its best learning rate, about 4e-7. Adam normalises each coordinate by the root mean "
            "square of its recent gradients, which absorbs the noise's scale: it keeps "
            "converging, to about 4e-11 — four orders of magnitude below Nesterov at its best."),
        query=_NOISY,
        source="Kingma & Ba 2015, Adam, §6.1–6.3 (dropout noise; comparison with SGD Nesterov)",
        panel="diagnostics"),
    Preset(
        name="adamw-scale-free",
        title="AdamW and AdamProx are scale-free; Adam with L2 is not",
        what_to_look_for=(
            "The gradient's x-coordinate is multiplied by 1000 and its y-coordinate divided by "
            "100. The panel runs the same race with and without that rescaling. AdamW and "
            "AdamProx (ε = 0) land exactly on their unscaled paths: their weight decay acts on θ "
            "directly, outside the normalised step, so nothing in the update sees the gradient's "
            "scale. Adam with L2 regularisation adds λθ to the gradient before normalising; "
            "rescaling the gradient changes the balance between the loss and the penalty in "
            "each coordinate, and its path — and even its end point — moves (by about 0.5 here). "
            "Scale-freeness is what lets AdamW ignore how badly each coordinate is scaled."),
        query=_ADAMW_SCALE,
        source="Loshchilov & Hutter 2019 (AdamW); Zhuang, Liu, Cutkosky & Orabona 2022, "
               "'Understanding AdamW through proximal methods and scale-freeness'",
        panel="scale_free"),
    Preset(
        name="adamw-vs-adamprox",
        title="AdamW is a first-order approximation of AdamProx",
        what_to_look_for=(
            "AdamW shrinks θ by (1−γλ) and takes the Adam step; AdamProx takes the Adam step and "
            "then divides by (1+γλ) — the exact proximal step of the weight-decay penalty. "
            "Because 1/(1+γλ) = 1−γλ+(γλ)²−…, they agree to first order in γλ. On the surface, "
            "with γλ = 1e-3, their paths are indistinguishable. The panel measures the gap "
            "between them as a fraction of weight decay's own effect on the path (the distance "
            "from Adam without decay): about 0.15% at γλ = 1e-3, growing steadily as λ is "
            "raised to γλ = 0.1."),
        query=_PROX,
        source="Zhuang, Liu, Cutkosky & Orabona 2022, 'Understanding AdamW through proximal "
               "methods and scale-freeness' (AdamW as an approximate proximal method)",
        panel="prox_gap"),
    Preset(
        name="adamw-condition-number",
        title="Ill-conditioning: axis-aligned vs rotated",
        what_to_look_for=(
            "A quadratic valley 10,000 times steeper across (y) than along (x). Gradient descent "
            "must take steps small enough for the steep direction, so it crawls along the flat "
            "one: with γ = 1/κ it needs about κ times more steps than on a round bowl — it is "
            "still far from the minimum at the end. Adam and AdamW rescale each coordinate by "
            "its own gradient size, which undoes this axis-aligned ill-conditioning completely: "
            "the panel shows their steps to reach f ≤ 1e-6 are flat in κ from 1 to 10,000, "
            "while GD's grow like κ. Rotate the valley by 45° (dashed lines) and the steep "
            "direction is no longer a coordinate: the per-coordinate rescaling cannot find it, "
            "and Adam slows down with κ as well."),
        query=_CONDITION,
        source="Zhuang, Liu, Cutkosky & Orabona 2022 (scale-freeness and the condition number); "
               "Kingma & Ba 2015, §2.1",
        panel="condition"),
]

# Which claim of REFERENCE.md each preset shows (the README and the tests use it).
CLAIM_OF = {p.name: i for i, p in enumerate(PAPER_PRESETS, start=1)}


def get(name: str) -> Preset:
    for p in PAPER_PRESETS:
        if p.name == name:
            return p
    raise KeyError(f"no paper preset {name!r}; there are {', '.join(CLAIM_OF)}")


# =============================================================================== the panels
def _colour(key: str) -> str:
    try:
        from views.style import run_color
        return run_color(key)
    except Exception:        # the app's style module is optional here
        palette = ("#1f5fd1", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")
        return palette[sum(map(ord, key)) % len(palette)]


def _key(query: Mapping) -> tuple:
    """A small hashable cache key for a query."""
    return tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else str(v))
                        for k, v in query.items()))


def _max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1, |a|) over the path, NaN-aware: inf if exactly one of them diverged."""
    dead_a, dead_b = np.isnan(a), np.isnan(b)
    if (dead_a != dead_b).any():
        return math.inf
    ok = ~dead_a
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(1.0, np.abs(a[ok]))))


# ------------------------------------------------------------------------------ scale_free
def scale_free_data(query: Mapping) -> dict:
    """The scenario with its gradient scale and without (or with c = (1e3, 1e-2) if it has none)."""
    sc = parse_scenario(query)
    cx, cy = sc.params.get("scale_x", 1.0), sc.params.get("scale_y", 1.0)
    if cx == 1.0 and cy == 1.0:
        cx, cy = 1e3, 1e-2
    opts = [r.optimizer() for r in sc.runs]
    plain_s = sc.build_surface(scale_x=1.0, scale_y=1.0)
    scaled_s = sc.build_surface(scale_x=cx, scale_y=cy)
    steps = min(sc.steps, PANEL_MAX_STEPS)
    plain = optimizers.run(opts, plain_s, start=sc.start, steps=steps, seed=sc.seed,
                           diagnostics=False)
    scaled = optimizers.run(opts, scaled_s, start=sc.start, steps=steps, seed=sc.seed,
                            diagnostics=False)
    rows = []
    for r, a, b in zip(sc.runs, plain, scaled):
        rows.append({"key": r.key, "label": _label(r), "plain": a.points, "scaled": b.points,
                     "max_rel_diff": _max_rel_diff(a.points, b.points),
                     "end_distance": float(np.linalg.norm(a.points[-1] - b.points[-1])),
                     "diverged": (a.diverged_at, b.diverged_at)})
    return {"scale": (cx, cy), "rows": rows, "contour": _contour(plain_s),
            "window": plain_s.window, "minima": plain_s.minima}


def _label(r: Run) -> str:
    spec = optimizers.spec(r.name)
    bits = []
    if "eps" in r.hp and spec.adam_family:
        bits.append(f"ε={fmt(r.hp['eps'])}")
    if r.hp.get("weight_decay"):
        bits.append(f"λ={fmt(r.hp['weight_decay'])}")
    bits.append(f"γ={fmt(r.hp['lr'])}")
    title = spec.title if "-" not in r.key else f"{spec.title} {'ABC'[int(r.key[-1]) - 1]}"
    return f"{title} ({', '.join(bits)})"


def _contour(surface, n: int = 90) -> dict:
    """Log-spaced contour lines of f over the surface's window, drawn in one light colour."""
    (xa, xb), (ya, yb) = surface.window
    xs, ys = np.linspace(xa, xb, n), np.linspace(ya, yb, n)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(np.stack([X, Y], axis=-1))
    Z = Z - (surface.f_min if surface.f_min is not None else float(np.nanmin(Z)))
    floor = 1e-6 * max(float(np.nanmax(Z)), 1e-300)
    return dict(type="contour", x=xs, y=ys, z=np.log10(np.maximum(Z, 0) + floor), showscale=False,
                hoverinfo="skip", ncontours=25, contours=dict(coloring="lines"),
                line=dict(width=0.8), colorscale=[[0, "#c9d3e0"], [1, "#c9d3e0"]],
                name="f (log levels)", showlegend=False)


def scale_free_figure(data: dict):
    import plotly.graph_objects as go
    fig = go.Figure()
    fig.add_trace(data["contour"])
    for row in data["rows"]:
        c = _colour(row["key"])
        a, b = row["plain"], row["scaled"]
        fig.add_trace(go.Scatter(x=a[:, 0], y=a[:, 1], mode="lines", name=f"{row['label']}: plain",
                                 line=dict(color=c, width=5), opacity=0.45, legendgroup=row["key"]))
        fig.add_trace(go.Scatter(x=b[:, 0], y=b[:, 1], mode="lines",
                                 name=f"{row['label']}: rescaled ∇f", legendgroup=row["key"],
                                 line=dict(color=c, width=1.5, dash="dot")))
    for m in data["minima"]:
        fig.add_trace(go.Scatter(x=[m[0]], y=[m[1]], mode="markers", name="minimum",
                                 marker=dict(symbol="star", size=14, color="black")))
    (xa, xb), (ya, yb) = _path_box(data)
    cx, cy = data["scale"]
    fig.update_layout(title=f"Paths with ∇f (thick, faint) and with c ⊙ ∇f, c = ({cx:g}, {cy:g}) "
                            "(dotted)", xaxis=dict(range=[xa, xb], title="x"),
                      yaxis=dict(range=[ya, yb], title="y"),
                      height=520, margin=dict(l=40, r=10, t=50, b=40),
                      legend=dict(orientation="h", y=-0.15))
    return fig


def _path_box(data: dict) -> tuple:
    """The paths' bounding box (with the minima), padded, clipped to the surface's window."""
    pts = [row[k] for row in data["rows"] for k in ("plain", "scaled")]
    pts = np.concatenate([p[np.isfinite(p).all(axis=1)] for p in pts] + [np.asarray(data["minima"]).reshape(-1, 2)])
    (wa, wb), (va, vb) = data["window"]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.12 * np.maximum(hi - lo, 1e-3) + 0.05
    return ((max(wa, lo[0] - pad[0]), min(wb, hi[0] + pad[0])),
            (max(va, lo[1] - pad[1]), min(vb, hi[1] + pad[1])))


def scale_free_table(data: dict) -> list[dict]:
    out = []
    for row in data["rows"]:
        d = row["max_rel_diff"]
        da, db = row["diverged"]
        verdict = ("same path (to rounding)" if d <= 1e-12 else
                   "diverged with the rescaled gradient" if db is not None and da is None else
                   "almost the same" if d <= 1e-6 else "different path")
        out.append({"run": row["label"],
                    "max |Δpath| / max(1, |θ|)": "diverged" if not math.isfinite(d) else f"{d:.2e}",
                    "end points apart": "—" if not math.isfinite(row["end_distance"])
                    else f"{row['end_distance']:.3g}",
                    "verdict": verdict})
    return out


# ------------------------------------------------------------------------------- condition
def condition_data(query: Mapping) -> dict:
    """Steps to f − f* ≤ CONDITION_TOL against κ, for GD (γ = 1/κ) and the scenario's adaptive
    runs, axis-aligned and rotated. Runs are capped at 1000 steps (panel budget)."""
    sc = parse_scenario(query)
    qp = dict(sc.params) if sc.surface == "quadratic" else {
        h.name: h.default for h in surfaces.param_specs("quadratic")}
    angle0 = float(qp.get("angle", 0.0))
    angles = (angle0, CONDITION_ROTATED if angle0 == 0 else 0.0)
    angles = tuple(sorted(angles, key=abs))
    start = sc.start if sc.surface == "quadratic" else None
    steps = min(sc.steps, 1000)
    adaptive = [r for r in sc.runs if optimizers.spec(r.name).family != "sgd"]
    curves: dict = {}
    for angle in angles:
        for kappa in CONDITION_KAPPAS:
            s = surfaces.get("quadratic", **{**qp, "kappa": kappa, "angle": angle})
            st = s.start if start is None else start
            opts = [optimizers.get("sgd", lr=1.0 / kappa)] + [r.optimizer() for r in adaptive]
            trs = optimizers.run(opts, s, start=st, steps=steps, seed=sc.seed, diagnostics=False)
            for key, tr in zip(["gd"] + [r.key for r in adaptive], trs):
                curves.setdefault((key, angle), []).append(tr.steps_to(CONDITION_TOL))
    # GD with γ = 1/κ in closed form (the steep direction is solved in one step; the flat one
    # contracts by 1 - 1/κ per step): k = ⌈ln(2·tol/u0²) / (2 ln(1 - 1/κ))⌉
    s1 = surfaces.get("quadratic", **{**qp, "kappa": 1.0, "angle": angles[0]})
    st = np.asarray(s1.start if start is None else start, dtype=float)
    closed = {}
    for angle in angles:
        a = math.radians(angle)
        u0 = math.cos(a) * (st[0] - qp["center_x"]) + math.sin(a) * (st[1] - qp["center_y"])
        closed[angle] = [gd_steps_closed_form(k, u0, CONDITION_TOL) for k in CONDITION_KAPPAS]
    labels = {"gd": "GD (γ = 1/κ)", **{r.key: _label(r) for r in adaptive}}
    return {"angles": angles, "curves": curves, "labels": labels, "cap": steps, "closed": closed}


def gd_steps_closed_form(kappa: float, u0: float, tol: float) -> int:
    """Steps of GD with γ = 1/κ on ½(u² + κv²) until f ≤ tol (v is zero after the first step)."""
    if kappa == 1.0:
        return 1
    if 0.5 * u0 * u0 <= tol:
        return 1
    return max(1, math.ceil(math.log(2 * tol / u0**2) / (2 * math.log1p(-1.0 / kappa))))


def condition_figure(data: dict):
    import plotly.graph_objects as go
    fig = go.Figure()
    cap = data["cap"]
    ks = list(CONDITION_KAPPAS)
    for (key, angle), ys in data["curves"].items():
        c = "#555555" if key == "gd" else _colour(key)
        reached = [y if y is not None else None for y in ys]
        dash = "solid" if angle == data["angles"][0] else "dash"
        name = f"{data['labels'][key]}, {angle:g}°"
        fig.add_trace(go.Scatter(x=ks, y=reached, mode="lines+markers", name=name,
                                 line=dict(color=c, dash=dash), legendgroup=f"{key}{angle}"))
        miss = [k for k, y in zip(ks, ys) if y is None]
        if miss:
            fig.add_trace(go.Scatter(x=miss, y=[cap] * len(miss), mode="markers",
                                     marker=dict(symbol="triangle-up-open", size=12, color=c),
                                     name=f"{name}: not reached in {cap} steps",
                                     legendgroup=f"{key}{angle}", showlegend=False,
                                     hovertemplate=f"{name}<br>κ=%{{x:g}}: more than {cap} steps"
                                                   "<extra></extra>"))
    fig.add_trace(go.Scatter(x=ks, y=data["closed"][data["angles"][0]], mode="lines",
                             name="GD closed form ⌈ln(2tol/u₀²)/2ln(1−1/κ)⌉",
                             line=dict(color="#999999", dash="dot")))
    fig.add_hline(y=cap, line=dict(color="#bbbbbb", width=1))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"▲ not reached in {cap} steps",
                             marker=dict(symbol="triangle-up-open", size=12, color="#555555")))
    fig.update_layout(title=f"Steps to f − f* ≤ {CONDITION_TOL:g} against κ (solid "
                            f"{data['angles'][0]:g}°, dashed {data['angles'][1]:g}°)",
                      xaxis=dict(type="log", title="condition number κ"),
                      yaxis=dict(type="log", title="steps"), height=480,
                      margin=dict(l=50, r=10, t=50, b=40))
    return fig


# -------------------------------------------------------------------------------- prox_gap
def prox_gap_data(query: Mapping) -> dict:
    """‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ=0)‖ over the path, for γλ in PROX_GAMMA_LAMBDAS at
    the scenario's γ (λ = γλ/γ; values beyond λ's range are skipped). One batched run."""
    sc = parse_scenario(query)
    base = sc.first("adamw", "adamprox")
    hp = dict(base.hp) if base else dict(optimizers.spec("adamw").defaults, lr=1e-2)
    gamma = float(hp["lr"])
    hi = optimizers.spec("adamw").hparam("weight_decay").hi
    gls = np.array([g for g in PROX_GAMMA_LAMBDAS if g / gamma <= hi])
    lam = gls / gamma
    w = optimizers.get("adamw", **{**hp, "weight_decay": lam})
    p = optimizers.get("adamprox", **{**hp, "weight_decay": lam})
    z = optimizers.get("adam", **{k: v for k, v in hp.items() if k != "decay"} | {"weight_decay": 0.0})
    surf = sc.build_surface()
    tw, tp, tz = optimizers.run([w, p, z], surf, start=sc.start, steps=min(sc.steps, PANEL_MAX_STEPS),
                                seed=sc.seed, diagnostics=False)
    ratio = prox_gap_ratio(tw.points, tp.points, tz.points[:, None, :])
    return {"gamma_lambda": gls, "ratio": ratio, "gamma": gamma, "decay": hp.get("decay", "lr")}


def prox_gap_ratio(adamw: np.ndarray, adamprox: np.ndarray, adam0: np.ndarray) -> np.ndarray:
    """‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ = 0)‖, norms over the whole path (axis 0 = steps)."""
    gap = np.sqrt(np.nansum((adamw - adamprox) ** 2, axis=(0, -1)))
    effect = np.sqrt(np.nansum((adamw - adam0) ** 2, axis=(0, -1)))
    return gap / effect


def prox_gap_figure(data: dict):
    import plotly.graph_objects as go
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=data["gamma_lambda"], y=data["ratio"], mode="lines+markers",
                             name="‖AdamW − AdamProx‖ / ‖AdamW − Adam(λ=0)‖",
                             line=dict(color=_colour("adamprox"), width=3)))
    fig.add_trace(go.Scatter(x=data["gamma_lambda"], y=data["gamma_lambda"], mode="lines",
                             name="γλ itself (for scale)",
                             line=dict(color="#999999", dash="dot")))
    fig.add_hline(y=0.01, line=dict(color="#d62728", dash="dash"), annotation_text="1%")
    note = "" if data["decay"] == "lr" else " (decay = schedule: c_t = η_t)"
    fig.update_layout(title=f"Gap between AdamW and AdamProx, relative to weight decay's effect "
                            f"(γ = {data['gamma']:g}){note}",
                      xaxis=dict(type="log", title="γλ"), yaxis=dict(type="log", title="relative gap"),
                      height=440, margin=dict(l=50, r=10, t=50, b=40))
    return fig


# ------------------------------------------------------------------------- bias_correction
BIAS_STEPS = 20          # magnified: the first steps
BIAS_LOSS_STEPS = 150    # the loss over a longer window shows the overshoot


def bias_correction_data(query: Mapping) -> dict:
    """adam and adam_nobc at β2 = 0.999 and 0.9999 with the scenario's γ, β1, ε, start."""
    sc = parse_scenario(query)
    base = sc.first("adam", "adam_nobc")
    hp = dict(base.hp) if base else dict(optimizers.spec("adam").defaults)
    steps = min(sc.steps, BIAS_LOSS_STEPS)
    runs = [(name, b2) for name in ("adam", "adam_nobc") for b2 in (0.999, 0.9999)]
    opts = [optimizers.get(n, **{**hp, "beta2": b2}) for n, b2 in runs]
    surf = sc.build_surface()
    trs = optimizers.run(opts, surf, start=sc.start, steps=steps, seed=sc.seed, diagnostics=False)
    g = surf.grad(np.asarray(sc.start, dtype=float))
    out = []
    for (n, b2), tr in zip(runs, trs):
        first = (first_step_closed_form(hp["lr"], hp["beta1"], b2, hp["eps"], g,
                                        bias_correction=(n == "adam")))
        step = np.concatenate([[np.nan], np.max(tr.deltas[1:], axis=-1)]) / hp["lr"]
        out.append({"name": n, "beta2": b2, "step": step,
                    "loss": tr.losses, "first_closed": float(np.max(first)) / hp["lr"]})
    return {"runs": out, "lr": hp["lr"], "f0": float(surf.value(np.asarray(sc.start)))}


def first_step_closed_form(lr, beta1, beta2, eps, g, bias_correction=True) -> np.ndarray:
    """|Δθ₁| per coordinate: Adam α|g|/(|g|+ε); no correction α(1-β1)|g|/(√(1-β2)|g|+ε)."""
    g = np.abs(np.asarray(g, dtype=float))
    if bias_correction:
        return lr * g / (g + eps)
    return lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps)


def bias_correction_figure(data: dict):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        f"max |Δθᵢ| / α, first {BIAS_STEPS} steps", "f(θ) per step (log)"))
    for i, r in enumerate(data["runs"]):
        key = r["name"] if r["beta2"] == 0.999 else f"{r['name']}-2"
        c = _colour(key)
        title = "Adam" if r["name"] == "adam" else "Adam, no bias correction"
        name = f"{title}, β2 = {r['beta2']:g}"
        t = np.arange(len(r["step"]))
        fig.add_trace(go.Scatter(x=t[1:BIAS_STEPS + 1], y=r["step"][1:BIAS_STEPS + 1],
                                 mode="lines+markers", name=name, legendgroup=name,
                                 line=dict(color=c, dash="solid" if r["beta2"] == 0.999 else "dash")),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=[1], y=[r["first_closed"]], mode="markers", showlegend=False,
                                 marker=dict(symbol="x-thin-open", size=16, color="black"),
                                 legendgroup=name,
                                 hovertemplate=f"{name}: first step (closed form) "
                                               f"{r['first_closed']:.4g}α<extra></extra>"),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=t, y=r["loss"], mode="lines", name=name, legendgroup=name,
                                 showlegend=False,
                                 line=dict(color=c, dash="solid" if r["beta2"] == 0.999 else "dash")),
                      row=1, col=2)
    fig.add_hline(y=1.0, line=dict(color="#444444", dash="dot"), row=1, col=1,
                  annotation_text="α")
    fig.update_yaxes(type="log", row=1, col=1, title="|Δθ| / α")
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_xaxes(title="step", row=1, col=1)
    fig.update_xaxes(title="step", row=1, col=2)
    fig.update_layout(height=440, margin=dict(l=50, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=-0.2))
    return fig


# ------------------------------------------------------------------------------ step_bound
def step_bound_data(query: Mapping, sparse: bool = False) -> dict:
    """|Δθᵢ|/γ_t per step for the scenario's Adam-family runs (and any others, for comparison),
    with α, AdaMax's exact bound and the sparse-case bound. sparse: the y-gradient is seen with
    probability SPARSE_Q (rescaled), over SPARSE_STEPS steps."""
    sc = parse_scenario(query)
    surf = sc.build_surface(**({"sparse": SPARSE_Q} if sparse else {}))
    steps = SPARSE_STEPS if sparse else min(sc.steps, PANEL_MAX_STEPS)
    opts = [r.optimizer() for r in sc.runs]
    trs = optimizers.run(opts, surf, start=sc.start, steps=steps, seed=sc.seed, diagnostics=False)
    t = np.arange(1, steps + 1)
    out = []
    for r, opt, tr in zip(sc.runs, opts, trs):
        gamma = opt.hp["lr"] * tr.eta
        ratio = tr.deltas[1:] / gamma[:, None]
        bound = None
        if r.name == "adamax":
            bound = optimizers.max_step_bound(opt, t) / opt.hp["lr"]
        sparse_bound = None
        if opt.spec.adam_family and "beta2" in opt.hp and r.name != "adamax":
            sparse_bound = (1 - opt.hp["beta1"]) / math.sqrt(1 - opt.hp["beta2"])
        out.append({"key": r.key, "label": _label(r), "ratio": ratio, "bound": bound,
                    "sparse_bound": sparse_bound})
    return {"runs": out, "steps": steps, "sparse": sparse}


def step_bound_figure(data: dict):
    """|Δθᵢ|/α per step; without sparsity a second row magnifies the band around α, where
    AdaMax's 1.00017α step sits between the line α and its exact bound."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    zoom = not data["sparse"]
    fig = make_subplots(rows=2 if zoom else 1, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4] if zoom else None,
                        subplot_titles=("all steps", "magnified around α") if zoom else None)
    t = np.arange(1, data["steps"] + 1)
    top = 1.0
    for r in data["runs"]:
        c = _colour(r["key"])
        for row in ((1, 2) if zoom else (1,)):
            for i, coord in enumerate("xy"):
                fig.add_trace(go.Scatter(x=t, y=r["ratio"][:, i], mode="lines",
                                         name=f"{r['label']}: |Δ{coord}|/α", legendgroup=f"{r['key']}{coord}",
                                         showlegend=row == 1,
                                         line=dict(color=c, width=1.6, dash="solid" if i == 0 else "dot")),
                              row=row, col=1)
            if r["bound"] is not None:
                top = max(top, float(np.nanmax(r["bound"])))
                fig.add_trace(go.Scatter(x=t, y=r["bound"], mode="lines", legendgroup=f"{r['key']}b",
                                         name="AdaMax's exact bound (1−β1)(1−(β1/β2)^t)/((1−β1/β2)(1−β1^t))",
                                         showlegend=row == 1,
                                         line=dict(color=c, width=2.5, dash="dash")), row=row, col=1)
        top = max(top, float(np.nanmax(r["ratio"])) if np.isfinite(r["ratio"]).any() else 1.0)
    for row in ((1, 2) if zoom else (1,)):
        fig.add_hline(y=1.0, line=dict(color="#222222", width=1.5), row=row, col=1,
                      annotation_text="α (the paper's bound)")
    sb = [r["sparse_bound"] for r in data["runs"] if r["sparse_bound"] is not None]
    if sb:
        fig.add_hline(y=max(sb), line=dict(color="#888888", dash="dashdot"), row=1, col=1,
                      annotation_text="α(1−β1)/√(1−β2): the sparse-case bound")
    if zoom:
        fig.update_yaxes(range=[0.99, 1.0 + 1.3 * (top - 1.0) + 1e-3], row=2, col=1,
                         title="|Δθᵢ| / α")
    fig.update_yaxes(title="|Δθᵢ| / α", row=1, col=1)
    fig.update_xaxes(type="log")
    fig.update_xaxes(title="step t", row=2 if zoom else 1, col=1)
    fig.update_layout(title="Each step's |Δθᵢ| divided by the learning rate α"
                            + (f" — y-gradient seen with probability {SPARSE_Q:g}" if data["sparse"]
                               else ""),
                      height=640 if zoom else 460, margin=dict(l=50, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=-0.12))
    return fig


def step_bound_table(data: dict) -> list[dict]:
    out = []
    for r in data["runs"]:
        ratio = r["ratio"]
        row = {"run": r["label"], "max |Δx|/α": f"{np.nanmax(ratio[:, 0]):.6f}",
               "max |Δy|/α": f"{np.nanmax(ratio[:, 1]):.6f}"}
        row["max step / exact bound"] = ("—" if r["bound"] is None
                                         else f"{np.nanmax(ratio / r['bound'][:, None]):.6f}")
        out.append(row)
    return out


# ------------------------------------------------------------------------------ rendering
_CACHED: dict = {}


def _cached(fn):
    """fn wrapped in st.cache_data (keyed on small hashable arguments), made once."""
    if fn not in _CACHED:
        import streamlit
        _CACHED[fn] = streamlit.cache_data(max_entries=16, show_spinner=False)(fn)
    return _CACHED[fn]


def _q(key: tuple) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in key}


def _scale_free_cached(key):
    return scale_free_data(_q(key))


def _condition_cached(key):
    return condition_data(_q(key))


def _prox_cached(key):
    return prox_gap_data(_q(key))


def _bias_cached(key):
    return bias_correction_data(_q(key))


def _step_bound_cached(key, sparse):
    return step_bound_data(_q(key), sparse)


def render_panel(panel: str, query: Mapping, st) -> None:
    """Draw a paper preset's custom panel into `st` (the streamlit module or any container).

    `query` is the page's current URL query (the preset's, or the user's edit of it) — or the
    app's views.scenario.Scenario, read through its explicit URL form. Panels the app draws itself
    ("race", "diagnostics", …) and unknown names draw nothing.
    """
    if panel not in PANELS:
        return
    if not isinstance(query, Mapping):       # the app's Scenario object: its explicit URL form
        from views.scenario import to_query
        query = to_query(query, explicit=True)
    try:
        parse_scenario(query)
    except ValueError as e:
        st.warning(f"This panel cannot read the scenario: {e}")
        return
    key = _key({k: v for k, v in query.items()
                if not k.startswith("sweep.") and k not in ("preset", "view")})
    if panel == "scale_free":
        data = _cached(_scale_free_cached)(key)
        st.plotly_chart(scale_free_figure(data), key="paper_scale_free")
        st.dataframe(scale_free_table(data), hide_index=True)
        cx, cy = data["scale"]
        st.caption(f"Each run twice: with ∇f and with c ⊙ ∇f, c = ({cx:g}, {cy:g}). "
                   "“max |Δpath|” is the largest difference between the two paths, per coordinate, "
                   "relative to max(1, |θ|): ~1e-16 is rounding, i.e. the same path.")
    elif panel == "condition":
        data = _cached(_condition_cached)(key)
        st.plotly_chart(condition_figure(data), key="paper_condition")
        rows = []
        for (k, angle), ys in data["curves"].items():
            rows.append({"run": data["labels"][k], "angle": f"{angle:g}°",
                         **{f"κ={kappa:g}": ("—" if y is None else str(y))
                            for kappa, y in zip(CONDITION_KAPPAS, ys)}})
        st.dataframe(rows, hide_index=True)
        st.caption(f"Steps until f − f* ≤ {CONDITION_TOL:g} on ½(u² + κv²) from the scenario's start; "
                   f"“—”: not within {data['cap']} steps. GD uses γ = 1/κ for each κ; the adaptive "
                   "runs keep their own settings.")
    elif panel == "prox_gap":
        data = _cached(_prox_cached)(key)
        st.plotly_chart(prox_gap_figure(data), key="paper_prox_gap")
        st.dataframe([{"γλ": f"{g:g}", "λ": f"{g / data['gamma']:g}", "relative gap": f"{r:.3%}"}
                      for g, r in zip(data["gamma_lambda"], data["ratio"])], hide_index=True)
    elif panel == "bias_correction":
        data = _cached(_bias_cached)(key)
        st.plotly_chart(bias_correction_figure(data), key="paper_bias")
        st.dataframe([{"run": ("Adam" if r["name"] == "adam" else "no bias correction")
                       + f", β2 = {r['beta2']:g}",
                       "first step / α (closed form)": f"{r['first_closed']:.3f}",
                       f"largest of the first {BIAS_STEPS} steps / α":
                           f"{np.nanmax(r['step'][1:BIAS_STEPS + 1]):.2f}",
                       "highest loss (start: %.3g)" % data["f0"]: f"{np.nanmax(r['loss']):.3g}"}
                      for r in data["runs"]], hide_index=True)
    elif panel == "step_bound":
        sparse = st.toggle(f"Sparse y-gradient: seen with probability {SPARSE_Q:g} "
                           f"({SPARSE_STEPS} steps)", value=False, key="paper_step_bound_sparse")
        data = _cached(_step_bound_cached)(key, bool(sparse))
        st.plotly_chart(step_bound_figure(data), key="paper_step_bound")
        st.dataframe(step_bound_table(data), hide_index=True)
