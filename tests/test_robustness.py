"""A shared server one link cannot starve (core side): divergence of f, the all-dead exit,
cancellation, the exponent bound for exponents constant as a function, overflow-free norms, the cost
probe, and no NumPy warning on surfaces that reach the float limits."""
import math
import threading
import time
import warnings

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import budget
from optimizers.runner import CHECK_EVERY
from surfaces.expression import MAX_EXPONENT, MAX_VARIABLE_EXPONENT, ExpressionError, parse


def _counting(monkeypatch, surface):
    """Count gradient calls (one per step for the whole batch)."""
    calls = []
    make = type(surface).oracle

    def counting_oracle(self, seed, steps):
        oracle = make(self, seed, steps)

        def counted(P, k):
            calls.append(k)
            return oracle(P, k)
        return counted

    monkeypatch.setattr(type(surface), "oracle", counting_oracle)
    return calls


# ------------------------------------------------------------------ f non-finite ⇒ diverged
def test_a_run_where_f_is_nan_is_diverged_at_that_step():
    """log(x) + y² from (−1, 1): f = NaN at the start, so the run is diverged at step 0 (it used to
    tunnel through 188 NaN steps to x = 0.86 and be drawn as a normal run)."""
    s = surfaces.from_expression("log(x)+y**2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = optimizers.run(optimizers.get("sgd", lr=1e-2), s, start=(-1.0, 1.0), steps=1000)
    assert tr.diverged_at == 0
    assert np.isnan(tr.points).all() and np.isnan(tr.losses).all()


def test_f_turning_nan_mid_run_is_recorded_like_theta_divergence():
    """From (0.5, 1) SGD with γ = 0.5 on log(x) + y²: ∂f/∂x = 1/x = 2, so by the closed form
    x₁ = 0.5 − 0.5·2 = −0.5 where log is NaN: diverged at step 1. θ₀, f₀, g₀ stay (the exact
    values), everything from step 1 is NaN, as for a run that leaves the bound."""
    s = surfaces.from_expression("log(x)+y**2")
    tr = optimizers.run(optimizers.get("sgd", lr=0.5), s, start=(0.5, 1.0), steps=50)
    assert tr.diverged_at == 1
    assert tr.points[0].tolist() == [0.5, 1.0]
    assert tr.losses[0] == pytest.approx(math.log(0.5) + 1.0, rel=1e-15)
    assert tr.grads[0].tolist() == [2.0, 2.0]
    for arr in (tr.points, tr.losses, tr.grads, tr.m_hat if tr.m_hat is not None else tr.points):
        assert np.isnan(arr[1:]).all()


def test_f_infinite_is_diverged_and_other_rows_are_untouched():
    """f = 1/(x − y) + x² is +inf on the line x = y: a run started there is diverged at step 0; the
    other row of the same call runs exactly as it does alone."""
    s = surfaces.from_expression("1/(x-y) + x**2")
    starts = np.array([[1.0, 1.0], [2.0, 0.0]])            # the first row sits on x = y
    tr = optimizers.run(optimizers.get("adam", lr=1e-2), s, start=starts, steps=100)
    assert list(tr.diverged_at) == [0, -1]
    ref = optimizers.run(optimizers.get("adam", lr=1e-2), s, start=starts[1], steps=100)
    np.testing.assert_array_equal(tr.points[:, 1], ref.points)


# ------------------------------------------------------------------ every row dead ⇒ stop
def test_all_dead_rows_stop_the_run_early(monkeypatch):
    """sqrt(−1 − x² − y²) is NaN everywhere: 12 runs of 20,000 steps are all dead at step 0, so no
    step is taken (one gradient call, the start's). The record still has its full length."""
    s = surfaces.from_expression("sqrt(-1-x**2-y**2)")
    calls = _counting(monkeypatch, s)
    opts = [optimizers.get(n) for n in optimizers.names()[:12]]
    trs = optimizers.run(opts, s, steps=20_000)
    assert calls == [0]
    assert all(t.diverged_at == 0 and t.points.shape == (20_001, 2) for t in trs)
    assert all(np.isnan(t.points).all() for t in trs)


def test_rows_dying_at_different_steps_stop_at_the_last_death(monkeypatch):
    """SGD with γ = 1 leaves Rosenbrock's bound in a few steps, γ = 2 sooner: once both are dead
    the run stops within one check block; the deaths are the ones separate runs record."""
    s = surfaces.get("rosenbrock")
    calls = _counting(monkeypatch, s)
    opts = [optimizers.get("sgd", lr=1.0), optimizers.get("sgd", lr=2.0)]
    trs = optimizers.run(opts, s, steps=20_000)
    ks = [t.diverged_at for t in trs]
    assert all(isinstance(k, int) for k in ks)
    assert len(calls) <= max(ks) + CHECK_EVERY + 1
    monkeypatch.undo()
    for t, o in zip(trs, opts):
        alone = optimizers.run(o, s, steps=200)
        assert alone.diverged_at == t.diverged_at
        np.testing.assert_array_equal(alone.points[:t.diverged_at], t.points[:t.diverged_at])


def test_one_dead_row_does_not_stop_the_others():
    s = surfaces.get("rosenbrock")
    trs = optimizers.run([optimizers.get("sgd", lr=1.0), optimizers.get("adam", lr=1e-2)], s,
                         steps=500)
    assert trs[0].diverged_at is not None and trs[1].diverged_at is None
    assert np.isfinite(trs[1].points).all()


# ------------------------------------------------------------------ cancellation
def test_should_stop_is_checked_every_step_and_raises_cancelled():
    s = surfaces.get("rosenbrock")
    seen = []

    def stop():
        seen.append(1)
        return len(seen) > 37            # true at the 38th call: before step 38 is taken

    with pytest.raises(optimizers.Cancelled) as info:
        optimizers.run([optimizers.get("adam"), optimizers.get("sgd")], s, steps=20_000,
                       should_stop=stop)
    assert info.value.step == 37 and info.value.steps == 20_000
    assert "cancelled at step 37 of 20000" in str(info.value)
    # a check that never fires changes nothing
    a = optimizers.run(optimizers.get("adam"), s, steps=300)
    b = optimizers.run(optimizers.get("adam"), s, steps=300, should_stop=lambda: False)
    np.testing.assert_array_equal(a.points, b.points)


def test_a_cancelled_run_stops_within_half_a_second():
    """The heaviest run the caps allow per call on a typed surface (12 optimizers × 20,000 steps on a
    long expression), cancelled from another thread as a newer rerun would: the runner's thread
    ends within 0.5 s of the signal (measured: a few ms; one step is well under 1 ms)."""
    s = surfaces.from_expression("+".join(["sin(x*y+%d)" % k for k in range(40)]))
    opts = [optimizers.get(n) for n in optimizers.names()[:12]]
    flag = threading.Event()
    out = {}

    def work():
        try:
            optimizers.run(opts, s, steps=20_000, should_stop=flag.is_set)
        except optimizers.Cancelled as e:
            out["cancelled"] = e
            out["at"] = time.perf_counter()

    th = threading.Thread(target=work)
    th.start()
    time.sleep(0.3)
    assert th.is_alive()                      # still running: the full run takes seconds
    t0 = time.perf_counter()
    flag.set()
    th.join(5)
    assert not th.is_alive()
    assert "cancelled" in out and out["at"] - t0 < 0.5
    assert 0 < out["cancelled"].step < 20_000


# ------------------------------------------------------------------ the exponent bound
@pytest.mark.parametrize("text, fragment", [
    ("x**(y*0+1000000)", "exponent 'y*0+1000000' (= 1e06, the same for every x and y) is too large"),
    ("2**(x-x+65536)", "exponent 'x-x+65536' (= 65536, the same for every x and y) is too large"),
    ("x**(sin(pi*x)*0+200)", "(= 200, the same for every x and y) is too large"),
    ("x**(abs(y)*1e12)", "exponent 'abs(y)*1e12' reaches 3e12 in magnitude for -3 ≤ x, y ≤ 3"),
    ("x**(1/(x-x))", "exponent '1/(x-x)' is not a finite number"),
])
def test_exponents_constant_as_a_function_are_bounded(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)
    assert info.value.position == text.index("(") + 1      # the exponent's first character


@pytest.mark.parametrize("text", [
    "x**(1000*y)", "x**y", "x**-y", "(1+x**2)**(0.5*y)", "x**(y-y+100)", "x**(x-x-100)",
    "x**(1/y)", "2**x", "x**(abs(y)*3000)", "e**(-(x**2+y**2))", "x**(x*0)",
])
def test_legitimate_exponents_still_parse(text):
    parse(text)


def test_the_bound_is_the_literal_bound_at_its_edge():
    parse(f"x**(y*0+{MAX_EXPONENT:g})")
    with pytest.raises(ExpressionError):
        parse(f"x**(y*0+{MAX_EXPONENT + 1:g})")
    parse(f"x**(y*{MAX_VARIABLE_EXPONENT / 3:g})")        # reaches exactly the limit at |y| = 3
    with pytest.raises(ExpressionError):
        parse(f"x**(y*{MAX_VARIABLE_EXPONENT / 3 * 1.01:g})")


# ------------------------------------------------------------------ norms, float limits, warnings
def test_distance_to_min_does_not_overflow():
    s = surfaces.get("rosenbrock")
    P = np.array([[1e200, 1e200], [1.0, 1.0], [-1e300, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = s.distance_to_min(P)
    assert d[0] == pytest.approx(math.hypot(1e200 - 1, 1e200 - 1), rel=1e-15)
    assert d[1] == 0.0
    assert d[2] == pytest.approx(1e300, rel=1e-15)


# the surfaces whose f or ∇f reach the float limits, with a start that gets there
LIMIT_CASES = [
    ("exp(300*x)", (1.5, 0.0)),
    ("sinh(300*x)", (-2.0, 0.5)),
    ("x**-100+y**2", (0.0, 1.0)),
    ("x**-100+y**2", (0.01, 1.0)),
    ("1e12**25*1e8*sin(3*x)", (0.5, 0.5)),
    ("log(x)+y**2", (-1.0, 1.0)),
    ("sqrt(-1-x**2-y**2)", (0.0, 0.0)),
]


@pytest.mark.parametrize("text, start", LIMIT_CASES)
def test_core_paths_print_no_warning_at_the_float_limits(text, start):
    s = surfaces.from_expression(text)
    opts = [optimizers.get(n) for n in optimizers.names()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trs = optimizers.run(opts, s, start=start, steps=300)
        est = budget.estimate(opts, s, start=start, steps=300, rows=True)
        s.value(np.array(start)), s.grad(np.array(start))
        for t in trs:
            s.distance_to_min(t.points)
            t.steps_to(1e-6)
    assert est.seconds >= 0
    for t in trs:        # a diverged run is NaN from its step on; a live one is finite
        k = t.diverged_at
        assert np.isfinite(t.losses[:k if k is not None else None]).all()


# ------------------------------------------------------------------ the cost probe
def test_probe_runs_a_few_steps_not_the_run(monkeypatch):
    s = surfaces.get("rosenbrock")
    calls = _counting(monkeypatch, s)
    opts = [optimizers.get(n) for n in optimizers.names()[:12]]
    est = budget.estimate(opts, s, steps=20_000)
    assert len(calls) < 5 * (budget.PROBE_MAX_M + 2)          # never the run's 20,001
    assert est.steps == 20_000 and est.rows == 12
    assert est.seconds == pytest.approx(est.per_call + 20_000 * est.per_step)


def test_probe_with_a_budget_stops_once_the_run_clearly_fits(monkeypatch):
    """A cheap run checked against a generous budget: warm-up, one step, three steps (8 gradient
    calls), not the ~700 steps a full probe of a 1000-step run takes; the reading is pessimistic."""
    s = surfaces.get("rosenbrock")
    full = budget.estimate(optimizers.get("adam"), s, steps=1000)
    calls = _counting(monkeypatch, s)
    quick = budget.estimate(optimizers.get("adam"), s, steps=1000, budget=100.0)
    assert len(calls) == 2 + 2 + 4
    assert quick.seconds >= full.per_step * 1000 and quick.seconds <= 100.0


def test_probe_arithmetic_of_the_offers():
    e = budget.Estimate(seconds=10.0, per_step=1e-3, per_call=0.5, rows=4096, steps=9500,
                        probe_seconds=0.05, step_fixed=1e-4, step_per_row=2e-7)
    assert e.max_steps(5.0) == 4500                      # (5 − 0.5) / 1e-3
    assert e.max_steps(100.0) == 9500                    # never more than asked
    assert e.max_steps(0.1) == 0
    # rows: (5 − 0.5)/9500 s per step = 473.7 µs = 100 µs + n · 0.2 µs → n = 1868
    assert e.max_rows(5.0) == 1868
    assert e.max_rows(5.0, steps=100) == 4096
    with pytest.raises(ValueError, match="rows=True"):
        budget.Estimate(1.0, 1e-3, 0.0, 4, 1000, 0.0).max_rows(5.0)


def test_probe_scales_with_steps_and_rows():
    """Independent of the timer's noise: 100× the steps is far more than 10× the estimate, and a
    grid of 4096 rows costs more per step than one of 16 (per-row cost measured > 0)."""
    s = surfaces.get("rosenbrock")
    small = budget.estimate(optimizers.get("adam"), s, steps=200)
    big = budget.estimate(optimizers.get("adam"), s, steps=20_000)
    assert big.seconds > 10 * small.seconds
    n = 64
    grid = optimizers.get("adam", lr=np.tile(np.geomspace(1e-4, 1, n), n),
                          beta2=np.repeat(np.linspace(0.9, 0.999, n), n))
    est = budget.estimate(grid, s, start=(-1.5, 2.0), steps=500, rows=True)
    assert est.rows == n * n and est.step_per_row > 0
    assert est.max_rows(est.seconds * 1.001) == n * n and est.max_rows(est.per_call) == 0
