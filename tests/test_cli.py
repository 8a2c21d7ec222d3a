"""The command line: output equals the API's trajectories and the app's export; bad arguments give
one line and exit 2; the conventions of a Unix tool (name as called, --version, help with defaults,
quiet exit when the reader of a pipe leaves)."""
import csv
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces


def cli(*args):
    return subprocess.run([sys.executable, "-m", "optimizers", *args], capture_output=True, text=True,
                          timeout=60)


def test_csv_matches_the_api():
    r = cli("--surface", "rosenbrock", "--optimizer", "adam", "--set", "lr=0.01", "--steps", "50",
            "--start", "-1.5,2", "--format", "csv", "--optimizer", "sgd", "--set", "lr=1e-4")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "label"]
    s = surfaces.get("rosenbrock")
    want = optimizers.run([optimizers.get("adam", lr=0.01), optimizers.get("sgd", lr=1e-4)], s,
                          start=(-1.5, 2.0), steps=50)
    for name, tr in zip(("adam", "sgd"), want):
        mine = [r for r in rows if r["run"] == name]
        assert len(mine) == 51 and [int(r["step"]) for r in mine] == list(range(51))
        got = np.array([[float(r["x"]), float(r["y"]), float(r["loss"]), float(r["grad_x"]), float(r["grad_y"])]
                        for r in mine])
        assert np.array_equal(got[:, :2], tr.points) and np.array_equal(got[:, 2], tr.losses)
        assert np.array_equal(got[:, 3:], tr.grads)


def test_json_with_surface_parameters_and_ab_labels():
    r = cli("--surface", "quadratic", "--param", "kappa=100", "--param", "noise=0.1", "--optimizer", "adam",
            "--optimizer", "adam", "--set", "lr=0.1", "--steps", "5", "--format", "json", "--seed", "3")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["surface"]["name"] == "quadratic" and doc["surface"]["params"]["kappa"] == 100
    assert doc["seed"] == 3 and doc["steps"] == 5
    assert [run["key"] for run in doc["runs"]] == ["adam", "adam-2"]
    assert [run["label"] for run in doc["runs"]] == ["Adam · γ = 0.001", "Adam B · γ = 0.1"]   # what differs
    assert doc["runs"][1]["hyperparameters"]["lr"] == 0.1 and len(doc["runs"][0]["points"]) == 6
    assert doc["runs"][0]["hyperparameters"]["lr"] == optimizers.spec("adam").defaults["lr"]


def test_diverged_run_is_reported_in_json():
    r = cli("--optimizer", "sgd", "--set", "lr=1", "--steps", "20", "--format", "json")
    run = json.loads(r.stdout)["runs"][0]
    assert isinstance(run["diverged_at"], int) and run["points"][-1] == [None, None]
    assert run["losses"][-1] is None and run["final_loss"] is None


def test_list_names_every_optimizer_and_surface_with_ranges():
    r = cli("--list")
    assert r.returncode == 0
    for name in optimizers.names() + surfaces.names():
        assert f"  {name} " in r.stdout
    assert "(0, 1000]" in r.stdout and "kappa" in r.stdout


@pytest.mark.parametrize("args,needle", [
    (["--optimizer", "nope"], "unknown optimizer"),
    (["--optimizer", "adam", "--set", "lr=-3"], "lr=-3"),
    (["--optimizer", "adam", "--set", "lr"], "NAME=VALUE"),
    (["--surface", "moon"], "unknown surface"),
    (["--steps", "many"], "steps"),
    (["--steps", "999999"], "steps"),
    (["--start", "1,2,3"], "start"),
    (["--start", "nan,1"], "start"),
    (["--expression", "__import__('os')"], "not allowed"),
    (["--param", "kappa=1e9", "--surface", "quadratic"], "kappa"),
    (["--bogus"], "unrecognized"),
])
def test_bad_arguments_one_line_and_exit_2(args, needle):
    r = cli(*args, "--steps", "3") if "--steps" not in args else cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m optimizers: error:"), r.stderr
    assert needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_csv_and_json_equal_the_apps_export_for_the_same_scenario():
    """Same keys (adam-2), labels, columns, NaN convention and hyperparameters as the page's
    download buttons: the CLI and the app describe one scenario with the same bytes."""
    from optviz.figures import export
    from optviz.model import scenario
    args = ["--surface", "rosenbrock", "--optimizer", "adam", "--set", "lr=0.05", "--optimizer", "sgd",
            "--set", "lr=0.01", "--optimizer", "adam", "--set", "lr=0.3", "--steps", "40",
            "--start", "-1.5,2"]
    scn, notes = scenario.parse_query({"surface": "rosenbrock", "opt": ["adam", "sgd", "adam-2"],
                                       "adam.lr": "0.05", "sgd.lr": "0.01", "adam-2.lr": "0.3",
                                       "steps": "40", "x0": "-1.5", "y0": "2"})
    assert not notes
    trs = optimizers.run([scenario.make_optimizer(r) for r in scn.runs], scn.build_surface(),
                         start=scn.start, steps=scn.steps, seed=scn.seed)
    by_key = {r.key: t for r, t in zip(scn.runs, trs)}
    assert any(t.diverged_at is not None for t in trs)     # the NaN convention is exercised
    app_csv = export.trajectories_csv(scn, by_key)
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    # the app orders runs as the link lists them (adam, sgd, adam-2); the CLI as given: same order here
    assert r.stdout == app_csv
    assert ",sgd,40,,,,," in r.stdout
    app_doc = json.loads(export.trajectories_json(scn, by_key))
    cli_doc = json.loads(cli(*args, "--format", "json").stdout)
    assert [run["key"] for run in cli_doc["runs"]] == ["adam", "sgd", "adam-2"]
    assert [run["label"] for run in cli_doc["runs"]] == ["Adam · γ = 0.05", "SGD", "Adam B · γ = 0.3"]
    for key in ("surface", "steps", "seed", "runs"):
        assert cli_doc[key] == app_doc[key], key
    assert set(app_doc) - set(cli_doc) == {"scenario", "link"}   # the app's own link back to itself


def test_program_name_follows_how_it_was_called():
    from optimizers.__main__ import _prog
    assert _prog("/home/u/.venv/bin/optviz") == "optviz"
    assert _prog("/x/site-packages/optimizers/__main__.py") == "python -m optimizers"
    r = cli("--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: python -m optimizers ")
    assert "python -m optimizers app" in r.stdout and "optviz" not in r.stdout
    r = subprocess.run([sys.executable, "-c", "import sys; from optimizers.__main__ import main; "
                        "sys.argv[0] = '/venv/bin/optviz'; raise SystemExit(main())", "--bogus"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("optviz: error: unrecognized arguments: --bogus")


def test_version_is_the_packages():
    want = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["version"]
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"python -m optimizers {want}"


def test_every_option_has_help_and_states_its_default():
    from optimizers.__main__ import _parser
    opts = [a for a in _parser("optviz")._actions if a.option_strings]
    assert len(opts) >= 11
    for a in opts:
        assert a.help, a.option_strings
        if a.nargs != 0:                       # takes a value: say what happens without it
            assert "(default: " in a.help, a.option_strings
    text = cli("--help").stdout
    assert "(default: rosenbrock)" in text and "(default: 500)" in text and "(default: adam)" in text
    r = cli("app", "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: python -m optimizers app [streamlit options]")


def test_reader_leaving_the_pipe_ends_quietly():
    """`optviz ... | head`: no BrokenPipeError traceback, no 'Exception ignored' at exit."""
    p = subprocess.Popen([sys.executable, "-m", "optimizers", "--steps", "20000", "--optimizer", "adam",
                          "--optimizer", "sgd", "--optimizer", "momentum"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline()
    p.stdout.close()                           # what head does after its lines
    err = p.stderr.read().decode()
    code = p.wait(timeout=60)
    assert first.startswith(b"run,optimizer,step")
    assert err == "" and code == 141           # 128 + SIGPIPE, what a shell reports for `seq ... | head`
    r = subprocess.run(f"{sys.executable} -m optimizers --format json --steps 20000 | head -c 100",
                       shell=True, capture_output=True, text=True, timeout=60)
    assert r.stderr == "" and len(r.stdout) == 100
