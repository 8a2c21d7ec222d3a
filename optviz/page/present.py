"""Present mode's deck (the scenes a clicker pages through) and the link's theme request.

A deck is a list of preset names (`deck=` in the link, checked by the scenario codec); without one,
the paper presets in order. PageDown / PageUp (a presenter's clicker) and the page's ◀ ▶ buttons
move to the next / previous scene.
"""
from __future__ import annotations

import json
from typing import Mapping

from optviz.model import presets
from optviz.page.state import display_of

THEME_STORE = "stActiveTheme-{path}-v2"       # where Streamlit 1.67 keeps the chosen theme


def deck_names(deck) -> list[str]:
    return [p.name for p in presets.deck(tuple(deck or ()))]


def deck_position(current: str, deck) -> tuple[int | None, int]:
    """(index of `current` in the deck or None, number of scenes)."""
    names = deck_names(deck)
    return (names.index(current) if current in names else None), len(names)


def deck_neighbour(current: str, deck, step) -> str | None:
    """The scene `step` (+1 / −1) away from `current`; from outside the deck, +1 is its first
    scene and −1 its last. None at either end, or for a step that is not ±1."""
    if step not in (1, -1) or isinstance(step, bool):
        return None
    names = deck_names(deck)
    i, n = deck_position(current, deck)
    j = (0 if step > 0 else n - 1) if i is None else i + step
    return names[j] if 0 <= j < n else None


def display_query(session: Mapping) -> dict[str, str]:
    """The link's `theme` and `deck` as the session holds them (a loaded preset keeps them)."""
    theme, deck = display_of(session)
    return {**({"theme": theme} if theme else {}), **({"deck": ",".join(deck)} if deck else {})}


def theme_script(theme: str) -> str:
    """A script that switches Streamlit's theme to `theme` (light/dark) the way its settings menu
    does (the choice kept in the browser's storage, then one reload); not again for the same
    request in this tab, so that a browser which refuses it cannot loop."""
    want = json.dumps("Dark" if theme == "dark" else "Light")
    return (
        "<script>(() => {"
        f"const want = {want};"
        "if (sessionStorage.getItem('optviz-theme') === want) return;"
        "sessionStorage.setItem('optviz-theme', want);"
        f"localStorage.setItem({json.dumps(THEME_STORE)}.replace('{{path}}', location.pathname), "
        "JSON.stringify(want));"
        "location.reload();"
        "})();</script>")
