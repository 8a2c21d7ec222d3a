"""Colours and type sizes shared by every chart, so a run looks the same everywhere.

Each optimizer owns one colour whatever else is selected (its registry entry's `color`; Adam is
always blue), so a lecturer's second slide matches the first. A second/third copy of the same optimizer (A/B) keeps the hue,
darker/lighter, with a dashed/dotted line.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import optimizers

# For an entry without its own colour: distinct hues at the built-ins' saturation, picked by a
# stable hash of the name (the same name always gets the same colour, in every process).
FALLBACK = ("#2e7d32", "#c62828", "#6d4c41", "#00838f", "#ad1457", "#4527a0", "#ef6c00", "#558b2f")
DASHES = {1: "solid", 2: "dash", 3: "dot"}
SYMBOLS = {1: "circle", 2: "square", 3: "diamond"}


def _mix(hex_color: str, other: tuple[int, int, int], t: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (o - c) * t) for c, o in zip((r, g, b), other))
    return f"#{r:02x}{g:02x}{b:02x}"


def optimizer_color(name: str) -> str:
    """The colour of optimizer `name`: its entry's, or a stable pick for one without."""
    try:
        color = optimizers.spec(name).color
    except ValueError:
        color = ""
    return color or FALLBACK[zlib.crc32(name.encode()) % len(FALLBACK)]


def run_color(key: str) -> str:
    name, _, copy = key.partition("-")
    base = optimizer_color(name)
    if copy == "2":
        return _mix(base, (0, 0, 0), 0.35)
    if copy == "3":
        return _mix(base, (255, 255, 255), 0.35)
    return base


def run_dash(key: str) -> str:
    _, _, copy = key.partition("-")
    return DASHES.get(int(copy) if copy else 1, "solid")


def run_symbol(key: str) -> str:
    _, _, copy = key.partition("-")
    return SYMBOLS.get(int(copy) if copy else 1, "circle")


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
PRESENT = Typography(base=22, title=28, legend=22, tick=20, line=4.0, head=18, height=780)


def typography(view: str) -> Typography:
    return PRESENT if view == "present" else EXPLORE


_CSS = """
<style>
  /* a little less padding: the race is the page */
  .block-container { padding-top: 2.2rem; padding-bottom: 2rem; }
  section[data-testid="stSidebar"] .stExpander summary p { font-weight: 600; }
  h1 { padding-bottom: 0.2rem; }
  /* selected optimizers as quiet chips: the runs' own colours live in the charts */
  [data-testid="stMultiSelectTagsContainer"] > span > span {
    background-color: #e3e9f1 !important; color: #1d2733 !important; }
  [data-testid="stMultiSelectTagsContainer"] > span > span svg { fill: #55606e !important; }
</style>
"""
_PRESENT_CSS = """
<style>
  html, body, [class*="css"] { font-size: 21px; }
  .block-container { padding-top: 3.4rem; max-width: 100%; }  /* clear of the header bar */
  h1 { font-size: 2.8rem !important; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
</style>
"""


def page_css(view: str) -> str:
    """CSS the page injects (our own constant text, never user input)."""
    return _CSS + (_PRESENT_CSS if view == "present" else "")
