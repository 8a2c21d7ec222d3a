"""The preset gallery: complete scenarios with a title and what to look for.

A preset is a link: `preset_url(p)` opens its scenario (every parameter written out, so a later
change of a default cannot change it) and tags it with `preset=<name>` so the page shows the text.
The presets are data: general.py (classic races) and paper.py (the claims of the Adam and AdamW
papers, with the panels that show them); this module is the one lookup.
"""
from __future__ import annotations

from dataclasses import replace

from ..scenario import PRESET_QUERIES, PRESET_TAGS, Preset, preset_url, to_query
from .general import GENERAL_PRESETS
from .paper import PAPER_PRESETS

PRESET_TAGS.update(p.name for p in GENERAL_PRESETS + PAPER_PRESETS)
PRESET_QUERIES.update((p.name, p.query) for p in GENERAL_PRESETS + PAPER_PRESETS)


__all__ = ["Preset", "preset_url", "GENERAL_PRESETS", "PAPER_PRESETS", "all_presets", "preset_names",
           "get_preset", "panel_label", "unchanged", "deck"]

def all_presets() -> list[Preset]:
    """The general presets, then the paper presets."""
    return list(GENERAL_PRESETS) + list(PAPER_PRESETS)


def preset_names() -> list[str]:
    return [p.name for p in all_presets()]


def get_preset(name: str) -> Preset | None:
    for p in all_presets():
        if p.name == name:
            return p
    return None


PANEL_LABELS = {"race": "the race", "diagnostics": "the diagnostics", "steps": "the step sizes",
                "3d": "the 3-D view"}


def deck(names=()) -> list[Preset]:
    """Present mode's scenes: the named presets, or by default the paper presets in order."""
    return [p for p in map(get_preset, names) if p is not None] or list(PAPER_PRESETS)


def panel_label(panel: str) -> str:
    return PANEL_LABELS.get(panel, "its own panel below the race")


def unchanged(preset: Preset, scenario) -> bool:
    """Does `scenario` still race exactly what the preset set up (whatever the view, the
    language, the theme, the deck and the prediction switch)? Compared as canonical link text: a
    preset's query is its scenario's explicit query."""
    return to_query(replace(scenario, view="explore", preset="", lang="", predict=False, theme="",
                            deck=()),
                    explicit=True) == dict(preset.query)
