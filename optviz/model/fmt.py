"""Number formatting: the one place that turns numbers into text for links, labels and tables."""
from __future__ import annotations

import math

import numpy as np


def fmt_number(v) -> str:
    """Canonical text of a number: the shortest that reads back to the same float."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def fmt_value(v) -> str:
    """A value as URL text: strings as they are, numbers by fmt_number."""
    if isinstance(v, str):
        return v
    if isinstance(v, np.generic):       # NumPy scalars read as the Python value they hold
        v = v.item()
    return fmt_number(v)


def fmt_loss(v: float) -> str:
    if not np.isfinite(v):
        return "—"
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e4:
        return f"{v:.3g}"
    return f"{v:.2e}".replace("e-0", "e-").replace("e+0", "e+")


def fmt_hparam(v: float) -> str:
    """A hyperparameter value in a label: up to 6 significant digits."""
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.6g}"
    return f"{v:.3g}"


def fmt_latex(v: float) -> str:
    """A number for a LaTeX formula: plain in 1e-3 … 1e4, else m × 10^e."""
    v = float(v)
    if v == 0:
        return "0"
    e = math.floor(math.log10(abs(v)))
    if -3 <= e <= 4:
        return f"{v:.6g}"
    m = v / 10 ** e
    if abs(m - round(m)) < 1e-9:
        m = round(m)
    return (r"10^{%d}" % e) if m == 1 else (r"%s\times 10^{%d}" % (f"{m:.3g}", e))
