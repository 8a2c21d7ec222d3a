"""Gradient oracles: what a run "sees" instead of the exact gradient.

Applied in this order to the autograd gradient (of the minibatch loss, for `logistic`):
dropout mask (rescaled by 1/(1-p)), additive Gaussian noise σξ, sparse observation of the y-coordinate
(probability q, rescaled by 1/q), and last the per-coordinate scale c = (c_x, c_y).

Common random numbers: the draw used at gradient call k (the gradient at θ_k, k = 0 … steps) is the
same for every run of a batch, and depends only on (seed, k): each kind of randomness has its own
generator seeded with (seed, kind) and filled row by row, so a longer run extends a shorter one and
adding an optimizer does not change the others' paths.
"""
from __future__ import annotations

import numpy as np

from . import fastgrad

_NOISE, _DROPOUT, _SPARSE, _BATCH = 1, 2, 3, 4


def _rng(seed: int, kind: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), kind])


def _draws(surface, seed: int, n: int):
    """The first n rows of each kind of randomness (row k: the draw of gradient call k) as
    (raw, apply): raw(P, k) -> (f(P), the minibatch (or full) gradient of call k), apply(g, k) ->
    g̃ (mask, noise, sparse observation, scale); raw's gradient depends on k only with minibatches
    (raw.varies). None for an exact, unscaled oracle."""
    p = surface.params
    sigma, drop, q = p.get("noise", 0.0), p.get("dropout", 0.0), p.get("sparse", 1.0)
    noise = sigma * _rng(seed, _NOISE).standard_normal((n, 2)) if sigma > 0 else None
    mask = ((_rng(seed, _DROPOUT).random((n, 2)) >= drop) / (1.0 - drop)) if drop > 0 else None
    seen = ((_rng(seed, _SPARSE).random(n) < q) / q) if q < 1 else None
    minibatch = None
    if surface.batch_f is not None and p.get("batch", surface.n_examples) < surface.n_examples:
        minibatch = _rng(seed, _BATCH).integers(0, surface.n_examples, size=(n, int(p["batch"])))
    scale = np.array([p.get("scale_x", 1.0), p.get("scale_y", 1.0)])
    scaled = bool(np.any(scale != 1.0))
    if minibatch is None and noise is None and mask is None and seen is None and not scaled:
        return None

    def raw(P, k):
        if minibatch is None:
            return surface.value_and_grad(P)
        idx = minibatch[k]
        return surface.value(P), surface.value_and_grad(P, f=lambda Q: surface.batch_f(Q, idx))[1]

    def apply(g, k):
        if mask is not None:
            g = g * mask[k]
        if noise is not None:
            g = g + noise[k]
        if seen is not None:
            g = g * np.array([1.0, seen[k]])
        if scaled:
            g = g * scale
        return g

    raw.varies = minibatch is not None
    return raw, apply


def make_oracle(surface, seed: int, steps: int):
    """oracle(P, k) -> (f(P), g̃(P)) for k = 0 … steps; f is the exact (full-data) loss."""
    parts = _draws(surface, seed, steps + 1)
    if parts is None:
        return _exact_oracle(surface)
    raw, apply = parts

    def oracle(P, k):
        f, g = raw(P, k)
        return f, apply(g, k)

    return oracle


def gradient_draws(surface, seed: int, theta, k: int, count: int = 20) -> tuple[np.ndarray, int]:
    """`count` draws of the oracle's gradient at θ (one point (2,), or R points (R, 2)), all from
    the generators of seed `seed`, among them the draw of gradient call k (the one a run at θ_k
    used): (draws (count, 2) or (count, R, 2), the index of call k's draw). The draws are those of
    calls j0 … j0 + count − 1 with j0 = max(0, k − count // 2): other rows of the same streams,
    so the same distribution. The exact gradient is computed once (per call only for minibatches),
    by the oracle's own code. A deterministic oracle gives `count` equal rows."""
    k = int(k)
    j0 = max(0, k - count // 2)
    P = np.asarray(theta, dtype=np.float64)
    one = P.shape == (2,)
    P = P.reshape(-1, 2)
    parts = _draws(surface, seed, j0 + count)
    if parts is None:
        g = _exact_oracle(surface)(P, k)[1]
        out = np.repeat(g[None], count, axis=0)
    else:
        raw, apply = parts
        g0 = None if raw.varies else raw(P, k)[1]
        out = np.stack([apply(raw(P, j)[1] if g0 is None else g0, j)
                        for j in range(j0, j0 + count)])
    return (out[:, 0] if one else out), k - j0


def _exact_oracle(surface):
    """The exact gradient, the common case, in as few call layers as possible: a runner calls it
    at every step, and on a 64×64 sweep each layer costs ~2% of the run."""
    f, value_and_grad, replay_for = surface.f, surface.value_and_grad, fastgrad.replay_for

    def oracle(P, k):
        rep = replay_for(f, P) if type(P) is np.ndarray and P.dtype == np.float64 else None
        if rep is None:
            return value_and_grad(P)
        with np.errstate(all="ignore"):
            return rep(P)
    return oracle
