"""A parameter's specification, shared by optimizer hyperparameters and surface parameters.

Both registries (optimizers, surfaces), the URL codec and the page read the same description:
name, default, valid range, scale, symbol, help, slider stops, sweep range.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class HParam:
    """One hyperparameter: its ASCII name (shared by API, CLI and URL) and how to present it."""

    name: str
    default: Any
    lo: float | None = None          # valid range, inclusive (None: no bound)
    hi: float | None = None
    log: bool = False                # the UI shows it on a log scale
    symbol: str = ""                 # LaTeX
    help: str = ""
    kind: str = "float"              # float | int | bool | choice
    choices: tuple = ()
    lo_open: bool = False            # lo itself excluded (e.g. lr > 0)
    hi_open: bool = False
    grid: tuple = ()                 # slider stops; () derives them from the range and scale
    sweep: tuple | None = None       # default sweep range (lo, hi, log); None derives it
    in_rule: bool = True             # the update rule shows its value in place of its symbol
    shown_when: tuple = ()           # (other, value): a control only while `other` is `value`

    @property
    def sweepable(self) -> bool:
        """Numeric hyperparameters may differ per row (a sweep); switches are one value per run."""
        return self.kind == "float"

    def range_text(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        lo = "(" if self.lo_open else "["
        hi = ")" if self.hi_open else "]"
        return f"{lo}{self.lo:g}, {self.hi:g}{hi}"

    def check(self, value, optimizer: str = ""):
        """Return the value coerced to its kind, or raise ValueError naming what is wrong."""
        where = f"{optimizer}: " if optimizer else ""
        bad = f"{where}{self.name}={value!r} is invalid; valid: {self.range_text()}"
        if self.kind == "bool":
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
            if isinstance(value, (int, np.integer)) and value in (0, 1):
                return bool(value)
            raise ValueError(bad)
        if self.kind == "choice":
            if value in self.choices:
                return value
            raise ValueError(bad)
        if isinstance(value, (bool, np.bool_)) or isinstance(value, str):
            raise ValueError(bad)
        if self.kind == "int":
            if not isinstance(value, (int, np.integer)):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise ValueError(bad)
            value = int(value)
            if not (self.lo <= value <= self.hi):
                raise ValueError(bad)
            return value
        # float: a scalar, or an array of per-row values (a sweep)
        arr = np.asarray(value, dtype=np.float64) if not isinstance(value, float) else None
        vals = np.atleast_1d(arr) if arr is not None else np.array([value])
        ok = np.isfinite(vals)
        ok &= (vals > self.lo) if self.lo_open else (vals >= self.lo)
        ok &= (vals < self.hi) if self.hi_open else (vals <= self.hi)
        if not ok.all():
            shown = value if arr is None or arr.ndim == 0 else float(vals[~ok][0])
            raise ValueError(f"{where}{self.name}={shown!r} is invalid; valid: {self.range_text()}")
        if arr is None:
            return value
        if arr.ndim == 0:
            return float(arr)
        return arr.reshape(-1)


