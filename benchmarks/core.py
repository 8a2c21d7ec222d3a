"""The optimizer core against torch.optim (the default scene) and JAX + optax (a sweep).

Each comparison checks that both sides computed the same thing (max |Δθ|) before it reports a
ratio, so that a ratio can not come from doing less work.
"""
from __future__ import annotations

import json
import os

import numpy as np

import optimizers
import surfaces
from optviz.model.defaults import lr_hint

from . import floors, jax_worker
from .timing import OtherLoad, Row, fmt_ratio, interleaved, ms

# The app's default scene (optviz/model/scenario.py: DEFAULT_OPTS, the surface's learning-rate hints).
SCENE_OPTS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
SCENE_STEPS = 1000
SWEEP_N, SWEEP_STEPS, SWEEP_LR = 64, 500, 2e-2


def scene_optimizers(surface):
    """The default scene's optimizers: registry defaults, lr from the surface's hint per family."""
    out = []
    for name in SCENE_OPTS:
        spec = optimizers.spec(name)
        out.append(optimizers.get(name, lr=lr_hint(surface, spec.family)))
    return out


def run_scene():
    s = surfaces.get("rosenbrock")
    return optimizers.run(scene_optimizers(s), s, start=s.start, steps=SCENE_STEPS)


def sweep_starts(n: int = SWEEP_N) -> np.ndarray:
    """An n × n grid of starts over Rosenbrock's window."""
    (x0, x1), (y0, y1) = surfaces.get("rosenbrock").window
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.stack([X.ravel(), Y.ravel()], axis=1)


_WARM_SURFACE = surfaces.get("rosenbrock")


def run_sweep(starts, record_grads: bool = False, cold: bool = False):
    """Like JAX's side, record θ and f at every step (not ∇f: record_grads=False).

    Warm: the same surface every call, its gradient trace recorded once (as JAX's jitted function
    is compiled once). Cold: a fresh surface, so the trace is recorded and checked again, as for a
    user who just changed the surface.
    """
    s = surfaces.get("rosenbrock") if cold else _WARM_SURFACE
    return optimizers.run(optimizers.get("adam", lr=SWEEP_LR), s, start=starts, steps=SWEEP_STEPS,
                          diagnostics=False, record_grads=record_grads)


# -------------------------------------------------------------------------------------- torch
def _torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_default_dtype(torch.float64)  # torch keeps scalar optimizer state in this dtype
    return torch


def torch_optimizer(torch, opt, p):
    """torch.optim's single-tensor path (foreach=False) with `opt`'s hyperparameters."""
    hp, name = opt.hp, opt.name
    if name in ("sgd", "momentum", "nesterov"):
        return torch.optim.SGD([p], lr=hp["lr"], momentum=hp["momentum"], dampening=hp["dampening"],
                               weight_decay=hp["weight_decay"], nesterov=hp["nesterov"],
                               foreach=False)
    if name == "adagrad":
        return torch.optim.Adagrad([p], lr=hp["lr"], lr_decay=hp["lr_decay"],
                                   weight_decay=hp["weight_decay"],
                                   initial_accumulator_value=hp["initial_accumulator_value"],
                                   eps=hp["eps"], foreach=False)
    if name == "rmsprop":
        return torch.optim.RMSprop([p], lr=hp["lr"], alpha=hp["alpha"], eps=hp["eps"],
                                   weight_decay=hp["weight_decay"], momentum=hp["momentum"],
                                   centered=hp["centered"], foreach=False)
    if name in ("adam", "adamw"):
        cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
        return cls([p], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                   weight_decay=hp["weight_decay"], amsgrad=hp["amsgrad"], foreach=False)
    raise ValueError(name)


def torch_scene(torch, opts, start, steps, perturb: float = 0.0):
    """Each optimizer in its own torch loop (torch has no batched optimizer), recording what our
    runner records: θ_k, f(θ_k) and ∇f(θ_k). `perturb` scales every gradient by (1 + perturb):
    how far torch's own path moves then shows whether a path is chaotic."""
    out = []
    for opt in opts:
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        o = torch_optimizer(torch, opt, p)
        points = torch.empty(steps + 1, 2)
        losses = torch.empty(steps)
        grads = torch.empty(steps, 2)
        points[0] = p.detach()
        for k in range(steps):
            o.zero_grad()
            x, y = p[0], p[1]
            loss = (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2   # rosenbrock(a=1, b=100), same order
            loss.backward()
            if perturb:
                p.grad.mul_(1.0 + perturb)
            losses[k] = loss.detach()
            grads[k] = p.grad
            o.step()
            points[k + 1] = p.detach()
        out.append(points)
    return out


def bench_scene(rounds: int = 9) -> list[Row]:
    what = f"default scene: {len(SCENE_OPTS)} optimizers × {SCENE_STEPS} steps, Rosenbrock"
    torch = _torch()
    ours = run_scene()                                  # warm-up (records the gradient trace)
    if torch is None:
        t = interleaved({"ours": run_scene}, rounds)["ours"]
        return [Row(what + " vs torch.optim", ms(t), "torch not installed", target="≤ 0.10×")]
    s = surfaces.get("rosenbrock")
    opts = scene_optimizers(s)
    ref = torch_scene(torch, opts, s.start, SCENE_STEPS)
    diffs = {o.name: float(np.max(np.abs(tr.points - r.numpy()))) for o, tr, r in zip(opts, ours, ref)}
    calm = {k: v for k, v in diffs.items() if v <= 1e-10}
    note = (f"same trajectories: max |θ_ours - θ_torch| = {max(calm.values()):.1e} for "
            f"{', '.join(calm)} (all {SCENE_STEPS + 1} points; torch {torch.__version__})")
    wild = [k for k in diffs if k not in calm]
    if wild:
        # torch fuses multiply-adds and NumPy cannot, so the last bit of a step differs; on a chaotic
        # path that grows. Torch's own path moves as much when its gradients change by 1e-15.
        moved = torch_scene(torch, opts, s.start, SCENE_STEPS, perturb=1e-15)
        own = {o.name: float(np.max(np.abs(a.numpy() - b.numpy())))
               for o, a, b in zip(opts, ref, moved)}
        note += "\n" + "; ".join(f"{k}: {diffs[k]:.1e}, a chaotic path (torch itself moves by "
                                 f"{own[k]:.1e} when its gradients change by 1e-15)" for k in wild)
    t = interleaved({"ours": run_scene,
                     "torch": lambda: torch_scene(torch, opts, s.start, SCENE_STEPS)}, rounds)
    r = t["ours"] / t["torch"]
    return [Row(what + " vs torch.optim (float64, foreach=False)", ms(t["ours"]), ms(t["torch"]),
                fmt_ratio(r), "≤ 0.10× (10× faster)", r <= 0.10, note=note)]


# ---------------------------------------------------------------------------------------- JAX
class JaxProcess:
    """JAX + optax in a process of their own (benchmarks/jax_worker.py), as a JAX user runs them:
    nothing else imported, nothing else allocated in between. `cpus`: pin it to these cores."""

    def __init__(self, starts: np.ndarray, cpus: str | None = None):
        import subprocess
        import sys
        import tempfile
        self._dir = tempfile.TemporaryDirectory(prefix="bench-jax-")
        path = os.path.join(self._dir.name, "starts.npy")
        np.save(path, starts)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self._p = subprocess.Popen([sys.executable, "-m", "benchmarks.jax_worker",
                                    *(["--cpus", cpus] if cpus else [])],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, cwd=root, env=env)
        self.info = self.ask("info")
        self.ask(f"starts {path}")                      # compiles and warms up (a dozen calls)

    def ask(self, cmd: str) -> dict:
        self._p.stdin.write(cmd + "\n")
        self._p.stdin.flush()
        line = self._p.stdout.readline()
        if not line:
            raise RuntimeError("the JAX process ended (is jax installed?)")
        return json.loads(line)

    @property
    def pid(self) -> int:
        return self._p.pid

    def time(self) -> float:
        return self.ask("time")["s"]

    def cold(self) -> float:
        return self.ask("cold")["s"]

    def result(self):
        path = os.path.join(self._dir.name, "out.npz")
        self.ask(f"save {path}")
        with np.load(path) as z:
            return z["points"], z["losses"]

    def close(self):
        self._p.stdin.close()
        self._p.wait(timeout=30)
        self._dir.cleanup()


def _has_jax() -> bool:
    import importlib.util
    return all(importlib.util.find_spec(m) is not None for m in ("jax", "optax"))


def _jax_here(starts):
    import jax
    import optax
    jax.config.update("jax_enable_x64", True)
    fn = jax_worker.sweep_fn(jax, optax)
    for _ in range(12):
        fn(starts)
    return lambda: fn(starts)


def bench_sweep(rounds: int = 21) -> list[Row]:
    starts = sweep_starts()
    what = f"sweep: {len(starts)} Adam runs × {SWEEP_STEPS} steps ({SWEEP_N}×{SWEEP_N} starts)"
    ours = run_sweep(starts)                            # warm-up
    if not _has_jax():
        t = interleaved({"ours": lambda: run_sweep(starts)}, rounds)["ours"]
        return [Row(what + " vs JAX+optax warm", ms(t), "jax/optax not installed", target="≤ 2×"),
                Row(what + " vs JAX+optax cold", ms(t), "jax/optax not installed", target="≤ 0.5×")]
    assert (jax_worker.STEPS, jax_worker.LR) == (SWEEP_STEPS, SWEEP_LR)
    cpu = str(min(os.sched_getaffinity(0)))
    jx_all, jx_one = JaxProcess(starts), JaxProcess(starts, cpus=cpu)
    here = _jax_here(starts)           # how this benchmark timed JAX before: in its own process
    try:
        same_bits = floors.same_bits(starts, SWEEP_STEPS, SWEEP_LR)[0]
        assert same_bits.tobytes() == ours.points.tobytes(), "the same-bits floor lost its bits"
        # JAX's figures are measured inside its process (perf_counter around the call); ours here
        others = OtherLoad([os.getpid(), jx_all.pid, jx_one.pid])
        t = interleaved({
            "ours": lambda: run_sweep(starts), "jax all": jx_all.time, "jax one": jx_one.time,
            "ours+grads": lambda: run_sweep(starts, record_grads=True),
            "same bits": lambda: floors.same_bits(starts, SWEEP_STEPS, SWEEP_LR),
            "hand": lambda: floors.hand_gradient(starts, SWEEP_STEPS, SWEEP_LR),
            "jax here": here}, rounds, self_timed={"jax all", "jax one"})
        busy = others.share()
        t_cold = interleaved({"ours": lambda: run_sweep(starts, cold=True), "cold": jx_all.cold},
                             max(3, rounds // 3), self_timed={"cold"})
        jp, _ = jx_all.result()
        info = jx_all.info
    finally:
        jx_all.close()
        jx_one.close()
    # agreement on the runs that stayed inside the bound on our side (JAX has no divergence check)
    jp = jp.transpose(1, 0, 2)                          # (steps, runs, 2): θ_1 … θ_T
    alive = ours.diverged_at < 0
    diff = np.abs(ours.points[1:, alive] - jp[:, alive])
    note = (f"same trajectories: {alive.sum()} of {len(alive)} runs stay in bounds; on those "
            f"max |θ_ours - θ_jax| = {np.nanmax(diff):.1e}, median {np.nanmedian(diff):.1e} "
            f"(optax orders Adam's arithmetic differently from torch)\n"
            f"both sides record θ and f at every step; jax {info['jax']}, optax {info['optax']}")
    how = (f"JAX runs in a process of its own (only NumPy, JAX, optax imported), compiled once and "
           f"warmed up; {rounds} rounds alternate all\nseven sides, minimum of each; other processes "
           f"used {'?' if busy is None else f'{busy:.0%}'} of the machine's {os.cpu_count()} cores "
           f"meanwhile (JAX on all cores needs the second one free)")
    ra, r1 = t["ours"] / t["jax all"], t["ours"] / t["jax one"]
    rc = t_cold["ours"] / t_cold["cold"]
    return [Row(what + " vs JAX+optax warm, JAX on all cores", ms(t["ours"]), ms(t["jax all"]),
                fmt_ratio(ra), "≤ 2×", ra <= 2.0),
            Row(what + f" vs JAX+optax warm, JAX pinned to one core (cpu {cpu})", ms(t["ours"]),
                ms(t["jax one"]), fmt_ratio(r1), "≤ 2×", r1 <= 2.0, note=how),
            Row("  the same, also recording ∇f at every step (optimizers.run's default)",
                ms(t["ours+grads"]), ms(t["jax all"]), fmt_ratio(t["ours+grads"] / t["jax all"])),
            Row("  floor: our arithmetic as straight-line NumPy (same bits, no interpreter)",
                ms(t["same bits"]), ms(t["jax all"]), fmt_ratio(t["same bits"] / t["jax all"])),
            Row("  floor: hand-derived gradient, in-place Adam (other bits)",
                ms(t["hand"]), ms(t["jax all"]), fmt_ratio(t["hand"] / t["jax all"]),
                note="benchmarks/floors.py: how much of the distance to JAX is NumPy itself"),
            Row("  JAX timed inside this benchmark's process (how earlier versions timed it)",
                ms(t["ours"]), ms(t["jax here"]), fmt_ratio(t["ours"] / t["jax here"])),
            Row(what + " vs JAX+optax cold (new surface: record+check+run / trace+compile+run)",
                ms(t_cold["ours"]), ms(t_cold["cold"]), fmt_ratio(rc), "≤ 0.5×", rc <= 0.5, note=note)]


# ------------------------------------------------------------------------------ gradient replay
def bench_gradient(rounds: int = 7) -> list[Row]:
    """The recorded-trace replay against a plain autograd call (the same bits, see test_fastpath)."""
    rows = []
    s = surfaces.get("rosenbrock")
    for n in (7, 4096):
        P = np.random.default_rng(0).uniform(-2, 2, (n, 2))
        s.value_and_grad(P)                              # records the trace for this shape
        reps = 2000 if n < 100 else 200

        def loop(fast):
            for _ in range(reps):
                s.value_and_grad(P, fast=fast)
        t = interleaved({"replay": lambda: loop(True), "plain": lambda: loop(False)}, rounds)
        r = t["replay"] / t["plain"]
        rows.append(Row(f"Rosenbrock gradient, {n} rows: trace replay vs autograd",
                        f"{t['replay'] / reps * 1e6:.1f} µs", f"{t['plain'] / reps * 1e6:.1f} µs",
                        fmt_ratio(r)))
    return rows


def run_all() -> list[Row]:
    return bench_scene() + bench_sweep() + bench_gradient()
