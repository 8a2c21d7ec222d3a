"""Loss surfaces: each written once as f(x, y) in autograd.numpy, with what a picture of it needs.

A `Surface` evaluates f and its autograd gradient over arrays of points of shape (..., 2), and makes
the stochastic gradient oracle a run uses (see oracles.py). `get(name, **params)` validates the
parameters against the table below, which the UI, the URL codec and the CLI read too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import autograd.numpy as anp
import numpy as np
from autograd import grad
from . import fastgrad
from optviz.params import HParam

Window = tuple[tuple[float, float], tuple[float, float]]

# Gradient-oracle parameters, shared by every surface (oracles.py applies them).
ORACLE_PARAMS = (
    HParam("noise", 0.0, 0.0, 100.0, symbol=r"\sigma",
           grid=(0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0),
           help="additive Gaussian gradient noise: g + σ·ξ, ξ ~ N(0, I)"),
    HParam("dropout", 0.0, 0.0, 0.95, symbol="p", grid=tuple(round(0.05 * i, 2) for i in range(20)),
           help="dropout-style noise: each gradient coordinate is zeroed with probability p and "
                "the rest rescaled by 1/(1-p) (unbiased), as in the Adam paper's dropout noise"),
    HParam("sparse", 1.0, 0.0, 1.0, symbol="q", lo_open=True,
           grid=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0),
           help="the y-gradient is observed only with probability q (and rescaled by 1/q): a rare "
                "feature"),
    HParam("scale_x", 1.0, 1e-6, 1e6, log=True, symbol="c_x",
           help="multiply the x-gradient by c_x (scale-freeness demonstrations)"),
    HParam("scale_y", 1.0, 1e-6, 1e6, log=True, symbol="c_y",
           help="multiply the y-gradient by c_y"),
)


@dataclass(frozen=True)
class SurfaceSpec:
    name: str
    title: str
    f: Callable                     # f(x, y, **params) with autograd.numpy
    latex: str
    window: Window | Callable       # fixed, or a function of the params
    start: tuple[float, float] | Callable
    minima: tuple | Callable        # ((x, y), ...) global minima
    params: tuple[HParam, ...] = ()
    log_levels: bool = True
    description: str = ""
    data: Callable | None = None    # logistic: builds its dataset from the params


@dataclass(frozen=True)
class Surface:
    """A surface with its parameters fixed. Points P have shape (..., 2)."""

    name: str
    title: str
    latex: str
    params: Mapping[str, Any]
    f: Callable                      # f(P) -> (...) values, autograd-traceable
    window: Window
    start: tuple[float, float]
    minima: tuple
    f_min: float | None
    log_levels: bool
    bound: float
    description: str = ""
    batch_f: Callable | None = None  # f(P, idx): the loss on a minibatch (logistic)
    n_examples: int = 0

    def value(self, P) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.f(np.asarray(P, dtype=np.float64)), dtype=np.float64)

    def hvp(self, P, V) -> np.ndarray:
        """∇²f(θ)·v for each row θ of P and v of V (both (..., 2)), by autograd on f itself (no
        gradient-oracle noise): the Hessian-vector product a second-order rule may ask for."""
        P = np.asarray(P, dtype=np.float64)
        V = np.asarray(V, dtype=np.float64)
        row_grads = grad(lambda Q: anp.sum(self.f(Q)))       # rows are independent
        with np.errstate(all="ignore"):
            return np.asarray(grad(lambda Q: anp.sum(row_grads(Q) * V))(P), dtype=np.float64)

    def value_and_grad(self, P, f=None, fast: bool = True):
        """f(P) and ∇f(P) from one autograd trace (rows are independent, so the VJP of ones is the
        per-row gradient).

        fast: replay the surface's recorded autograd trace with raw NumPy (fastgrad.py), checked
        bit-for-bit against a normal autograd call when first recorded; False forces the plain
        autograd call. An explicit `f` (a minibatch loss, new every step) always takes the plain path.
        """
        P = np.asarray(P, dtype=np.float64)
        with np.errstate(all="ignore"):
            if fast and f is None:
                return fastgrad.value_and_grad(self.f, P)
            return fastgrad.plain_value_and_grad(f or self.f, P)

    def grad(self, P) -> np.ndarray:
        return self.value_and_grad(P)[1]

    @property
    def stochastic(self) -> bool:
        p = self.params
        return bool(p.get("noise", 0) > 0 or p.get("dropout", 0) > 0 or p.get("sparse", 1) < 1
                    or (self.batch_f is not None and p.get("batch", 0) < self.n_examples))

    def oracle(self, seed: int, steps: int):
        """The gradient oracle for a run of `steps` updates: oracle(P, k) -> (f(P), g(P)) where g is
        the (noisy, scaled) gradient at θ_k and k = 0 … steps. Same (seed, k) ⇒ same draw."""
        from .oracles import make_oracle
        return make_oracle(self, seed, steps)

    def distance_to_min(self, P) -> np.ndarray:
        if not self.minima:
            return np.full(np.shape(P)[:-1], np.nan)
        M = np.asarray(self.minima, dtype=np.float64)
        D = np.asarray(P, dtype=np.float64)[..., None, :] - M
        d = np.hypot(D[..., 0], D[..., 1])       # no overflow for any finite difference
        return d.min(axis=-1)


# ---------------------------------------------------------------------------------- the formulas
def quadratic(x, y, kappa=10.0, angle=0.0, center_x=0.0, center_y=0.0):
    a = angle * math.pi / 180
    c, s = math.cos(a), math.sin(a)
    dx, dy = x - center_x, y - center_y
    u = c * dx + s * dy
    v = -s * dx + c * dy
    return 0.5 * (u**2 + kappa * v**2)


def rosenbrock(x, y, a=1.0, b=100.0):
    return (a - x) ** 2 + b * (y - x**2) ** 2


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def rastrigin(x, y):
    return 20 + x**2 - 10 * anp.cos(2 * math.pi * x) + y**2 - 10 * anp.cos(2 * math.pi * y)


def ackley(x, y):
    # the tiny constant keeps √ differentiable at the minimum (it moves f by 1e-150)
    r = anp.sqrt(0.5 * (x**2 + y**2) + 1e-300)
    return (-20 * anp.exp(-0.2 * r) - anp.exp(0.5 * (anp.cos(2 * math.pi * x) + anp.cos(2 * math.pi * y)))
            + math.e + 20)


def saddle(x, y):
    return x**2 + 0.25 * y**4 - 0.5 * y**2


def styblinski_tang(x, y):
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)


def goldstein_price(x, y):
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


# ----------------------------------------------------------------- logistic regression, 2 weights
LOGISTIC_N = 256
LOGISTIC_L2 = 1e-3        # keeps the minimiser finite when the data are separable
_W_TRUE = np.array([2.0, -1.5])


def logistic_data(rare=1.0, data_seed=0):
    """A fixed synthetic dataset: x ~ N(0, I); the second feature is present in a fraction `rare` of
    the examples (and then 3× larger, so it stays informative); labels y ∈ {±1} drawn from the
    logistic model with weights (2, -1.5)."""
    rng = np.random.default_rng([data_seed, 7])
    X = rng.standard_normal((LOGISTIC_N, 2))
    present = rng.random(LOGISTIC_N) < rare
    if rare < 1:
        X[:, 1] = np.where(present, 3.0 * X[:, 1], 0.0)
    p = 1 / (1 + np.exp(-(X @ _W_TRUE)))
    y = np.where(rng.random(LOGISTIC_N) < p, 1.0, -1.0)
    return X, y


def _logistic_loss(P, X, y):
    # margins (..., n), written without a matrix product: BLAS picks kernels by batch size, which
    # would make a row's result depend on how many other rows share the call
    z = (P[..., 0:1] * X[:, 0] + P[..., 1:2] * X[:, 1]) * y
    return anp.mean(anp.logaddexp(0.0, -z), axis=-1) + 0.5 * LOGISTIC_L2 * anp.sum(P**2, axis=-1)


def _newton_minimum(X, y):
    w = np.zeros(2)
    for _ in range(50):
        z = (X @ w) * y
        s = 1 / (1 + np.exp(z))                                  # σ(-z)
        g = -(X * (y * s)[:, None]).mean(0) + LOGISTIC_L2 * w
        H = (X.T * (s * (1 - s))) @ X / len(y) + LOGISTIC_L2 * np.eye(2)
        step = np.linalg.solve(H, g)
        w = w - step
        if np.abs(step).max() < 1e-15:
            break
    return w


# ---------------------------------------------------------------------------------- the registry
def _q_window(p):
    cx, cy = p["center_x"], p["center_y"]
    return ((cx - 5.0, cx + 5.0), (cy - 5.0, cy + 5.0))


_KAPPA = HParam("kappa", 10.0, 1.0, 1e4, log=True, symbol=r"\kappa",
                help="condition number: curvature ratio of the steep and the flat direction")
_HALVES = tuple(0.5 * i for i in range(-20, 21))
_ANGLE = HParam("angle", 0.0, -90.0, 90.0, symbol=r"\phi", grid=tuple(float(a) for a in range(-90, 91, 5)),
                help="rotation of the valley in degrees; 0 = axis-aligned (diagonal) ill-conditioning")

SPECS: Mapping[str, SurfaceSpec] = MappingProxyType({s.name: s for s in (
    SurfaceSpec("quadratic", "Quadratic valley", quadratic,
                r"\tfrac12(u^2 + \kappa v^2),\ (u, v) = R_\phi\,(x - x_c,\ y - y_c)",
                window=_q_window, start=lambda p: (p["center_x"] - 4.0, p["center_y"] + 2.0),
                minima=lambda p: ((p["center_x"], p["center_y"]),),
                params=(_KAPPA, _ANGLE,
                        HParam("center_x", 0.0, -10.0, 10.0, symbol="x_c", help="minimiser x", grid=_HALVES),
                        HParam("center_y", 0.0, -10.0, 10.0, symbol="y_c", help="minimiser y", grid=_HALVES)),
                description="An ill-conditioned bowl: curvature 1 along u and κ along v."),
    SurfaceSpec("rosenbrock", "Rosenbrock", rosenbrock, r"(a - x)^2 + b\,(y - x^2)^2",
                window=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.5, 2.0),
                minima=lambda p: ((p["a"], p["a"] ** 2),),
                params=(HParam("a", 1.0, -2.0, 2.0, symbol="a", help="minimiser at (a, a²)"),
                        HParam("b", 100.0, 0.0, 1000.0, symbol="b", help="steepness of the valley walls",
                               grid=(0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0))),
                description="A curved, flat-bottomed valley: easy to find, slow to follow."),
    SurfaceSpec("beale", "Beale", beale,
                r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
                window=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5), minima=((3.0, 0.5),),
                description="Sharp ridges and flat plateaus around a narrow minimum at (3, 0.5)."),
    SurfaceSpec("himmelblau", "Himmelblau", himmelblau, r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                window=((-6.0, 6.0), (-6.0, 6.0)), start=(-0.3, -0.9),
                minima=((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                        (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)),
                description="Four equal minima: which one a run reaches depends on its dynamics."),
    SurfaceSpec("rastrigin", "Rastrigin", rastrigin,
                r"20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y",
                window=((-5.12, 5.12), (-5.12, 5.12)), start=(3.3, 2.6), minima=((0.0, 0.0),),
                log_levels=False,
                description="A bowl covered in local minima: momentum can roll over small bumps."),
    SurfaceSpec("ackley", "Ackley", ackley,
                r"-20e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
                window=((-5.0, 5.0), (-5.0, 5.0)), start=(2.6, 3.4), minima=((0.0, 0.0),),
                log_levels=False,
                description="A nearly flat plateau riddled with dimples around a deep central hole."),
    SurfaceSpec("saddle", "Saddle", saddle, r"x^2 + \tfrac14 y^4 - \tfrac12 y^2",
                window=((-2.0, 2.0), (-2.0, 2.0)), start=(1.5, 1e-3), minima=((0.0, 1.0), (0.0, -1.0)),
                log_levels=False,
                description="A saddle point at the origin between two minima at (0, ±1): starting on "
                            "the ridge, how fast does each optimizer escape?"),
    SurfaceSpec("styblinski_tang", "Styblinski–Tang", styblinski_tang,
                r"\tfrac12\sum_i (x_i^4 - 16x_i^2 + 5x_i)",
                window=((-5.0, 5.0), (-5.0, 5.0)), start=(0.2, 4.5),
                minima=((-2.903534027771178, -2.903534027771178),), log_levels=False,
                description="Four basins of different depth: only one is the global minimum."),
    SurfaceSpec("goldstein_price", "Goldstein–Price", goldstein_price,
                r"[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]\,"
                r"[30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]",
                window=((-2.0, 2.0), (-2.0, 2.0)), start=(-1.2, 1.4), minima=((0.0, -1.0),),
                description="Values spanning six orders of magnitude: step sizes that suit one "
                            "region explode in another."),
    SurfaceSpec("logistic", "Logistic regression", None,
                r"\tfrac1n\textstyle\sum_i \log(1 + e^{-y_i\, w^\top x_i}) + \tfrac{10^{-3}}{2}\|w\|^2",
                window=None, start=(-3.0, 3.0), minima=None,
                params=(HParam("rare", 1.0, 0.01, 1.0, log=True, symbol="p",
                               help="fraction of examples in which the second feature is present "
                                    "(a rare feature, as in the Adam paper)"),
                        HParam("batch", LOGISTIC_N, 1, LOGISTIC_N, kind="int", symbol="b",
                               grid=(1, 2, 4, 8, 16, 32, 64, 128, 256),
                               help=f"minibatch size ({LOGISTIC_N} = full batch, deterministic)")),
                description="Two-weight logistic regression on a fixed synthetic dataset; "
                            "minibatches and a rare feature make its gradient noisy and sparse.",
                data=logistic_data),
)})


def names() -> list[str]:
    return list(SPECS)


def param_specs(name: str) -> tuple[HParam, ...]:
    """All parameters `get(name, ...)` takes: the surface's own, then the oracle's."""
    if name == "custom":
        return ORACLE_PARAMS
    return _spec(name).params + ORACLE_PARAMS


def _spec(name: str) -> SurfaceSpec:
    try:
        return SPECS[name]
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose one of {', '.join(SPECS)}") from None


def _resolve(x, p):
    return x(p) if callable(x) else x


def validate_params(name: str, specs, given: Mapping) -> dict:
    known = {h.name for h in specs}
    for k in given:
        if k not in known:
            raise ValueError(f"{name}: unknown parameter {k!r}; it takes {', '.join(sorted(known)) or 'none'}")
    return {h.name: h.check(given[h.name], name) if h.name in given else h.default for h in specs}


def get(name: str, **params) -> Surface:
    """The surface `name` with parameters `params` (the rest default); ValueError if invalid."""
    spec = _spec(name)
    p = validate_params(name, param_specs(name), params)
    for k, v in p.items():
        if isinstance(v, np.ndarray):
            raise ValueError(f"{name}: {k} takes one number, not an array")
    own = {h.name: p[h.name] for h in spec.params}
    batch_f, n = None, 0
    if spec.data is not None:
        X, y = spec.data(rare=own["rare"])
        f = lambda P: _logistic_loss(P, X, y)  # noqa: E731
        batch_f = lambda P, idx: _logistic_loss(P, X[idx], y[idx])  # noqa: E731
        n = len(y)
        w = _newton_minimum(X, y)
        minima = ((float(w[0]), float(w[1])),)
        window = ((w[0] - 5.0, w[0] + 5.0), (w[1] - 5.0, w[1] + 5.0))
        start = (float(w[0]) - 4.0, float(w[1]) + 3.5)
    else:
        f = _make_f(spec.f, own)
        minima = tuple(tuple(float(c) for c in m) for m in _resolve(spec.minima, p))
        window = _resolve(spec.window, p)
        start = _resolve(spec.start, p)
    surface = Surface(
        name=name, title=spec.title, latex=spec.latex, params=MappingProxyType(p), f=f,
        window=tuple(tuple(float(c) for c in w) for w in window), start=tuple(map(float, start)),
        minima=minima, f_min=None, log_levels=spec.log_levels, bound=_bound(window),
        description=spec.description, batch_f=batch_f, n_examples=n)
    f_min = float(np.min(surface.value(np.asarray(minima)))) if minima else None
    return _with(surface, f_min=f_min)


def _make_f(fxy, own):
    def f(P):
        return fxy(P[..., 0], P[..., 1], **own)
    return f


def _bound(window) -> float:
    """|θ| beyond this ends a run as diverged: far outside anything the picture shows."""
    return 100.0 * max(abs(c) for w in window for c in w) + 100.0


def _with(surface: Surface, **changes) -> Surface:
    from dataclasses import replace
    return replace(surface, **changes)


def from_expression(text: str, window: Window = ((-3.0, 3.0), (-3.0, 3.0)),
                    start: tuple[float, float] | None = None, **params) -> Surface:
    """A surface typed by a user, e.g. "(1-x)**2 + 100*(y-x**2)**2". Parsed under a strict
    whitelist (expression.py); never eval'd. Raises ValueError (ExpressionError) saying what and
    where."""
    from .expression import parse

    expr = parse(text)
    p = validate_params("custom", ORACLE_PARAMS, params)

    def f(P):
        return expr.fn(P[..., 0], P[..., 1])

    (x0, x1), (y0, y1) = window
    if start is None:
        start = (x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0))
    s = Surface(name="custom", title="f(x, y) = " + expr.text, latex=expr.text,
                params=MappingProxyType({"expr": expr.text, **p}), f=f,
                window=tuple(tuple(map(float, w)) for w in window), start=tuple(map(float, start)),
                minima=(), f_min=None, log_levels=False, bound=_bound(window),
                description="Your own surface.")
    return s
