"""Shared fixtures: the app's caches start empty for every AppTest, so one test cannot pass on
another's cached figure."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def fresh_caches():
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


def pytest_terminal_summary(terminalreporter):
    """Say it loudly when the browser tests did not run (tests/test_browser.py skips itself
    outside CI when Chromium or Playwright is missing)."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = [str(r.longrepr[2]) for r in skipped
               if isinstance(getattr(r, "longrepr", None), tuple) and "browser tests skipped" in str(r.longrepr[2])]
    if reasons:
        terminalreporter.write_sep("!", "THE BROWSER TESTS DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(reasons[0].removeprefix("Skipped: "), red=True, bold=True)
        terminalreporter.write_line("Install Debian's chromium (apt-get install chromium) to run them; "
                                    "with CI set they are an error instead.", red=True)
