"""The optimizer core: pure update rules over batches of runs, one registry, one batched runner.

    import optimizers, surfaces
    opt = optimizers.get("adamw", lr=1e-2, weight_decay=1e-2)
    tr = optimizers.run(opt, surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=500)
    tr.points, tr.losses, tr.grads, tr.diverged_at
"""
from .registry import (ENTRY_POINT_GROUP, REGISTRY, SCHEDULE_HPARAMS, HParam, Optimizer,
                       OptimizerSpec, get, lr_hparam, lr_step_bound, max_step_bound, names, register,
                       spec, unregister)
from .runner import MAX_STEPS, Cancelled, Trajectory, run
from .schedules import SCHEDULES

__all__ = ["REGISTRY", "ENTRY_POINT_GROUP", "Cancelled", "HParam", "Optimizer", "OptimizerSpec",
           "Trajectory", "SCHEDULES", "SCHEDULE_HPARAMS", "MAX_STEPS", "get", "lr_hparam",
           "lr_step_bound", "max_step_bound", "names", "register", "run", "spec", "unregister"]
