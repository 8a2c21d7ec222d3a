"""Two hand-written NumPy sweeps (Adam on Rosenbrock), timed beside JAX to show where the floor is.

- `same_bits`: exactly the arithmetic `optimizers.run` does — autograd's operations for the gradient
  (as the trace replay runs them: x**2 as np.square) and torch's for Adam — on the runner's
  coordinate-major layout, written out as straight-line NumPy, no interpreter, no checks. Its points
  equal `optimizers.run`'s bit for bit (the benchmark checks).
- `hand_gradient`: a hand-derived gradient (x·x instead of autograd's x**2, one pass fewer) and
  in-place Adam on a (2, N) layout: what NumPy can do when the bits may differ.

Neither is used by the app; they only tell how much of the distance to JAX is NumPy itself.
"""
from __future__ import annotations

import numpy as np

B1, B2, EPS = 0.9, 0.999, 1e-8


def same_bits(starts: np.ndarray, steps: int, lr: float):
    """θ and f per step, bit-for-bit `optimizers.run(adam(lr), rosenbrock, starts, steps)`."""
    n = len(starts)
    points = np.empty((steps + 1, 2, n)).transpose(0, 2, 1)    # as optimizers.run lays it out
    losses = np.empty((steps + 1, n))
    points[0] = starts
    seed2 = np.ones(n) * 2            # the gradients autograd derives from the seed (ones)
    seed200 = (100.0 * np.ones(n)) * 2
    m, v = np.zeros((n, 2), order="F"), np.zeros((n, 2), order="F")

    def value_and_grad(P):            # autograd's operations for (1 - x)**2 + 100 (y - x**2)**2
        x, y = P[..., 0], P[..., 1]
        d = 1.0 - x
        x2 = np.square(x)
        w = y - x2
        f = np.square(d) + 100.0 * np.square(w)
        gw = seed200 * w
        gx = -gw * 2 * x
        acc = np.zeros(P.shape, order="F")
        acc[..., 1] += gw
        gx = gx + -(seed2 * d)
        acc[..., 0] += gx
        return f, acc

    losses[0], g = value_and_grad(points[0])
    for t in range(1, steps + 1):
        d = g - m                     # torch's Adam: lerp, addcmul, sqrt / bc2 + eps, addcdiv
        d *= 1 - B1
        d += m
        m = d
        v = v * B2
        gg = (1 - B2) * g
        gg *= g
        v += gg
        bc1, bc2_sqrt = 1 - B1**t, (1 - B2**t) ** 0.5
        step = np.sqrt(v)
        step /= bc2_sqrt
        step += EPS
        np.divide(m, step, out=step)
        step *= -(lr / bc1)
        np.add(points[t - 1], step, out=points[t])
        losses[t], g = value_and_grad(points[t])
    return points, losses


def hand_gradient(starts: np.ndarray, steps: int, lr: float):
    """θ and f per step with a hand-derived gradient and in-place Adam (other bits)."""
    n = len(starts)
    points, losses = np.empty((steps + 1, 2, n)), np.empty((steps + 1, n))
    points[0] = starts.T
    m, v, g = np.zeros((2, n)), np.zeros((2, n)), np.empty((2, n))
    d, w, buf, den = np.empty(n), np.empty(n), np.empty((2, n)), np.empty((2, n))
    for t in range(steps + 1):
        x, y = points[t]
        np.subtract(1.0, x, out=d)
        np.multiply(x, x, out=w)
        np.subtract(y, w, out=w)                     # w = y - x²
        np.multiply(w, w, out=losses[t])
        losses[t] *= 100.0
        np.multiply(d, d, out=g[0])
        losses[t] += g[0]
        np.multiply(w, 200.0, out=g[1])              # ∂f/∂y = 200 w
        np.multiply(x, w, out=g[0])
        g[0] *= -400.0
        d *= -2.0
        g[0] += d                                    # ∂f/∂x = -2(1 - x) - 400 x w
        if t == steps:
            break
        np.subtract(g, m, out=buf)
        buf *= 1 - B1
        m += buf
        v *= B2
        np.multiply(g, 1 - B2, out=buf)
        buf *= g
        v += buf
        np.sqrt(v, out=den)
        den /= (1 - B2 ** (t + 1)) ** 0.5
        den += EPS
        np.divide(m, den, out=buf)
        buf *= -(lr / (1 - B1 ** (t + 1)))
        np.add(points[t], buf, out=points[t + 1])
    return points, losses
