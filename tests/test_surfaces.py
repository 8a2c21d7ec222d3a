"""Every surface's autograd gradient against a hand-written analytic gradient (and central
differences), plus the surface metadata a picture relies on."""
import math

import numpy as np
import pytest

import surfaces

PI = math.pi


def _analytic(name, x, y, p):
    """∇f written out by hand from each formula (independent of autograd)."""
    if name == "quadratic":
        a = p["angle"] * PI / 180
        c, s = math.cos(a), math.sin(a)
        dx, dy = x - p["center_x"], y - p["center_y"]
        u, v = c * dx + s * dy, -s * dx + c * dy
        k = p["kappa"]
        return u * c - k * v * s, u * s + k * v * c
    if name == "rosenbrock":
        a, b = p["a"], p["b"]
        return -2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)
    if name == "beale":
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
        return (2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1),
                2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y**2)
    if name == "himmelblau":
        a, b = x**2 + y - 11, x + y**2 - 7
        return 4 * a * x + 2 * b, 2 * a + 4 * b * y
    if name == "rastrigin":
        return 2 * x + 20 * PI * np.sin(2 * PI * x), 2 * y + 20 * PI * np.sin(2 * PI * y)
    if name == "ackley":
        r = np.sqrt(0.5 * (x**2 + y**2))
        e1 = np.exp(-0.2 * r)
        e2 = np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
        gx = 20 * 0.2 * e1 * 0.5 * x / r + e2 * PI * np.sin(2 * PI * x)
        gy = 20 * 0.2 * e1 * 0.5 * y / r + e2 * PI * np.sin(2 * PI * y)
        return gx, gy
    if name == "saddle":
        return 2 * x, y**3 - y
    if name == "styblinski_tang":
        return 0.5 * (4 * x**3 - 32 * x + 5), 0.5 * (4 * y**3 - 32 * y + 5)
    if name == "goldstein_price":
        s1 = x + y + 1
        q1 = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
        s2 = 2 * x - 3 * y
        q2 = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
        A, B = 1 + s1**2 * q1, 30 + s2**2 * q2
        Ax = 2 * s1 * q1 + s1**2 * (-14 + 6 * x + 6 * y)
        Ay = 2 * s1 * q1 + s1**2 * (-14 + 6 * x + 6 * y)
        Bx = 4 * s2 * q2 + s2**2 * (-32 + 24 * x - 36 * y)
        By = -6 * s2 * q2 + s2**2 * (48 - 36 * x + 54 * y)
        return Ax * B + A * Bx, Ay * B + A * By
    raise KeyError(name)


CASES = [("quadratic", {}), ("quadratic", {"kappa": 100.0, "angle": 30.0, "center_x": 1.0, "center_y": -2.0}),
         ("rosenbrock", {}), ("rosenbrock", {"a": 0.5, "b": 10.0}), ("beale", {}), ("himmelblau", {}),
         ("rastrigin", {}), ("ackley", {}), ("saddle", {}), ("styblinski_tang", {}),
         ("goldstein_price", {})]


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_autograd_gradient_matches_analytic(name, params):
    s = surfaces.get(name, **params)
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = s.window
    P = np.stack([rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)], axis=-1)
    g = s.grad(P)
    gx, gy = _analytic(name, P[:, 0], P[:, 1], dict(s.params))
    expect = np.stack([gx, gy], axis=-1)
    scale = np.maximum(1.0, np.abs(expect))
    assert np.max(np.abs(g - expect) / scale) < 1e-9


@pytest.mark.parametrize("name", surfaces.names())
def test_gradient_matches_central_differences(name):
    s = surfaces.get(name)
    rng = np.random.default_rng(2)
    (x0, x1), (y0, y1) = s.window
    P = np.stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)], axis=-1)
    h = 1e-6
    fd = np.stack([(s.value(P + [h, 0]) - s.value(P - [h, 0])) / (2 * h),
                   (s.value(P + [0, h]) - s.value(P - [0, h])) / (2 * h)], axis=-1)
    g = s.grad(P)
    assert np.allclose(g, fd, rtol=1e-5, atol=1e-4 * max(1.0, np.abs(fd).max()) * 1e-2)


@pytest.mark.parametrize("name", surfaces.names())
def test_minima_are_stationary_and_lowest(name):
    s = surfaces.get(name)
    M = np.asarray(s.minima)
    assert np.all(np.abs(s.grad(M)) < 1e-6)
    (x0, x1), (y0, y1) = s.window
    xs, ys = np.meshgrid(np.linspace(x0, x1, 241), np.linspace(y0, y1, 241))
    grid = s.value(np.stack([xs, ys], axis=-1))
    assert s.f_min <= grid.min() + 1e-9
    assert s.f_min == pytest.approx(float(s.value(M).min()))
    sx, sy = s.start
    assert x0 <= sx <= x1 and y0 <= sy <= y1


def test_known_minimum_values():
    # closed forms from the literature
    assert surfaces.get("goldstein_price").f_min == pytest.approx(3.0)
    assert surfaces.get("styblinski_tang").f_min == pytest.approx(-39.16616570377142 * 2)
    assert surfaces.get("saddle").f_min == pytest.approx(-0.25)
    assert surfaces.get("rosenbrock", a=0.5).minima == ((0.5, 0.25),)


def test_value_shapes_broadcast():
    s = surfaces.get("rosenbrock")
    assert s.value(np.zeros((3, 4, 2))).shape == (3, 4)
    assert s.grad(np.zeros((5, 2))).shape == (5, 2)
    assert np.shape(s.value(np.array([1.0, 1.0]))) == ()


def test_logistic_minimum_matches_gradient_descent_limit():
    s = surfaces.get("logistic")
    assert np.abs(s.grad(np.asarray(s.minima))).max() < 1e-10
    rare = surfaces.get("logistic", rare=0.05)
    # the rare feature is zero in about 95% of the examples: its full gradient is tiny compared
    # with the dense one at the same point
    g = rare.grad(np.array([0.0, 0.0]))
    assert abs(g[1]) < abs(g[0])


def test_bad_parameters_raise_valueerror_naming_them():
    with pytest.raises(ValueError, match="kappa"):
        surfaces.get("quadratic", kappa=0.5)
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get("nope")
    with pytest.raises(ValueError, match="unknown parameter 'kappa'"):
        surfaces.get("rosenbrock", kappa=3.0)
    with pytest.raises(ValueError, match="noise"):
        surfaces.get("beale", noise=float("nan"))
