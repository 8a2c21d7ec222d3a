"""Loss surfaces with autograd gradients, gradient oracles, and user-typed expressions.

    import surfaces
    s = surfaces.get("quadratic", kappa=100, angle=30)
    s.value(P); s.grad(P)          # P: (..., 2)
    s = surfaces.from_expression("(1-x)**2 + 100*(y-x**2)**2")
"""
from optviz.params import HParam
from .registry import ORACLE_PARAMS, SPECS, Surface, from_expression, get, names, param_specs

__all__ = ["HParam", "ORACLE_PARAMS", "SPECS", "Surface", "from_expression", "get", "names", "param_specs"]
