"""Links as people share them: `?preset=<name>` alone, tracking parameters that chat and social
apps append, and a typed expression whose `+` arrived as a space (form encoding)."""
from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optviz.model import presets
from optviz.model.scenario import DEFAULT_EXPR, Repaired, parse_query, to_query

from test_app import page, race, widget
from test_links_fuzz import queries

TRACKING = {"utm_source": "whatsapp", "utm_medium": "social", "utm_campaign": "lecture-3",
            "fbclid": "IwAR0abc", "gclid": "Cj0KCQ", "mc_cid": "1a2b", "mc_eid": "3c4d",
            "ref": "newsletter", "igshid": "MzRlODBi", "si": "dQw4w9WgXcQ"}


# ------------------------------------------------------------------------------ the parser
@pytest.mark.parametrize("p", presets.all_presets(), ids=lambda p: p.name)
def test_a_preset_name_alone_reads_as_the_presets_scenario(p):
    alone = parse_query({"preset": p.name})
    assert alone == parse_query({**p.query, "preset": p.name}) and alone[1] == []
    assert presets.unchanged(p, alone[0])
    # the page's other keys leave it a preset link; a race key makes it the user's own race
    s, notes = parse_query({"preset": p.name, "view": "present", "lang": "ko", **TRACKING})
    assert notes == [] and presets.unchanged(p, s) and (s.view, s.lang) == ("present", "ko")
    s, _ = parse_query({"preset": p.name, "steps": "77"})
    assert s.steps == 77 and not presets.unchanged(p, s)


def test_an_unknown_preset_alone_is_named_and_the_default_race_shown():
    s, notes = parse_query({"preset": "no-such-preset"})
    assert s.runs == parse_query({})[0].runs and notes == ["preset: unknown preset 'no-such-preset'; ignored"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=queries, extra=st.dictionaries(st.sampled_from(sorted(TRACKING) + ["utm_x", "utm_"]),
                                       st.text(max_size=20), min_size=1))
def test_tracking_parameters_change_nothing_and_say_nothing(q, extra):
    q = {k: v for k, v in q.items() if k not in extra}
    assert parse_query({**q, **extra}) == parse_query(q)


@pytest.mark.parametrize("typed, arrived, read", [
    ("x**2+y**2", "x**2 y**2", "x**2 + y**2"),
    ("x**2 + 3*y**2", "x**2   3*y**2", "x**2 + 3*y**2"),
    ("sin(x)+cos(y)+1", "sin(x) cos(y) 1", "sin(x) + cos(y) + 1"),
    ("(1-x)**2+100*(y-x**2)**2", "(1-x)**2 100*(y-x**2)**2", "(1-x)**2 + 100*(y-x**2)**2"),
])
def test_a_plus_that_arrived_as_a_space_is_put_back_and_said(typed, arrived, read):
    from urllib.parse import parse_qs
    assert parse_qs("expr=" + typed)["expr"] == [arrived]      # what form decoding really does
    s, notes = parse_query({"surface": "custom", "expr": arrived})
    assert s.expr == read
    assert len(notes) == 1 and isinstance(notes[0], Repaired) and "%2B" in notes[0]


def test_a_space_form_that_parses_is_kept_and_a_broken_one_gets_the_hint():
    s, notes = parse_query({"surface": "custom", "expr": "sin(x) * cos(y)"})
    assert s.expr == "sin(x) * cos(y)" and notes == []
    s, notes = parse_query({"surface": "custom", "expr": "x**2 (y"})       # neither form parses
    assert s.expr == DEFAULT_EXPR and len(notes) == 1 and not isinstance(notes[0], Repaired)
    assert "syntax error" in notes[0] and "write + as %2B" in notes[0]
    s, notes = parse_query({"surface": "custom", "expr": "x**2+(y"})       # had its +: no hint
    assert "%2B" not in notes[0]


# -------------------------------------------------------------------------------- the page
pytestmark = pytest.mark.usefixtures("fresh_caches")


def _legend(at) -> list[str]:
    return [r["label"] for r in race(at)["runs"]]


def test_the_page_from_a_preset_name_alone_shows_the_preset_and_keeps_the_link_short():
    p = presets.get_preset("adam-bias-correction")
    at = page({"preset": p.name, **TRACKING})
    assert not at.warning and not at.error
    assert _legend(at) == list(parse_query({"preset": p.name})[0].label(r.key)
                               for r in parse_query(p.query)[0].runs)
    head = [e.label for e in at.expander if p.title in e.label]
    assert head and "changed since it was loaded" not in head[0]
    assert {k: at.query_params[k] for k in at.query_params if k not in TRACKING} == {"preset": p.name}
    at.run()                                              # a rerun does not lengthen it either
    assert [k for k in at.query_params if k not in TRACKING] == ["preset"]
    widget(at, "adam.beta1").set_value(0.5).run()      # a control changes: the full link
    assert at.query_params["adam.beta1"] == "0.5" and at.query_params["preset"] == p.name
    assert any("changed since it was loaded" in e.label for e in at.expander if p.title in e.label)


def test_the_page_mends_a_plus_sent_as_a_space_with_a_note_not_a_warning():
    at = page({"surface": "custom", "expr": "x**2 y**2"})
    assert not at.warning
    assert any("%2B" in i.value for i in at.info)
    assert at.text_input(key="expr").value == "x**2 + y**2"
    at = page({"surface": "custom", "expr": "x**2 (y"})
    assert "%2B" in "\n".join(w.value for w in at.warning)
