"""Present mode's deck and the page's theme: the link keys (`deck`, `theme`), the deck's paging,
the dark recolouring of a figure, and the page driven through AppTest (the ◀ ▶ buttons, the
second view, the theme request)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP
from optviz.figures import style
from optviz.model.presets import PAPER_PRESETS
from optviz.model.scenario import MAX_DECK, parse_query, to_query
from optviz.page import present

PAPER = [p.name for p in PAPER_PRESETS]


def test_theme_and_deck_round_trip_and_bad_values_are_named():
    s, notes = parse_query({"theme": "dark", "deck": f"{PAPER[2]},{PAPER[0]}", "view": "present"})
    assert notes == [] and s.theme == "dark" and s.deck == (PAPER[2], PAPER[0])
    assert to_query(s)["deck"] == f"{PAPER[2]},{PAPER[0]}" and to_query(s)["theme"] == "dark"
    assert parse_query(to_query(s)) == (s, [])
    assert "theme" not in to_query(parse_query({})[0]) and "deck" not in to_query(parse_query({})[0])

    s, notes = parse_query({"theme": "neon", "deck": f"zz,{PAPER[1]},<b>x</b>"})
    assert s.theme == "" and s.deck == (PAPER[1],)
    assert any(n.startswith("theme: 'neon'") for n in notes)
    assert any(n.startswith("deck: 'zz', '<b>x</b>' dropped") for n in notes)
    s, notes = parse_query({"deck": "nothing"})
    assert s.deck == () and "showing the paper presets" in notes[0]
    s, _ = parse_query({"deck": ",".join([PAPER[0]] + [f"x{i}" for i in range(100)])})
    assert s.deck == (PAPER[0],)
    s, _ = parse_query({"deck": ",".join(PAPER * 5)})          # repeats kept once
    assert s.deck == tuple(PAPER) and len(s.deck) <= MAX_DECK


def test_the_deck_pages_in_order_and_stops_at_its_ends():
    assert present.deck_names(()) == PAPER                      # the default: the paper presets
    assert present.deck_neighbour("", (), 1) == PAPER[0]        # from outside: the first …
    assert present.deck_neighbour("", (), -1) == PAPER[-1]      # … or the last scene
    for a, b in zip(PAPER, PAPER[1:]):
        assert present.deck_neighbour(a, (), 1) == b and present.deck_neighbour(b, (), -1) == a
    assert present.deck_neighbour(PAPER[-1], (), 1) is None
    assert present.deck_neighbour(PAPER[0], (), -1) is None
    own = (PAPER[3], PAPER[1])
    assert present.deck_neighbour(PAPER[3], own, 1) == PAPER[1]
    assert present.deck_neighbour(PAPER[1], own, 1) is None
    assert present.deck_neighbour(PAPER[3], own, 2) is None and present.deck_neighbour(PAPER[3], own, True) is None


def test_themed_recolours_the_frame_not_the_runs():
    spec = {"data": [{"line": {"color": "#0072b2"}}, {"line": {"color": "#333", "dash": "dot"}}],
            "layout": {"paper_bgcolor": "white", "xaxis": {"gridcolor": "#e5e5e5"},
                       "scene": {"xaxis": {}}, "annotations": [{"text": "α", "font": {"color": "#888"}}]}}
    assert style.themed(spec, "light") is spec
    dark = style.themed(spec, "dark")
    assert spec["layout"]["paper_bgcolor"] == "white"             # the cached spec is not touched
    lay = dark["layout"]
    assert lay["paper_bgcolor"] == "#0e1117" and lay["font"]["color"] == "#e6edf3"
    assert lay["xaxis"]["gridcolor"] == style.DARK["grid"] and lay["scene"]["xaxis"]["backgroundcolor"]
    assert dark["data"][0]["line"]["color"] == "#0072b2"          # a run keeps its colour
    assert dark["data"][1]["line"]["color"] != "#333"              # a grey reference line is lifted
    assert style.contrast(lay["font"]["color"], lay["paper_bgcolor"]) >= 4.5
    assert style.contrast(lay["annotations"][0]["font"]["color"], lay["paper_bgcolor"]) >= 4.5


@pytest.fixture
def page(fresh_caches):
    def run(query: dict) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in query.items():
            at.query_params[k] = v
        return at.run()
    return run


def test_the_next_button_loads_the_decks_scenes_in_present_mode(page):
    at = page({"view": "present", "deck": f"{PAPER[4]},{PAPER[2]}"})
    assert not at.exception
    at.button(key="_deck_prev").click().run()                  # from outside the deck: its last
    assert at.session_state["preset"] == PAPER[2]
    assert at.button(key="_deck_next").disabled                # at the end: nothing further
    at.button(key="_deck_prev").click().run()
    assert not at.exception and at.session_state["preset"] == PAPER[4]
    q = {k: at.query_params[k] for k in at.query_params}
    assert q["preset"] in (PAPER[4], [PAPER[4]]) and q["view"] in ("present", ["present"])
    assert q["deck"] in (f"{PAPER[4]},{PAPER[2]}", [f"{PAPER[4]},{PAPER[2]}"])
    # the second view: the preset's text, its panel and every run's update rule
    at.session_state["_present_page"] = "details"
    at.run()
    assert not at.exception
    assert any("Update rules" in m.value for m in at.markdown)
    assert len(at.latex) >= 1 + len(at.session_state["opt"])   # the formula and one rule per run


def test_theme_dark_in_the_link_asks_the_browser_for_the_dark_theme(page):
    at = page({"theme": "dark"})
    assert not at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "stActiveTheme" in html and '"Dark"' in html
    assert at.session_state["theme"] == "dark"
    at = page({})
    assert "stActiveTheme" not in " ".join(h.proto.body for h in at.get("html"))
