"""Colours, line styles and type sizes shared by every chart, so a run looks the same everywhere.

Each optimizer owns one colour whatever else is selected (its registry entry's `color`, the light
theme's; Adam is always blue), so a lecturer's second slide matches the first. The built-in colours
form a palette in the spirit of Okabe & Ito's, tuned so that runs stay apart under simulated
deuteranopia, protanopia and tritanopia and keep 3:1 contrast on every band of the map, in each
theme (tests/test_colours.py measures both). Shape carries what colour alone cannot: the path head's
marker says the optimizer's family, the dash says the copy (A solid, B dashed, C dotted).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import optimizers

THEMES = ("light", "dark")

# The built-in palette: an entry's light-theme colour (its registry `color`) → its dark-theme twin.
# Light colours are dark enough for 3:1 on the light map's deepest band, dark ones light enough for
# 3:1 on the dark map's lightest band (background._STOPS).
PALETTE = {
    "#bb2e00": "#f1854f",   # vermillion
    "#a16335": "#e79f03",   # orange-brown
    "#3b2500": "#cfa67a",   # brown
    "#0b5128": "#2bcea4",   # bluish green
    "#9246bb": "#f094d2",   # purple / pink
    "#0c4591": "#41a9ff",   # blue
    "#d01d70": "#ed5ca6",   # reddish purple
    "#111c6a": "#9bc3ff",   # navy / sky
    "#1b6f61": "#6af6ff",   # teal / cyan
    "#606b00": "#d6dd43",   # olive / yellow
    "#994e24": "#fdb46c",   # rust / apricot
    "#790c37": "#ff939d",   # wine / rose
    "#4f2dad": "#b783ce",   # violet / lilac
    "#242221": "#e6e9e7",   # near black / near white
    "#5a7074": "#afd1c4",   # slate / sage
}
# For an entry without its own colour: a stable pick by a hash of the name (the same name always
# gets the same colour, in every process), from hues the built-ins use least.
FALLBACK = ("#0b5128", "#9246bb", "#994e24", "#1b6f61", "#d01d70", "#4f2dad", "#606b00", "#5a7074")

DASHES = {1: "solid", 2: "dash", 3: "dot"}
# The path head's marker by family (read from the entry, never from its name); a copy keeps it.
FAMILY_SYMBOLS = {"sgd": "circle", "accumulating": "diamond", "adaptive": "triangle-up",
                  "adam": "square", "adam-decoupled": "x"}
SYMBOL_BY_COPY = {1: "", 2: "-open", 3: "-open-dot"}


def _mix(hex_color: str, other: tuple[int, int, int], t: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (o - c) * t) for c, o in zip((r, g, b), other))
    return f"#{r:02x}{g:02x}{b:02x}"


def luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def _theme(theme: str) -> str:
    return theme if theme in THEMES else "light"


def readable(color: str, theme: str) -> str:
    """`color` moved towards black (light theme) or white (dark) until it has 3:1 against every
    band of that theme's map: a plugin's colour stays its hue but never vanishes into the map."""
    from .background import band_colors      # the map's bands; background imports no style
    bands = band_colors(theme)
    far = (0, 0, 0) if theme == "light" else (255, 255, 255)
    for k in range(21):
        c = _mix(color, far, k / 20)
        if min(contrast(c, b) for b in bands) >= 3.0:
            return c
    return _mix(color, far, 1.0)


def optimizer_color(name: str, theme: str = "light") -> str:
    """The colour of optimizer `name` in `theme`: its entry's, or a stable pick for one without."""
    theme = _theme(theme)
    try:
        color = optimizers.spec(name).color.lower()
    except ValueError:
        color = ""
    color = color or FALLBACK[zlib.crc32(name.encode()) % len(FALLBACK)]
    if color in PALETTE:
        return color if theme == "light" else PALETTE[color]
    return _READABLE.setdefault((color, theme), readable(color, theme))


_READABLE: dict[tuple[str, str], str] = {}


def run_color(key: str, theme: str = "light") -> str:
    """The colour of run `key` (`adam`, `adam-2`, …) in `theme`: its optimizer's (copies keep it;
    the dash and the marker tell them apart)."""
    name, _, _ = key.partition("-")
    return optimizer_color(name, theme)


def _copy(key: str) -> int:
    _, _, copy = key.partition("-")
    return int(copy) if copy.isdigit() else 1


def run_dash(key: str) -> str:
    return DASHES.get(_copy(key), "solid")


def family(name: str) -> str:
    """The style family of optimizer `name`, from its entry: sgd, accumulating, adaptive, adam
    (m̂/√v̂ with L2 or no decay) or adam-decoupled (decoupled or proximal weight decay)."""
    try:
        spec = optimizers.spec(name)
    except ValueError:
        return "sgd"
    if spec.adam_family:
        return "adam-decoupled" if spec.weight_decay in ("decoupled", "proximal") else "adam"
    return spec.family


def run_symbol(key: str) -> str:
    name, _, _ = key.partition("-")
    return FAMILY_SYMBOLS.get(family(name), "circle") + SYMBOL_BY_COPY.get(_copy(key), "")


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


@dataclass(frozen=True)
class Typography:
    base: int
    title: int
    legend: int
    tick: int
    line: float
    head: int
    height: int


EXPLORE = Typography(base=14, title=18, legend=14, tick=13, line=2.6, head=12, height=720)
PRESENT = Typography(base=22, title=28, legend=22, tick=20, line=4.5, head=20, height=780)


def typography(view: str) -> Typography:
    return PRESENT if view == "present" else EXPLORE


# ------------------------------------------------------------------------------------ themes
# The page follows Streamlit's light or dark theme (st.context.theme.type); the charts draw their
# runs in the theme's palette, and `themed` recolours their frame (paper, grid, axes, text).
DARK = {"paper": "#0e1117", "plot": "#161b22", "grid": "#30363d", "line": "#8b949e",
        "text": "#e6edf3", "legend": "rgba(14,17,23,0.85)"}


def theme_of(kind) -> str:
    """'dark' or 'light' from whatever the browser reported (None, junk: light)."""
    return "dark" if kind == "dark" else "light"


def _dark_axis(ax: dict) -> dict:
    ax = dict(ax)
    ax["gridcolor"] = DARK["grid"]
    ax["linecolor"] = DARK["line"]
    ax["zerolinecolor"] = DARK["grid"]
    ax["tickcolor"] = DARK["line"]
    if "backgroundcolor" in ax or ax.get("showbackground"):
        ax["backgroundcolor"] = DARK["plot"]
    return ax


def themed(spec: dict, theme: str) -> dict:
    """`spec` (a plotly figure dict) for `theme`: the same dict for light, a recoloured shallow
    copy for dark (traces keep their own colours; only the frame and the texts change)."""
    if theme != "dark":
        return spec
    lay = dict(spec.get("layout") or {})
    lay["paper_bgcolor"] = DARK["paper"]
    lay["plot_bgcolor"] = DARK["plot"]
    lay["font"] = {**(lay.get("font") or {}), "color": DARK["text"]}
    if isinstance(lay.get("legend"), dict):
        lay["legend"] = {**lay["legend"], "bgcolor": DARK["legend"]}
    for k, v in list(lay.items()):
        if isinstance(v, dict) and (k.startswith(("xaxis", "yaxis")) or k.startswith("scene")):
            if k.startswith("scene"):
                v = {**v, **{a: _dark_axis({**v.get(a, {}), "showbackground": True})
                             for a in ("xaxis", "yaxis", "zaxis")}}
                lay[k] = v
            else:
                lay[k] = _dark_axis(v)
    notes = []
    for a in lay.get("annotations") or []:
        font = dict(a.get("font") or {})
        if font.get("color") in (None, "#222", "#333", "#555", "#888", "black"):
            font["color"] = DARK["text"]
        notes.append({**a, "font": font})
    if notes:
        lay["annotations"] = notes
    # black/grey reference lines (bounds, cursors) would vanish on the dark paper
    data = []
    for tr in spec.get("data") or []:
        line = tr.get("line") if isinstance(tr, dict) else None
        if isinstance(line, dict) and line.get("color") in ("#222", "#333", "#555", "#111", "black"):
            tr = {**tr, "line": {**line, "color": "#c9d1d9"}}
        data.append(tr)
    return {**spec, "layout": lay, "data": data}


# Text colours that keep 4.5:1 on Streamlit's light (#ffffff) and dark (#0e1117) backgrounds: the
# theme's faded greys (captions, help, widget labels) are 3.7:1 on white.
_MUTED = {"light": "#4b5563", "dark": "#b1bac4"}

_CSS = """
<style>
  /* a little less padding: the race is the page */
  .block-container { padding-top: 2.2rem; padding-bottom: 2rem; }
  section[data-testid="stSidebar"] .stExpander summary p { font-weight: 600; }
  h1 { padding-bottom: 0.2rem; }
  /* selected optimizers as quiet chips: the runs' own colours live in the charts */
  [data-testid="stMultiSelectTagsContainer"] > span > span {
    background-color: %(chip)s !important; color: %(chip_text)s !important; }
  [data-testid="stMultiSelectTagsContainer"] > span > span svg { fill: %(muted)s !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
  [data-testid="stWidgetLabel"] p, [data-testid="stTooltipHoverTarget"] svg {
    color: %(muted)s !important; }
  /* a segmented control's chosen option: the theme's blue text on its tint is 4.1:1 */
  [data-testid="stButtonGroup"] button[aria-checked="true"] p { color: %(chip_text)s !important;
    font-weight: 700; }
  /* the tabs wrap on a narrow screen (scrolled sideways they hid Presets and Sweep) */
  [data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0.2rem; }
  [data-testid="stTabs"] [role="tablist"] [role="tab"] { flex: 0 0 auto; }
  @media (max-width: 900px) {
    .block-container { padding-left: 0.6rem; padding-right: 0.6rem; }
  }
</style>
"""
_PRESENT_CSS = """
<style>
  /* projector: nothing under 20 px, the player fills the screen below a one-line heading */
  html, body, [class*="css"] { font-size: 22px; }
  .block-container { padding-top: 0.5rem; padding-bottom: 1rem; max-width: 100%; }
  /* the header bar (sidebar and menu buttons) floats in the corners instead of taking a row */
  header[data-testid="stHeader"], header[data-testid="stHeader"] div { background: transparent;
    pointer-events: none !important; }
  header[data-testid="stHeader"] :is(button, a, [role="button"]) { pointer-events: auto !important; }
  /* only the heading row keeps clear of the header's corner buttons; the race uses the width */
  @media (min-width: 901px) { .block-container { padding-left: 1rem; padding-right: 1rem; }
    .st-key-present_head { padding-left: 2.6rem; padding-right: 2.4rem; } }
  @media (max-width: 900px) { .block-container { padding: 3.2rem 0.6rem 1rem 0.6rem; } }
  .katex-display { overflow-x: auto; overflow-y: hidden; }
  h1, h2 { font-size: 1.6rem !important; padding: 0 !important; margin: 0 !important; }
  /* KaTeX's exponents are 0.7 of its size: 29 px keeps them at 20 px */
  .katex { font-size: 29px !important; }
  .st-key-present_head [data-testid="stElementContainer"] { width: auto; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
  [data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p, input, button p,
  [data-testid="stExpander"] summary p { font-size: 22px !important; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
  /* a phone (last: it overrides the projector sizes above); the formula scrolls sideways */
  @media (max-width: 640px) {
    html, body, [class*="css"] { font-size: 16px; }
    .katex { font-size: 20px !important; }
    [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
    [data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p, input, button p,
    [data-testid="stExpander"] summary p { font-size: 16px !important; }
  }
</style>
"""


def page_css(view: str, theme: str = "light") -> str:
    """CSS the page injects (our own constant text, never user input)."""
    dark = theme == "dark"
    css = _CSS % {"chip": "#30363d" if dark else "#e3e9f1", "chip_text": "#e6edf3" if dark else "#1d2733",
                  "muted": _MUTED["dark" if dark else "light"]}
    return css + (_PRESENT_CSS if view == "present" else "")
