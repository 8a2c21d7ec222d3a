"""A scratch page for developing the player: `streamlit run optviz/player/dev_page.py`."""
import streamlit as st

from optviz.player import mount, record, scene
from views import background, style
from views.runs import RunCache
from views.scenario import parse_query

S = st.session_state
q = {k: st.query_params.get_all(k) for k in st.query_params}
scn, _ = parse_query(q)


@st.cache_resource
def cache():
    return RunCache()


trs = cache().trajectories(scn)
surface = scn.build_surface()
field = background.sample(surface)
runs = [(record.RunInfo(r.key, r.name, r.hp_dict), r.label, style.run_color(r.key),
         style.run_dash(r.key), style.run_symbol(r.key)) for r in scn.runs if r.key in trs]
sc, blobs = scene.build(runs, trs, surface, start=scn.start, steps=scn.steps,
                        background_png=background.background_uri(field), step=S.get("_step"))
res = mount.mount(st, sc, blobs, key="player")
st.write("reported", res.step if res else None, res.focus if res else None)
