"""Helpers shared by the figure builders: typed arrays and a figure that skips re-validation.

plotly.py validates every trace of every frame when a Figure is built (100+ ms for a few hundred
frames, measured), and Streamlit validates a dict figure the same way. Our figures are built as
plain dicts in the shape plotly.js reads, so `Prebuilt` hands that dict straight to
`st.plotly_chart` (which serialises `fig.to_dict()`) and to `plotly.io.to_html`.
"""
from __future__ import annotations

import base64
import copy

import numpy as np
import plotly.graph_objects as go


_F32_MAX = float(np.finfo(np.float32).max)


def f4(a) -> dict:
    """A float32 typed array in plotly.js's base64 form (half the bytes of float64 JSON text);
    float64 ("f8") when a finite value lies beyond float32's range (3.4e38), which float32 would
    turn into ±inf (a gradient of 1e158 would vanish from its log axis)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    finite = a[np.isfinite(a)]
    if finite.size and max(finite.max(), -finite.min()) > _F32_MAX:
        return {"dtype": "f8", "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")}
    a = np.ascontiguousarray(a.astype(np.float32))
    return {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def f4_2d(a) -> dict:
    """A 2-D typed array (plotly.js reads the `shape`): surface and heatmap z; float32 as f4."""
    a = np.asarray(a, dtype=np.float64)
    return {**f4(a), "shape": f"{a.shape[0]}, {a.shape[1]}"}


def decode(v) -> np.ndarray:
    """Inverse of f4 (and a plain list passes through): for tests and exports."""
    if isinstance(v, dict) and "bdata" in v:
        dt = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "u1": np.uint8, "i2": np.int16,
              "u2": np.uint16, "u4": np.uint32, "i1": np.int8}[v["dtype"]]
        out = np.frombuffer(base64.b64decode(v["bdata"]), dtype=dt)
        if "shape" in v:
            out = out.reshape([int(n) for n in str(v["shape"]).split(",")])
        return out
    return np.asarray(v if v is not None else [], dtype=float)


class Prebuilt(go.Figure):
    """A go.Figure whose JSON is a dict we built ourselves (see the module docstring)."""

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    @property
    def spec(self) -> dict:
        return self._spec

    def to_dict(self) -> dict:
        return copy.copy(self._spec)

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def to_html(self, **kw) -> str:
        import plotly.io as pio
        return pio.to_html(self._spec, validate=False, **kw)
