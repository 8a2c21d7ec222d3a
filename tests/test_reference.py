"""The NumPy optimizer core against golden torch.optim trajectories.

tests/reference/*.json are written by tools/make_reference.py (torch, float64, foreach=False);
torch itself is never imported here.  Every point of every trajectory must agree to
1e-12 * max(1, |torch|) per coordinate.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

REF_DIR = Path(__file__).resolve().parent / "reference"
RTOL = 1e-12

# Every optimizer of ours that has a torch.optim counterpart.
TORCH_BACKED = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "amsgrad", "adamw",
                "adamax", "nadam", "radam"}


def _load():
    docs = {}
    for path in sorted(REF_DIR.glob("*.json")):
        docs[path.name] = json.loads(path.read_text())
    return docs


DOCS = _load()
CASES = [case for doc in DOCS.values() for case in doc["cases"]]


def test_reference_files_exist_and_cover_every_torch_backed_optimizer():
    assert DOCS, f"no reference files in {REF_DIR}; run tools/make_reference.py with torch"
    for name, doc in DOCS.items():
        assert doc.get("generator") == "tools/make_reference.py", name
        assert str(doc.get("torch", "")).startswith("2."), f"{name}: not made by torch ({doc.get('torch')!r})"
        assert doc["cases"], f"{name} has no cases"
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    covered = {c["optimizer"] for c in CASES}
    assert TORCH_BACKED <= covered, f"no reference cases for {sorted(TORCH_BACKED - covered)}"
    for c in CASES:
        assert len(c["points"]) == c["steps"] + 1, c["id"]
        assert c["points"][0] == c["start"], c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch(case):
    import optimizers
    import surfaces

    opt = optimizers.get(case["optimizer"], **case["hp"])
    s = surfaces.get(case["surface"], **case["surface_params"])
    tr = optimizers.run(opt, s, start=tuple(case["start"]), steps=case["steps"], seed=0)

    got = np.asarray(tr.points, dtype=np.float64)
    want = np.asarray(case["points"], dtype=np.float64)
    assert got.shape == want.shape, f"{case['id']}: trajectory shape {got.shape}, expected {want.shape}"

    tol = RTOL * np.maximum(1.0, np.abs(want))
    err = np.abs(got - want)
    bad = ~(err <= tol)  # also catches NaN
    if bad.any():
        k, i = map(int, np.argwhere(bad)[0])
        rel = err / np.maximum(1.0, np.abs(want))
        kw, iw = np.unravel_index(int(np.nanargmax(np.where(np.isnan(rel), np.inf, rel))), rel.shape)
        pytest.fail(
            f"{case['id']} ({case['optimizer']} on {case['surface']}): first disagreement at step {k}, "
            f"coordinate {'xy'[i]}: ours {got[k, i]!r} vs torch {want[k, i]!r} "
            f"(|diff| {err[k, i]:.3e} > {tol[k, i]:.3e}); {int(bad.sum())} of {bad.size} values off, "
            f"worst relative error {rel[kw, iw]:.3e} at step {kw}, coordinate {'xy'[iw]}\n"
            f"hp={case['hp']}\ntorch: {case['torch_call']}",
            pytrace=False,
        )
