"""The offline HTML: the same player, with plotly.js, the player's module, the scene and every run
record inside one file. It plays, steps, inspects and draws the loss curve from file:// with no
server and no network."""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent / "frontend"


def plotly_js_path() -> Path:
    """plotly.js's basic bundle (scatter, shapes, images: all the player draws; 1.2 MB against the
    full bundle's 4.8 MB), from its npm package: see vendor/README.md."""
    return Path(__file__).resolve().parent / "vendor" / "plotly-basic.min.js"


def _plotly_js() -> str:
    return plotly_js_path().read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    # a literal "</script" inside an inline script would end it early
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def race_html(scene: dict, blobs: list[tuple[str, bytes]], title: str = "Optimizer race",
              lang: str = "en") -> str:
    player_js = (FRONTEND / "player.js").read_text(encoding="utf-8")
    css = (FRONTEND / "player.css").read_text(encoding="utf-8")
    # the scene without what only the live page uses (the start grid's click sets a new start)
    scene = {**scene, "click_grid": 0, "offline": True}
    payload = json.dumps({"scene": scene,
                          "blobs": [base64.b64encode(b).decode("ascii") for _, b in blobs]},
                         separators=(",", ":"), allow_nan=False)
    # the data goes in a JSON script element (not executed) and the module reads it
    boot = ("const d = JSON.parse(document.getElementById('ovp-data').textContent);\n"
            "mountStandalone(document.getElementById('ovp-root'), d.scene, d.blobs);\n")
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ margin: 16px 24px; }} h1 {{ font: 600 20px Inter, Arial, sans-serif; margin: 0 0 8px; }}
{css}</style>
<script>{_script_safe(_plotly_js())}</script>
</head><body>
<h1>{html.escape(title)}</h1>
<div id="ovp-root" class="ovp-root"></div>
<script type="application/json" id="ovp-data">{_script_safe(payload)}</script>
<script type="module">
{_script_safe(player_js)}
{boot}</script>
</body></html>
"""
