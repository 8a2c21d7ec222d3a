"""The contour background: f sampled once per surface, drawn as banded levels into a PNG.

A PNG under the plot (layout.images) survives Plotly animations, where a contour trace vanishes with
`redraw: False` (measured with plotly.js 4.2 in Streamlit 1.67). Levels are log-spaced in f − f* where the surface asks
for it, so a valley floor 10⁻³ deep is as visible as a wall 10³ high.
"""
from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from .png import palette_png

GRID = 150          # f is evaluated on GRID × GRID points (logistic regression: 256 examples each)
IMAGE = 600         # the PNG is IMAGE × IMAGE pixels, bilinear from the grid
LEVELS = 22

# Bands per theme. Light: pale, low (deep) values blue-grey, high sand, every band bright enough
# that the runs' dark colours keep 3:1 on it. Dark: the same hues near black, dark enough that the
# runs' light colours keep 3:1 (tests/test_colours.py checks every band against every run colour).
_STOPS = {
    "light": np.array([
        [198, 216, 232],
        [214, 227, 238],
        [232, 239, 243],
        [246, 244, 236],
        [248, 235, 216],
        [244, 224, 200],
    ], dtype=float),
    "dark": np.array([
        [14, 22, 40],
        [24, 36, 56],
        [34, 48, 63],
        [46, 51, 54],
        [58, 53, 48],
        [70, 60, 46],
    ], dtype=float),
}
_NAN_COLOR = {"light": (215, 215, 215), "dark": (60, 60, 60)}
_LINE_SHADE = {"light": 0.84, "dark": 1.45}   # level lines: a little darker / lighter than the band


@dataclass(frozen=True)
class Field:
    """f on a regular grid over the window: x (G,), y (G,), f (G, G) with f[j, i] = f(x_i, y_j)."""

    x: np.ndarray
    y: np.ndarray
    f: np.ndarray
    f_star: float          # the surface's minimum, or the grid's for user surfaces
    log: bool


def sample(surface, n: int = GRID) -> Field:
    (xa, xb), (ya, yb) = surface.window
    x, y = np.linspace(xa, xb, n), np.linspace(ya, yb, n)
    X, Y = np.meshgrid(x, y)
    P = np.stack([X, Y], axis=-1)
    f = np.concatenate([surface.value(P[i:i + 25]) for i in range(0, n, 25)], axis=0)
    f = np.where(np.isfinite(f), f, np.nan)
    finite = f[np.isfinite(f)]
    grid_min = float(finite.min()) if finite.size else 0.0
    f_star = surface.f_min if surface.f_min is not None else grid_min
    f_star = min(f_star, grid_min)
    return Field(x, y, f, float(f_star), bool(surface.log_levels))


def undefined_share(field: Field) -> float:
    """The fraction of the window where f is not a finite number (drawn grey)."""
    return float(np.mean(~np.isfinite(field.f)))


def height(field: Field, f: np.ndarray | None = None) -> np.ndarray:
    """What the bands and the 3-D view show for values f (default: the field's own):
    log10(f − f* + δ) on surfaces with log-spaced levels, f itself otherwise. δ is 10⁻⁵ of the
    window's (99th-percentile) height, so the minimum itself sits a few bands below the floor.
    f − f* beyond the float range (f near +1e308, f* near −1e308) counts as the largest float."""
    f = field.f if f is None else f
    if not field.log:
        return f
    with np.errstate(over="ignore"):
        gap = np.minimum(field.f - field.f_star, np.finfo(float).max)
    g, scale = tame(gap[np.isfinite(gap)])
    top = float(np.percentile(g, 99)) * scale if g.size else 1.0
    delta = max(top * 1e-5, 1e-300)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.log10(np.minimum(np.maximum(f - field.f_star, 0.0), np.finfo(float).max) + delta)


def tame(z: np.ndarray) -> tuple[np.ndarray, float]:
    """(z / s, s) with s a power of two that brings the largest finite |z| to at most 2**1020, so
    that differences of any two values (percentiles, level spacing, interpolation) cannot
    overflow; s = 1 for every ordinary surface. Dividing by a power of two is exact, so the order
    of the values, and so the bands, are unchanged."""
    z = np.asarray(z, dtype=float)
    finite = np.abs(z[np.isfinite(z)])
    top = float(finite.max()) if finite.size else 0.0
    if top <= 2.0 ** 1020:
        return z, 1.0
    e = math.frexp(top)[1] - 1020
    return np.ldexp(z, -e), 2.0 ** e


def levels(z: np.ndarray, n: int = LEVELS) -> np.ndarray:
    """n evenly spaced level values over the 0.5 … 99.5th percentile of the finite z."""
    z, scale = tame(z)
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.linspace(0.0, 1.0, n)
    lo, hi = np.percentile(finite, [0.5, 99.5])
    if not hi > lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, n) * scale


def _upsample(z: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resampling of a (G, G) grid to (size, size); NaN spreads to its neighbours."""
    g = z.shape[0]
    t = np.linspace(0, g - 1, size)
    i0 = np.clip(np.floor(t).astype(int), 0, g - 2)
    w = (t - i0)
    rows = z[i0] * (1 - w)[:, None] + z[i0 + 1] * w[:, None]
    return rows[:, i0] * (1 - w)[None, :] + rows[:, i0 + 1] * w[None, :]


def _theme(theme: str) -> str:
    return theme if theme in _STOPS else "light"


def _palette(n: int, theme: str = "light") -> np.ndarray:
    """n band colours along the theme's stops, then the same n shaded for the level lines, then the
    colour of undefined points."""
    theme = _theme(theme)
    stops = _STOPS[theme]
    s = np.linspace(0, len(stops) - 1, n)
    i = np.clip(np.floor(s).astype(int), 0, len(stops) - 2)
    w = (s - i)[:, None]
    fill = stops[i] * (1 - w) + stops[i + 1] * w
    line = np.clip(fill * _LINE_SHADE[theme], 0, 255)
    return np.vstack([fill, line, [_NAN_COLOR[theme]]]).round().astype(np.uint8)


def band_colors(theme: str = "light", n_levels: int = LEVELS) -> list[str]:
    """Every band's colour and the undefined-points grey of `theme`'s map, as #rrggbb: what a run's
    path is drawn over."""
    pal = _palette(n_levels, theme)
    rows = list(pal[:n_levels]) + [pal[-1]]
    return ["#%02x%02x%02x" % tuple(int(c) for c in row) for row in rows]


def banded_png(field: Field, size: int = IMAGE, n_levels: int = LEVELS, theme: str = "light") -> bytes:
    z = tame(height(field))[0]      # the same bands, and no overflow in the arithmetic below
    edges = levels(z, n_levels)
    big = _upsample(np.where(np.isfinite(z), z, np.nan), size)
    band = np.clip(np.searchsorted(edges, big), 0, n_levels - 1)
    # A level line where the band changes between neighbouring pixels.
    line = np.zeros_like(band, dtype=bool)
    line[:, 1:] |= band[:, 1:] != band[:, :-1]
    line[1:, :] |= band[1:, :] != band[:-1, :]
    index = np.where(line, band + n_levels, band)
    index = np.where(np.isfinite(big), index, 2 * n_levels)
    # PNG row 0 is the top
    return palette_png(index[::-1].astype(np.uint8), _palette(n_levels, theme))


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def background_uri(field: Field, theme: str = "light") -> str:
    """The banded PNG of `field` in `theme` as a data URI, computed once per distinct field."""
    theme = _theme(theme)
    key = hashlib.sha1(field.f.tobytes()).hexdigest() + str(field.log) + theme
    hit = _URIS.get(key)
    if hit is None:
        hit = png_data_uri(banded_png(field, theme=theme))
        if len(_URIS) > 32:
            _URIS.pop(next(iter(_URIS)))
        _URIS[key] = hit
    return hit


_URIS: dict[str, str] = {}
