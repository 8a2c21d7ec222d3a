"""What a user of the package gets: the built wheel installed into a fresh environment outside the
checkout starts the app (`optviz app`) and draws the default race in Chromium; the build prints no
warning; the sdist carries what its own tests need and they pass in it; the description an index
shows works there (no relative links, pip instructions)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, free_port, serving

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
NAME, VERSION = PYPROJECT["project"]["name"], PYPROJECT["project"]["version"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _env() -> dict:
    # nothing of the checkout on the path; no byte-compile warnings from this machine's setting
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    return env


def _run(cmd, cwd, timeout=300, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=kw.pop("env", _env()), capture_output=True, text=True,
                       timeout=timeout, **kw)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """The wheel (`pip wheel . --no-deps`) and the sdist (setuptools' PEP 517 backend, the
    setuptools>=77 the project asks for), each built from a copy of the checkout's tracked files."""
    tmp = tmp_path_factory.mktemp("dists")
    src = tmp / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (src / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, src / f)
    out = tmp / "dist"
    wheel = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-v", "-w", str(out)], src)
    backend = tmp / "backend"
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(backend),
          *PYPROJECT["build-system"]["requires"]], tmp)
    env = {**_env(), "PYTHONPATH": str(backend)}
    sdist = _run([sys.executable, "-W", "default", "-c",
                  f"from setuptools import build_meta as b; print(b.build_sdist({str(out)!r}))"],
                 src, env=env)
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz")),
            "log": wheel.stdout + wheel.stderr + sdist.stdout + sdist.stderr, "tmp": tmp}


def test_build_prints_no_warning(dists):
    bad = [line for line in dists["log"].splitlines() if re.search(r"warn|deprecat", line, re.I)]
    assert not bad, "\n".join(bad)


def test_wheel_holds_the_app_its_settings_and_the_license(dists):
    with zipfile.ZipFile(dists["wheel"]) as z:
        names = set(z.namelist())
        meta = z.read(f"{NAME.replace('-', '_')}-{VERSION}.dist-info/METADATA").decode()
        entry = z.read(f"{NAME.replace('-', '_')}-{VERSION}.dist-info/entry_points.txt").decode()
        config = z.read("optviz/page/.streamlit/config.toml").decode()
        page = z.read("optviz/page/app.py").decode()
    for pkg in ("optimizers", "surfaces", "optviz", "optviz/model", "optviz/figures", "optviz/page"):
        assert f"{pkg}/__init__.py" in names, pkg
    assert "optviz/page/app.py" in names and "app.py" not in names      # no top-level module "app"
    assert not any(n.startswith(("tests/", "benchmarks/", "views/")) for n in names)
    assert f"{NAME.replace('-', '_')}-{VERSION}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in meta and "Classifier: License" not in meta
    assert "optviz = optimizers.__main__:main" in entry
    # the checkout links both into the package; the wheel must carry the files themselves
    assert config == (ROOT / ".streamlit" / "config.toml").read_text()
    assert page == (ROOT / "app.py").read_text()


def test_page_script_and_settings_in_the_package_are_the_checkouts():
    """`streamlit run app.py` reads app.py and .streamlit/ at the top of the checkout; `optviz app`
    runs optviz/page/app.py with the settings beside it. In the repository those are links to the
    top-level files (one file each, never two copies to keep in step)."""
    assert (ROOT / "optviz" / "page" / "app.py").read_text() == (ROOT / "app.py").read_text()
    assert ((ROOT / "optviz" / "page" / ".streamlit" / "config.toml").read_text()
            == (ROOT / ".streamlit" / "config.toml").read_text())
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["fileWatcherType"] == "none" and cfg["runner"]["magicEnabled"] is False
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["theme"]["light"]["primaryColor"] and cfg["theme"]["dark"]["backgroundColor"]


def test_description_for_an_index():
    """An index shows the readme without the repository: no relative link or image, and a pip user
    learns how to install and start the app."""
    path = ROOT / PYPROJECT["project"]["readme"]
    text = path.read_text()
    links = re.findall(r"!?\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r"""src=["']([^"']+)""", text)
    assert all(re.match(r"https?://", u) for u in links), links
    assert f"pip install {NAME}" in text and "optviz app" in text
    assert "make run" not in text


def test_sdist_carries_its_tests_and_they_pass(dists):
    tmp = dists["tmp"]
    with tarfile.open(dists["sdist"]) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
        t.extractall(tmp / "sdist", filter="data")
    for need in ("tests/conftest.py", "tests/reference/adam.json", "app.py", "LICENSE", "README.md",
                 ".streamlit/config.toml", "optviz/page/.streamlit/config.toml", "tools/make_reference.py"):
        assert need in names, need
    root = next((tmp / "sdist").iterdir())
    where = _run([sys.executable, "-c", "import optimizers; print(optimizers.__file__)"], root)
    assert where.stdout.strip().startswith(str(root)), where.stdout       # the sdist's code, not ours
    # the tests that need what a bare sdist used to leave out (conftest, reference vectors, app.py)
    r = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_reference.py",
              "tests/test_cli.py", "-k", "reference or torch or api or apps_export or version"], root,
             timeout=600)
    assert re.search(r"\b\d+ passed\b", r.stdout) and " failed" not in r.stdout, r.stdout[-2000:]


# ------------------------------------------------------------------------ the installed app
@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory):
    """A fresh venv outside the checkout with the wheel installed. Its dependencies (streamlit,
    numpy, plotly, autograd) are taken from this environment through a path entry instead of being
    downloaded again: a .pth path line adds a folder to sys.path but runs none of its .pth files,
    so this environment's editable install of the checkout stays invisible there."""
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], home)     # pip comes from here
    py = venv / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     home).stdout.strip())
    import streamlit
    (site / "zz_dependencies.pth").write_text(str(Path(streamlit.__file__).parent.parent) + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
          "--quiet", str(dists["wheel"])], home)
    return {"home": home, "venv": venv, "py": py}


def test_installed_package_is_the_wheels_and_its_cli_says_optviz(installed):
    home, venv, py = installed["home"], installed["venv"], installed["py"]
    r = _run([str(py), "-c", "import optimizers, optviz.page, surfaces; print(optimizers.__file__)"], home)
    assert r.stdout.strip().startswith(str(venv)) and str(ROOT) not in r.stdout
    optviz = str(venv / "bin" / "optviz")
    assert _run([optviz, "--version"], home).stdout.strip() == f"optviz {VERSION}"
    assert _run([optviz, "--help"], home).stdout.startswith("usage: optviz ")
    assert _run([str(py), "-m", "optimizers", "app", "--help"], home).stdout.startswith(
        "usage: python -m optimizers app [streamlit options]")
    csv = _run([optviz, "--optimizer", "adam", "--optimizer", "adam", "--steps", "2"], home).stdout
    assert csv.splitlines()[0] == "run,optimizer,step,x,y,loss,grad_x,grad_y,label" and "\nadam-2,adam,2," in csv


@pytest.mark.browser
def test_optviz_app_from_the_wheel_draws_the_default_race(installed):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:                                      # pragma: no cover - machine-dependent
        sync_playwright = None
    missing = ("playwright is not installed" if sync_playwright is None else
               f"no Chromium at {CHROMIUM}" if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM))
               else "")
    if missing:
        if IN_CI:
            raise RuntimeError(f"the wheel's browser test must run in CI, but {missing}")
        pytest.skip(f"browser test skipped: {missing}")
    home, venv = installed["home"], installed["venv"]
    port = free_port()
    log = home / "server.log"
    cmd = [str(venv / "bin" / "optviz"), "app", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1"]
    with open(log, "w") as out, serving(cmd, port, cwd=home, env=_env(), log=out,
                                        describe=log.read_text) as (url, _):
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = b.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            time.sleep(0.3)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                   state="attached", timeout=90_000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)   # the race chart
            assert page.locator("[data-testid='stException']").count() == 0
            names = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0]"
                                  "._fullData.map(t => t.name)")
            assert {"Adam", "AdamW", "SGD"} <= set(names), names                  # the default race
            # the packaged settings apply (toolbar in viewer mode: no Deploy button for students)
            assert page.locator("[data-testid='stAppDeployButton']").count() == 0
            b.close()
    text = log.read_text()
    assert "Traceback" not in text and "Warning" not in text, text
