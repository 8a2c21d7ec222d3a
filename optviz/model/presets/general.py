"""The general presets (data): classic races a lecturer starts with."""
from __future__ import annotations

from ..scenario import Preset, explicit_query

GENERAL_PRESETS: list[Preset] = [
    Preset(
        name="rosenbrock-race",
        title="The Rosenbrock race",
        what_to_look_for=(
            "Seven optimizers start at (−1.5, 2) on Rosenbrock's banana-shaped valley; the minimum "
            "is the star at (1, 1). Finding the valley is easy — following its flat, curved floor "
            "to the star is the hard part. Plain SGD crawls: its step is proportional to the slope, "
            "and the floor is nearly flat, so after 1000 steps it is not even half-way. Momentum "
            "and Nesterov build up speed along the floor and reach the star first (within 10⁻³ "
            "after about 670 and 560 steps); Nesterov's look-ahead makes its first steps almost "
            "twice as long, so watch it overshoot across the valley at the start. AdaGrad's steps "
            "shrink for ever: it barely leaves the start. RMSProp, Adam and AdamW move at a nearly "
            "constant speed of about γ per step whatever the slope (see |Δθ| in the diagnostics), "
            "so they are only three quarters of the way there; RMSProp, with no bias correction, "
            "starts with steps ten times γ and zig-zags across the floor."),
        question=("Which of the seven optimizers reaches the star at (1, 1) first, and which "
                  "barely leaves the start?"),
        query=explicit_query(
            "rosenbrock",
            [("sgd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3}), ("nesterov", {"lr": 1e-3}),
             ("adagrad", {"lr": 2e-2}), ("rmsprop", {"lr": 2e-2}), ("adam", {"lr": 2e-2}),
             ("adamw", {"lr": 2e-2})],
            start=(-1.5, 2.0), steps=1000, seed=0),
        source="Rosenbrock 1960; the classic optimizer race",
        panel="race",
    ),
    Preset(
        name="ill-conditioned-valley",
        title="An ill-conditioned, rotated valley (κ = 100)",
        what_to_look_for=(
            "A quadratic bowl 100 times steeper across its valley than along it, rotated by 30°. "
            "Gradient descent must keep its step below 2/κ for the steep direction (here γ ≈ 2/(κ+1), "
            "the best it can do), so it zig-zags across the valley and creeps along it: about 330 "
            "steps to get within 10⁻³. Heavy-ball momentum with the step and momentum that "
            "Polyak's analysis prescribes (γ = 4/(√κ+1)², μ = ((√κ−1)/(√κ+1))²) gets there in "
            "about 33 — the promised √κ = 10 times faster. Adam and RMSProp rescale each "
            "coordinate, but the valley is rotated, so x and y are both steep and flat and a "
            "per-coordinate scale cannot undo the conditioning: they are still far off after 500 "
            "steps (compare the loss curves in the diagnostics). Set the angle to 0 and Adam gets "
            "there in about 100 steps."),
        question=("Which run gets within 10⁻³ of the minimum first: gradient descent, momentum, "
                  "RMSProp or Adam?"),
        query=explicit_query(
            "quadratic",
            [("sgd", {"lr": 0.0198}), ("momentum", {"lr": 0.033, "momentum": 0.67}),
             ("rmsprop", {"lr": 0.03}), ("adam", {"lr": 0.1})],
            params={"kappa": 100.0, "angle": 30.0}, start=(-4.0, 2.0), steps=500, seed=0),
        source="Condition number and momentum: Polyak 1964; Goh, 'Why momentum really works', 2017",
        panel="diagnostics",
    ),
    Preset(
        name="saddle-escape",
        title="Escaping a saddle point",
        what_to_look_for=(
            "f = x² + y⁴/4 − y²/2 has a saddle at the origin and two minima at (0, ±1). Every run "
            "starts at (1.5, 0.001), almost exactly on the ridge, where the slope pushing it off "
            "the ridge is only about 0.001. SGD slides down to the saddle and lingers there for "
            "hundreds of steps, because its step is proportional to that tiny slope. Momentum "
            "accumulates the tiny push and escapes after about a hundred steps. The adaptive "
            "methods divide by the gradient's own size, so the tiny y-gradient becomes a step of "
            "about γ: RMSProp and AdaGrad roll off the ridge at once, Adam within about 50 steps. "
            "Raise the gradient noise to σ = 0.3: random kicks push SGD off the ridge sooner."),
        question=("Starting almost on the ridge, which optimizers roll off it quickly and which "
                  "linger at the saddle?"),
        query=explicit_query(
            "saddle",
            [("sgd", {"lr": 1e-2}), ("momentum", {"lr": 1e-2}), ("adagrad", {"lr": 5e-2}),
             ("rmsprop", {"lr": 1e-2}), ("adam", {"lr": 1e-2})],
            start=(1.5, 1e-3), steps=600, seed=0),
        source="Dauphin et al. 2014, saddle points in high-dimensional optimization",
        panel="race",
    ),
]
