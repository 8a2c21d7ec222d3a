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
    """The first n rows of each kind of randomness (row k: the draw of gradient call k), or None."""
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

    def oracle(P, k):
        if minibatch is None:
            f, g = surface.value_and_grad(P)
        else:
            idx = minibatch[k]
            g = surface.value_and_grad(P, f=lambda Q: surface.batch_f(Q, idx))[1]
            f = surface.value(P)
        if mask is not None:
            g = g * mask[k]
        if noise is not None:
            g = g + noise[k]
        if seen is not None:
            g = g * np.array([1.0, seen[k]])
        if scaled:
            g = g * scale
        return f, g

    return oracle


def make_oracle(surface, seed: int, steps: int):
    """oracle(P, k) -> (f(P), g̃(P)) for k = 0 … steps; f is the exact (full-data) loss."""
    return _draws(surface, seed, steps + 1) or _exact_oracle(surface)


def gradient_draws(surface, seed: int, theta, k: int, count: int = 20) -> tuple[np.ndarray, int]:
    """`count` draws of the oracle's gradient at one point θ, all from the generators of seed
    `seed`, among them the draw of gradient call k (the one a run at θ_k used): (draws (count, 2),
    the index of call k's draw). The draws are those of calls j0 … j0 + count − 1 with
    j0 = max(0, k − count // 2): other rows of the same streams, so the same distribution.
    A deterministic oracle gives `count` equal rows."""
    k = int(k)
    j0 = max(0, k - count // 2)
    oracle = make_oracle(surface, seed, j0 + count - 1)
    P = np.asarray(theta, dtype=np.float64).reshape(1, 2)
    return np.vstack([oracle(P, j)[1] for j in range(j0, j0 + count)]), k - j0


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
