"""Bring your own optimizer: the README's Signum block, run as written in a fresh process, makes
`opt=signum` race in the page and in the CLI; the same entry through an installed package's entry
point; register() refuses what would break the app, with a message."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import optimizers
from conftest import APP, ROOT


def readme_block() -> str:
    """The first python block under the README's "Bring your own optimizer" heading."""
    doc = (ROOT / "README.md").read_text()
    head = doc.index("### Bring your own optimizer")
    m = re.search(r"```python\n(.*?)```", doc[head:], re.S)
    assert m, "no python block in the README section"
    return m.group(1)


def _fresh(code: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def _page_script(block: str) -> str:
    """Runs the README block, then the page on opt=signum through every tab; prints JSON."""
    return textwrap.dedent('''
        import json, sys
        exec(compile(%r, "README.md", "exec"), {"__name__": "readme"})
        import numpy as np
        from streamlit.testing.v1 import AppTest
        out = {}
        at = AppTest.from_file(%r, default_timeout=120)
        for k, v in {"opt": ["signum", "adam"], "signum.beta": "0.95", "steps": "150",
                     "sweep.opt": "signum", "sweep.n": "8"}.items():
            at.query_params[k] = v
        for key in ("signum", "adam"):                   # their panels open: their widgets drawn
            at.session_state[f"_panel_opt_{key}"] = True
        at.run()
        def problems(at):
            return ([e.value for e in at.exception] + [w.value for w in at.warning]
                    + [e.value for e in at.error])
        out["problems"] = problems(at)
        (player,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
        race = json.loads(player.proto.json)          # the race player's scene
        out["legend"] = [r["label"] for r in race["runs"] if r["key"] == "signum"]
        out["colors"] = sorted({r["color"] for r in race["runs"] if r["key"] == "signum"})
        out["url"] = {k: at.query_params[k] for k in at.query_params}
        out["captions"] = [c.value for c in at.caption]
        out["lr"] = at.session_state["signum.lr"]
        tabs = {}
        for i in range(len(at.tabs)):
            at.session_state["tab"] = at.tabs[i].label
            at.run()
            p = problems(at)
            charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
            tabs[at.tabs[i].label] = {
                "problems": p,
                "traces": [t.get("name", "") for c in charts for t in c["data"]
                           if t.get("legendgroup") == "signum"],
                "types": [t.get("type") for c in charts for t in c["data"]],
                "latex": [x.value for x in at.latex],
                "markdown": [x.value for x in at.markdown],
                "downloads": len(at.get("download_button")),
            }
        out["tabs"] = tabs
        print("JSON" + json.dumps(out))
    ''') % (block, APP)


@pytest.fixture(scope="module")
def signum_page():
    r = _fresh(_page_script(readme_block()), timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    line = [x for x in r.stdout.splitlines() if x.startswith("JSON")][-1]
    return json.loads(line[4:])


def test_readme_signum_races_in_the_page(signum_page):
    out = signum_page
    assert out["problems"] == []
    assert out["legend"] and out["legend"][0].startswith("Signum")
    assert len(out["colors"]) == 1 and re.fullmatch(r"#[0-9a-f]{6}", out["colors"][0])
    # the link carries the new optimizer and its hyperparameter, as for a built-in one
    assert "signum" in out["url"]["opt"] and out["url"]["signum.beta"] == "0.95"
    # its default lr is the surface's hint for its family (Rosenbrock, adaptive: 2e-2)
    assert out["lr"] == pytest.approx(2e-2)
    # no weight decay: no weight-decay note under its controls (the one there is Adam's)
    notes = [c for c in out["captions"] if c.startswith("λ is")]
    assert len(notes) == 1 and "Adam-ℓ2" in notes[0]


def test_readme_signum_in_every_tab(signum_page):
    tabs = signum_page["tabs"]
    assert all(t["problems"] == [] for t in tabs.values()), {k: t["problems"] for k, t in tabs.items()}
    diag = next(t for k, t in tabs.items() if "Diagnostics" in k)
    # its declared bound (|Δθᵢ| = γ) is drawn, and no separate α line (the bound is α itself)
    assert any(n.endswith("bound") for n in diag["traces"]) and "α" not in diag["traces"]
    rules = next(t for k, t in tabs.items() if "Update rules" in k)
    assert any(r"\operatorname{sign}" in x and "0.95}" in x for x in rules["latex"])
    assert any("Bernstein et al. 2018" in m for m in rules["markdown"])
    export = next(t for k, t in tabs.items() if "Export" in k)
    assert export["downloads"] == 8
    sweep = next(t for k, t in tabs.items() if "Sweep" in k)
    assert "heatmap" in sweep["types"]


def test_readme_signum_runs_as_its_formula_says():
    """The registered rule, through the runner, against Signum written out here from the paper's
    formula: m ← βm + (1−β)g, θ ← θ − γ sign(m); every step moves each coordinate by exactly γ."""
    code = "exec(compile(%r, 'README.md', 'exec'), {})\n" % readme_block() + textwrap.dedent('''
        import json, numpy as np, optimizers, surfaces
        s = surfaces.get("rosenbrock")
        tr = optimizers.run(optimizers.get("signum", lr=0.01, beta=0.8), s, start=(-1.5, 2.0), steps=50)
        theta, m, path = np.array([-1.5, 2.0]), np.zeros(2), [[-1.5, 2.0]]
        for _ in range(50):
            m = 0.8 * m + 0.2 * s.grad(theta)
            theta = theta - 0.01 * np.sign(m)
            path.append(theta.tolist())
        print(json.dumps({"ours": tr.points.tolist(), "plain": path,
                          "bound": optimizers.max_step_bound(tr.optimizer, np.arange(1, 4)).tolist(),
                          "names": optimizers.names()}))
    ''')
    r = _fresh(code)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.splitlines()[-1])
    ours, plain = np.array(out["ours"]), np.array(out["plain"])
    np.testing.assert_allclose(ours, plain, rtol=0, atol=1e-12)
    assert np.allclose(np.abs(np.diff(ours, axis=0)), 0.01)
    assert out["bound"] == [0.01, 0.01, 0.01] and out["names"][-1] == "signum"


def test_readme_signum_in_the_cli():
    head = "import sys\nexec(compile(%r, 'README.md', 'exec'), {})\n" % readme_block()
    head += "from optimizers.__main__ import main\n"
    r = _fresh(head + "sys.exit(main(['--list']))")
    assert r.returncode == 0, r.stderr[-2000:]
    assert re.search(r"^\s+signum\s+Signum:", r.stdout, re.M) and "beta" in r.stdout
    r = _fresh(head + "sys.exit(main(['--optimizer', 'signum', '--set', 'lr=0.01', '--steps', '5']))")
    assert r.returncode == 0, r.stderr[-2000:]
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["optimizer"] for row in rows] == ["signum"] * 6
    xy = np.array([[float(row["x"]), float(row["y"])] for row in rows])
    assert np.allclose(np.abs(np.diff(xy, axis=0)), 0.01)


def test_an_installed_package_adds_its_optimizer_through_the_entry_point(tmp_path):
    """A package that declares the README's entry in `optimizer_visualizer.optimizers` shows up
    in `python -m optimizers` with no code run by the user."""
    (tmp_path / "my_signum.py").write_text(readme_block().replace("optimizers.register(SIGNUM)", ""))
    info = tmp_path / "my_signum-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-signum\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{optimizers.ENTRY_POINT_GROUP}]\nsignum = my_signum:SIGNUM\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    r = subprocess.run([sys.executable, "-m", "optimizers", "--optimizer", "signum", "--set",
                        "lr=0.01", "--steps", "3"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, env={**os.environ, **env})
    assert r.returncode == 0, r.stderr[-2000:]
    assert [line.split(",")[1] for line in r.stdout.strip().splitlines()[1:]] == ["signum"] * 4
    # a broken plugin is skipped with a message, not a traceback
    (info / "entry_points.txt").write_text(
        f"[{optimizers.ENTRY_POINT_GROUP}]\nsignum = my_signum:NOT_THERE\n")
    r = subprocess.run([sys.executable, "-m", "optimizers", "--list"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300, env={**os.environ, **env})
    assert r.returncode == 0 and "signum" not in r.stdout
    assert "optimizer plugin 'signum'" in r.stderr and "Traceback" not in r.stderr


def _entry(**kw):
    base = dict(name="probe_opt", title="Probe", family="sgd", init=lambda p, hp: {},
                update=lambda g, s, p, t, hp, ctx: (p - ctx.gamma * g, s),
                hparams=(optimizers.lr_hparam(1e-3),) + optimizers.SCHEDULE_HPARAMS,
                latex=r"\theta_t \leftarrow \theta_{t-1} - \gamma_t g_t", description="probe")
    return optimizers.OptimizerSpec(**{**base, **kw})


def test_register_refuses_what_would_break_the_app():
    with pytest.raises(ValueError, match="built-in"):
        optimizers.register(_entry(name="adam"))
    with pytest.raises(ValueError, match="URL key"):
        _entry(name="Bad Name")
    with pytest.raises(ValueError, match="SCHEDULE_HPARAMS"):
        _entry(hparams=(optimizers.lr_hparam(1e-3),))
    with pytest.raises(ValueError, match="family"):
        _entry(family="fast")
    with pytest.raises(ValueError, match="weight_decay"):
        _entry(weight_decay="l2")                      # the kind without the hyperparameter
    with pytest.raises(TypeError):
        optimizers.register({"name": "x"})
    try:
        optimizers.register(_entry())
        assert "probe_opt" in optimizers.names()
        with pytest.raises(ValueError, match="already registered"):
            optimizers.register(_entry())
        tr = optimizers.run(optimizers.get("probe_opt", lr=0.1), _quadratic(), start=(1.0, 1.0), steps=3)
        np.testing.assert_allclose(tr.points[1], [0.9, 0.8])            # θ − 0.1·(x, 2y)
        assert np.isnan(optimizers.max_step_bound(tr.optimizer, np.arange(1, 3))).all()
    finally:
        optimizers.unregister("probe_opt")
    assert "probe_opt" not in optimizers.names()


def _quadratic():
    import surfaces
    return surfaces.from_expression("0.5*x**2 + y**2")


def test_a_rule_without_a_plain_transcription_is_a_skip_with_a_reason():
    from test_fastpath import test_rules_equal_their_plain_transcription as plain_test
    try:
        optimizers.register(_entry())
        with pytest.raises(pytest.skip.Exception, match="no plain transcription"):
            plain_test("probe_opt", 0)
    finally:
        optimizers.unregister("probe_opt")


def test_a_rule_declares_the_oracle_outputs_it_needs():
    """Second-order and loss-aware rules are one module too: an entry lists `needs` and its rule
    reads ctx.loss / ctx.hvp. On f = ½(x² + κy²) from (3, −2), closed forms: Newton with the
    Hessian diagonal from hvp lands on the minimum in one step (γ = 1); Polyak's step
    θ − f(θ)/‖∇f‖² ∇f goes to θ₀ − (9 + 4κ)/2 / (9 + 4κ²) · (3, −2κ)."""
    import surfaces
    kappa = 100.0
    s = surfaces.get("quadratic", kappa=kappa)

    def newton(g, state, p, t, hp, ctx):
        return p - ctx.gamma * g / ctx.hvp(np.ones_like(p)), state

    def polyak(g, state, p, t, hp, ctx):
        return p - ctx.gamma * (ctx.loss / np.sum(g * g, axis=-1))[:, None] * g, state

    try:
        optimizers.register(_entry(name="newton_probe", update=newton, needs=("hvp",)))
        optimizers.register(_entry(name="polyak_probe", update=polyak, needs=("loss",)))
        with pytest.raises(ValueError, match="needs"):
            _entry(needs=("hessian",))
        trs = optimizers.run([optimizers.get("newton_probe", lr=1.0), optimizers.get("polyak_probe", lr=1.0)],
                             s, start=(3.0, -2.0), steps=2)
        np.testing.assert_allclose(trs[0].points[1], [0.0, 0.0], atol=1e-12)
        c = (9 + 4 * kappa) / 2 / (9 + 4 * kappa**2)
        np.testing.assert_allclose(trs[1].points[1], [3 - 3 * c, -2 + 2 * kappa * c], rtol=1e-12)
        # the Hessian-vector product itself, on a rotated quadratic: H = R diag(1, κ) Rᵀ
        r = surfaces.get("quadratic", kappa=kappa, angle=30.0)
        a = np.radians(30.0)
        R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        H = R @ np.diag([1.0, kappa]) @ R.T
        V = np.array([[1.0, 0.0], [0.3, -2.0]])
        np.testing.assert_allclose(r.hvp(np.zeros((2, 2)), V), V @ H.T, rtol=1e-12, atol=1e-12)
    finally:
        optimizers.unregister("newton_probe")
        optimizers.unregister("polyak_probe")
