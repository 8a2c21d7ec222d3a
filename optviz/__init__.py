"""The optimizer visualizer's app package (the optimizer core is `optimizers`, the surfaces `surfaces`).

    optviz.params    HParam: the parameter spec shared by optimizers, surfaces and the page
    optviz.model     the domain model: Scenario and its URL codec, presets, the run cache, the sweep
    optviz.figures   Plotly figure builders (no Streamlit): diagnostics, 3-D, panels, export
    optviz.player    the race player: run records and scene (no Streamlit), its browser side
                     (frontend/: plotly.js drawing every step), the offline HTML
    optviz.page      the page's pieces: widgets, session state, tabs, the player's mount (the only
                     Streamlit importer)

Arrows point down: page → player, figures → model → optimizers → surfaces.
"""
