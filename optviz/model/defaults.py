"""Where the app chooses its defaults: the race a first visit shows, the sweep's first grid, and a
learning rate per surface and optimizer family.

Surfaces know nothing about optimizers and the registry's defaults stay torch's; the pairing of the
two — which γ gives a good first picture of SGD, of an adaptive method, of AdaGrad on this surface —
lives here, with the page that needs it. An optimizer's `family` in its registry entry picks the
column.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

# The first race: the classic optimizers a lecture starts with (a link without `opt` shows these).
DEFAULT_OPTS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
# The sweep tab's first grid: Adam's learning rate against β2, as in the Adam paper's Fig. 4.
DEFAULT_SWEEP = ("adam", "lr", "beta2")

# A learning rate per optimizer family that gives a good first picture in ~1000 steps (measured by
# scanning lr on each surface); the registry's own defaults stay torch's.
LR_HINTS: Mapping[str, Callable] = MappingProxyType({
    "quadratic": lambda p: {"sgd": min(0.1, round(0.5 / p["kappa"], 12)), "adaptive": 3e-2},
    "rosenbrock": lambda p: {"sgd": 1e-3, "adaptive": 2e-2},
    "beale": lambda p: {"sgd": 1e-3, "adaptive": 1e-2},
    "himmelblau": lambda p: {"sgd": 1e-3, "adaptive": 1e-2},
    "rastrigin": lambda p: {"sgd": 1e-3, "adaptive": 3e-2},
    "ackley": lambda p: {"sgd": 1e-2, "adaptive": 3e-2},
    "saddle": lambda p: {"sgd": 1e-3, "adaptive": 1e-2},
    "styblinski_tang": lambda p: {"sgd": 3e-3, "adaptive": 3e-2},
    "goldstein_price": lambda p: {"sgd": 1e-5, "adaptive": 1e-2},
    "logistic": lambda p: {"sgd": 3e-2, "adaptive": 1e-2},
})


def _with_accumulating(hints: dict) -> dict:
    """AdaGrad's step shrinks like 1/√t as its sum grows: it needs ~10× the adaptive family's γ."""
    return {**hints, "accumulating": min(0.3, 10 * hints["adaptive"])}

# typed surfaces (custom expressions) and any surface not listed above
OTHER_HINTS = MappingProxyType({"sgd": 1e-3, "adaptive": 1e-2})


def lr_hints(surface) -> dict:
    """{family: γ} for `surface` (a surfaces.Surface)."""
    rule = LR_HINTS.get(surface.name)
    return _with_accumulating(dict(rule(surface.params) if rule is not None else OTHER_HINTS))


def lr_hint(surface, family: str) -> float:
    """The default learning rate for an optimizer of `family` on `surface`."""
    return float(lr_hints(surface)[family])
