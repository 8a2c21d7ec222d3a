"""Mount the race player in a Streamlit page (components v2: in the page, no iframe).

plotly.js (its basic bundle, 1.2 MB: optviz/player/vendor) and the player's module are served once
as the component's assets (`/_stcore/bidi-components/optviz.player/…`) and stay in the page across
reruns. plotly.js goes as a file compressed once on disk (plotly-basic.min.js.gz, 0.4 MB):
Streamlit's server gzips the component files it serves again on every request but sends a .gz file
as it is; a rerun sends only the scene (a few KB) and the run records the browser has not seen (each
record is its own element, so Streamlit's message cache answers a record it already sent with a
reference of a few bytes).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from optviz.page.state import start_from_selection
from optviz.player.export import FRONTEND, plotly_js_path

NAME = "optviz.player"
FILES = ("player.js", "player.css")
_lock = threading.Lock()
_root: Path | None = None


PLOTLY_GZ = "plotly-basic.min.js.gz"


def asset_root() -> Path:
    """A folder with player.js, player.css, plotly-basic.min.js and its .gz, made once per content.

    Streamlit serves a component's files only from inside its asset folder (symbolic links out of
    it are refused), so the three files are copied next to each other in a folder named by a hash
    of their contents; the compressed copy is made there once (~0.1 s).
    """
    global _root
    with _lock:
        if _root is not None and (_root / PLOTLY_GZ).exists():
            return _root
        src = [FRONTEND / f for f in FILES] + [plotly_js_path()]
        h = hashlib.sha1(PLOTLY_GZ.encode())
        for p in src:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        root = Path(tempfile.gettempdir()) / f"optviz-player-{h.hexdigest()[:12]}"
        if not (root / PLOTLY_GZ).exists():
            tmp = Path(tempfile.mkdtemp(prefix="optviz-player-", dir=tempfile.gettempdir()))
            for p in src:
                shutil.copyfile(p, tmp / p.name)
            js = plotly_js_path().name
            (tmp / PLOTLY_GZ).write_bytes(gzip.compress((tmp / js).read_bytes(), compresslevel=9,
                                                        mtime=0))
            try:
                os.replace(tmp, root)
            except OSError:             # another process made it first
                shutil.rmtree(tmp, ignore_errors=True)
        _root = root
        return root


def _register_assets(manager) -> None:
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest
    manifest = ComponentManifest(name="optviz", version="1",
                                 components=[ComponentConfig(name="player", asset_dir=".")])
    manager.register_from_manifest(manifest, asset_root())


def ensure_registered():
    """The component's mount function, with its asset folder known to the running runtime (each
    AppTest starts a runtime of its own, so this is checked on every mount: one lookup)."""
    from streamlit.runtime import Runtime
    if Runtime.exists():
        manager = Runtime.instance().bidi_component_registry
        if manager.get_component_path(NAME) is None:
            _register_assets(manager)
    return _component()


_mounter = None


def _component():
    global _mounter
    if _mounter is None:
        import streamlit as st
        _mounter = st.components.v2.component(NAME, js="player.js", css="player.css",
                                              isolate_styles=False)
    return _mounter


def _noop():
    pass


def preload(st, key: str = "player"):
    """Early in the page: a hidden container for the run records, holding an empty instance of
    the component, so that the browser loads the player's module and starts on plotly.js while
    the script is still computing the runs. Returns the container for `mount(box=...)`."""
    box = st.container(key=f"{key}_blobs")
    with box:
        ensure_registered()(key=f"{key}_preload", data=None, height=0)
    return box


def mount(st, scene: dict, blobs: list[tuple[str, bytes]], *, key: str = "player", box=None,
          on_step=None, on_focus=None, on_start=None, on_scrub=None, on_revealed=None,
          on_page=None):
    """Mount the blobs (hidden, one element each) and the player; returns the component's result
    (`.step`, `.focus` once the browser reported them, `.start` after a click on the map, `.page`
    (+1/−1) after PageDown/PageUp in present mode)."""
    player = ensure_registered()
    # one element per blob: a blob the browser already has comes back from its message cache
    with box if box is not None else st.container(key=f"{key}_blobs"):
        for bid, data in dict(blobs).items():          # each blob once
            player(key=f"ovb_{bid}", data=data, height=0)
    return player(key=key, data=scene, on_step_change=on_step or _noop,
                  on_focus_change=on_focus or _noop, on_start_change=on_start or _noop,
                  on_scrub_change=on_scrub or _noop, on_revealed_change=on_revealed or _noop,
                  on_page_change=on_page or _noop)


def start_from_click(session, key: str = "player") -> None:
    """The player's `start` trigger (a click on empty map) → the start point, snapped to the
    click grid as a click on the old chart was."""
    xy = (session.get(key) or {}).get("start")
    if isinstance(xy, (list, tuple)) and len(xy) == 2:
        start_from_selection(session, {"selection": {"points": [{"x": xy[0], "y": xy[1]}]}})


def reported_step(result, steps: int) -> int | None:
    """The step the player reported when it paused, if it is one of this race's steps."""
    t = getattr(result, "step", None)
    return t if isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= steps else None


def session_step(session, steps: int, key: str = "player") -> int | None:
    """The step the player last reported, read before it is mounted (the noise fan is built for
    it): the component's state as the session holds it."""
    t = (session.get(key) or {}).get("step")
    return t if isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= steps else None


def follows_step(panel: str, tab: str) -> bool:
    """Whether something on the page follows the player's step (then the player reports it when
    it pauses, which costs a rerun): a paper or steps panel, the Diagnostics or Update rules tab,
    the Export tab (its slide is of the current step)."""
    return panel not in ("race", "3d") or str(tab).endswith(("Diagnostics", "Update rules", "Export"))



# ------------------------------------------------------------------ predict, then reveal
PREDICT_TOL = 1e-3        # "reaches the minimum": the first step with f − f* ≤ this


def predict_scene(scn, question: str = "") -> dict:
    """The scene's `predict` entry: on (the paths veiled until Reveal) and the preset's question."""
    return {"on": bool(scn.predict), "question": question, "tol": PREDICT_TOL}


def revealed(result) -> bool:
    """Whether the player said its predict veil is off (the learner pressed Reveal)."""
    return getattr(result, "revealed", None) is True


# ------------------------------------------------------------------ scrub a hyperparameter
def scrub_controls(st, session, scn):
    """Under the player: a run, one of its numeric hyperparameters and a range on that control's
    own stops. Returns (run key, hp, lo, hi, log) once chosen, else None."""
    from optviz.i18n import run_label, t
    from optviz.model import family
    from optviz.model.fmt import fmt_number
    from optviz.model.scenario import instance_label
    from optviz.model.sweep import is_beta_like
    from optviz.page import controls
    from optviz.page.text import symbol_text
    if not scn.runs or not st.toggle(
            t("Scrub a hyperparameter"), key="_scrub_on",
            help=t("Runs one optimizer at many values of one hyperparameter at once; a second "
                   "slider under the map then moves its path through them without waiting, and "
                   "letting go sets the control to that value.")):
        return None
    keys = [r.key for r in scn.runs]
    if session.get("_scrub_run") not in keys:
        session["_scrub_run"] = keys[0]
    c1, c2, c3 = st.columns([2, 2, 5], vertical_alignment="bottom")
    run_key = c1.selectbox(t("Run"), keys, key="_scrub_run",
                           format_func=lambda k: run_label(instance_label(k)))
    run = scn.run(run_key)
    specs = {h.name: h for h in family.scrubbable(run.name)}
    if session.get("_scrub_hp") not in specs:
        session["_scrub_hp"] = "lr" if "lr" in specs else next(iter(specs))
    hp = c2.selectbox(t("Hyperparameter"), list(specs), key="_scrub_hp",
                      format_func=lambda n: f"{symbol_text(specs[n].symbol) or n} · {n}")
    h, cur = specs[hp], run.hp[hp]
    # the control's stops without the run's own value: the range slider stays the same widget
    # when letting go of the scrub changes that value (the family holds it anyway)
    opts = controls.options(h, None)
    rk = f"_scrub_range_{run_key}_{hp}"
    if rk in session and not (isinstance(session[rk], (tuple, list)) and len(session[rk]) == 2
                              and all(v in opts for v in session[rk])):
        del session[rk]
    i = min(range(len(opts)), key=lambda k: abs(opts[k] - cur))
    span = 4 if h.log else 8
    # a two-ended slider is one by its `value` (the browser draws it from that, not from the
    # session's value), so the default range is passed, never written into the session
    lo, hi = c3.select_slider(t("Range"), options=opts, key=rk, format_func=fmt_number,
                              value=(opts[max(0, i - span)], opts[min(len(opts) - 1, i + span)]))
    if not lo < hi:
        st.caption(t("Choose a range with two different ends."))
        return None
    # the control's own scale: log, or 1 − β log for a β-like one (its stops crowd towards 1)
    return run_key, hp, float(lo), float(hi), bool((h.log and lo > 0) or is_beta_like(h))


def family_scene(st, scn, choice, f_star):
    """The scrubbed family for `choice` (scrub_controls), within the sweep's budget: the scene's
    `family` entry and its record blob, or None (over budget: said on the page)."""
    import optimizers
    from optimizers.budget import OverBudget
    from optviz.i18n import run_label, t
    from optviz.model import family
    from optviz.page import guard
    from optviz.page.text import symbol_text
    from optviz.player import record
    run_key, hp, lo, hi, log = choice
    try:
        fam = family.compute(scn, run_key, hp, lo, hi, log, should_stop=guard.stop_check(),
                             budget=guard.budget("sweep"))
    except optimizers.Cancelled:
        guard.hand_over(st)
    except OverBudget as e:
        st.warning(t("**This family is too big for this server**: about {seconds} s of computing; "
                     "this server allows {budget} s per change. Use fewer steps.",
                     seconds=guard.secs(e.estimate.seconds), budget=f"{e.budget:g}"),
                   icon=":material/timer:")
        return None
    except ValueError as e:
        st.caption(str(e))
        return None
    blob = record.RECORDS.get(fam, ("family", f_star), lambda: record.family_record(fam, f_star))
    rid = record.header(blob)["id"]
    run = scn.run(run_key)
    h = next(p for p in family.scrubbable(run.name) if p.name == hp)
    entry = {"record": rid, "run": run_key, "key": f"{run_key}.{hp}", "hp": hp,
             "symbol": symbol_text(h.symbol) or hp, "label": run_label(run.label),
             "values": [float(v) for v in fam.values], "index": fam.index_of(run.hp[hp])}
    return entry, (rid, blob)


def scrub_release(session, key: str = "player") -> None:
    """The scrub slider let go → that member's value in the run's sidebar control (one rerun).
    Only a value the control accepts, for a run that is racing, is taken."""
    import optimizers
    from optviz.model.scenario import instance_base
    got = (session.get(key) or {}).get("scrub")
    if not isinstance(got, dict):
        return
    name, value = got.get("key"), got.get("value")
    if not isinstance(name, str) or "." not in name or isinstance(value, bool) \
            or not isinstance(value, (int, float)):
        return
    run_key, hp = name.split(".", 1)
    if run_key not in session.get("opt", []):
        return
    try:
        spec = optimizers.spec(instance_base(run_key))
        h = next(p for p in spec.hparams if p.name == hp and p.sweepable)
        session[name] = h.check(float(value))
    except (StopIteration, ValueError, KeyError):
        return
