"""The domain model, no Streamlit and no Plotly: a Scenario is everything a link says."""
