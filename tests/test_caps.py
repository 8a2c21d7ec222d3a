"""Caps: steps, runs, sweep grid, expression length and figure size are bounded with a clear
message, and memory stays bounded at the caps (measured with tracemalloc, generous limits)."""
import json
import tracemalloc

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from surfaces.expression import MAX_LENGTH, ExpressionError
from optviz.model import sweep
from optviz.page import guard
from optviz.model.scenario import MAX_RUNS

from conftest import APP


def _peak_mb(fn):
    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_core_memory_at_the_app_caps():
    """The most the page can ask for: MAX_RUNS optimizers × MAX_STEPS steps, with diagnostics."""
    names = (optimizers.names() * 2)[:MAX_RUNS]
    opts = [optimizers.get(n) for n in names]
    trs, peak = _peak_mb(lambda: optimizers.run(opts, surfaces.get("rosenbrock"), steps=optimizers.MAX_STEPS))
    kept = sum(a.nbytes for t in trs for a in (t.points, t.losses, t.grads) if a is not None)
    # what the result itself holds (bytes), ×3 for the working arrays (MB): ~35 MB measured
    assert kept < 40e6 and peak < 3 * kept / 1e6 + 60, (kept, peak)


def test_sweep_memory_at_its_caps_is_independent_of_steps():
    s = surfaces.get("rosenbrock")
    res, peak = _peak_mb(lambda: sweep.sweep_grid("adam", "lr", (1e-4, 1e-1), True, "beta2", (0.9, 0.9999),
                                                   True, sweep.MAX_N, s, s.start, sweep.MAX_STEPS, 0, {},
                                                   tol=1e-6))
    assert res.final_loss.shape == (sweep.MAX_N, sweep.MAX_N)
    assert peak < 400, peak        # chunked: ~110 MB measured, whatever the number of steps


def test_caps_are_refused_with_a_message():
    s = surfaces.get("rosenbrock")
    with pytest.raises(ValueError, match="steps=20001 is out of range"):
        optimizers.run("adam", s, steps=optimizers.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="too large"):
        optimizers.run("adam", s, start=np.zeros((5000, 2)), steps=10_000)
    with pytest.raises(ValueError, match="grid size n=65 is out of range"):
        sweep.sweep_grid("adam", "lr", (1e-4, 1e-1), True, "beta2", (0.9, 0.999), True, 65, s, s.start,
                         10, 0, {})
    with pytest.raises(ExpressionError, match="limit is 500"):
        surfaces.from_expression("x+" * MAX_LENGTH + "y")


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("query,needle", [
    ({"steps": "999999"}, "steps"),
    ({"opt": [f"adam-{i}" for i in range(2, 30)] + ["sgd", "momentum", "rmsprop", "adagrad", "lion",
                                                    "nadam", "radam", "adamw", "amsgrad", "adamax",
                                                    "adabelief", "nesterov", "adamprox"]}, "opt"),
    ({"surface": "custom", "expr": "x*" * 400 + "y"}, "limit is 500"),
    ({"sweep.n": "128"}, "sweep.n"),
])
def test_the_page_names_the_cap_it_applied(query, needle):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning).replace("\\", "")
    assert needle in shown, shown
    runs = at.query_params.get("opt", [])
    assert len(runs if isinstance(runs, list) else [runs]) <= MAX_RUNS


@pytest.mark.usefixtures("fresh_caches")
def test_the_race_player_data_at_the_step_cap(monkeypatch):
    # the data at the cap, not the race budget: on a busy machine 7 × 20,000 steps may pass the
    # default 5 s and be refused (tests/test_shared_server.py checks the refusal)
    monkeypatch.setenv(guard.RACE_ENV, "off")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["steps"] = str(optimizers.MAX_STEPS)
    at.run()
    assert not at.exception
    els = at.get("bidi_component")
    (scene,) = [json.loads(e.proto.json) for e in els if e.proto.WhichOneof("data") == "json"]
    assert scene["steps"] == optimizers.MAX_STEPS
    # every step of seven runs, float64 and deflated: sent once, then answered by the cache
    total = sum(len(e.proto.bytes) for e in els)
    print(f"\nrecords at {optimizers.MAX_STEPS} steps: {total:,} bytes")
    assert total < 12_000_000, total
