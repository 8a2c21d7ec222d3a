"""The layout shows the architecture: the project's import graph has no cycle, arrows point down
(page → figures → model → optimizers → surfaces), Streamlit is imported only by the page layer and
Plotly only by figures and the page. Read from the source with `ast` (every import, also the ones
inside functions), not by importing anything."""
from __future__ import annotations

import ast

import pytest

from conftest import ROOT

PACKAGES = ("optimizers", "surfaces", "optviz")


def _module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, object]:
    out = {"app": ROOT / "app.py"}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> set[str]:
    """Every module `name` imports (absolute names), project or not."""
    tree = ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))
    here = name if _is_package(name) else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            out.add(mod)
            for a in node.names:                  # `from pkg import submodule`
                if f"{mod}.{a.name}" in MODULES:
                    out.add(f"{mod}.{a.name}")
    return out


def _edges() -> dict[str, set[str]]:
    """Project-internal edges. Importing a.b.c runs the packages a and a.b first: those are edges
    too, except towards the importer's own enclosing packages (which are already running)."""
    graph = {}
    for name in MODULES:
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        deps = set()
        for mod in _imports(name):
            parts = mod.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target in MODULES and target != name and target not in own:
                    deps.add(target)
        graph[name] = deps
    return graph


def test_the_graph_reads_the_project():
    g = _edges()
    assert {"app", "optviz.page.sweep", "optviz.model.scenario", "optimizers.runner"} <= set(g)
    assert "optviz.model.scenario" in g["optviz.model.presets.paper"]
    assert "optviz.model.presets" in g["app"]


def test_the_project_import_graph_has_no_cycle():
    g = _edges()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(g[n]):
            if state.get(m) == 1:
                cycle = stack[stack.index(m):] + [m]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)


def _importers(prefix: str) -> set[str]:
    return {n for n in MODULES if any(m == prefix or m.startswith(prefix + ".") for m in _imports(n))}


def test_streamlit_is_imported_only_by_the_page_layer():
    allowed = {n for n in MODULES if n == "app" or n.startswith("optviz.page")}
    assert _importers("streamlit") <= allowed, sorted(_importers("streamlit") - allowed)
    assert _importers("streamlit"), "the page imports streamlit somewhere"


def test_plotly_is_imported_only_by_figures_and_the_page():
    # the race player draws with the installed plotly package's plotly.js (and locates the file)
    allowed = {n for n in MODULES if n.startswith(("optviz.figures", "optviz.player", "optviz.page"))
               or n == "app"}
    assert _importers("plotly") <= allowed, sorted(_importers("plotly") - allowed)


def test_arrows_point_down():
    """The core (optimizers, surfaces) knows nothing of the app but the shared HParam type; the model
    knows nothing of figures or the page; figures know nothing of the page."""
    layer = {"optimizers": 0, "surfaces": 0, "optviz.params": 0, "optviz": 0, "optviz.model": 1,
             "optviz.figures": 2, "optviz.player": 2, "optviz.page": 3, "app": 4,
             # the message tables sit beside the model (figures, player and page translate with
             # them); the catalogue is a tool that reads every layer's texts, so it sits on top
             "optviz.i18n": 1, "optviz.i18n.catalogue": 4}

    def level(n):
        best = max((k for k in layer if n == k or n.startswith(k + ".")), key=len)
        return layer[best]

    up = [(a, b) for a, deps in _edges().items() for b in deps if level(b) > level(a)]
    assert not up, up
