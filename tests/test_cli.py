"""The command line: output equals the API's trajectories; bad arguments give one line and exit 2."""
import csv
import io
import json
import subprocess
import sys

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
    assert rows[0].keys() == {"step", "optimizer", "x", "y", "loss", "grad_x", "grad_y"}
    s = surfaces.get("rosenbrock")
    want = optimizers.run([optimizers.get("adam", lr=0.01), optimizers.get("sgd", lr=1e-4)], s,
                          start=(-1.5, 2.0), steps=50)
    for name, tr in zip(("adam", "sgd"), want):
        mine = [r for r in rows if r["optimizer"] == name]
        assert len(mine) == 51
        got = np.array([[float(r["x"]), float(r["y"]), float(r["loss"]), float(r["grad_x"]), float(r["grad_y"])]
                        for r in mine])
        assert np.array_equal(got[:, :2], tr.points) and np.array_equal(got[:, 2], tr.losses)
        assert np.array_equal(got[:, 3:], tr.grads)


def test_json_with_surface_parameters_and_ab_labels():
    r = cli("--surface", "quadratic", "--param", "kappa=100", "--param", "noise=0.1", "--optimizer", "adam",
            "--optimizer", "adam", "--set", "lr=0.1", "--steps", "5", "--format", "json", "--seed", "3")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["surface"] == "quadratic" and doc["surface_params"]["kappa"] == 100 and doc["seed"] == 3
    assert [run["label"] for run in doc["runs"]] == ["adam", "adam#2"]
    assert doc["runs"][1]["hp"]["lr"] == 0.1 and len(doc["runs"][0]["points"]) == 6


def test_diverged_run_is_reported_in_json():
    r = cli("--optimizer", "sgd", "--set", "lr=1", "--steps", "20", "--format", "json")
    run = json.loads(r.stdout)["runs"][0]
    assert isinstance(run["diverged_at"], int) and run["points"][-1] == [None, None]


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
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr
