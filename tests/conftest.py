"""Shared fixtures: the app's caches start empty for every AppTest, so one test cannot pass on
another's cached figure."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_cmd(port: int, *extra: str) -> list[str]:
    """`streamlit run app.py` headless on 127.0.0.1:port, as the browser tests start it."""
    return [sys.executable, "-m", "streamlit", "run", APP, "--server.headless=true",
            f"--server.port={port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", *extra]


@contextlib.contextmanager
def serving(cmd: list[str], port: int, cwd=ROOT, env=None, log=subprocess.DEVNULL,
            timeout: float = 60.0, describe=lambda: ""):
    """Start a Streamlit server (`cmd`), wait for /_stcore/health, yield (url, process); stop it
    afterwards (terminate, then kill), whatever happened in between."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("the Streamlit server did not become healthy\n" + describe())
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def shared_server():
    """One `streamlit run app.py` for the browser modules whose pages do not interfere (default
    settings, nothing but its own session changed by a page): starting a server and warming its
    caches costs seconds per module. Modules that need their own settings start their own."""
    log = open(ROOT / ".pytest_cache" / "streamlit-shared-test.log", "w") \
        if (ROOT / ".pytest_cache").is_dir() else subprocess.DEVNULL
    port = free_port()
    with serving(streamlit_cmd(port), port, log=log) as (url, _):
        yield url


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
