"""The page layer: the only package that imports Streamlit (besides app.py, the page script)."""
