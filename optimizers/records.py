"""Trajectories as CSV rows and JSON records: the one layout the app's export and the CLI both write.

A run is named by its key: the optimizer's name, then `adam-2`, `adam-3` for copies (as in the
app's links); its label is the optimizer's title (`Adam`, then `Adam B`, `Adam C`). NaN (the rows
after a run diverged) is an empty CSV cell and a JSON null.
"""
from __future__ import annotations

import csv
import json
import math
import string
from collections.abc import Iterable, Mapping
from typing import IO, Any

import numpy as np

CSV_COLUMNS = ("run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y")


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


def number(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _cell(v) -> str:
    return repr(float(v)) if np.isfinite(v) else ""


def write_csv(out: IO[str], runs: Iterable[tuple[str, str, Any]]) -> None:
    """Long format, one row per run and step. `runs`: (key, optimizer name, trajectory) triples."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for key, name, tr in runs:
        P, L, G = tr.points, tr.losses, tr.grads
        for k in range(len(P)):
            w.writerow([key, name, k, *map(_cell, (P[k, 0], P[k, 1], L[k], G[k, 0], G[k, 1]))])


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
