"""Mount the race player in a Streamlit page (components v2: in the page, no iframe).

plotly.js (4.8 MB, from the installed plotly package) and the player's module are served once as
the component's assets (`/_stcore/bidi-components/optviz.player/…`, gzip-compressed by the
server) and stay in the page across reruns; a rerun sends only the scene (a few KB) and the run
records the browser has not seen (each record is its own element, so Streamlit's message cache
answers a record it already sent with a reference of a few bytes).
"""
from __future__ import annotations

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


def asset_root() -> Path:
    """A folder with player.js, player.css and plotly.min.js, made once per content.

    Streamlit serves a component's files only from inside its asset folder (symbolic links out of
    it are refused), so plotly.min.js is hard-linked, or copied, next to the player's files in a
    folder named by a hash of all three.
    """
    global _root
    with _lock:
        if _root is not None and (_root / "plotly.min.js").exists():
            return _root
        src = [FRONTEND / f for f in FILES] + [plotly_js_path()]
        h = hashlib.sha1()
        for p in src:
            h.update(p.name.encode())
            st_ = p.stat()     # plotly.min.js by size and time, ours by content
            h.update(str((st_.st_size, st_.st_mtime_ns)).encode() if p.name == "plotly.min.js"
                     else p.read_bytes())
        root = Path(tempfile.gettempdir()) / f"optviz-player-{h.hexdigest()[:12]}"
        if not (root / "plotly.min.js").exists():
            tmp = Path(tempfile.mkdtemp(prefix="optviz-player-", dir=tempfile.gettempdir()))
            for p in src:
                try:
                    if p.name != "plotly.min.js":
                        raise OSError            # ours are copied: an edit must not leak in
                    os.link(p, tmp / p.name)
                except OSError:
                    shutil.copyfile(p, tmp / p.name)
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
          on_step=None, on_focus=None, on_start=None):
    """Mount the blobs (hidden, one element each) and the player; returns the component's result
    (`.step`, `.focus` once the browser reported them, `.start` after a click on the map)."""
    player = ensure_registered()
    # one element per blob: a blob the browser already has comes back from its message cache
    with box if box is not None else st.container(key=f"{key}_blobs"):
        for bid, data in dict(blobs).items():          # each blob once
            player(key=f"ovb_{bid}", data=data, height=0)
    return player(key=key, data=scene, on_step_change=on_step or _noop,
                  on_focus_change=on_focus or _noop, on_start_change=on_start or _noop)


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


def follows_step(panel: str, tab: str) -> bool:
    """Whether something on the page follows the player's step (then the player reports it when
    it pauses, which costs a rerun): a paper or steps panel, the Diagnostics or Update rules tab,
    the Export tab (its slide is of the current step)."""
    return panel not in ("race", "3d") or str(tab).endswith(("Diagnostics", "Update rules", "Export"))

