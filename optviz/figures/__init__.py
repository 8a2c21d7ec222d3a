"""Plotly figure builders (no Streamlit): each takes a Scenario and its trajectories."""
