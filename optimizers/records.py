"""Trajectories as CSV rows and JSON records: the one layout the app's export and the CLI both write.

A run is named by its key: the optimizer's name, then `adam-2`, `adam-3` for copies (as in the
app's links); its label is the optimizer's title (`Adam`, then `Adam B`, `Adam C`), followed, where
an optimizer runs more than once, by the settings in which its copies differ (`Adam B · β₂ = 0.9999`;
`labels`). NaN (the rows after a run diverged) is an empty CSV cell and a JSON null.
"""
from __future__ import annotations

import csv
import json
import math
import re
import string
from collections.abc import Iterable, Mapping
from typing import IO, Any

import numpy as np

CSV_COLUMNS = ("run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "label")


def instance_key(name: str, copy: int) -> str:
    return name if copy == 1 else f"{name}-{copy}"


def instance_keys(names: Iterable[str]) -> list[str]:
    """Keys for a list of optimizer names in order: adam, sgd, adam-2, …"""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(instance_key(n, seen[n]))
    return out


def instance_label(title: str, copy: int) -> str:
    if copy == 1:
        return title
    return f"{title} {string.ascii_uppercase[copy - 1] if copy <= 26 else copy}"


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
          "kappa": "κ", "lambda": "λ", "mu": "μ", "psi": "ψ", "tau": "τ"}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _symbol(h) -> str:
    """A hyperparameter as a label names it: its symbol in Unicode (β₂, ε, λ), its name for a
    switch or a choice (nesterov, schedule) or a symbol with no plain form."""
    m = re.fullmatch(r"(\\?)([A-Za-z]+)(?:_([0-9]))?", h.symbol or "")
    if h.kind in ("bool", "choice") or not m or (m[1] and m[2] not in _GREEK):
        return h.name
    return (_GREEK[m[2]] if m[1] else m[2]) + (m[3] or "").translate(_SUB)


def _value(v) -> str:
    if isinstance(v, bool) or isinstance(v, str):
        return str(v).lower()
    text = f"{float(v):.6g}"
    return re.sub(r"e([+-])0*([0-9])", r"e\1\2", text).replace("e+", "e")


def labels(runs: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[str]:
    """The label of each run, from (key, optimizer name, every hyperparameter): the optimizer's
    title and copy letter, then, for an optimizer that runs more than once, ` · ` and this run's
    values of the settings in which its copies differ, in the entry's order
    ("Adam B · β₂ = 0.9999", "Adam · β₂ = 0.999, ε = 1e-8"). The app's legends, the CSV and
    the JSON all name runs with it."""
    from . import registry
    runs = [(key, name, dict(hp)) for key, name, hp in runs]
    by_name: dict[str, list[dict]] = {}
    for _, name, hp in runs:
        by_name.setdefault(name, []).append(hp)
    out = []
    for key, name, hp in runs:
        spec = registry.spec(name)
        copy = int(key.rsplit("-", 1)[1]) if "-" in key and key.rsplit("-", 1)[1].isdigit() else 1
        label = instance_label(spec.title, copy)
        group = by_name[name]
        if len(group) > 1:
            differ = [h for h in spec.hparams
                      if len({repr(_value(g.get(h.name, h.default))) for g in group}) > 1]
            if differ:
                label += " · " + ", ".join(f"{_symbol(h)} = {_value(hp.get(h.name, h.default))}"
                                           for h in differ)
        out.append(label)
    return out


def number(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _cell(v) -> str:
    return repr(float(v)) if np.isfinite(v) else ""


def write_csv(out: IO[str], runs: Iterable[tuple]) -> None:
    """Long format, one row per run and step. `runs`: (key, optimizer name, trajectory[, label])
    (the label defaults to the key; the last column, so readers by position keep working)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for key, name, tr, *label in runs:
        P, L, G = tr.points, tr.losses, tr.grads
        label = label[0] if label else key
        for k in range(len(P)):
            w.writerow([key, name, k, *map(_cell, (P[k, 0], P[k, 1], L[k], G[k, 0], G[k, 1])), label])


def _hp(v):
    return v if isinstance(v, (bool, str, int)) else float(v)


def run_record(key: str, name: str, label: str, hp: Mapping[str, Any] | Iterable[tuple[str, Any]],
               tr) -> dict:
    """One run for JSON: every hyperparameter, where it diverged, its path, losses and gradients."""
    items = hp.items() if isinstance(hp, Mapping) else hp
    return {
        "key": key, "optimizer": name, "label": label,
        "hyperparameters": {k: _hp(v) for k, v in items},
        "diverged_at": tr.diverged_at,
        "final_loss": number(tr.losses[-1]),
        "points": [[number(x), number(y)] for x, y in tr.points],
        "losses": [number(v) for v in tr.losses],
        "grads": [[number(x), number(y)] for x, y in tr.grads],
    }


def surface_record(name: str, start, params: Mapping[str, Any], expr: str = "") -> dict:
    """The surface part of a JSON document: its name, the start, every parameter (and f if typed)."""
    out = {"name": name, "start": [float(v) for v in start],
           "params": {k: _hp(v) for k, v in params.items() if k != "expr"}}
    if expr:
        out["expr"] = expr
    return out


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=1, allow_nan=False)
