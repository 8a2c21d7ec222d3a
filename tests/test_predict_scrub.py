"""Predict-then-reveal and the scrubbed hyperparameter, without a browser: the `predict` link key,
the presets' questions, the family's values on each control's scale, its one batched call checked
member by member against `optimizers.run`, its record, the scrub's release into the sidebar
control, and what the page mounts (AppTest). The browser side is tests/test_predict_scrub_browser.py."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
from optviz.model import family, presets
from optviz.model.scenario import parse_query, to_query
from optviz.player import record

APP = str(Path(__file__).resolve().parents[1] / "app.py")


# ------------------------------------------------------------------------------- predict
def test_predict_is_a_link_key_and_only_the_switch():
    s, notes = parse_query({"predict": "1"})
    assert s.predict is True and notes == []
    assert to_query(s)["predict"] == "1"
    assert parse_query(to_query(s)) == (s, [])
    assert "predict" not in to_query(parse_query({})[0])            # off: left out of the link
    s, notes = parse_query({"predict": "maybe"})
    assert s.predict is False and len(notes) == 1 and notes[0].startswith("predict:")
    # the switch does not change what races (no new trajectories, same figures' key)
    a, b = parse_query({})[0], parse_query({"predict": "true"})[0]
    assert a.race_key() == b.race_key() and a.figure_key() == b.figure_key()


def test_every_preset_asks_one_question_and_stays_unchanged_under_predict():
    from dataclasses import replace
    from optviz.i18n import table
    ko = table("ko")
    for p in presets.all_presets():
        assert p.question.endswith("?") and "\n" not in p.question and len(p.question) < 140, p.name
        assert ko.get(p.question), p.name
        s = parse_query({**p.query, "preset": p.name})[0]
        assert presets.unchanged(p, replace(s, predict=True, lang="ko", view="present"))


# ----------------------------------------------------------------------------- the family
def _h(opt, name):
    return next(h for h in optimizers.spec(opt).hparams if h.name == name)


def test_members_are_on_the_controls_own_scale():
    lr = family.members(_h("adam", "lr"), 1e-3, 1e-1, True)
    assert lr.size >= 31 and lr[0] == 1e-3 and lr[-1] == 1e-1
    ratios = lr[1:] / lr[:-1]
    assert np.allclose(ratios, ratios[0], rtol=1e-2)            # geometric: a log scale
    assert all(len(f"{v:g}".split("e")[0].replace(".", "").strip("0")) <= 3 for v in lr)
    b2 = family.members(_h("adam", "beta2"), 0.9, 0.9999, True)
    gaps = (1 - b2[:-1]) / (1 - b2[1:])
    assert b2.size >= 31 and np.allclose(gaps, gaps[0], rtol=1e-2)   # 1 − β2 geometric
    eps = family.members(_h("adam", "eps"), 0.0, 1e-6, False)
    assert np.allclose(np.diff(eps), eps[1] - eps[0], rtol=1e-3)   # linear
    with_cur = family.members(_h("adam", "lr"), 1e-3, 1e-1, True, current=0.0123)
    assert 0.0123 in with_cur and with_cur.size == lr.size + 1
    assert family.members(_h("adam", "lr"), 1e-3, 1e-1, True, current=0.02).size == lr.size
    with pytest.raises(ValueError):
        family.members(_h("adam", "lr"), 1e-1, 1e-3, True)      # min must be below max
    with pytest.raises(ValueError):
        family.members(_h("adam", "beta1"), 0.5, 1.5, False)    # outside β1's range


def test_the_family_is_one_batched_call_and_each_member_is_optimizers_run(monkeypatch):
    family.FAMILIES.clear()
    scn = parse_query({"steps": "300"})[0]
    calls = []
    real = optimizers.run
    monkeypatch.setattr(optimizers, "run", lambda *a, **k: calls.append(1) or real(*a, **k))
    fam = family.compute(scn, "adam", "beta1", 0.5, 0.99, True)
    assert len(calls) == 1 and fam.values.size >= 31
    assert 0.9 in fam.values                                    # the race's own value is a member
    monkeypatch.setattr(optimizers, "run", real)
    surf, r = scn.build_surface(), scn.run("adam")
    for j, v in enumerate(fam.values):                          # the oracle: one run per value
        tr = optimizers.run(optimizers.get("adam", **{**r.hp_dict, "beta1": float(v)}), surf,
                            start=scn.start, steps=scn.steps, seed=scn.seed)
        np.testing.assert_array_equal(fam.points[:, j], tr.points)
        np.testing.assert_array_equal(fam.losses[:, j], tr.losses)
    # scrubbing β1 to a member keeps the family (no second call)
    from dataclasses import replace
    from optviz.model.scenario import Run
    moved = replace(scn, runs=tuple(Run(x.key, x.name, {**x.hp_dict, "beta1": float(fam.values[3])})
                                    if x.key == "adam" else x for x in scn.runs))
    monkeypatch.setattr(optimizers, "run", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert family.compute(moved, "adam", "beta1", 0.5, 0.99, True) is fam and len(calls) == 1
    assert fam.index_of(float(fam.values[3])) == 3


def test_a_family_over_the_budget_is_refused_before_it_runs():
    from optimizers.budget import OverBudget
    family.FAMILIES.clear()
    scn = parse_query({"steps": "20000"})[0]
    with pytest.raises(OverBudget):
        family.compute(scn, "adam", "lr", 1e-3, 1e-1, True, budget=1e-4)


def test_the_family_record_holds_every_member_path_as_recorded():
    family.FAMILIES.clear()
    scn = parse_query({"steps": "200", "opt": "sgd", "sgd.lr": "0.002"})[0]
    fam = family.compute(scn, "sgd", "lr", 1e-4, 1e-2, True)      # the large ones diverge
    f_star = scn.build_surface().f_min
    blob = record.family_record(fam, f_star)
    head, cols = record.header(blob), record.columns(blob)
    assert head["kind"] == "family" and head["values"] == [float(v) for v in fam.values]
    assert head["m"] == fam.values.size and head["n"] == 201
    np.testing.assert_array_equal(cols["theta"].reshape(201, -1, 2), fam.points)
    np.testing.assert_array_equal(cols["f"], fam.losses - f_star)
    assert any(d >= 0 for d in head["diverged_at"])              # a member that left the surface


def test_letting_go_of_the_scrub_sets_the_control_and_junk_is_ignored():
    from optviz.page.player import scrub_release
    s = {"opt": ["sgd", "adam"], "player": {"scrub": {"key": "adam.lr", "value": 0.0123}}}
    scrub_release(s)
    assert s["adam.lr"] == 0.0123
    for junk in ({"key": "adam.lr", "value": "1"}, {"key": "adam.lr", "value": True},
                 {"key": "adam.lr", "value": -1.0}, {"key": "lion.lr", "value": 0.1},
                 {"key": "adam.amsgrad", "value": 1.0}, {"key": "adam", "value": 0.1},
                 {"key": "adam.nope", "value": 0.1}, "adam.lr=1", None):
        s = {"opt": ["sgd", "adam"], "player": {"scrub": junk}}
        scrub_release(s)
        assert not any(k.endswith((".lr", ".amsgrad", ".nope")) for k in s), junk


# ------------------------------------------------------------------------------ the page
def _player(at):
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    return json.loads(el.proto.json)


def test_the_page_mounts_the_question_and_the_family(fresh_caches):
    from streamlit.testing.v1 import AppTest
    family.FAMILIES.clear()
    p = presets.get_preset("adam-bias-correction")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({**p.query, "preset": p.name, "predict": "1"})
    at.run()
    assert not at.exception
    sc = _player(at)
    assert sc["predict"] == {"on": True, "question": p.question, "tol": 1e-3}
    assert "family" not in sc
    at.toggle(key="_scrub_on").set_value(True).run()
    assert not at.exception
    sc = _player(at)
    fam = sc["family"]
    assert fam["run"] == "adam" and fam["key"] == "adam.lr" and len(fam["values"]) >= 31
    assert fam["values"][fam["index"]] == 0.05                  # the race's own value
    blobs = {record.header(e.proto.bytes)["id"]: e.proto.bytes for e in at.get("bidi_component")
             if e.proto.WhichOneof("data") == "bytes"}
    cols = record.columns(blobs[fam["record"]])
    assert cols["theta"].shape == (501, 2 * len(fam["values"]))
    # the preset's explaining panel and the Diagnostics tab wait for Reveal
    assert any("appears after Reveal" in c.value for c in at.caption)
    at.session_state["tab"] = ":material/monitoring: Diagnostics"
    at.run()
    assert not at.exception and not at.get("plotly_chart")
    assert any("Hidden until Reveal" in i.value for i in at.info)
