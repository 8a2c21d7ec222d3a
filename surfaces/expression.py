"""Safe parsing of user-typed loss surfaces ``f(x, y)``.

The user's text is never handed to ``eval``/``exec``/``compile``.  It is only
*parsed* with ``ast.parse(..., mode="eval")``, which builds a syntax tree and
runs nothing; the tree is then walked under a strict whitelist and turned into
a tree of closures over ``autograd.numpy`` primitives, so the resulting
function can be differentiated with ``autograd``.

Everything not explicitly allowed is refused with an :class:`ExpressionError`
that says what is wrong and where (``position`` is a 0-based offset into the
string that was passed to :func:`parse`; messages print it 1-based as
"column N").

Allowed:
    numbers     int / float literals, at most ``MAX_LITERAL`` in magnitude
    names       x, y, pi, e
    operators   + - * / ** (binary), - + (unary); an exponent that is constant
                as a function (``2``, ``2**3``, but also ``y*0+7`` or ``x-x+7``)
                is bounded by ``MAX_EXPONENT``, one that varies by
                ``MAX_VARIABLE_EXPONENT`` on the square ``SAMPLE_BOX``
    calls       the functions in ``FUNCTIONS``, positional arguments only

Refused before the parser runs: empty text, more than ``MAX_LENGTH``
characters, control characters (one line only), non-ASCII, backslashes,
comments, and a number running into a letter (``2x``).  After parsing: more
than ``MAX_NODES`` nodes or ``MAX_DEPTH`` levels of nesting.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, NoReturn

import autograd.numpy as anp
import numpy as np

__all__ = ["parse", "Expression", "ExpressionError", "FUNCTIONS", "MAX_LENGTH"]

# ---------------------------------------------------------------------------
# Limits.  They keep parsing and evaluation cheap and bounded whatever the
# input; real loss surfaces stay far below all of them.
# ---------------------------------------------------------------------------
MAX_LENGTH = 500  # characters, after stripping surrounding whitespace
MAX_NODES = 400  # expression nodes in the syntax tree
MAX_DEPTH = 40  # nesting levels (a flat chain like a+b+c+d counts once)
MAX_LITERAL = 1e12  # largest magnitude of a number literal
MAX_EXPONENT = 100.0  # largest magnitude of a constant exponent in a ** p
# A variable exponent is sampled on this square (the default window of a typed surface) and may not
# exceed MAX_VARIABLE_EXPONENT there: beyond it a ** p is 0 or inf almost everywhere (x**1000
# overflows for |x| > 2.03), as x**(abs(y)*1e12) is. Samples: a 13 × 13 grid and 64 fixed points off
# it (so sin(pi*x)*0 + ... cannot hide behind the grid's half-integers).
MAX_VARIABLE_EXPONENT = 1e4
SAMPLE_BOX = 3.0
_G = np.linspace(-SAMPLE_BOX, SAMPLE_BOX, 13)
_OFF = np.random.default_rng(14).uniform(-SAMPLE_BOX, SAMPLE_BOX, (2, 64))
_SAMPLE_X = np.concatenate([np.repeat(_G, 13), _OFF[0]])
_SAMPLE_Y = np.concatenate([np.tile(_G, 13), _OFF[1]])

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}


class ExpressionError(ValueError):
    """The text is not an allowed expression.

    ``str(err)`` is a one-line message naming what is wrong and where;
    ``err.position`` is the 0-based offset of the problem in the text given to
    :func:`parse` (``None`` when no single spot is to blame).
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


class Function(NamedTuple):
    fn: Callable
    arity: int


# Allowed function name -> (autograd.numpy function, number of arguments).
# Python's own min/max would not broadcast, hence np.minimum / np.maximum.
FUNCTIONS: dict[str, Function] = {
    "sin": Function(anp.sin, 1),
    "cos": Function(anp.cos, 1),
    "tan": Function(anp.tan, 1),
    "arcsin": Function(anp.arcsin, 1),
    "arccos": Function(anp.arccos, 1),
    "arctan": Function(anp.arctan, 1),
    "asin": Function(anp.arcsin, 1),
    "acos": Function(anp.arccos, 1),
    "atan": Function(anp.arctan, 1),
    "sinh": Function(anp.sinh, 1),
    "cosh": Function(anp.cosh, 1),
    "tanh": Function(anp.tanh, 1),
    "exp": Function(anp.exp, 1),
    "log": Function(anp.log, 1),
    "log10": Function(anp.log10, 1),
    "log2": Function(anp.log2, 1),
    "sqrt": Function(anp.sqrt, 1),
    "abs": Function(anp.abs, 1),
    "min": Function(anp.minimum, 2),
    "max": Function(anp.maximum, 2),
    "atan2": Function(anp.arctan2, 2),
    "arctan2": Function(anp.arctan2, 2),
}

# Binary operators we evaluate.  "Families" of left-associative operators are
# evaluated as flat chains, so a long sum does not build a deep tree.
_BINARY = {
    ast.Add: anp.add,
    ast.Sub: anp.subtract,
    ast.Mult: anp.multiply,
    ast.Div: anp.true_divide,
    ast.Pow: anp.power,
}
_FAMILY = {ast.Add: "additive", ast.Sub: "additive", ast.Mult: "multiplicative", ast.Div: "multiplicative"}

# Operators that parse as Python but are refused, with the symbol to show.
_REFUSED_BINARY = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
}
_COMPARE_SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

# Node types refused outright, reported at the node's start.
_REFUSED_NODES = {
    ast.Tuple: "tuples ('a, b' or '()') are",
    ast.List: "lists ('[...]') are",
    ast.Dict: "dicts ('{...}') are",
    ast.Set: "sets ('{...}') are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.Lambda: "lambda is",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.Starred: "'*' unpacking is",
    ast.Await: "'await' is",
    ast.Yield: "'yield' is",
    ast.YieldFrom: "'yield from' is",
    ast.Slice: "slices are",
}

_CONTROL_NAMES = {0: "NUL", 9: "tab", 10: "newline", 13: "carriage return", 127: "DEL"}


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed, whitelisted expression.

    ``fn(x, y)`` evaluates it with autograd.numpy primitives (so autograd can
    differentiate through it) and returns an array of the broadcast shape of
    ``x`` and ``y`` -- also for constant expressions.
    """

    text: str  # the normalized (stripped) text
    fn: Callable = field(repr=False)
    uses: frozenset  # which of {"x", "y"} appear in the text

    def __call__(self, x, y):
        return self.fn(x, y)

    # Two parses of the same text are interchangeable.
    def __eq__(self, other):
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    # Closures do not pickle; re-parsing the (already validated) text does.
    def __reduce__(self):
        return (parse, (self.text,))


class _Compiled(NamedTuple):
    fn: Callable  # fn(x, y) -> value; a plain float for constant leaves
    uses: frozenset  # variables the subtree depends on


def parse(text: str) -> Expression:
    """Parse ``text`` into an :class:`Expression` or raise :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be a string, not {type(text).__name__}")

    src = text.strip()
    lead = len(text) - len(text.lstrip())  # offsets in src + lead = offsets in text

    # Cheap checks first, before the parser ever sees the text.
    if not src:
        raise ExpressionError("expression is empty; type a function of x and y, e.g. x**2 + y**2")
    if len(src) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(src)} characters long; the limit is {MAX_LENGTH} "
            f"(the excess starts at column {lead + MAX_LENGTH + 1})",
            lead + MAX_LENGTH,
        )
    for i, ch in enumerate(src):
        code = ord(ch)
        if code < 32 or code == 127:
            name = _CONTROL_NAMES.get(code, "control character")
            raise ExpressionError(
                f"{name} (U+{code:04X}) is not allowed at column {lead + i + 1}; "
                "write the expression on one line",
                lead + i,
            )
        if code > 126:
            # Also stops look-alikes such as full-width 'ｘ', which Python's
            # parser would silently normalize to 'x'.
            shown = f"{ch!r} " if ch.isprintable() else ""
            raise ExpressionError(
                f"non-ASCII character {shown}(U+{code:04X}) is not allowed at column {lead + i + 1}",
                lead + i,
            )
        if ch == "\\":
            # Only useful for string escapes and line continuations, both refused.
            raise ExpressionError(f"backslash is not allowed at column {lead + i + 1}", lead + i)
        if ch == "#":
            # A comment would end up in Expression.text (titles, labels) unseen
            # by the whitelist; a one-line formula box has no use for one.
            raise ExpressionError(f"comments ('#') are not allowed at column {lead + i + 1}", lead + i)

    _check_number_boundaries(src, lead)

    try:
        tree = ast.parse(src, mode="eval")  # builds a tree only; runs nothing
    except SyntaxError as err:
        raise _syntax_error(err, src, lead) from None
    except (RecursionError, MemoryError, ValueError, OverflowError, Warning) as err:
        raise ExpressionError(f"expression could not be parsed ({type(err).__name__})") from None

    compiler = _Compiler(src, lead)
    try:
        compiler.check_size(tree.body)
        root = compiler.visit(tree.body)
    except RecursionError:  # defensive: depth is already bounded above
        raise ExpressionError("expression is nested too deeply") from None
    return Expression(src, _finish(root), root.uses)


# A number-literal-like run of characters (decimal, float, exponent, hex /
# octal / binary, imaginary).  Loose on purpose: it only has to find where a
# literal ends, never earlier than Python's tokenizer would.
_NUMBER = r"""
    0[xXoObB][0-9a-fA-F_]*                        # 0x1f, 0o17, 0b101
  | (?: \d[\d_]* (?:\.[\d_]*)? | \.\d[\d_]* )    # 12, 1_000, 1.5, 1., .5
    (?: [eE][+-]?[\d_]+ )?                         # exponent
    [jJ]?                                          # imaginary (refused later)
"""


def _check_number_boundaries(src: str, lead: int) -> None:
    """Refuse a number running straight into a letter, as in 2x or 1if.

    Python's parser either rejects these or accepts them with a SyntaxWarning
    printed to stderr (e.g. '1if x else 2'); refusing them first keeps the
    parser silent and gives a clearer message.  Nothing valid is lost: a
    letter can only follow a number inside the literal itself (1e3, 0x1f).
    The scan splits names and numbers the way Python's tokenizer does, so
    digits inside a name (log10) are not numbers.  String contents are scanned
    like code (f-strings are tokenized as code on Python 3.12+); strings are
    refused later anyway, and comments ('#') already were.
    """
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch.isalpha() or ch == "_":  # a name: letters, digits, underscores
            i += 1
            while i < n and (src[i].isalnum() or src[i] == "_"):
                i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and src[i + 1].isdigit()):
            end = i + re.match(_NUMBER, src[i:], re.VERBOSE).end()  # re caches the pattern
            if end < n and (src[end].isalpha() or src[end] == "_"):
                raise ExpressionError(
                    f"number '{src[i:end]}' runs into '{src[end]}' at column {lead + end + 1}; "
                    "put an operator between them, e.g. 2*x",
                    lead + end,
                )
            i = end
        else:
            i += 1


def _syntax_error(err: SyntaxError, src: str, lead: int) -> ExpressionError:
    """Turn a parser SyntaxError into an ExpressionError pointing into the text."""
    offset = (err.offset or 1) - 1 if (err.lineno or 1) == 1 else len(src) - 1
    offset = min(max(offset, 0), len(src) - 1)
    msg = err.msg or "invalid syntax"
    if msg.startswith("invalid syntax"):  # drop "Perhaps you forgot a comma?" etc.
        msg = "invalid syntax"
    return ExpressionError(f"syntax error at column {lead + offset + 1}: {msg}", lead + offset)


def _fmt(value: float) -> str:
    return f"{value:g}".replace("e+", "e")  # 1e12, not 1e+12


def _as_float(v):
    # Integer inputs would make np.power refuse negative exponents; use floats.
    if isinstance(v, (int, np.integer, np.bool_)):
        return float(v)
    if isinstance(v, np.ndarray) and v.dtype.kind in "biu":
        return v.astype(float)
    return v


def _zeros_like(v):
    # An exact zero of v's shape that autograd still tracks (zero gradient).
    # Unlike 0*v this stays 0 when v is inf or nan.
    return anp.where(False, v, 0.0)


def _finish(root: _Compiled) -> Callable:
    """Wrap the closure tree so the result always has the inputs' broadcast shape."""
    body, uses = root.fn, root.uses

    def fn(x, y):
        x, y = _as_float(x), _as_float(y)
        out = body(x, y)
        if out is x or out is y:
            out = anp.multiply(out, 1.0)  # never hand back the caller's own array
        if "x" not in uses:
            out = out + _zeros_like(x)
        if "y" not in uses:
            out = out + _zeros_like(y)
        return out

    return fn


def _constant(value: float) -> _Compiled:
    # Constants stay plain floats inside the tree (never boxed by autograd), so
    # e.g. the exponent in x**2 contributes no log(x) term to the gradient.
    return _Compiled(lambda x, y: value, frozenset())


def _variable(name: str) -> _Compiled:
    if name == "x":
        return _Compiled(lambda x, y: x, frozenset({"x"}))
    return _Compiled(lambda x, y: y, frozenset({"y"}))


def _apply(func: Callable, args: list[_Compiled]) -> _Compiled:
    uses = frozenset().union(*(a.uses for a in args))
    if len(args) == 1:
        (a,) = (arg.fn for arg in args)
        return _Compiled(lambda x, y: func(a(x, y)), uses)
    a, b = (arg.fn for arg in args)
    return _Compiled(lambda x, y: func(a(x, y), b(x, y)), uses)


class _Compiler:
    """Walks the syntax tree under the whitelist, building closures.

    Problems are reported left to right: a node's left-hand children are
    checked before the node's own operator.
    """

    def __init__(self, src: str, lead: int):
        self.src = src
        self.lead = lead

    # -- error helpers ------------------------------------------------------

    def fail(self, what: str, offset: int, hint: str | None = None) -> NoReturn:
        pos = self.lead + offset
        msg = f"{what} at column {pos + 1}"
        if hint:
            msg += f"; {hint}"
        raise ExpressionError(msg, pos)

    def after(self, end: int) -> int:
        """Offset of the first token after ``end``, skipping spaces and ')'.

        Used to point at an infix operator, '.', '[' or '(' that the AST does
        not record a position for.
        """
        i = end
        while i < len(self.src) and self.src[i] in " )":
            i += 1
        return min(i, len(self.src) - 1)

    def snippet(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.src, node) or "?"
        return text if len(text) <= 30 else text[:27] + "..."

    # -- size limits (iterative, so huge inputs cannot exhaust the stack) ----

    def check_size(self, root: ast.AST) -> None:
        nodes = sum(isinstance(n, ast.expr) for n in ast.walk(root))
        if nodes > MAX_NODES:
            raise ExpressionError(f"expression has {nodes} parts; the limit is {MAX_NODES}")
        stack = [(root, 1, root.col_offset)]
        while stack:
            node, depth, pos = stack.pop()
            if depth > MAX_DEPTH:
                self.fail("expression is nested too deeply", pos, f"the limit is {MAX_DEPTH} levels")
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
                    continue
                # a+b+c is BinOp(BinOp(a,+,b),+,c) but is evaluated as a flat chain.
                flat = (
                    isinstance(node, ast.BinOp)
                    and child is node.left
                    and isinstance(child, ast.BinOp)
                    and _FAMILY.get(type(child.op)) is not None
                    and _FAMILY.get(type(child.op)) == _FAMILY.get(type(node.op))
                )
                stack.append((child, depth if flat else depth + 1, getattr(child, "col_offset", pos)))

    # -- the walk -------------------------------------------------------------

    def visit(self, node: ast.AST) -> _Compiled:
        kind = type(node)
        if kind is ast.Constant:
            return self.visit_constant(node)
        if kind is ast.Name:
            return self.visit_name(node)
        if kind is ast.BinOp:
            return self.visit_binop(node)
        if kind is ast.UnaryOp:
            return self.visit_unaryop(node)
        if kind is ast.Call:
            return self.visit_call(node)
        return self.refuse(node)

    def visit_constant(self, node: ast.Constant) -> _Compiled:
        value = node.value
        at = node.col_offset
        if isinstance(value, bool):
            self.fail(f"'{value}' is not allowed", at, "use numbers")
        if isinstance(value, str):
            self.fail("strings are not allowed", at)
        if isinstance(value, bytes):
            self.fail("bytes literals are not allowed", at)
        if isinstance(value, complex):
            self.fail(f"complex number '{self.snippet(node)}' is not allowed", at)
        if not isinstance(value, (int, float)):
            self.fail(f"'{self.snippet(node)}' is not allowed", at, "use numbers")
        # Compare before converting: float() of a huge int would overflow.
        if not (abs(value) <= MAX_LITERAL):  # also catches inf / nan
            self.fail(f"number '{self.snippet(node)}' is too large", at, f"the limit is {_fmt(MAX_LITERAL)}")
        return _constant(float(value))

    def visit_name(self, node: ast.Name) -> _Compiled:
        name = node.id
        if name in VARIABLES:
            return _variable(name)
        if name in CONSTANTS:
            return _constant(CONSTANTS[name])
        if name in FUNCTIONS:
            self.fail(f"'{name}' is a function, not a value,", node.col_offset, f"call it like {name}(x)")
        self.fail(f"name '{name}' is not allowed", node.col_offset, "use x, y, pi, e")

    def visit_unaryop(self, node: ast.UnaryOp) -> _Compiled:
        op = type(node.op)
        if op is ast.Not:
            self.fail("'not' is not allowed", node.col_offset)
        if op is ast.Invert:
            self.fail("'~' is not allowed", node.col_offset, "use - for negation")
        operand = self.visit(node.operand)
        if op is ast.UAdd:
            return operand
        return _apply(anp.negative, [operand])

    def visit_binop(self, node: ast.BinOp) -> _Compiled:
        family = _FAMILY.get(type(node.op))
        if family is None:
            return self.visit_single_binop(node)
        # Flatten the left spine of a+b-c+... into [first, (op, operand), ...].
        steps = []
        head: ast.AST = node
        while isinstance(head, ast.BinOp) and _FAMILY.get(type(head.op)) == family:
            steps.append((_BINARY[type(head.op)], head.right))
            head = head.left
        steps.reverse()
        first = self.visit(head)
        parts = [(op, self.visit(right)) for op, right in steps]  # source order
        uses = first.uses.union(*(p.uses for _, p in parts))
        first_fn = first.fn
        chain = [(op, p.fn) for op, p in parts]

        def run(x, y):
            acc = first_fn(x, y)
            for op, f in chain:
                acc = op(acc, f(x, y))
            return acc

        return _Compiled(run, uses)

    def visit_single_binop(self, node: ast.BinOp) -> _Compiled:
        left = self.visit(node.left)
        op = type(node.op)
        at = self.after(node.left.end_col_offset)
        if op is ast.BitXor:
            raise ExpressionError(f"'^' is not a power here: use ** (at column {self.lead + at + 1})", self.lead + at)
        if op in _REFUSED_BINARY:
            self.fail(f"operator '{_REFUSED_BINARY[op]}' is not allowed", at, "use + - * / **")
        if op is not ast.Pow:  # unknown future operator
            self.fail("this operator is not allowed", at, "use + - * / **")
        right = self.visit(node.right)
        self.check_exponent(node.right, right)
        return _apply(anp.power, [left, right])

    def check_exponent(self, node: ast.AST, right: _Compiled) -> None:
        """Bound the exponent p of a ** p, so that nothing like x**1000000 or 2**65536 gets through,
        also dressed up as a function of x and y (x**(y*0+1000000), 2**(x-x+65536)).

        A subtree that does not use x or y is one number. One that does is evaluated on the sample
        points: the same value at every one of them makes it constant as a function (x - x,
        y*0 + 7) and it is bounded like a literal; otherwise its largest finite magnitude there
        must stay within MAX_VARIABLE_EXPONENT.
        """
        with np.errstate(all="ignore"):
            if right.uses:
                vals = np.broadcast_to(np.asarray(right.fn(_SAMPLE_X, _SAMPLE_Y), dtype=float),
                                       _SAMPLE_X.shape)
            else:
                vals = np.array([float(right.fn(0.0, 0.0))])
        shown = self.snippet(node)
        constant = bool(np.all(vals == vals[0])) or (not right.uses and not np.isfinite(vals[0]))
        if constant:
            p = float(vals[0])
            if not math.isfinite(p):
                self.fail(f"exponent '{shown}' is not a finite number", node.col_offset)
            if abs(p) > MAX_EXPONENT:
                literal = isinstance(node, ast.Constant) or (
                    isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
                )
                value = "" if literal else f" (= {_fmt(p)}{', the same for every x and y' if right.uses else ''})"
                self.fail(
                    f"exponent '{shown}'{value} is too large",
                    node.col_offset,
                    f"the limit is {_fmt(MAX_EXPONENT)} in magnitude",
                )
            return
        finite = np.abs(vals[np.isfinite(vals)])
        if finite.size and finite.max() > MAX_VARIABLE_EXPONENT:
            b = _fmt(SAMPLE_BOX)
            self.fail(
                f"exponent '{shown}' reaches {_fmt(float(finite.max()))} in magnitude for "
                f"-{b} ≤ x, y ≤ {b}",
                node.col_offset,
                f"the limit for an exponent that varies is {_fmt(MAX_VARIABLE_EXPONENT)}",
            )

    def visit_call(self, node: ast.Call) -> _Compiled:
        func = node.func
        if not isinstance(func, ast.Name):
            self.visit(func)  # reports e.g. attribute access or lambda first
            self.fail("only named functions can be called", self.after(func.end_col_offset))
        name = func.id
        if name not in FUNCTIONS:
            if name in VARIABLES or name in CONSTANTS:
                self.fail(f"'{name}' is not a function", func.col_offset, "use * to multiply, e.g. x*(y+1)")
            self.fail(f"function '{name}' is not allowed", func.col_offset, "allowed: " + ", ".join(FUNCTIONS))
        args = [self.visit(arg) for arg in node.args]  # refuses *args via Starred
        for kw in node.keywords:
            if kw.arg is None:
                self.fail("'**' unpacking is not allowed", kw.col_offset)
            self.fail(f"keyword argument '{kw.arg}=' is not allowed", kw.col_offset, f"write {name}(...) positionally")
        spec = FUNCTIONS[name]
        if len(args) != spec.arity:
            plural = "" if spec.arity == 1 else "s"
            self.fail(f"{name}() takes {spec.arity} argument{plural} but got {len(args)}", func.col_offset)
        return _apply(spec.fn, args)

    def refuse(self, node: ast.AST) -> NoReturn:
        """Every other node type.  Infix forms report their operator's column."""
        if isinstance(node, ast.Attribute):
            self.visit(node.value)
            self.fail("attribute access ('.') is not allowed", self.after(node.value.end_col_offset))
        if isinstance(node, ast.Subscript):
            self.visit(node.value)
            self.fail("indexing ('[...]') is not allowed", self.after(node.value.end_col_offset))
        if isinstance(node, ast.Compare):
            self.visit(node.left)
            symbol = _COMPARE_SYMBOL.get(type(node.ops[0]), "?")
            self.fail(f"comparisons ('{symbol}') are not allowed", self.after(node.left.end_col_offset))
        if isinstance(node, ast.BoolOp):
            self.visit(node.values[0])
            word = "and" if isinstance(node.op, ast.And) else "or"
            self.fail(f"'{word}' is not allowed", self.after(node.values[0].end_col_offset))
        if isinstance(node, ast.IfExp):
            self.visit(node.body)
            self.fail("conditional expressions ('if ... else') are not allowed", self.after(node.body.end_col_offset))
        if isinstance(node, ast.NamedExpr):
            self.fail("assignment (':=') is not allowed", self.after(node.target.end_col_offset))
        what = _REFUSED_NODES.get(type(node), f"'{type(node).__name__}' expressions are")
        self.fail(f"{what} not allowed", getattr(node, "col_offset", 0))
