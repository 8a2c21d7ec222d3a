"""Tests for surfaces.expression: the safe parser for user-typed f(x, y)."""

import ast
import os
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from autograd import elementwise_grad, grad
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import surfaces.expression as expression_module
from surfaces.expression import FUNCTIONS, MAX_LENGTH, Expression, ExpressionError, parse

PWNED = Path("/tmp/PWNED_expr")
TIME_LIMIT = 1.0  # seconds; a generous guard against hangs, not a benchmark


@pytest.fixture(autouse=True, scope="module")
def _no_stale_marker():
    # The marker file must only ever be created by a successful injection.
    if PWNED.exists():
        PWNED.unlink()
    yield
    assert not PWNED.exists()


def timed_parse(text):
    """parse(text), asserting it returns or raises within TIME_LIMIT."""
    start = time.perf_counter()
    try:
        return parse(text)
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < TIME_LIMIT, f"parse took {elapsed:.3f}s"


# ---------------------------------------------------------------------------
# 1. Hostile inputs
# ---------------------------------------------------------------------------

HOSTILE = [
    # escaping the sandbox through dunders, builtins and imports
    "().__class__.__bases__[0].__subclasses__()",
    "__import__('os').system('touch /tmp/PWNED_expr')",
    "__import__",
    "__builtins__",
    "x.__class__",
    "x.__class__()",
    "x.__class__.__mro__",
    "sin.__globals__",
    "[].__class__",
    "exp(x).__array__",
    "x.real",
    "x .real",
    "1 .real",
    "exec('1')",
    "eval('1')",
    "compile('1', '', 'eval')",
    "open('/etc/passwd')",
    "getattr(x, 'a')",
    "globals()",
    "locals()",
    "vars()",
    "breakpoint()",
    "print(1)",
    "type(x)",
    "f'{x}'",
    "f'{__import__(\"os\").system(\"touch /tmp/PWNED_expr\")}'",
    # statements (SyntaxError in eval mode)
    "import os",
    "from os import system",
    "def f(): pass",
    "x = 1",
    "del x",
    "pass",
    "x; y",
    "x; __import__('os').system('touch /tmp/PWNED_expr')",
    # comprehensions, generators, lambdas, walrus
    "[i for i in range(9)]",
    "{x for x in y}",
    "{x: 1 for x in y}",
    "(i for i in x)",
    "sum(i for i in x)",
    "lambda: 1",
    "(lambda: 1)()",
    "(y:=2)",
    "(x := 1) + x",
    # containers, strings, subscripts, other literals
    "x[0]",
    "x[::2]",
    "sin(x)[0]",
    "'abc'",
    '"abc"',
    "b'x'",
    "r'x'",
    "'x'*100000",
    "'%s' % x",
    "[x]",
    "(x, y)",
    "x, y",
    "()",
    "{}",
    "{1: 2}",
    "{x}",
    "True",
    "None",
    "...",
    "1j",
    "1_000j",
    "x + 2j",
    # control flow, comparisons, boolean logic
    "x if y else 1",
    "x < y",
    "1 < x < 2",
    "x == y",
    "x is y",
    "x in y",
    "x and y",
    "x or y",
    "not x",
    # refused operators
    "x ^ 2",
    "(x)^2",
    "x // 2",
    "x % 2",
    "x @ y",
    "x << 1",
    "x >> 1",
    "x | y",
    "x & y",
    "~x",
    # huge numbers and exponents
    "9**9**9",
    "9**9**9**9",
    "2**2**2**2**2",
    "x**1e9",
    "x**1000000",
    "x**-1000",
    "x**(10*20)",
    "x**(1/0)",
    "10**1000",
    "1e400",
    "1e13",
    "1" + "0" * 400,
    "-1e400 * x",
    # size and nesting limits
    "x" * 100_000,
    "1+" * 50_000 + "1",
    " " * 50 + "x" * 100_000,
    "(" * 300 + "x" + ")" * 300,
    "(" * 201 + "x" + ")" * 201,
    "-(" * 150 + "x" + ")" * 150,
    "-" * 300 + "x",
    "sin(" * 99 + "x" + ")" * 99,
    "x**" * 60 + "x",
    "+".join(["1"] * 250),
    # names and calls
    "z",
    "X",
    "Y",
    "xx",
    "_",
    "__x__",
    "os",
    "nan",
    "inf",
    "sin",
    "x(1)",
    "pi(1)",
    "sin(x)(y)",
    "(x+1)(2)",
    "sin()",
    "sin(x, y)",
    "sin(x=1)",
    "log(x, base=2)",
    "sin(*x)",
    "sin(**x)",
    "max(x)",
    "max(x, y, 1)",
    "abs()",
    "*x",
    "await x",
    "(yield x)",
    "(yield from x)",
    # whitespace, control characters, unicode look-alikes
    "",
    "   ",
    "\t\n",
    "\x00",
    "x\x00",
    "x\x00 + __import__('os')",
    "x\n+ y",
    "x\r\ny",
    "(x\n)",
    "x #\nimport os",
    "x # comment",
    "x # __import__('os').system('touch /tmp/PWNED_expr')",
    "'1if'",
    "f'{1if x else 2}'",
    "x\\\n+1",
    "x\\",
    "x\t+ y",
    "x\x1b[31m",
    "\uff58",  # fullwidth x, NFKC-normalized to 'x' by Python's parser
    "\U0001d465",  # mathematical italic x, also normalized to 'x'
    "\u0445",  # Cyrillic kha
    "x\u200b",  # zero-width space
    "x\u202e",  # right-to-left override
    "sin(x)\u00a0+y",  # no-break space inside (surrounding whitespace is stripped)
    # plain syntax errors
    "x +",
    "x y",
    "(x",
    "x)",
    "2e",
    "1if x else 2",
    "0x1for x in y",
    "1jif x else 2",
    "1.real",
    "2x",
    "2pi",
    "x2",
]

# Inputs for which no single spot is to blame.
NO_POSITION = {"", "   ", "\t\n", "+".join(["1"] * 250)}


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 45
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:40]) + (f"...len={len(t)}" if len(t) > 40 else ""))
def test_hostile_input_is_refused(text):
    with warnings.catch_warnings(record=True) as caught, pytest.raises(ExpressionError) as info:
        warnings.simplefilter("always")
        timed_parse(text)
    assert not caught, [str(w.message) for w in caught]  # nothing printed while parsing
    err = info.value
    assert isinstance(err, ValueError)
    message = str(err)
    assert message.strip() and "\n" not in message
    if text in NO_POSITION:
        assert err.position is None
    else:
        assert isinstance(err.position, int) and 0 <= err.position < len(text), err.position
        assert f"column {err.position + 1}" in message
    assert not PWNED.exists()


@pytest.mark.parametrize(
    "text, fragment, position",
    [
        ("os", "name 'os' is not allowed at column 1; use x, y, pi, e", 0),
        ("x + X", "name 'X' is not allowed at column 5", 4),
        ("eval('1')", "function 'eval' is not allowed at column 1; allowed: sin, cos", 0),
        ("sin(x) + x.real", "attribute access ('.') is not allowed at column 11", 10),
        ("x ^ 2", "'^' is not a power here: use ** (at column 3)", 2),
        ("x // 2", "'//'", 2),
        ("x" * 100_000, "expression is 100000 characters long; the limit is 500", MAX_LENGTH),
        ("  x + ｘ", "non-ASCII", 6),
        ("x\x00", "NUL", 1),
        ("x**1000000", "exponent '1000000' is too large", 3),
        ("2**2**2**2**2", "exponent '2**2**2**2' (= 65536) is too large", 3),
        ("1e400", "number '1e400' is too large", 0),
        ("import os", "syntax error at column 1", 0),
        ("sin(x, y)", "sin() takes 1 argument but got 2", 0),
        ("max(x)", "max() takes 2 arguments but got 1", 0),
        ("sin(x=1)", "keyword argument", 4),
        ("x[0]", "indexing", 1),
        ("x if y else 1", "conditional", 2),
        ("x < y", "comparisons ('<')", 2),
        ("x and y", "'and'", 2),
        ("(y:=2)", "':='", 2),
        ("lambda: 1", "lambda", 0),
        ("'abc'", "strings are not allowed", 0),
        ("1j", "complex", 0),
        ("-" * 45 + "x", "nested too deeply", 40),
        ("", "empty", None),
    ],
)
def test_error_messages_name_what_and_where(text, fragment, position):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)
    assert info.value.position == position


def test_position_counts_stripped_leading_whitespace():
    with pytest.raises(ExpressionError) as info:
        parse("   x + z")
    assert info.value.position == 7
    assert "column 8" in str(info.value)


def test_non_string_input_is_refused():
    for bad in (None, 3, b"x", ["x"]):
        with pytest.raises(ExpressionError):
            parse(bad)


# ---------------------------------------------------------------------------
# 2. The module never evaluates code
# ---------------------------------------------------------------------------


def test_module_never_calls_eval_exec_or_compile():
    source = Path(expression_module.__file__).read_text()
    tree = ast.parse(source)
    forbidden = {"eval", "exec", "compile", "__import__", "literal_eval", "execfile"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id not in forbidden, f"line {node.lineno}: {node.id}"
        if isinstance(node, ast.Attribute):
            assert node.attr not in forbidden, f"line {node.lineno}: .{node.attr}"
            if node.attr == "parse":  # only ast.parse may parse
                assert isinstance(node.value, ast.Name) and node.value.id == "ast", f"line {node.lineno}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = {alias.name for alias in node.names} | {getattr(node, "module", None)}
            assert not names & {"builtins", "importlib", "os", "subprocess", "sys"}, names


# ---------------------------------------------------------------------------
# 3. Valid expressions: values and gradients against closed forms
# ---------------------------------------------------------------------------

PI, E = np.pi, np.e
ZERO = lambda x, y: 0.0 * x  # noqa: E731


def _rosen(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


# (text, f, df/dx, df/dy, domain) -- domain "pos" samples x, y in (0.1, 3).
VALID = [
    (
        "(1-x)**2 + 100*(y-x**2)**2",
        _rosen,
        lambda x, y: -2 * (1 - x) - 400 * x * (y - x**2),
        lambda x, y: 200 * (y - x**2),
        "any",
    ),
    (
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        lambda x, y: 4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
        lambda x, y: 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
        "any",
    ),
    (
        "sin(x)*cos(y)",
        lambda x, y: np.sin(x) * np.cos(y),
        lambda x, y: np.cos(x) * np.cos(y),
        lambda x, y: -np.sin(x) * np.sin(y),
        "any",
    ),
    (
        "exp(-(x**2+y**2))",
        lambda x, y: np.exp(-(x**2 + y**2)),
        lambda x, y: -2 * x * np.exp(-(x**2 + y**2)),
        lambda x, y: -2 * y * np.exp(-(x**2 + y**2)),
        "any",
    ),
    (
        "abs(x)+max(x,y)",
        lambda x, y: np.abs(x) + np.maximum(x, y),
        lambda x, y: np.sign(x) + (x > y),
        lambda x, y: 1.0 * (y > x),
        "any",
    ),
    ("-x**2", lambda x, y: -(x**2), lambda x, y: -2 * x, ZERO, "any"),
    ("2**-1", lambda x, y: 0.5 + 0 * x, ZERO, ZERO, "any"),
    ("x**0.5", lambda x, y: np.sqrt(x), lambda x, y: 0.5 / np.sqrt(x), ZERO, "pos"),
    ("e**x", lambda x, y: np.exp(x), lambda x, y: np.exp(x), ZERO, "any"),
    ("pi*x", lambda x, y: PI * x, lambda x, y: PI + 0 * x, ZERO, "any"),
    ("3", lambda x, y: 3.0 + 0 * x, ZERO, ZERO, "any"),
    ("1e-3*x", lambda x, y: 1e-3 * x, lambda x, y: 1e-3 + 0 * x, ZERO, "any"),
    ("y", lambda x, y: y, ZERO, lambda x, y: 1.0 + 0 * y, "any"),
    ("x**2", lambda x, y: x**2, lambda x, y: 2 * x, ZERO, "any"),
    ("x**y", lambda x, y: x**y, lambda x, y: y * x ** (y - 1), lambda x, y: np.log(x) * x**y, "pos"),
    ("x/y - y/x", lambda x, y: x / y - y / x, lambda x, y: 1 / y + y / x**2, lambda x, y: -x / y**2 - 1 / x, "pos"),
    ("1 - x - y + x*y", lambda x, y: 1 - x - y + x * y, lambda x, y: y - 1, lambda x, y: x - 1, "any"),
    ("2*x/3*y", lambda x, y: 2 * x / 3 * y, lambda x, y: 2 * y / 3, lambda x, y: 2 * x / 3, "any"),
    ("+x - -y", lambda x, y: x + y, lambda x, y: 1 + 0 * x, lambda x, y: 1 + 0 * y, "any"),
    (
        "log(x**2 + 1) + sqrt(y**2 + 1)",
        lambda x, y: np.log(x**2 + 1) + np.sqrt(y**2 + 1),
        lambda x, y: 2 * x / (x**2 + 1),
        lambda x, y: y / np.sqrt(y**2 + 1),
        "any",
    ),
    (
        "atan2(y, x)",
        lambda x, y: np.arctan2(y, x),
        lambda x, y: -y / (x**2 + y**2),
        lambda x, y: x / (x**2 + y**2),
        "any",
    ),
    (
        "tanh(x - y) + min(x, y)",
        lambda x, y: np.tanh(x - y) + np.minimum(x, y),
        lambda x, y: 1 - np.tanh(x - y) ** 2 + (x < y),
        lambda x, y: -(1 - np.tanh(x - y) ** 2) + (y < x),
        "any",
    ),
    (
        "log10(x) + log2(y) + asin(x/4) + arccos(y/4) + atan(x*y)",
        lambda x, y: np.log10(x) + np.log2(y) + np.arcsin(x / 4) + np.arccos(y / 4) + np.arctan(x * y),
        lambda x, y: 1 / (x * np.log(10)) + 1 / np.sqrt(16 - x**2) + y / (1 + (x * y) ** 2),
        lambda x, y: 1 / (y * np.log(2)) - 1 / np.sqrt(16 - y**2) + x / (1 + (x * y) ** 2),
        "pos",
    ),
    (
        "sinh(x) * cosh(y) + tan(x / 3)",
        lambda x, y: np.sinh(x) * np.cosh(y) + np.tan(x / 3),
        lambda x, y: np.cosh(x) * np.cosh(y) + 1 / (3 * np.cos(x / 3) ** 2),
        lambda x, y: np.sinh(x) * np.sinh(y),
        "any",
    ),
]

SHAPES = [(50,), (4, 5), ()]


def _points(shape, domain, seed):
    rng = np.random.default_rng(seed)
    low, high = (0.1, 3.0) if domain == "pos" else (-3.0, 3.0)
    x = rng.uniform(low, high, size=shape)
    y = rng.uniform(low, high, size=shape)
    if shape == ():
        return float(x), float(y)
    return x, y


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("text, f, fx, fy, domain", VALID, ids=[v[0] for v in VALID])
def test_values_and_gradients_match_closed_forms(text, f, fx, fy, domain, shape):
    expr = timed_parse(text)
    x, y = _points(shape, domain, seed=len(text))
    with warnings.catch_warnings():
        # No "output seems independent of input" etc.: constants must still differentiate.
        warnings.simplefilter("error")
        value = expr(x, y)
        gx = elementwise_grad(expr.fn, 0)(x, y)
        gy = elementwise_grad(expr.fn, 1)(x, y)
    assert np.shape(value) == shape
    np.testing.assert_allclose(value, f(x, y), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gx, np.broadcast_to(fx(x, y), shape), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(gy, np.broadcast_to(fy(x, y), shape), rtol=1e-8, atol=1e-10)


def test_expression_attributes():
    expr = parse("  (1-x)**2 + 100*(y-x**2)**2\n")
    assert isinstance(expr, Expression)
    assert expr.text == "(1-x)**2 + 100*(y-x**2)**2"
    assert expr.uses == frozenset({"x", "y"})
    assert parse("sin(x) + pi").uses == frozenset({"x"})
    assert parse("y * e").uses == frozenset({"y"})
    assert parse("3").uses == frozenset()
    assert expr(1.0, 1.0) == 0.0


def test_precedence_follows_python():
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    y = np.array([1.5, 2.0, -1.0, 0.25])
    assert np.allclose(parse("-x**2")(x, y), -(x**2))
    assert np.allclose(parse("2**-1")(x, y), 0.5)
    assert np.allclose(parse("2**3**2")(x, y), 512.0)  # right-associative
    assert np.allclose(parse("x - y - 1")(x, y), (x - y) - 1)
    assert np.allclose(parse("x / y / 2")(x, y), (x / y) / 2)
    assert np.allclose(parse("1 + x * y ** 2")(x, y), 1 + x * y**2)


def test_result_broadcasts_for_partial_and_constant_expressions():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    y = np.linspace(0, 2, 6).reshape(2, 3)
    for text in ("3", "pi", "x", "y", "sin(y)", "2**-1 + e"):
        assert parse(text)(x, y).shape == (2, 3)
    # Mixed scalar / array inputs broadcast too.
    assert parse("y")(x, 0.5).shape == (2, 3)
    assert parse("x")(0.5, y).shape == (2, 3)
    # Unused variables never leak inf/nan into the result.
    assert np.all(parse("y + 1")(np.array([np.inf, np.nan]), np.array([1.0, 2.0])) == [2.0, 3.0])


def test_result_is_not_the_callers_array():
    x = np.array([1.0, 2.0])
    y = np.array([3.0, 4.0])
    for text in ("x", "+x", "y"):
        out = parse(text)(x, y)
        assert out is not x and out is not y
        out[...] = 0.0
    assert list(x) == [1.0, 2.0] and list(y) == [3.0, 4.0]


def test_integer_inputs_are_treated_as_floats():
    assert parse("x**-y")(2, 1) == 0.5
    assert np.allclose(parse("x**-y")(np.array([2, 4]), np.array([1, 2])), [0.5, 0.0625])


def test_evaluation_never_raises_for_bad_points():
    x = np.array([-1.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e308, -1e308, 5e-324])
    y = x[::-1].copy()
    texts = [
        "log(x) + sqrt(y)",
        "x / y",
        "1 / (x - x)",
        "x**y",
        "x**-2 + y**0.5",
        "arcsin(x) + arccos(y) + log10(x) + log2(y)",
        "exp(x) * exp(y)",
        "tan(x) + sinh(y) * cosh(x)",
        "min(x, y) / max(x, y)",
        "atan2(y, x) + abs(x) - abs(y)",
        "0**-1",
        "(-8)**(1/3) + x",
        "1/0",
    ]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")  # the caller's errstate silences everything
        for text in texts:
            expr = parse(text)
            out = expr(x, y)
            assert out.shape == x.shape
            for a, b in zip(x, y):
                expr(float(a), float(b))
            elementwise_grad(expr.fn, 0)(x, y)
            elementwise_grad(expr.fn, 1)(x, y)


def test_log_of_negative_is_nan():
    with np.errstate(all="ignore"):
        assert np.isnan(parse("log(x)")(-1.0, 0.0))


def test_autograd_grad_and_scalar_inputs():
    rosen = parse("(1-x)**2 + 100*(y-x**2)**2")
    gx = grad(rosen.fn, 0)(-1.2, 1.0)
    gy = grad(rosen.fn, 1)(-1.2, 1.0)
    assert np.isclose(gx, -2 * (1 + 1.2) - 400 * -1.2 * (1.0 - 1.44))
    assert np.isclose(gy, 200 * (1.0 - 1.44))
    # the minimum has zero gradient
    assert grad(rosen.fn, 0)(1.0, 1.0) == 0.0


def test_limits_boundaries():
    # length: exactly MAX_LENGTH is fine (after stripping), one more is not
    ok = "x" + " " * (MAX_LENGTH - 3) + "+y"
    assert len(ok) == MAX_LENGTH
    assert parse(" " * 10 + ok + "\n" * 10).text == ok
    with pytest.raises(ExpressionError) as info:
        parse(ok + "+x")
    assert info.value.position == MAX_LENGTH
    # nodes: at most 400
    parse("+".join(["x"] * 200))  # 399 nodes
    with pytest.raises(ExpressionError):
        parse("+".join(["x"] * 201))  # 401 nodes
    # nesting: 40 levels pass, 41 fail
    parse("-" * 39 + "x")
    with pytest.raises(ExpressionError):
        parse("-" * 40 + "x")
    # a long flat sum is not "deep"
    assert parse("+".join(["x"] * 150))(1.0, 0.0) == 150.0
    assert parse("*".join(["x"] * 150))(1.0, 0.0) == 1.0
    # exponents: |p| <= 100
    parse("x**100")
    parse("x**-100")
    parse("2**(5*20)")
    with pytest.raises(ExpressionError):
        parse("x**101")
    with pytest.raises(ExpressionError):
        parse("x**-(101)")
    # literals: |c| <= 1e12
    parse("1e12*x")
    parse("1000000000000")
    with pytest.raises(ExpressionError):
        parse("1000000000001")
    # a non-constant exponent is allowed (the caller handles inf/nan)
    parse("x**(1000*y)")


def test_functions_table():
    for name in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"):
        assert FUNCTIONS[name].arity == 1
    for name in ("exp", "log", "log10", "log2", "sqrt", "abs", "asin", "acos", "atan"):
        assert FUNCTIONS[name].arity == 1
    for name in ("min", "max", "atan2"):
        assert FUNCTIONS[name].arity == 2
    fn, arity = FUNCTIONS["max"]
    assert arity == 2 and np.all(fn(np.array([1.0, 5.0]), np.array([3.0, 2.0])) == [3.0, 5.0])
    for name in FUNCTIONS:  # every listed function parses with its arity
        args = ", ".join(["x"] * FUNCTIONS[name].arity)
        parse(f"{name}({args})")


def test_pickle_and_equality():
    expr = parse("sin(x) * y")
    again = pickle.loads(pickle.dumps(expr))
    assert again == expr and hash(again) == hash(expr)
    assert again(0.5, 2.0) == expr(0.5, 2.0)


# ---------------------------------------------------------------------------
# 4. Properties
# ---------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXPRESSION_CHARS = "xyzeEpi0123456789.+-*/^%@&|~<>=!()[]{},:;'\"#_ \t\n\\\x00jsncoqrtablgmfdw"


def _check_any_text(text):
    start = time.perf_counter()
    expr = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            expr = parse(text)
        except ExpressionError as err:
            assert str(err)
            assert err.position is None or 0 <= err.position < len(text)
    # Parsing printed nothing (e.g. no SyntaxWarning for '1if x else 2').
    assert not caught, [str(w.message) for w in caught]
    if expr is not None:
        # Anything that parses evaluates without raising, at good and bad points.
        x = np.array([-1.5, 0.0, 2.0, np.inf, np.nan])
        with np.errstate(all="ignore"):
            assert np.shape(expr(x, x[::-1])) == x.shape
    assert time.perf_counter() - start < TIME_LIMIT
    assert not PWNED.exists()


@FUZZ
@given(st.text())
def test_random_text_only_raises_expression_error(text):
    _check_any_text(text)


@FUZZ
@given(st.text(alphabet=EXPRESSION_CHARS, max_size=80))
def test_random_expression_like_text_only_raises_expression_error(text):
    _check_any_text(text)


_ONE_ARG = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh,
    "cosh": np.cosh, "tanh": np.tanh, "exp": np.exp, "log": np.log, "log10": np.log10,
    "log2": np.log2, "sqrt": np.sqrt, "abs": np.abs,
}  # fmt: skip
_TWO_ARG = {"min": np.minimum, "max": np.maximum, "atan2": np.arctan2}
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}


@st.composite
def expressions(draw, depth=0):
    """A whitelisted expression text together with an independent numpy oracle."""
    kinds = ["leaf"] if depth >= 4 else ["leaf", "neg", "binary", "binary", "pow", "call1", "call2"]
    kind = draw(st.sampled_from(kinds))
    if kind == "leaf":
        leaf = draw(st.sampled_from(["x", "y", "pi", "e", "int", "float"]))
        if leaf == "x":
            return "x", lambda x, y: x
        if leaf == "y":
            return "y", lambda x, y: y
        if leaf in ("pi", "e"):
            value = {"pi": np.pi, "e": np.e}[leaf]
            return leaf, lambda x, y: value
        if leaf == "int":
            n = draw(st.integers(0, 1000))
            return str(n), lambda x, y: float(n)
        v = draw(st.sampled_from([0.5, 1.25, 2.0, 1e-3, 3.14159, 1e6, 2.5e-7]))
        return repr(v), lambda x, y: v
    if kind == "neg":
        t, f = draw(expressions(depth + 1))
        return f"-({t})", lambda x, y: np.negative(f(x, y))
    if kind == "binary":
        op = draw(st.sampled_from(sorted(_BINARY)))
        (ta, fa), (tb, fb) = draw(expressions(depth + 1)), draw(expressions(depth + 1))
        return f"({ta}) {op} ({tb})", lambda x, y: _BINARY[op](fa(x, y), fb(x, y))
    if kind == "pow":
        t, f = draw(expressions(depth + 1))
        p = draw(st.sampled_from(["2", "3", "-1", "0.5", "-2.5", "x", "y"]))
        exponent = {"x": lambda x, y: x, "y": lambda x, y: y}.get(p, lambda x, y: float(p))
        return f"({t})**{p}", lambda x, y: np.power(f(x, y), exponent(x, y))
    if kind == "call1":
        name = draw(st.sampled_from(sorted(_ONE_ARG)))
        t, f = draw(expressions(depth + 1))
        return f"{name}({t})", lambda x, y: _ONE_ARG[name](f(x, y))
    name = draw(st.sampled_from(sorted(_TWO_ARG)))
    (ta, fa), (tb, fb) = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    return f"{name}({ta}, {tb})", lambda x, y: _TWO_ARG[name](fa(x, y), fb(x, y))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions())
def test_generated_expressions_match_numpy_oracle(pair):
    text, oracle = pair
    assume(len(text) <= MAX_LENGTH)
    expr = timed_parse(text)
    rng = np.random.default_rng(len(text))
    special = np.array([-2.5, -1.0, -0.0, 0.0, 0.3, 1.0, 2.0, 1e3, np.inf, -np.inf, np.nan])
    x = np.concatenate([special, rng.uniform(-3, 3, 8)])
    y = np.concatenate([special[::-1], rng.uniform(-3, 3, 8)])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = expr(x, y)
        want = np.broadcast_to(oracle(x, y), x.shape)
        # Gradients never raise, whatever the point.
        elementwise_grad(expr.fn, 0)(x, y)
        elementwise_grad(expr.fn, 1)(x, y)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0, equal_nan=True)


def test_no_marker_file_was_created():
    assert not PWNED.exists()
    assert not os.path.exists("/tmp/PWNED_expr")
