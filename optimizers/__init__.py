"""The optimizer core: pure update rules over batches of runs, one registry, one batched runner.

    import optimizers, surfaces
    opt = optimizers.get("adamw", lr=1e-2, weight_decay=1e-2)
    tr = optimizers.run(opt, surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=500)
    tr.points, tr.losses, tr.grads, tr.diverged_at
"""
from .registry import REGISTRY, HParam, Optimizer, OptimizerSpec, get, max_step_bound, names, spec
from .runner import MAX_STEPS, Cancelled, Trajectory, run
from .schedules import SCHEDULES

__all__ = ["REGISTRY", "Cancelled", "HParam", "Optimizer", "OptimizerSpec", "Trajectory", "SCHEDULES", "MAX_STEPS",
           "get", "max_step_bound", "names", "run", "spec"]
