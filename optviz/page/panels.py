"""Draw a paper preset's panel (optviz.figures.panels) into the page, its data cached."""
from __future__ import annotations

from typing import Mapping

import streamlit

from optviz.figures.panels import PANELS
from optviz.figures.panels.common import query_key
from optviz.i18n import figure_texts, note, table_texts, t
from optviz.model.scenario import parse_scenario
from optviz.model.scenario import to_query


@streamlit.cache_data(max_entries=16, show_spinner=False)
def _data(panel: str, key: tuple, options: tuple) -> dict:
    query = {k: (list(v) if isinstance(v, tuple) else v) for k, v in key}
    return PANELS[panel].data(query, **dict(options))


def _step_cursor(fig, step: int | None):
    """A dotted line at the race player's step on every subplot whose x axis is the step."""
    if step is None:
        return fig
    layout = fig.layout.to_plotly_json()
    for name, ax in layout.items():
        title = ((ax.get("title") or {}).get("text") or "") if isinstance(ax, dict) else ""
        if name.startswith("xaxis") and title.lower().startswith("step"):
            y = ax.get("anchor") or "y" + name[5:]
            fig.add_shape(type="line", xref="x" + name[5:], yref=f"{y} domain", x0=step, x1=step,
                          y0=0, y1=1, name="player step",
                          line={"color": "#333", "width": 1.2, "dash": "dot"})
    return fig


def render_panel(panel: str, query, st, step: int | None = None) -> None:
    """Draw panel `panel` into `st` (the streamlit module or any container).

    `query` is the page's current URL query (the preset's, or the user's edit of it) — or the
    app's Scenario, read through its explicit URL form. Panels the app draws itself ("race",
    "diagnostics", …) and unknown names draw nothing. `step`: the race player's step (reported
    when it pauses), marked on the subplots whose x axis is the step.
    """
    mod = PANELS.get(panel)
    if mod is None:
        return
    if not isinstance(query, Mapping):       # the app's Scenario object: its explicit URL form
        query = to_query(query, explicit=True)
    try:
        parse_scenario(query)
    except ValueError as e:
        st.warning(t("This panel cannot read the scenario: {why}", why=note(str(e))))
        return
    key = query_key({k: v for k, v in query.items()
                     if not k.startswith("sweep.") and k not in ("preset", "view")})
    options = {}
    option = getattr(mod, "OPTION", None)
    if option is not None:
        name, label = option
        options[name] = bool(st.toggle(note(label), value=False, key=f"paper_{panel}_{name}"))
    data = _data(panel, key, tuple(options.items()))
    fig = _step_cursor(mod.figure(data), step)     # finds the step axes by their English titles
    figure_texts(fig)          # the panels build their figures in English; shown in the page's language
    st.plotly_chart(fig, key=f"paper_{panel}")
    if hasattr(mod, "table"):
        st.dataframe(table_texts(mod.table(data)), hide_index=True)
    if hasattr(mod, "caption"):
        st.caption(note(mod.caption(data)))
