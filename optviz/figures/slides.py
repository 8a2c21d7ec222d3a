"""Slide exports of the race: a 16:9 PNG of one step, an animated GIF and an MP4 of the whole run.

Drawn with Pillow from the recorded trajectories (every number on a slide is a recorded one): the
map is the page's banded background (background.banded_png), the runs keep the page's colours and
dashes (style.run_color / run_dash / run_symbol), the type is present mode's. Layout, in pixels of
a 1920×1080 slide (scaled for the other sizes): title and formula on top, the map as a square on the
left, and on the right the step counter, the legend with each run's f − f* at that step, and the
loss curve so far.

Sizes (the caps): PNG 1920×1080; GIF 960×540, at most GIF_FRAMES frames; MP4 1280×720 at MP4_FPS,
at most MP4_FRAMES frames plus a still end. Frames are spread over all steps, always with the first
steps one by one and the last step (frame_steps).
"""
from __future__ import annotations

import functools
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field as dc_field

import numpy as np

from optviz.i18n import run_label, speaking, t

from . import background, style

PNG_SIZE = (1920, 1080)
GIF_SIZE = (960, 540)
GIF_FRAMES = 120
GIF_MS = 70                 # per frame: 120 frames play in ~8 s, like the player at 1×
GIF_END_MS = 2500           # the last frame stays up
MP4_SIZE = (1280, 720)
MP4_FPS = 30
MP4_FRAMES = 240            # 8 s of race …
MP4_END_FRAMES = 60         # … then 2 s on the last step
MAX_DASHES = 20_000         # a path longer than this many dashes is cut there (only far off the map)
FIRST_ONE_BY_ONE = 10       # the first steps move the most: each gets its frame

_THEMES = {
    # background, text, secondary text (≥ 4.5:1 on the background), grid lines
    "light": dict(bg=(255, 255, 255), text=(29, 39, 51), dim=(74, 85, 100), grid=(213, 218, 225)),
    "dark": dict(bg=(14, 17, 23), text=(250, 250, 250), dim=(195, 201, 209), grid=(58, 64, 75)),
}


# ------------------------------------------------------------------------------------- text
_SUP = str.maketrans("0123456789+-=()nixyT−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣʸᵀ⁻")
_SUB = str.maketrans("0123456789+-=()aeijnoxyuvφ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₙₒₓᵧᵤᵥᵩ")
_LATEX_WORDS = [(r"\tfrac12", "½"), (r"\tfrac14", "¼"), (r"\tfrac1n", "(1/n)"), (r"\textstyle", ""),
                (r"\bigl", ""), (r"\bigr", ""), (r"\left", ""), (r"\right", ""), (r"\kappa", "κ"),
                (r"\phi", "φ"), (r"\pi", "π"), (r"\sum", "Σ"), (r"\log", " log "), (r"\cos", " cos "),
                (r"\sin", " sin "), (r"\exp", " exp "), (r"\top", "T"), (r"\|", "‖"), (r"\,", " "),
                (r"\ ", " "), (r"\lfloor", "⌊"), (r"\rfloor", "⌋"), (r"\cdot", "·")]


def _script(body: str, table: dict, mark: str) -> str:
    """body as super/subscript characters when each has one, else ^(body) / _(body)."""
    body = body.strip()
    if body and all(ord(ch) in table for ch in body):
        return body.translate(table)
    return f"{mark}({body})" if len(body) > 1 else mark + body


def _braced(s: str, i: int) -> tuple[str, int]:
    """The group at s[i] ({…} or one character) and the index after it."""
    if i < len(s) and s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            depth += s[j] == "{"
            depth -= s[j] == "}"
            if depth == 0:
                return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    return s[i:i + 1], i + 1


def _fractions(s: str) -> str:
    """\\frac{a}{b} and \\tfrac{a}{b} (those without a Unicode vulgar fraction) as (a/b)."""
    out, i = [], 0
    while i < len(s):
        m = re.match(r"\\t?frac", s[i:])
        if m is None:
            out.append(s[i])
            i += 1
            continue
        a, j = _braced(s, i + m.end())
        b, j = _braced(s, j)
        out.append(f"({_fractions(a)}/{_fractions(b)})")
        i = j
    return "".join(out)


def unicode_formula(latex: str) -> str:
    """A surface's LaTeX formula as plain Unicode (the slide draws text, not LaTeX):
    ``(a - x)^2 + b\\,(y - x^2)^2`` → ``(a − x)² + b (y − x²)²``."""
    s = latex
    for a, b in _LATEX_WORDS:
        s = s.replace(a, b)
    s = re.sub(r"\\sqrt\{", "√{", s)
    s = _fractions(s)
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c in "^_":
            body, i = _braced(s, i + 1)
            body = unicode_formula(body)
            if c == "^" and out and out[-1] == "e" and len(body) > 2:
                out[-1] = f" exp({body})"         # e^{long} reads better as exp(…)
            else:
                out.append(_script(body, _SUP if c == "^" else _SUB, c))
            continue
        if c == "{" or c == "}":
            # √{…} keeps its group as parentheses; any other brace only groups
            if c == "{" and out and out[-1] == "√":
                body, i = _braced(s, i)
                out.append(f"({unicode_formula(body)})")
                continue
            i += 1
            continue
        out.append("−" if c == "-" else c)
        i += 1
    text = "".join(out).replace("\\", "")
    text = re.sub(r"([(\[]) +", r"\1", re.sub(r" {2,}", " ", text))
    return text.strip()


def expression_formula(expr: str) -> str:
    """A typed expression made readable: x**2 → x², * → ·."""
    s = re.sub(r"\*\*([0-9]+)\b", lambda m: m.group(1).translate(_SUP), expr)
    return s.replace("*", "·").replace("-", "−")


# ------------------------------------------------------------------------------------ fonts
_FONT_FILES = {
    "regular": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
    "cjk": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"],
    "cjk-bold": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                 "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"],
}
_FC_PATTERN = {"regular": "DejaVu Sans", "bold": "DejaVu Sans:bold",
               "cjk": "Noto Sans CJK KR", "cjk-bold": "Noto Sans CJK KR:bold"}
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


@functools.lru_cache(maxsize=None)
def font_file(kind: str) -> tuple[str, int] | None:
    """(path, face index) of the font for `kind`, or None: a known path first, then fc-match."""
    for path in _FONT_FILES[kind]:
        if os.path.exists(path):
            # the KR face of a Noto CJK collection (its faces: JP, KR, SC, TC, HK)
            return path, (1 if path.endswith(".ttc") else 0)
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}\n%{index}\n%{family}", _FC_PATTERN[kind]],
                             capture_output=True, text=True, timeout=5).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or not os.path.exists(out[0]):
        return None
    wanted = _FC_PATTERN[kind].split(":")[0].split()[0]     # fc-match falls back to anything
    if wanted.lower() not in out[2].lower():
        return None
    return out[0], int(out[1] or 0)


@functools.lru_cache(maxsize=256)
def _font(kind: str, size: int):
    from PIL import ImageFont
    found = font_file(kind)
    if found is None and kind.startswith("cjk"):
        found = font_file("bold" if kind.endswith("bold") else "regular")
    if found is not None:
        try:
            return ImageFont.truetype(found[0], size, index=found[1])
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:                      # Pillow < 10.1, or no FreeType: the bitmap font
        return ImageFont.load_default()


def font_for(text: str, size: int, bold: bool = False):
    kind = ("cjk" if _HANGUL.search(text) else "") + ("-bold" if bold else "")
    return _font((kind or "regular") if kind != "-bold" else "bold", max(6, int(size)))


# --------------------------------------------------------------------------------- drawing
def _hex(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return tuple(int(c[i:i + 2], 16) for i in (0, 2, 4))


def run_colour(key: str, theme: str) -> tuple[int, int, int]:
    return _hex(style.run_color(key, theme=theme))


def map_png(field, side: int, theme: str) -> bytes:
    return background.banded_png(field, size=side, theme=theme)


def dash_pattern(dash: str, width: float) -> list[float] | None:
    """On/off lengths in pixels for a Plotly dash name or "5px,10px" list; None = solid
    (plotly.js scales its named dashes by max(line width, 3))."""
    d = max(width, 3.0)
    named = {"dot": [d, d], "dash": [3 * d, 3 * d], "longdash": [5 * d, 5 * d],
             "dashdot": [3 * d, d, d, d], "longdashdot": [5 * d, 2 * d, d, 2 * d]}
    if dash in named:
        return named[dash]
    nums = [float(x) for x in re.findall(r"[0-9.]+", dash or "")]
    return nums if len(nums) >= 2 and sum(nums) > 0 else None


def dashed_pieces(P: np.ndarray, pattern: list[float] | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split a polyline P (n, 2) into the drawn pieces of a dash pattern: [(points (m, 2),
    params (m,))], a param being the fractional index along P (so a frame at step k draws params ≤ k)."""
    n = len(P)
    if n < 2:                       # nothing to draw: a run that ended at its start
        return []
    if pattern is None:
        return [(P, np.arange(n, dtype=float))]
    if len(pattern) % 2:
        pattern = pattern * 2                 # as SVG: an odd list is repeated
    seg = np.hypot(*np.diff(P, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(cum[-1])
    pieces = []
    pos, k = 0.0, 0
    while pos < total and len(pieces) < MAX_DASHES:
        length = pattern[k % len(pattern)]
        if k % 2 == 0:
            a, b = pos, min(pos + length, total)
            idx = np.arange(np.searchsorted(cum, a, side="right"), np.searchsorted(cum, b))
            (pa, ia), (pb, ib) = _at(P, cum, a), _at(P, cum, b)
            pts = np.vstack([pa[None], P[idx], pb[None]])
            pieces.append((pts, np.concatenate([[ia], idx.astype(float), [ib]])))
        pos += length
        k += 1
    return pieces


def _at(P, cum, s) -> tuple[np.ndarray, float]:
    """The point at arc length s along P and its fractional index."""
    i = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(P) - 2))
    span = cum[i + 1] - cum[i]
    w = (s - cum[i]) / span if span > 0 else 0.0
    return P[i] + w * (P[i + 1] - P[i]), i + w


def frame_steps(steps: int, n: int) -> list[int]:
    """At most n steps to draw, increasing: 0, the first steps one by one, then evenly to the last."""
    steps = int(steps)
    if steps + 1 <= n:
        return list(range(steps + 1))
    head = list(range(min(FIRST_ONE_BY_ONE, n // 2)))
    rest = np.linspace(head[-1] + 1, steps, n - len(head)).round().astype(int).tolist()
    return sorted(set(head + rest))


@dataclass
class _Run:
    key: str
    label: str                  # the legend's
    short: str                  # at the head
    color: tuple
    dash: str
    symbol: str
    points: np.ndarray          # θ_t, rows up to the last finite one
    gaps: np.ndarray            # f(θ_t) − f_ref
    diverged_at: int | None
    px: np.ndarray = dc_field(default=None)
    pieces: list = dc_field(default_factory=list)
    piece_lo: np.ndarray = dc_field(default=None)
    piece_hi: np.ndarray = dc_field(default=None)


@dataclass
class Slide:
    """Everything a frame of one scenario needs, made once (fonts, map, pixel paths)."""

    size: tuple[int, int]
    theme: str
    title: str
    formula: str
    steps: int
    window: tuple
    runs: list
    minima: np.ndarray
    start: tuple
    f_known: bool
    f_ref: float
    lang: str | None
    map_box: tuple[int, int, int]          # left, top, side (pixels)
    curve_box: tuple[int, int, int, int]   # left, top, width, height
    legend_top: int
    row: int
    map_image: object = None
    static: object = None
    y_range: tuple = (0.0, 1.0)
    labels: dict = dc_field(default_factory=dict)

    def u(self, v: float) -> int:
        """v pixels of the 1920-wide layout at this slide's size."""
        return max(1, int(round(v * self.size[0] / 1920)))

    @property
    def colors(self):
        return _THEMES[self.theme]

    def to_px(self, P: np.ndarray) -> np.ndarray:
        """θ → pixel centres in the map image: x left→right, y bottom→top (as the PNG is drawn)."""
        (xa, xb), (ya, yb) = self.window
        side = self.map_box[2]
        P = np.asarray(P, dtype=float)
        X = (P[..., 0] - xa) / (xb - xa) * (side - 1)
        Y = (yb - P[..., 1]) / (yb - ya) * (side - 1)
        return np.clip(np.stack([X, Y], axis=-1), -50 * side, 50 * side)


def prepare(s, trajectories: dict, field, *, theme: str = "light", size=PNG_SIZE,
            title: str = "", formula: str | None = None, lang: str | None = None,
            labels: dict | None = None) -> Slide:
    """The slide for scenario `s` (runs in the sidebar's order) with its trajectories and field;
    `labels`: run key → name as the page's legend shows it (default: the optimizer's title)."""
    from PIL import Image

    theme = theme if theme in _THEMES else "light"
    surface = s.build_surface()
    if not title:
        with speaking(lang):
            title = t("Your own f(x, y)") if s.surface == "custom" else t(surface.title)
    if formula is None:
        formula = ("f(x, y) = " + (expression_formula(s.expr) if s.surface == "custom"
                                   else unicode_formula(surface.latex)))
    W, H = size
    u = lambda v: max(1, int(round(v * W / 1920)))          # noqa: E731
    side = H - u(190) - u(58)
    map_box = (u(118), u(190), side)
    f_ref = surface.f_min if surface.f_min is not None else field.f_star
    runs = []
    with speaking(lang):
        for r in s.runs:
            tr = trajectories.get(r.key)
            if tr is None:
                continue
            P = np.asarray(tr.points, dtype=float)
            finite = np.isfinite(P).all(axis=1) & np.isfinite(tr.losses)
            last = int(np.flatnonzero(finite)[-1]) if finite.any() else -1
            label = (labels or {}).get(r.key) or run_label(s.label(r.key))
            runs.append(_Run(r.key, label, run_label(r.label), run_colour(r.key, theme), style.run_dash(r.key),
                             style.run_symbol(r.key), P[:last + 1],
                             np.asarray(tr.losses[:last + 1], dtype=float) - f_ref, tr.diverged_at))
    legend_top = u(200)
    row = u(50) if len(runs) <= 8 else u(40)
    curve_top = legend_top + row * max(len(runs), 1) + u(40)
    curve_left = map_box[0] + side + u(150)
    curve_box = (curve_left, curve_top, W - u(48) - curve_left, max(u(120), H - u(110) - curve_top))
    slide = Slide(size=(W, H), theme=theme, title=title, formula=formula, steps=int(s.steps),
                  window=surface.window, runs=runs,
                  minima=np.asarray(surface.minima, dtype=float).reshape(-1, 2),
                  start=s.start, f_known=surface.f_min is not None, f_ref=float(f_ref), lang=lang,
                  map_box=map_box,
                  curve_box=curve_box, legend_top=legend_top, row=row)
    line_w = u(style.PRESENT.line)
    for run in runs:
        run.px = slide.to_px(run.points)
        run.pieces = dashed_pieces(run.px, dash_pattern(run.dash, line_w))
        run.piece_lo = np.array([par[0] for _, par in run.pieces], dtype=float)
        run.piece_hi = np.array([par[-1] for _, par in run.pieces], dtype=float)
    gaps = np.concatenate([r.gaps for r in runs]) if runs else np.array([1.0])
    pos = gaps[np.isfinite(gaps) & (gaps > 0)]
    if pos.size:
        hi = math.ceil(math.log10(pos.max()) + 1e-9)
        lo = math.floor(math.log10(max(pos.min(), 10.0 ** (hi - 16))))
        slide.y_range = (lo, max(hi, lo + 1))
    slide.map_image = Image.open(io.BytesIO(map_png(field, side, theme))).convert("RGB")
    _landmarks(slide)
    slide.static = _static(slide)
    return slide


def _landmarks(slide: Slide) -> None:
    """The minima (the player's yellow star) and the start (○) on the map picture, under the paths."""
    from PIL import ImageDraw

    d, u, c = ImageDraw.Draw(slide.map_image), slide.u, slide.colors
    r, w = u(13), u(4)
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2, 0.45, 1.0) * r * 1.5
    for x, y in slide.to_px(slide.minima):
        star = [(x + q * np.cos(a), y - q * np.sin(a)) for q, a in zip(radii, angles)]
        d.polygon(star, fill=(255, 212, 0), outline=(51, 51, 51), width=max(1, u(2)))
    x, y = slide.to_px(np.asarray(slide.start, dtype=float))
    if np.isfinite([x, y]).all():
        d.ellipse([x - r, y - r, x + r, y + r], outline=c["text"], width=w)


def _num(v: float) -> str:
    """A number as on the page's axes: %g with a real minus sign."""
    return f"{v:g}".replace("-", "−")


def _text(draw, xy, text, size, fill, *, bold=False, anchor="la", halo=None, u=None):
    f = font_for(text, size, bold)
    kw = dict(stroke_width=max(1, size // 9), stroke_fill=halo) if halo is not None else {}
    draw.text(xy, text, font=f, fill=fill, anchor=anchor, **kw)
    return draw.textbbox(xy, text, font=f, anchor=anchor)


def _fitted(draw, xy, text, size, width, fill, anchor="la", smallest=None):
    """One line of text within `width` pixels: smaller type down to `smallest` (default 60% of
    `size`), then cut with an ellipsis (a long typed expression, a long A/B label)."""
    small = max(6, int(smallest or size * 0.6))
    for sz in range(int(size), small - 1, -2):
        if draw.textlength(text, font=font_for(text, sz)) <= width:
            return _text(draw, xy, text, sz, fill, anchor=anchor)
    f = font_for(text, small)
    while len(text) > 1 and draw.textlength(text + "…", font=f) > width:
        text = text[:-1]
    return _text(draw, xy, text + "…", small, fill, anchor=anchor)


def _log_label(e: int) -> str:
    return "1" if e == 0 else "10" + str(e).translate(_SUP)


def _static(slide: Slide):
    """The frame without anything that moves: title, formula, map, axes, legend names."""
    from PIL import Image, ImageDraw

    c, u = slide.colors, slide.u
    im = Image.new("RGB", slide.size, c["bg"])
    d = ImageDraw.Draw(im)
    with speaking(slide.lang):
        _text(d, (u(48), u(30)), slide.title, u(54), c["text"], bold=True)
        _fitted(d, (u(48), u(106)), slide.formula, u(34), slide.size[0] - u(96), c["dim"])
        left, top, side = slide.map_box
        im.paste(slide.map_image, (left, top))
        d.rectangle([left - 1, top - 1, left + side, top + side], outline=c["grid"], width=u(2))
        (xa, xb), (ya, yb) = slide.window
        tick = u(24)
        _text(d, (left, top + side + u(8)), _num(xa), tick, c["dim"], anchor="la")
        _text(d, (left + side, top + side + u(8)), _num(xb), tick, c["dim"], anchor="ra")
        _text(d, (left + side // 2, top + side + u(8)), "x", tick, c["dim"], anchor="ma")
        _text(d, (left - u(10), top + side), _num(ya), tick, c["dim"], anchor="rs")
        _text(d, (left - u(10), top), _num(yb), tick, c["dim"], anchor="rt")
        _text(d, (left - u(10), top + side // 2), "y", tick, c["dim"], anchor="rm")
        # legend: swatch and name; the values are drawn per frame under their heading, in a
        # column as wide as the widest they can be
        x0 = slide.curve_box[0] - u(60)
        value_w = max(d.textlength(t("diverged at step {k}", k=slide.steps), font=font_for(
            t("diverged at step {k}", k=slide.steps), u(26))),
            d.textlength("−8.88e−300", font=font_for("0", u(26))))
        name_w = slide.size[0] - u(48) - value_w - u(24) - (x0 + u(88))
        # one type size for every name: the largest at which the longest fits (≥ 20 px at 1080p)
        name_size = u(28)
        while name_size > u(20) and any(
                d.textlength(r.label, font=font_for(r.label, name_size)) > name_w for r in slide.runs):
            name_size -= 1
        _text(d, (slide.size[0] - u(48), slide.legend_top - u(6)),
              ("f − f*" if slide.f_known else "f"), u(24), c["dim"], anchor="rb")
        for i, run in enumerate(slide.runs):
            y = slide.legend_top + i * slide.row + slide.row // 2
            sw = np.array([[x0, y], [x0 + u(70), y]], dtype=float)
            pat = dash_pattern(run.dash, u(style.PRESENT.line))
            for pts, _ in dashed_pieces(sw, pat):
                d.line([tuple(p) for p in pts], fill=run.color, width=u(style.PRESENT.line))
            _marker(d, (x0 + u(35), y), run.symbol, u(9), run.color, c["bg"], u)
            _fitted(d, (x0 + u(88), y), run.label, name_size, name_w, c["text"], anchor="lm",
                    smallest=name_size)
        # the loss curve's frame and decade ticks
        L, T, Wc, Hc = slide.curve_box
        d.rectangle([L, T, L + Wc, T + Hc], outline=c["grid"], width=u(2))
        lo, hi = slide.y_range
        every = max(1, math.ceil((hi - lo) / 6))
        for e in range(int(lo), int(hi) + 1):
            if (e - int(lo)) % every:
                continue
            y = _curve_y(slide, e)
            d.line([L, y, L + Wc, y], fill=c["grid"], width=1)
            _text(d, (L - u(8), y), _log_label(e), u(22), c["dim"], anchor="rm")
        _text(d, (L, T + Hc + u(8)), "0", u(22), c["dim"], anchor="la")
        _text(d, (L + Wc, T + Hc + u(8)), str(slide.steps), u(22), c["dim"], anchor="ra")
        _text(d, (L + Wc // 2, T + Hc + u(8)), t("step"), u(22), c["dim"], anchor="ma")
        ylabel = "f − f*" if slide.f_known else "f − min f"
        _text(d, (L + u(10), T + u(8)), ylabel, u(24), c["dim"], anchor="la")
    return im


def _curve_y(slide: Slide, logv):
    L, T, Wc, Hc = slide.curve_box
    lo, hi = slide.y_range
    return T + Hc - (np.clip(logv, lo, hi) - lo) / (hi - lo) * Hc


def _curve_pts(slide: Slide, run: _Run, k: int, a: int = 0) -> list[tuple[float, float]]:
    """The loss curve's points for steps a … k."""
    L, T, Wc, Hc = slide.curve_box
    g = run.gaps[a:k + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.log10(np.where(g > 0, g, 10.0 ** slide.y_range[0]))
    idx = np.arange(a, a + len(g))
    X = L + idx / max(slide.steps, 1) * Wc
    Y = _curve_y(slide, lg)
    ok = np.isfinite(Y)
    return list(zip(X[ok].tolist(), Y[ok].tolist()))


def _marker(d, xy, symbol, r, color, bg, u):
    """A Plotly marker symbol at xy: circle, square, diamond, triangle-up/down, cross, x; "-open"
    draws it hollow (a copy's head), "-open-dot" hollow with a dot."""
    x, y = xy
    base, _, variant = symbol.partition("-open")
    hollow = symbol != base
    w = max(1, u(2))
    fill, outline, width = (bg, color, max(2, u(4))) if hollow else (color, bg, w)
    if base == "square":
        d.rectangle([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width)
    elif base == "diamond":
        q = r * 1.3
        d.polygon([(x, y - q), (x + q, y), (x, y + q), (x - q, y)], fill=fill, outline=outline,
                  width=width)
    elif base.startswith("triangle"):
        q = r * 1.25
        sgn = -1 if base == "triangle-down" else 1
        d.polygon([(x - q, y + sgn * q * 0.8), (x + q, y + sgn * q * 0.8), (x, y - sgn * q)],
                  fill=fill, outline=outline, width=width)
    elif base in ("cross", "x"):
        d.ellipse([x - r, y - r, x + r, y + r], fill=bg)
        s = r * 0.8
        pts = ([x - s, y, x + s, y], [x, y - s, x, y + s]) if base == "cross" else \
            ([x - s, y - s, x + s, y + s], [x - s, y + s, x + s, y - s])
        for p in pts:
            d.line(p, fill=color, width=max(2, r // 2))
    else:
        d.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width)
    if variant == "-dot":
        q = max(2, r // 3)
        d.ellipse([x - q, y - q, x + q, y + q], fill=color)


class _Trails:
    """The paths and loss curves drawn so far, grown frame by frame (each segment is drawn once)."""

    def __init__(self, slide: Slide):
        from PIL import ImageDraw
        self.slide = slide
        self.map = slide.map_image.copy()
        self.frame = slide.static.copy()
        self.dm, self.df = ImageDraw.Draw(self.map), ImageDraw.Draw(self.frame)
        self.k = -1

    def grow(self, k: int) -> None:
        s, u = self.slide, self.slide.u
        w = u(style.PRESENT.line)
        a = self.k
        for run in s.runs:
            kk = min(k, len(run.points) - 1)
            if kk <= max(a, 0):
                continue
            # the dash pieces that overlap steps a … kk (their first and last params, sorted)
            for i in np.flatnonzero((run.piece_hi > a) & (run.piece_lo <= kk)):
                pts, par = run.pieces[i]
                keep = (par >= a) & (par <= kk)
                sel = pts[keep]
                # extend to the exact ends of the new stretch so consecutive frames join up
                if par[0] < a < par[-1]:
                    sel = np.vstack([_interp(pts, par, a)[None], sel])
                if par[0] < kk < par[-1]:
                    sel = np.vstack([sel, _interp(pts, par, kk)[None]])
                if len(sel) >= 2:
                    self.dm.line([tuple(p) for p in sel.tolist()], fill=run.color, width=w,
                                 joint="curve")
            c = _curve_pts(s, run, kk, max(a, 0))
            if len(c) >= 2:
                self.df.line(c, fill=run.color, width=max(1, u(3)), joint="curve")
        self.k = max(self.k, k)


def _interp(pts, par, a):
    i = int(np.clip(np.searchsorted(par, a) - 1, 0, len(par) - 2))
    span = par[i + 1] - par[i]
    w = (a - par[i]) / span if span > 0 else 0.0
    return pts[i] + w * (pts[i + 1] - pts[i])


def _label_image(slide: Slide, run: _Run):
    """A run's short name (Adam B: the legend says what differs) with a halo in the background
    colour, drawn once (RGBA)."""
    from PIL import Image, ImageDraw

    hit = slide.labels.get(run.key)
    if hit is None:
        u, c = slide.u, slide.colors
        f = font_for(run.short, u(26))
        halo = max(2, u(4))
        box = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox((0, 0), run.short, font=f,
                                                                 stroke_width=halo)
        hit = Image.new("RGBA", (box[2] - box[0] + 2, box[3] - box[1] + 2), c["bg"] + (0,))
        ImageDraw.Draw(hit).text((1 - box[0], 1 - box[1]), run.short, font=f, fill=c["text"],
                                 stroke_width=halo, stroke_fill=c["bg"])
        slide.labels[run.key] = hit
    return hit


def _render(slide: Slide, trails: _Trails, k: int):
    """The frame at step k: the trails so far, the heads with names, counter and values."""
    from PIL import ImageDraw

    trails.grow(k)
    c, u = slide.colors, slide.u
    m = trails.map.copy()
    dm = ImageDraw.Draw(m)
    placed = []
    heads = []
    for run in slide.runs:
        kk = min(k, len(run.points) - 1)
        if kk < 0:
            continue
        heads.append((run, run.px[kk]))
    for run, (x, y) in heads:
        _marker(dm, (x, y), run.symbol, u(11), run.color, c["bg"], u)
    # names at the heads, where they do not cover one another (the legend names them all); the
    # heads drawn last (on top) first, left of the head where the right side has no room
    side = slide.map_box[2]
    r = u(14)
    placed += [(x - r, y - r, x + r, y + r) for _, (x, y) in heads]     # never over a head
    for run, (x, y) in reversed(heads):
        label = _label_image(slide, run)
        lw, lh = label.size
        x, y = int(round(x)), int(round(y))
        # right of the head, else left, else above or below it: the first place that is free
        for lx, ly in ((x + u(16), y - lh // 2), (x - u(16) - lw, y - lh // 2),
                       (x + u(8), y - u(14) - lh), (x + u(8), y + u(14))):
            box = (lx, ly, lx + lw, ly + lh)
            if box[0] >= 0 and box[2] <= side and box[1] >= 0 and box[3] <= side and not any(
                    not (box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1])
                    for b in placed):
                placed.append(box)
                m.paste(label, (lx, ly), label)
                break
    with speaking(slide.lang):
        im = trails.frame.copy()
        im.paste(m, slide.map_box[:2])
        d = ImageDraw.Draw(im)
        W = slide.size[0]
        _text(d, (W - u(48), u(36)), t("step {t} / {steps}", t=k, steps=slide.steps), u(46),
              c["text"], bold=True, anchor="ra")
        x_val = W - u(48)
        for i, run in enumerate(slide.runs):
            y = slide.legend_top + i * slide.row + slide.row // 2
            if run.diverged_at is not None and k >= run.diverged_at:
                text = t("diverged at step {k}", k=run.diverged_at)
            else:
                g = run.gaps[min(k, len(run.gaps) - 1)] + (0.0 if slide.f_known else slide.f_ref)
                text = f"{g:.3g}".replace("e-0", "e−").replace("e-", "e−").replace("e+0", "e+")
                text = text.replace("-", "−")
            _text(d, (x_val, y), text, u(26), c["dim"], anchor="rm")
    return im


def _frames(slide: Slide, steps: list[int]):
    trails = _Trails(slide)
    for k in steps:
        yield k, _render(slide, trails, k)


# ---------------------------------------------------------------------------------- exports
def png(s, trajectories, field, *, step: int | None = None, size=PNG_SIZE, **kw) -> bytes:
    """The slide at `step` (default: the last) as PNG bytes, `size` pixels (default 1920×1080);
    `kw`: prepare's theme, title, formula, lang, labels."""
    slide = prepare(s, trajectories, field, size=size, **kw)
    k = slide.steps if step is None else max(0, min(int(step), slide.steps))
    im = _render(slide, _Trails(slide), k)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def gif(s, trajectories, field, *, size=GIF_SIZE, frames: int = GIF_FRAMES, **kw) -> bytes:
    """The race from step 0 to the last as an animated GIF (loops; the last frame stays up)."""
    from PIL import Image

    slide = prepare(s, trajectories, field, size=size, **kw)
    steps = frame_steps(slide.steps, frames)
    # one palette for every frame, from the last (it holds every path and the whole curve); each
    # frame is reduced to it as it is drawn, so no RGB frame is kept (120 would be ~190 MB)
    pal = _render(slide, _Trails(slide), steps[-1]).quantize(colors=255,
                                                            method=Image.Quantize.MEDIANCUT)
    out = (im.quantize(palette=pal, dither=Image.Dither.NONE) for _, im in _frames(slide, steps))
    buf = io.BytesIO()
    durations = [GIF_MS] * (len(steps) - 1) + [GIF_END_MS]
    next(out).save(buf, format="GIF", save_all=True, append_images=out, duration=durations,
                   loop=0)     # Pillow's default optimize: each frame only where it changed
    return buf.getvalue()


def mp4_unavailable() -> str | None:
    """Why an MP4 cannot be made here (None: it can): the encoder comes with imageio-ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return t("MP4 needs the imageio-ffmpeg package (pip install imageio-ffmpeg), which brings "
                 "the encoder.")
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as e:          # its binary missing or not runnable on this machine
        return t("The MP4 encoder could not start: {error}", error=str(e)[:200])
    return None


def mp4(s, trajectories, field, *, size=MP4_SIZE, frames: int = MP4_FRAMES, fps: int = MP4_FPS,
        **kw) -> bytes:
    """The race as an H.264 MP4 (yuv420p: plays in PowerPoint, Keynote, Google Slides, browsers)."""
    import imageio_ffmpeg

    slide = prepare(s, trajectories, field, size=size, **kw)
    steps = frame_steps(slide.steps, frames)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "race.mp4")
        writer = imageio_ffmpeg.write_frames(path, slide.size, fps=fps, codec="libx264",
                                             pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
                                             quality=7, macro_block_size=8,
                                             ffmpeg_log_level="error",
                                             output_params=["-preset", "veryfast",
                                                            "-movflags", "+faststart"])
        writer.send(None)
        try:
            im = None
            for _, im in _frames(slide, steps):
                writer.send(im.tobytes())
            for _ in range(MP4_END_FRAMES if im is not None else 0):
                writer.send(im.tobytes())
        finally:
            writer.close()
        with open(path, "rb") as fh:
            return fh.read()
