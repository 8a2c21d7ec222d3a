"""The page in Korean: every text has a Korean entry, and no English UI text is left on any page.

(a) static: every t("…") literal in the page code and every registry / preset / panel text the page
    shows has a Korean entry (the failure lists the missing ones, ready to paste into ko.py);
(b) the messages the core composes (link notes, range checks, parser errors) come out in Korean;
(c) an AppTest walk with lang=ko over every tab, every preset (with its panel) and the warning
    paths finds no English word outside a small explicit allow-list;
plus the `lang` link key: default from the browser, written only when chosen, old links unchanged.
"""
from __future__ import annotations

import json
import re
from dataclasses import fields

import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optviz import i18n
from optviz.i18n import catalogue, ko
from optviz.model import presets
from optviz.model.scenario import parse_query, to_query
from optviz.model.sweep import METRICS, SweepSettings
from surfaces.expression import FUNCTIONS

from conftest import APP

# ---------------------------------------------------------------- what counts as English
# Words a Korean page keeps: names (optimizers, surfaces, authors), identifiers shared by the URL,
# the CLI and the API (hyperparameter names, choice values), maths functions, file formats.
NAMES = {"SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AMSGrad", "AdamW", "AdamProx",
         "AdaMax", "NAdam", "RAdam", "Lion", "AdaBelief", "Rosenbrock", "Beale", "Himmelblau",
         "Rastrigin", "Ackley", "Styblinski", "Tang", "Goldstein", "Price",
         "Kingma", "Loshchilov", "Hutter", "Zhuang", "Liu", "Cutkosky", "Orabona", "Polyak", "Goh",
         "Dauphin", "Reddi", "Dozat", "Chen", "Rectified"}
TERMS = {"heavy", "ball", "dense", "trust", "region", "proximal", "belief", "torch", "optax", "plotly",
         "CSV", "JSON", "HTML", "RMS", "ASCII", "tol", "true", "false", "custom", "present", "name",
         "English", "lambda",
         "Shift", "Home", "End", "float64",       # key names, as printed on the keyboard
         "PNG", "GIF", "API", "optim",            # slide formats, torch.optim
         "PowerPoint", "Keynote", "Google", "Slides"}     # where the slides go
IDENTIFIERS = ({h.name for n in optimizers.names() for h in optimizers.spec(n).hparams}
               | {h.name for n in surfaces.names() for h in surfaces.param_specs(n)}
               | {str(c) for n in optimizers.names() for h in optimizers.spec(n).hparams for c in h.choices}
               | set(optimizers.names()) | set(surfaces.names())
               # the link's keys and values, the sweep's settings and metrics, the parser's functions
               | {"surface", "expr", "opt", "steps", "seed", "view", "preset", "lang", "sweep"}
               | {f.name for f in fields(SweepSettings)} | set(METRICS) | set(FUNCTIONS))
ALLOWED = {w.lower() for w in NAMES | TERMS | IDENTIFIERS}

_STRIP = [re.compile(p) for p in (
    r":material/[a-z_]+:",            # Streamlit icons
    r"%\{[^}]*\}",                    # plotly hover placeholders
    r"<[^>]*>",                       # HTML tags in hover texts
    r"\]\([^)]*\)",                   # link targets
    r"\$[^$]*\$",                     # maths
    r"'[^']*'",                       # quoted: a value from the link, a paper's title
    r"U\+[0-9A-F]{4,6}",
    r"\b[0-9.]+e[+-]?[0-9]+\b",       # 1e-8
)]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]")


def english_words(text: str) -> list[str]:
    text = text.replace("\\", "")                      # Markdown escapes (adam\_nobc)
    for p in _STRIP:
        text = p.sub(" ", text)
    return [w for w in _WORD.findall(text) if len(re.sub(r"[^A-Za-z]", "", w)) >= 3
            and w.lower() not in ALLOWED]


# ---------------------------------------------------------------- (a) the table is complete
def test_every_text_the_page_shows_has_a_korean_entry():
    missing = catalogue.missing("ko")
    listing = "\n".join(f"  # {where}\n  {text!r}: ''," for text, where in missing.items())
    assert not missing, f"{len(missing)} texts have no Korean entry (add them to optviz/i18n/ko.py):\n{listing}"


def test_korean_entries_are_korean_and_keep_their_placeholders():
    names = NAMES | {"Adam, no bias correction"}
    for en, kr in ko.MESSAGES.items():
        if en in names or en in surfaces.names():
            continue
        assert re.search(r"[가-힣]", kr) or not english_words(en), (en, kr)
        assert set(re.findall(r"\{(\w+)", en)) == set(re.findall(r"\{(\w+)", kr)), (en, kr)


def test_the_code_scan_finds_the_page_texts():
    texts = catalogue.code_texts()
    # one from each kind of place: app.py, a page module, a figure module, a table of titles
    for t in ("Optimizer race", "Hyperparameter sweep", "Show step arrows", ":material/grid_on: Sweep",
              "√v̂ per coordinate (x solid, y dotted) — Adam family"):
        assert t in texts


# ---------------------------------------------------------------- (b) composed messages
BAD_LINKS = [
    {"v": "2"}, {"surface": "nope"}, {"surface": "custom"}, {"kappa": "abc", "surface": "quadratic"},
    {"opt": ["adam", "nope", "adam"]}, {"opt": [f"adam-{i}" for i in range(2, 4)] + list(optimizers.names())},
    {"adam.lr": "-1"}, {"adam.lr": "１"}, {"adam.amsgrad": "maybe"}, {"adam.schedule": "weekly"},
    {"steps": "2.5"}, {"steps": "1e9"}, {"x0": "1e400"}, {"x0": "x" * 100}, {"view": "big"},
    {"preset": "nope"}, {"lang": "fr"}, {"zz": "1"}, {"a" * 80: "1"}, {"sgd-2.lr": "1"},
    {"adam.nope": "1"}, {"expr": "x"}, {"kappa": "3"}, {"adam.beta2": ["0.9", "0.99"]},
    {"opt": "sgd", "sgd.momentum": "0", "sgd.nesterov": "true"}, {"opt": "ad\u202eam"},
    {"sweep.n": "1000", "sweep.opt": "nope", "sweep.metric": "x", "sweep.zz": "1", "sweep.tol": "-1",
     "sweep.xmin": "5", "sweep.xmax": "1", "sweep.x": "nesterov", "sweep.ylog": "maybe"},
    {"sweep.x": "beta2", "sweep.y": "beta2"}, {"sweep.x": "beta2", "sweep.xlog": "true", "sweep.xmax": "1"},
    {"sweep.xmin": "0", "sweep.xlog": "true"},
] + [{f"k{i}": "1" for i in range(40)}]
BAD_EXPRESSIONS = ["", "x" * 600, "2x", "x\ny", "ｘ**2", "x\\y", "x # c", "foo(x)", "bar", "sin",
                   "x % 2", "x ^ 2", "x < y", "x and y", "x if y else 1", "x.real", "x[0]", "(x, y)",
                   "[x]", "{x}", "{x: y}", "[x for x in y]", "lambda: x", "f'{x}'", "1j*x", "1e999*x",
                   "x**1e9", "x**inf", "sin(x, y)", "sin(x=1)", "(x + y", "x + y)", "x +* y", "x(2)",
                   "(x := 1)", "*x", "((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))",
                   "+".join(["x"] * 400), "'a'", "b'a'", "x[1:2]", "True*x", "None", "x..y", "1__0*x",
                   "(yield x)", "x not in y"]


def _composed_messages() -> list[str]:
    from optviz.model.sweep import parse_sweep_query, sweep_grid
    from surfaces.expression import parse
    out = []
    for q in BAD_LINKS:
        out += parse_query(q)[1]
        out += parse_sweep_query(q)[1]
    for text in BAD_EXPRESSIONS:
        try:
            parse(text)
        except ValueError as e:
            out.append(str(e))
    for call in (lambda: optimizers.get("sgd", momentum=0.0, nesterov=True),
                 lambda: optimizers.get("adam", lr=-1.0), lambda: optimizers.get("adam", amsgrad=3),
                 lambda: optimizers.get("adamw", decay="weekly"),
                 lambda: sweep_grid("adam", "lr", (1.0, 0.1), True, "beta1", (0.5, 0.9), False, 4,
                                    surfaces.get("rosenbrock"), (0, 0), 5, 0, {}),
                 lambda: sweep_grid("adam", "lr", (0.1, 1.0), True, "lr", (0.5, 0.9), False, 4,
                                    surfaces.get("rosenbrock"), (0, 0), 5, 0, {})):
        try:
            call()
        except ValueError as e:
            out.append(str(e))
    return out


def test_composed_messages_come_out_in_korean():
    msgs = _composed_messages()
    assert len(msgs) > 80
    i18n.set_lang("ko")
    try:
        left = {m: english_words(i18n.note(m)) for m in msgs}
    finally:
        i18n.set_lang("en")
    left = {m: w for m, w in left.items() if w}
    assert not left, "English left in translated messages:\n" + "\n".join(
        f"  {m!r} -> {i18n.table('ko') and w}" for m, w in left.items())


def test_english_messages_pass_through_untouched():
    i18n.set_lang("en")
    for m in _composed_messages()[:50]:
        assert i18n.note(m) == m
    assert i18n.t("Steps") == "Steps" and i18n.t("step {k}", k=3) == "step 3"


# ---------------------------------------------------------------- the lang key
@pytest.mark.parametrize("locale, lang", [("ko-KR", "ko"), ("ko", "ko"), ("KO_kr", "ko"), ("en-US", "en"),
                                          ("de-DE", "en"), (None, "en"), ("", "en"), ("kok-IN", "en")])
def test_the_default_language_follows_the_browser(locale, lang):
    assert i18n.lang_for_locale(locale) == lang


def test_lang_round_trips_and_old_links_read_the_same():
    assert parse_query({})[0].lang == "" and "lang" not in to_query(parse_query({})[0])
    for lang in ("en", "ko"):
        s, notes = parse_query({"lang": lang, "opt": "adam"})
        assert not notes and s.lang == lang and to_query(s)["lang"] == lang
        assert parse_query(to_query(s))[0] == s
        assert s.race_key() == parse_query({"opt": "adam"})[0].race_key()
    s, notes = parse_query({"lang": "fr"})
    assert s.lang == "" and len(notes) == 1 and "lang" in notes[0]


# ---------------------------------------------------------------- (c) the walk
def _plotly_texts(spec: dict) -> list[str]:
    out = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("name", "hovertemplate", "prefix", "label", "ticktext") and isinstance(v, str):
                    out.append(v)
                elif k == "text" and isinstance(v, str):
                    out.append(v)
                elif k == "text" and isinstance(v, list):
                    out.extend(x for x in _flat(v) if isinstance(x, str))
                elif k == "title" and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
    walk(spec)
    return out


def _flat(v):
    for x in v:
        if isinstance(x, list):
            yield from _flat(x)
        else:
            yield x


def page_texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "exception"):
        out += [e.value for e in at.get(kind) if isinstance(getattr(e, "value", None), str)
                and not e.value.startswith("<style>")]       # the page's own CSS
    for kind in ("button", "download_button", "toggle", "radio", "selectbox", "multiselect",
                 "select_slider", "number_input", "text_input", "segmented_control", "checkbox",
                 "slider", "expandable", "tab"):
        for e in at.get(kind):
            p = e.proto
            for f in ("label", "help", "placeholder"):
                v = getattr(p, f, None)
                if isinstance(v, str) and v:
                    out.append(v)
            if hasattr(p, "options"):
                out += [getattr(o, "content", o) if not isinstance(o, str) else o for o in p.options]
    out += [e.label for e in at.expander] + [e.label for e in at.tabs]
    for e in at.get("plotly_chart"):
        out += _plotly_texts(json.loads(e.proto.spec))
    for e in at.dataframe:
        df = e.value
        out += [str(c) for c in df.columns]
        out += [v for v in df.to_numpy().ravel() if isinstance(v, str)]
    return out


def english_left(at) -> dict[str, list[str]]:
    return {t: w for t in page_texts(at) if (w := english_words(t))}


def _page(query: dict, tab: str | None = None):
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    # every sidebar panel open: a closed one draws none of its texts
    opts = query.get("opt", [])
    for key in ([opts] if isinstance(opts, str) else opts):
        at.session_state[f"_panel_opt_{key}"] = True
    at.session_state["_panel_oracle"] = True
    at.run()
    if tab is not None:
        at.session_state["tab"] = tab
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TAB_NAMES_KO = [ko.MESSAGES[n] for n in (":material/monitoring: Diagnostics", ":material/landscape: 3-D view",
                                          ":material/function: Update rules", ":material/download: Export",
                                          ":material/school: Presets", ":material/grid_on: Sweep")]


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("tab, first", [(tab, True) for tab in TAB_NAMES_KO] + [(TAB_NAMES_KO[2], False)])
def test_every_tab_in_korean_has_no_english_left(tab, first):
    # every optimizer (12 race at once: the first twelve, then the rest), so every registry text
    # and every rule note is on the page at least once
    names = optimizers.names()
    q = {"lang": "ko", "opt": names[:12] if first else names[-12:], "steps": "50",
         "adamw.decay": "schedule", "adam.weight_decay": "0.1", "lion.weight_decay": "0.1",
         "adagrad.warmup": "5", "sgd.momentum": "0.5", "adam.amsgrad": "true"}
    at = _page(q, tab)
    assert at.session_state["tab"] == tab
    left = english_left(at)
    assert not left, "English on the Korean page:\n" + "\n".join(f"  {w}: {t[:140]!r}" for t, w in left.items())
    if first and tab == TAB_NAMES_KO[0]:
        player_left = {t: w for t in player_texts(at)          # {fields} are filled in by the browser
                       if (w := english_words(re.sub(r"\{\w+\}", " ", t)))}
        assert not player_left, f"English in the race player: {player_left}"


def player_texts(at) -> list[str]:
    """What the race player shows in words: its fixed texts, run labels, inspector lines."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    scene = json.loads(el.proto.json)
    out = list(scene["texts"].values())
    for r in scene["runs"]:
        out += [r["label"], r["constants"], r["note"]] + [line["text"] for line in r["lines"]]
    return out


def test_the_player_speaks_english_by_default_and_korean_with_lang_ko():
    en = player_texts(_page({"opt": ["adam", "sgd"], "steps": "20"}))
    assert "▶ Play" in en and "Show step arrows" in en
    at = _page({"opt": ["adam", "sgd"], "steps": "20", "lang": "ko"})
    texts = json.loads([e for e in at.get("bidi_component")
                        if e.proto.WhichOneof("data") == "json"][0].proto.json)["texts"]
    assert texts["play"] == "▶ 재생" and texts["step_num"] == "스텝 {t} / {steps}"


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("name", presets.preset_names())
def test_every_preset_in_korean_has_no_english_left(name):
    at = _page({"lang": "ko", "preset": name})
    assert any(ko.MESSAGES[presets.get_preset(name).title] in e.label for e in at.expander)
    left = english_left(at)
    assert not left, "English on the Korean page:\n" + "\n".join(f"  {w}: {t[:140]!r}" for t, w in left.items())


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("query", [
    {"kappa": "abc", "surface": "quadratic", "opt": ["adam", "nope"], "zz": "1", "view": "big"},
    {"surface": "custom", "expr": "foo(x)"},
    {"opt": ["sgd"], "sgd.nesterov": "true", "sgd.momentum": "0.9", "sgd.dampening": "0.5"},
    {"opt": ""},
    {"surface": "custom", "expr": "log(x)"},
    {"surface": "logistic", "view": "present"},
], ids=["notes", "expr", "problem", "empty", "undefined", "present"])
def test_warnings_and_errors_in_korean(query):
    at = _page({**query, "lang": "ko"})
    left = english_left(at)
    assert not left, "English on the Korean page:\n" + "\n".join(f"  {w}: {t[:140]!r}" for t, w in left.items())
    shown = " ".join(e.value for e in list(at.warning) + list(at.error) + list(at.info))
    if query.get("opt") != "" and "view" not in query or "zz" in query:
        assert re.search("[가-힣]", shown)


@pytest.mark.usefixtures("fresh_caches")
def test_the_sweep_with_bad_settings_in_korean():
    at = _page({"lang": "ko", "sweep.n": "4", "sweep.opt": "nope", "sweep.zz": "1"}, TAB_NAMES_KO[5])
    assert any("이 링크의 스윕 설정 중 다음 항목을 기본값으로 바꿨습니다" in w.value for w in at.warning)
    left = english_left(at)
    assert not left, "English on the Korean page:\n" + "\n".join(f"  {w}: {t[:140]!r}" for t, w in left.items())


@pytest.mark.usefixtures("fresh_caches")
def test_the_switch_changes_the_language_keeps_the_tab_and_writes_the_link():
    at = _page({"opt": "adam"})                     # AppTest has no browser locale: English
    assert at.session_state["_lang_choice"] == "en" and "lang" not in at.query_params
    at.session_state["tab"] = ":material/function: Update rules"
    at.run()
    at.get("segmented_control")[0].set_value("ko").run()
    assert at.query_params["lang"] in ("ko", ["ko"])
    assert at.session_state["tab"] == ko.MESSAGES[":material/function: Update rules"]
    assert any("옵티마이저" in m.value for m in at.markdown)
    # back to the browser's language: the key leaves the link again
    at = _page({"opt": "adam", "lang": "ko"}, ko.MESSAGES[":material/download: Export"])
    at.get("segmented_control")[0].set_value("en").run()
    assert "lang" not in at.query_params
    assert at.session_state["tab"] == ":material/download: Export"
    assert any(b.label == "Trajectories (CSV)" for b in at.get("download_button"))


def _scene(at) -> dict:
    (el,) = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "json"]
    return json.loads(el.proto.json)


@pytest.mark.usefixtures("fresh_caches")
def test_in_korean_the_panels_still_follow_the_players_step():
    # the Korean tab labels and the translated axis titles must not hide the step cursor
    at = _page({"lang": "ko", "opt": ["adam", "sgd"], "steps": "60"}, TAB_NAMES_KO[0])
    assert _scene(at)["report"]                   # Diagnostics (진단) follows the step
    at.session_state["player"] = {"step": 7}
    at.run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    cursors = [sh for sh in spec["layout"].get("shapes", []) if sh.get("name") == "player step"]
    assert len(cursors) == 6 and all(sh["x0"] == 7 for sh in cursors)
    at.session_state["tab"] = TAB_NAMES_KO[2]
    at.run()
    assert _scene(at)["report"]
    assert "스텝 7에서 (경주 플레이어의 스텝)" in " ".join(m.value for m in at.markdown)
    at = _page({"lang": "ko", "preset": "adam-bias-correction"})
    assert _scene(at)["report"]
    at.session_state["player"] = {"step": 2}
    at.run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    cursors = [sh for sh in spec["layout"].get("shapes", []) if sh.get("name") == "player step"]
    assert cursors and all(sh["x0"] == 2 for sh in cursors)
    assert not english_words(spec["layout"]["xaxis"]["title"]["text"])


def test_the_offline_race_in_korean_carries_korean_texts():
    from optviz.model.scenario import parse_query
    from optviz.model.runs import RunCache
    from optviz.player import export as player_export
    from optviz.player.build import scene_for
    scn, _ = parse_query({"opt": ["adam", "sgd"], "steps": "10"})
    traj = RunCache().trajectories(scn)
    scene, blobs = scene_for(scn, traj, _field_of(scn), lang="ko")
    assert i18n.get_lang() == "en"                     # the page's language is left as it was
    assert scene["texts"]["play"] == "▶ 재생" and scene["texts"]["arrows_aria"] == "스텝 화살표 표시"
    page = player_export.race_html(scene, blobs, title="경주", lang="ko")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"ko\">")
    data = json.loads(page.split('id="ovp-data">', 1)[1].split("</script>", 1)[0])
    assert data["scene"]["texts"]["step_num"] == "스텝 {t} / {steps}"
    en, _ = scene_for(scn, traj, _field_of(scn))
    assert en["texts"]["play"] == "▶ Play"


def _field_of(scn):
    from optviz.figures.background import sample
    return sample(scn.build_surface())


@pytest.mark.usefixtures("fresh_caches")
def test_the_budget_refusals_in_korean(monkeypatch):
    from optviz.page import guard
    monkeypatch.setenv(guard.RACE_ENV, "0.001")          # any race is over this budget
    at = _page({"lang": "ko", "opt": ["adam", "sgd"], "steps": "5000"})
    shown = " ".join(w.value for w in at.warning)
    assert "이 경주는 이 서버에서 돌리기에 너무 큽니다" in shown and "**0.001초**" in shown, shown
    assert "옵티마이저 2개 × 5,000 스텝" in shown
    assert [b.label for b in at.button if b.key == "_race_offer"] in ([], ) or \
        at.button(key="_race_offer").label.endswith("스텝으로 실행")
    left = english_left(at)
    assert not left, left
    monkeypatch.setenv(guard.RACE_ENV, "off")
    monkeypatch.setenv(guard.SWEEP_ENV, "0.001")
    at = _page({"lang": "ko", "opt": ["adam"], "steps": "200"}, TAB_NAMES_KO[5])
    shown = " ".join(w.value for w in at.warning)
    assert "이 스윕은 이 서버에서 돌리기에 너무 큽니다" in shown, shown
    left = english_left(at)
    assert not left, left
