"""Trace replay: autograd's gradient without autograd's per-call tracing cost.

A normal autograd call (`make_vjp`) boxes every intermediate value, dispatches every primitive through
its wrapper and builds a graph node for it: ~8 µs of Python per primitive, while the NumPy arithmetic
inside is ~0.5 µs on a small batch. A surface's f(P) runs the same primitives in the same order for
every input of a given shape, so we record that sequence once per (f, shape) and afterwards *replay*
it:

- forward: call each primitive's raw NumPy function, with this call's values where the recording had
  traced values and the recorded constants elsewhere;
- backward: visit the nodes in exactly the order autograd's `backward_pass` would (its own `toposort`
  over the same parents), and apply autograd's VJP formulas, summing the gradients that reach a node
  in the same order and the same way (`add_outgrads`'s rules).

The VJPs of the common primitives (FAST_VJPS) are autograd's formulas copied operation for
operation, minus the wrapper overhead; every other primitive goes through autograd's own VJP
registry (`primitive_vjps`, what `defvjp` fills). Every floating-point operation is therefore the one
autograd would perform, in the same order, and the result is bit-for-bit autograd's. That is checked,
not assumed: a new recording is replayed at once on the recording input and on two more (rows
reversed, values moved; signs flipped), and each answer must equal a normal autograd call bit for
bit; if anything differs
(e.g. an f whose Python control flow depends on the values) or fails, that (f, shape) is marked and
always uses plain autograd. tests/test_fastpath.py checks the same on every surface and on typed
expressions.

Primitives autograd treats as constants (comparisons, `sign`, `floor`, …: its "notrace" set) are not
nodes in autograd's graph, so their values would be frozen into the recording. We trace them as
forward-only nodes instead (recomputed on every replay, never differentiated), and the backward walk
leaves them out, exactly as autograd does.
"""
from __future__ import annotations

import threading
import weakref
from importlib.metadata import PackageNotFoundError, version

import autograd.numpy as anp
import numpy as np
from autograd import make_vjp
from autograd.core import VJPNode, add_outgrads, primitive_vjps
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import notrace_primitives, trace
from autograd.util import toposort

# The replay reads autograd internals (VJPNode, add_outgrads, primitive_vjps, notrace_primitives,
# toposort's order). It was checked bit for bit against these releases; on any other one the core
# uses plain autograd (slower, same numbers) until the list is extended after running
# tests/test_fastpath.py. pyproject.toml pins the same range.
CHECKED_AUTOGRAD = ("1.9",)


def _autograd_checked() -> bool:
    try:
        v = version("autograd")
    except PackageNotFoundError:
        return False
    return any(v == c or v.startswith(c + ".") for c in CHECKED_AUTOGRAD)


REPLAY_ENABLED = _autograd_checked()
MAX_SHAPES = 16  # recorded input shapes per function; beyond that, plain autograd (the app and the
                 # runner use a handful of batch sizes per surface)


def plain_value_and_grad(f, P):
    """f(P) and the VJP of ones through f: the reference path (one normal autograd call)."""
    vjp, ans = make_vjp(f)(P)
    ans = np.asarray(ans, dtype=np.float64)
    return ans, np.asarray(vjp(np.ones_like(ans)), dtype=np.float64)


def value_and_grad(f, P):
    """f(P) and the VJP of ones through f (the per-row gradient), bit-for-bit the same as
    `plain_value_and_grad`, from a checked replay when one can be recorded."""
    rep = replay_for(f, P)
    if rep is None:
        return plain_value_and_grad(f, P)
    return rep(P)


# ------------------------------------------------------------------------------ fast VJP formulas
# autograd's numpy_vjps.py formulas for the primitives the surfaces and the expression parser use
# most, written with raw NumPy: the same operations in the same order (copied, not derived). What is
# left out is the wrapper overhead: boxing checks, `metadata`, and `unbroadcast` where the replay
# knows from the recorded shapes that it would not change anything. Each entry maps a raw function to
# one formula per argument position, formula(g, ans, *args). tests/test_fastpath.py checks every
# formula against autograd's own VJP bit for bit, special values included.
def _replace_zero(x, val):
    return np.where(x, x, val)       # anp.where on an array argument is np.where


def _balanced_eq(x, z, y):
    return (x == z) / (1.0 + (x == y))


def _power_x(g, ans, x, y):
    # anp.where, not np.where: with a Python-number y autograd's `where` hands back a Python float,
    # and `x ** 1.0` and `x ** array(1.0)` are different NumPy calls
    return g * y * x ** anp.where(y, y - 1, 1.0)


FAST_VJPS = {
    np.add: (lambda g, ans, x, y: g, lambda g, ans, x, y: g),
    np.subtract: (lambda g, ans, x, y: g, lambda g, ans, x, y: -g),
    np.multiply: (lambda g, ans, x, y: y * g, lambda g, ans, x, y: x * g),
    np.true_divide: (lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * x / y**2),
    np.power: (_power_x, lambda g, ans, x, y: g * np.log(_replace_zero(x, 1.0)) * ans),
    np.maximum: (lambda g, ans, x, y: g * _balanced_eq(x, ans, y),
                 lambda g, ans, x, y: g * _balanced_eq(y, ans, x)),
    np.minimum: (lambda g, ans, x, y: g * _balanced_eq(x, ans, y),
                 lambda g, ans, x, y: g * _balanced_eq(y, ans, x)),
    np.logaddexp: (lambda g, ans, x, y: g * np.exp(x - ans), lambda g, ans, x, y: g * np.exp(y - ans)),
    np.negative: (lambda g, ans, x: -g,),
    np.exp: (lambda g, ans, x: ans * g,),
    np.log: (lambda g, ans, x: g / x,),
    np.sin: (lambda g, ans, x: g * np.cos(x),),
    np.cos: (lambda g, ans, x: -g * np.sin(x),),
    np.tan: (lambda g, ans, x: g / np.cos(x) ** 2,),
    np.tanh: (lambda g, ans, x: g / np.cosh(x) ** 2,),
    np.arctan: (lambda g, ans, x: g / (1 + x**2),),
    np.sqrt: (lambda g, ans, x: g * 0.5 * x**-0.5,),
    np.abs: (lambda g, ans, x: g * _replace_zero(np.conj(x), 0.0) / _replace_zero(ans, 1.0),),
}
_GETITEM = ArrayBox.__getitem__.fun       # P[..., 0]; its VJP scatters into zeros (autograd: untake)

# Formulas that read nothing but g and constants: (raw, position) -> the argument positions that
# must be constants (not traced). With a gradient g known when recording (it comes from the seed
# through such formulas only), their result is known too, and is computed once then.
_CONSTANT_IF = {(np.add, 0): (), (np.add, 1): (), (np.subtract, 0): (), (np.subtract, 1): (),
                (np.negative, 0): (), (np.multiply, 0): (1,), (np.multiply, 1): (0,),
                (np.true_divide, 0): (1,)}


def _sum(x, **kw):
    # np.sum on an array is np.add.reduce behind two layers of Python wrappers (~2 µs)
    return np.add.reduce(x, **kw) if type(x) is np.ndarray else np.sum(x, **kw)


def _unbroadcast(x, target_meta, broadcast_idx=0):
    """autograd's numpy_vjps.unbroadcast with the raw NumPy functions its wrappers end in: the same
    sums over the same axes (a sum over a length-1 axis is not a no-op: it turns -0.0 into 0.0)."""
    target_shape, target_ndim, _, target_iscomplex = target_meta
    while np.ndim(x) > target_ndim:
        x = _sum(x, axis=broadcast_idx)
    for axis, size in enumerate(target_shape):
        if size == 1:
            x = _sum(x, axis=axis, keepdims=True)
    if np.iscomplexobj(x) and not target_iscomplex:
        x = np.real(x)
    return x


def _power_x_const_exponent(y):
    """_power_x for a constant exponent y: the exponent autograd computes, computed once.

    The one place where an operation is left out: for x**2 autograd computes `x ** 1.0`, which is
    exactly x (IEEE pow is exact when the result is representable, and numpy/libm return x), so
    `g * 2 * x` gives the same bits one power cheaper. The check on recording and
    tests/test_fastpath.py (pow(x, 1.0) == x over special and random values) make sure of it.
    """
    e = anp.where(y, y - 1, 1.0)
    if type(e) is float and e == 1.0:
        return lambda g, ans, x, _: g * y * x
    return lambda g, ans, x, _: g * y * x ** e


def _power_x_known_prefix(prefix, y):
    """_power_x_const_exponent when g is known when recording: `g * y` (evaluated first, as Python
    reads g * y * x ** e) is then a constant, `prefix`."""
    e = anp.where(y, y - 1, 1.0)
    if type(e) is float and e == 1.0:
        return lambda g, ans, x, _: prefix * x
    return lambda g, ans, x, _: prefix * x ** e


# ---------------------------------------------------------------------------------- recording
class _RecordingNode(VJPNode):
    """A graph node that remembers the call (function, arguments), so that it can be replayed."""

    __slots__ = ["fun", "args", "kwargs", "argnums"]

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        # no VJP is built: the recording itself is never differentiated
        self.parents = parents
        self.fun, self.args, self.kwargs, self.argnums = fun, args, kwargs, parent_argnums

    def initialize_root(self):
        self.parents = []
        self.fun = None


# autograd keeps its notrace set per node type: an empty one for ours makes comparisons, sign, floor…
# recorded nodes (recomputed on replay) instead of constants frozen at their recorded values
notrace_primitives[_RecordingNode] = set()
_NOTRACE = notrace_primitives[VJPNode]


class _NotReplayable(Exception):
    pass


class Replay:
    """f recorded for one input shape: `replay(P) -> (f(P), VJP of ones)`, with raw NumPy."""

    def __init__(self, f, P):
        root = _RecordingNode.new_root()
        end_value, end_node = trace(root, f, P)
        if end_node is None:
            raise _NotReplayable("the output does not depend on the input")
        nodes = list(toposort(end_node))[::-1]          # parents before children; the root first
        if nodes[0] is not root:
            raise _NotReplayable("the input is not used")
        index = {node: i for i, node in enumerate(nodes)}

        self.calls = [None]                             # node i's forward call: values -> value
        self.fetch = [None]                             # node i's arguments: values -> tuple
        self.ops = [None]                               # node i's (raw function, argument spec)
        differentiable = [True] + [False] * (len(nodes) - 1)
        grad_parents = [()] * len(nodes)
        lives = {}                                      # node -> ((position, parent node), …)
        for i, node in enumerate(nodes[1:], start=1):
            traced = {pos: index[p] for pos, p in zip(node.argnums, node.parents)}
            # the recorded values of traced arguments are dropped: no batch data kept
            spec = tuple((True, traced[pos]) if pos in traced else (False, a)
                         for pos, a in enumerate(node.args))
            self.calls.append(_compile_call(node.fun.fun, spec, node.kwargs, node.args))
            self.ops.append((node.fun.fun, spec,
                             np.result_type(node.args[0]) if node.fun.fun is np.power else None))
            self.fetch.append(_compile_fetch(spec))
            # autograd makes a graph node only when a traced argument reaches a primitive outside
            # its notrace set; the outputs of notrace primitives, and anything computed from them
            # alone, are constants to it and receive no gradient
            live = tuple((pos, j) for pos, j in traced.items() if differentiable[j])
            if live and node.fun not in _NOTRACE:
                differentiable[i] = True
                grad_parents[i] = tuple(j for _, j in live)
                lives[i] = live
        self.end = index[end_node]
        if not differentiable[self.end]:
            raise _NotReplayable("the output does not depend on the input differentiably")
        # backward order: autograd's own toposort over the same parents, so the gradients reaching
        # a node are summed in the same order as in autograd's backward_pass
        self.backward = list(toposort(self.end, parents=grad_parents.__getitem__))
        if self.backward.pop() != 0:                    # the root comes last and has no VJP
            raise _NotReplayable("unexpected graph")
        self.forward = self.calls[1:]
        self.shape = np.shape(P)
        # np.ones_like(ans), made once: autograd never writes into a gradient it did not create
        # (that is what add_outgrads' "mutable" flag is for), and read-only makes sure
        self._seed = _read_only(np.ones_like(np.asarray(end_value, dtype=np.float64)))
        self._plan_backward(nodes, lives, P)

    def _plan_backward(self, nodes, lives, P):
        """Build the backward program: one closure per gradient a node sends, in autograd's order,
        folding what is known when recording.

        The seed (ones) is known, so is any gradient computed from it by formulas that read only g
        and constants (the 100·g of `100 * (y - x**2)**2`): those are computed once, here, by the
        same operations in the same order. A node whose incoming gradient is such a constant starts
        each call with it in its slot; only the rest runs on every call.
        """
        # one forward pass on the recording input gives every value's shape and dtype, which
        # decide where autograd's unbroadcast can not change anything (and is left out)
        values = [P]
        for call in self.forward:
            values.append(call(values))
        meta = [(np.shape(v), np.result_type(v)) for v in values]
        known = {self.end: self._seed}        # slot -> its gradient, when fully known now
        contributions = {}                    # slot -> [known value, or None for "computed later"]
        entries = {}
        for i in self.backward:
            got = contributions.pop(i, [])
            if i != self.end and got and all(v is not None for v in got):
                acc = None
                for v in got:                 # add_outgrads' sums, in autograd's order
                    acc = _add_grad(acc, v)
                known[i] = _read_only(acc[0])
            entries[i] = _vjp_entries(nodes[i], i, lives[i], known.get(i), self.fetch[i], meta)
            for j, value, _ in entries[i]:
                contributions.setdefault(j, []).append(value)
        # what runs per call: entries whose target is not folded already (the input's gradient
        # never is); nodes with none left are skipped
        self.program = [run for i in self.backward for j, value, run in entries[i]
                        if value is None or j not in known]
        # each call's gradient slots start as (value, mutable) pairs of the folded gradients
        self._grads = [None] * len(nodes)
        for i, g in known.items():
            self._grads[i] = (g, False)
        self.folded = len(known) - 1          # nodes whose whole gradient is computed once

    def __call__(self, P):
        """(f(P), VJP of ones) as float64 arrays, for P of the recorded shape. Nothing is shared
        between calls except read-only constants, so threads (Streamlit sessions) may share it."""
        V = [P]
        for call in self.forward:
            V.append(call(V))
        ans = np.asarray(V[self.end], dtype=np.float64)
        G = self._grads.copy()     # slot -> (gradient, mutable), as autograd's outgrads
        for run in self.program:
            run(V, G)
        g = np.asarray(G[0][0], dtype=np.float64)
        return ans, (g.copy() if not g.flags.writeable else g)


def _compile_call(fun, spec, kwargs, recorded=()):
    """values -> fun(*args, **kwargs), specialised for the usual one- and two-argument cases.
    `recorded`: the arguments as recorded (their dtypes decide the x**2 → np.square rewrite)."""
    if fun is np.power and not kwargs and recorded and _is_square(spec, np.result_type(recorded[0])):
        (_, j), _ = spec
        return lambda v: np.square(v[j])
    if not kwargs and len(spec) == 1 and spec[0][0]:
        (_, j), = spec
        return lambda v: fun(v[j])
    if not kwargs and len(spec) == 2:
        (t0, a0), (t1, a1) = spec
        if t0 and t1:
            return lambda v: fun(v[a0], v[a1])
        if t0:
            return lambda v: fun(v[a0], a1)
        if t1:
            return lambda v: fun(a0, v[a1])
    fetch = _compile_fetch(spec)
    return lambda v: fun(*fetch(v), **kwargs)


def _power_2_is_square() -> bool:
    """NumPy's power loop hands a constant exponent 2.0 to its square loop (POWER_FAST_PATH in
    umath's loops), so `x ** 2` and np.square(x) give the same bits, the latter without power's
    scalar-exponent dispatch (1.7 µs against 0.8 on 4096 values). Checked here on special and
    random values rather than assumed from the NumPy version; tests/test_fastpath.py checks more."""
    rng = np.random.default_rng(0)
    x = np.concatenate([[0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324, 1e154, 1.5e154, 1e-160],
                        rng.integers(0, 2**64, 4096, dtype=np.uint64).view(np.float64)])
    with np.errstate(all="ignore"):
        pairs = [(np.power(v, 2), np.square(v)) for v in (x, x[::2])]   # contiguous and strided
    return all(np.array_equal(np.isnan(a), np.isnan(b))
               and a[~np.isnan(a)].tobytes() == b[~np.isnan(b)].tobytes() for a, b in pairs)


_POWER_2_IS_SQUARE = _power_2_is_square()


def _is_square(spec, x_dtype) -> bool:
    """A call power(traced float64 x, constant 2) with 2 a Python number: np.square(x) has its
    bits (the check above covers float64 only; other dtypes keep np.power)."""
    if len(spec) != 2 or not spec[0][0] or spec[1][0] or not _POWER_2_IS_SQUARE \
            or x_dtype != np.float64:
        return False
    y = spec[1][1]
    return type(y) in (int, float) and y == 2


def _compile_fetch(spec):
    """values -> the argument tuple of a node (traced values and recorded constants)."""
    if len(spec) == 1:
        (t0, a0), = spec
        return (lambda v: (v[a0],)) if t0 else (lambda v: (a0,))
    if len(spec) == 2:
        (t0, a0), (t1, a1) = spec
        if t0 and t1:
            return lambda v: (v[a0], v[a1])
        if t0:
            return lambda v: (v[a0], a1)
        if t1:
            return lambda v: (a0, v[a1])
    return lambda v: tuple(v[a] if traced else a for traced, a in spec)


def _vjp_entries(node, i, live, g_known, fetch, meta):
    """Node i's backward work, one entry per gradient it sends: (parent slot, value, run).

    `value` is the gradient itself when it is known now (g_known given and the formula reads only
    g and constants); `run(V, G)` adds the entry's gradient into slot G[j] (V: this call's values,
    G: the (gradient, mutable) pairs; for a known value it just adds it). The autograd fallback
    sends all its gradients in one entry. `meta`: every slot's recorded (shape, dtype).
    """
    raw = node.fun.fun
    formulas = FAST_VJPS.get(raw) if isinstance(raw, np.ufunc) else None
    if formulas is not None and not node.kwargs and len(node.args) == len(formulas):
        binary = len(formulas) == 2
        out = []
        for pos, j in live:
            target = node.args[pos]
            # autograd's binary-ufunc VJPs unbroadcast to the argument's shape (`unbroadcast_f`)
            tmeta = (np.shape(target), np.ndim(target), np.result_type(target), np.iscomplexobj(target))
            ones = tuple(a for a, n in enumerate(tmeta[0]) if n == 1) if binary else ()
            fit = _fitter(binary, tmeta, ones, meta[i])
            constants = _CONSTANT_IF.get((raw, pos))
            if g_known is not None and constants is not None and not set(constants) & set(node.argnums):
                args = tuple(None if p in node.argnums else a for p, a in enumerate(node.args))
                value = _read_only((fit or _same)(formulas[pos](g_known, None, *args)))
                out.append((j, value, _add_known(j, value)))
                continue
            formula = formulas[pos]
            if raw is np.power and pos == 0 and 1 not in node.argnums:
                y = node.args[1]
                formula = (_power_x_const_exponent(y) if g_known is None
                           else _power_x_known_prefix(_read_only(g_known * y), y))
            out.append((j, None, _add_formula(i, j, formula, fit, fetch)))
        return out

    if raw is _GETITEM and [pos for pos, _ in live] == [0] and _is_basic_index(node.args[1]):
        (_, j), = live
        dtype = np.result_type(node.args[0])

        def scatter(V, G):
            A, idx = fetch(V)
            G[j] = _add_scatter(G[j], A, dtype, idx, G[i][0])
        return [(j, None, scatter)]

    fun, argnums, parents = node.fun, tuple(pos for pos, _ in live), tuple(j for _, j in live)
    kwargs = node.kwargs

    def generic(V, G):                                 # autograd's own VJP for everything else
        vjp = primitive_vjps[fun](argnums, V[i], fetch(V), kwargs)
        for j, ingrad in zip(parents, vjp(G[i][0])):
            G[j] = add_outgrads(G[j], ingrad)
    return [(j, None, generic if k == 0 else _nothing) for k, j in enumerate(parents)]


def _nothing(V, G):
    pass


def _same(r):
    return r


def _fitter(binary, meta, ones, out_meta):
    """The unbroadcast autograd applies to a binary ufunc's VJP, as a function of the result; None
    when it can change nothing. A formula's result has the node's shape (it is elementwise in g,
    which has that shape), so when that is the argument's shape, without length-1 axes (a sum over
    one turns -0.0 into 0.0), and everything is real, unbroadcast returns it as it is."""
    if not binary:
        return None
    out_shape, out_dtype = out_meta
    if out_shape == meta[0] and not ones and not meta[3] and out_dtype.kind != "c":
        return None

    def fit(r):
        if type(r) is np.ndarray and r.shape == meta[0] and r.dtype.kind != "c":
            for axis in ones:          # all unbroadcast does to a real result of this shape
                r = np.add.reduce(r, axis=axis, keepdims=True)
            return r
        return _unbroadcast(r, meta)
    return fit


def _add_formula(i, j, formula, fit, fetch):
    """An entry that computes node i's gradient for parent j by `formula` and adds it into G[j],
    specialised for the common cases (one or two arguments, no unbroadcast)."""
    if fit is None:
        def run(V, G):
            G[j] = _add_grad(G[j], formula(G[i][0], V[i], *fetch(V)))
    else:
        def run(V, G):
            G[j] = _add_grad(G[j], fit(formula(G[i][0], V[i], *fetch(V))))
    return run


def _add_known(j, value):
    def run(V, G):
        G[j] = _add_grad(G[j], value)
    return run


def _read_only(a):
    if isinstance(a, np.ndarray):
        a.flags.writeable = False
    return a


def _is_basic_index(idx) -> bool:
    """An index of ints, slices, Ellipsis and None only: no arrays, lists or booleans."""
    items = idx if type(idx) is tuple else (idx,)
    return all(item is Ellipsis or item is None or type(item) is slice
               or (isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)))
               for item in items)


def _zeros_as(A, dtype):
    # np.zeros keeps calloc's speed (zeros_like fills: 3× slower on a runner's batch)
    order = "F" if np.ndim(A) > 1 and A.flags.f_contiguous else "C"
    return np.zeros(np.shape(A), dtype=dtype, order=order)


def _add_scatter(prev, A, dtype, idx, x):
    """add_outgrads(prev, untake(x, idx, vspace(A))) for a basic index: x added into zeros of A's
    shape (or into the gradient already there) at idx. The zeros take A's memory order (the
    runner's θ is coordinate-major), which changes no value."""
    if prev is None:
        acc = _zeros_as(A, dtype)                           # sparse_add(vs, None, g)
    elif prev[1]:
        acc = prev[0]
    else:
        acc = _zeros_as(A, dtype)                           # vs.mut_add(None, prev_g)
        acc += prev[0]
    # untake adds with np.add.at; with a basic index no element is hit twice, so that is one
    # addition per element, exactly `acc[idx] += x`, and 10× faster
    acc[idx] += x
    return acc, True


def _add_grad(prev, g):
    """autograd's add_outgrads for a dense gradient: the same (value, mutable) pairs, the same
    additions in the same order."""
    if type(g) is not np.ndarray and not isinstance(g, np.generic):
        return add_outgrads(prev, g)
    if prev is None:
        return g, False
    acc, mutable = prev
    if type(acc) is not np.ndarray and not isinstance(acc, np.generic):
        return add_outgrads(prev, g)
    if mutable:
        acc += g                                            # vs.mut_add(prev_g, g)
        return acc, True
    return acc + g, True                                    # vs.add(prev_g, g)


# ------------------------------------------------------------------------ cache and verification
_FALLBACK = object()            # marks an (f, shape) that must use plain autograd
_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _check_inputs(P):
    """P and two more inputs of its shape, unlike it row by row (rows reversed), one moved a little,
    one with every sign flipped: an f whose Python code branches on the values (which the replay
    would freeze) is very likely to take another branch on one of them."""
    R = P[::-1] if P.ndim else P
    return (P, R * (1.0 + 2.0**-10) + 0.03125, R * -2.0 - 0.5)


def _record(f, P):
    """A Replay of f for P's shape that reproduces autograd bit for bit on three inputs, or _FALLBACK."""
    try:
        with np.errstate(all="ignore"):
            rep = Replay(f, P)
            for Q in _check_inputs(P):
                want, got = plain_value_and_grad(f, Q), rep(Q)
                if not (_same_bits(want[0], got[0]) and _same_bits(want[1], got[1])):
                    return _FALLBACK
        return rep
    except Exception:      # anything unusual: plain autograd is always right
        return _FALLBACK


_last = (None, None, None)      # (f, shape, replay) of the latest lookup: a runner asks for the
                                # same one every step, and a weak-dictionary lookup costs ~1 µs


def replay_for(f, P):
    """The checked Replay of f for P's shape, recorded on first use; None: use plain autograd."""
    global _last
    if not REPLAY_ENABLED:
        return None
    last_f, last_shape, rep = _last
    if last_f is f and last_shape == P.shape:
        return rep
    try:
        shapes = _cache.get(f)
    except TypeError:      # f cannot be weakly referenced: no cache
        return None
    rep = shapes.get(P.shape) if shapes is not None else None
    if rep is None:
        with _lock:
            shapes = _cache.setdefault(f, {})
            rep = shapes.get(P.shape)
            if rep is None:
                if len(shapes) >= MAX_SHAPES:
                    return None
                rep = shapes[P.shape] = _record(f, P)
    rep = None if rep is _FALLBACK else rep
    _last = (f, P.shape, rep)
    return rep
