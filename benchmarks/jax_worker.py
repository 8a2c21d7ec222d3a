"""JAX + optax's side of the sweep benchmark, in a process of its own, as a JAX user runs it.

Inside `python -m benchmarks` JAX shared its process with torch and with our 50-80 MB NumPy sweeps;
timed there it read up to twice as slow as the same call alone (see benchmarks/core.py). So the
sweep's reference runs here, in a process that imports nothing but NumPy, JAX and optax:

    python -m benchmarks.jax_worker [--cpus 0]      # --cpus: pin to these cores (sched_setaffinity)

It reads one command per line on stdin and answers one line of JSON on stdout:
  starts <path.npy>   the starts; jit-compiles and warms up (a dozen calls) -> {"ok": true}
  time                one warm call -> {"s": seconds}
  cold                a new jitted function: trace + compile + run -> {"s": seconds}
  save <path.npz>     the warm call's θ_1..θ_T and f(θ_0..θ_{T-1}) for the agreement check
  info                {"jax": version, "optax": version, "cpus": [...], "devices": n}
"""
from __future__ import annotations

import json
import os
import sys
import time

STEPS, LR = 500, 2e-2          # benchmarks.core: SWEEP_STEPS, SWEEP_LR (checked by the caller)


def sweep_fn(jax, optax, steps: int = STEPS, lr: float = LR, salt: float = 0.0):
    """jit(vmap(lax.scan(adam step))) over the starts, returning θ_1 … θ_T and f(θ_0 … θ_{T-1}).

    `salt` is added to θ in the first step: a new Python constant gives a new jitted function, so
    the call traces and compiles again (cold); 1e-300-sized salts do not change any result.
    """
    jnp = jax.numpy

    def f(p):
        x, y = p[0], p[1]
        return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2

    opt = optax.adam(lr, b1=0.9, b2=0.999, eps=1e-8)

    def one(p0):
        p0 = p0 + salt

        def body(carry, _):
            p, state = carry
            loss, g = jax.value_and_grad(f)(p)
            updates, state = opt.update(g, state, p)
            p = optax.apply_updates(p, updates)
            return (p, state), (p, loss)

        _, (points, losses) = jax.lax.scan(body, (p0, opt.init(p0)), None, length=steps)
        return points, losses

    fn = jax.jit(jax.vmap(one))
    return lambda starts: jax.block_until_ready(fn(jnp.asarray(starts)))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--cpus"]:
        # before JAX starts: XLA sizes its thread pool from the affinity mask
        os.sched_setaffinity(0, {int(c) for c in argv[1].split(",")})
    import numpy as np

    import jax
    import optax
    jax.config.update("jax_enable_x64", True)
    out = sys.stdout
    sys.stdout = sys.stderr            # anything a library prints must not garble the answers
    starts = warm = None
    salt = 0
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "starts":
            starts = np.load(arg)
            warm = sweep_fn(jax, optax)
            for _ in range(12):
                warm(starts)
            answer = {"ok": True}
        elif cmd == "time":
            t0 = time.perf_counter()
            warm(starts)
            answer = {"s": time.perf_counter() - t0}
        elif cmd == "cold":
            salt += 1
            t0 = time.perf_counter()
            sweep_fn(jax, optax, salt=salt * 1e-300)(starts)
            answer = {"s": time.perf_counter() - t0}
        elif cmd == "save":
            points, losses = warm(starts)
            np.savez(arg, points=np.asarray(points), losses=np.asarray(losses))
            answer = {"ok": True}
        elif cmd == "info":
            answer = {"jax": jax.__version__, "optax": optax.__version__,
                      "cpus": sorted(os.sched_getaffinity(0)), "devices": jax.device_count()}
        else:
            answer = {"error": f"unknown command {cmd!r}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
