"""The optimizer visualizer's app package (the optimizer core is `optimizers`, the surfaces `surfaces`).

    optviz.params    HParam: the parameter spec shared by optimizers, surfaces and the page
    optviz.model     the domain model: Scenario and its URL codec, presets, the run cache, the sweep
    optviz.figures   Plotly figure builders (no Streamlit): race, diagnostics, 3-D, panels, export
    optviz.page      the page's pieces: widgets, session state, tabs (the only Streamlit importer)

Arrows point down: page → figures → model → optimizers → surfaces.
"""
