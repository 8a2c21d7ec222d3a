"""Every text the page shows, gathered from the code and the registries, and what each language
still lacks. `python -m optviz.i18n.catalogue [ko]` prints the missing ones, ready to translate.

Two sources: the literal first argument of every t("…") call in app.py, optviz/page and
optviz/figures (found by reading the code, so a new string is seen without running the page), and
the data the page shows through t(): registry titles, help and descriptions, presets, panel labels.
Messages the core composes at run time (link notes, parser errors) are translated by patterns;
tests/test_i18n.py checks those on a corpus of bad links and expressions.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["app.py", "optviz/page", "optviz/figures", "optviz/player"]
# module-level tables of texts shown through t(name) (their values, not their keys)
TABLES = {"TAB_NAMES", "TITLES", "TITLES_NORMALISED"}


def code_texts(root: Path = ROOT) -> dict[str, str]:
    """{text: "file:line"} for every t("literal", …) call (implicitly joined literals included)."""
    out: dict[str, str] = {}
    files: list[Path] = []
    for src in SOURCES:
        p = root / src
        files += [p] if p.is_file() else sorted(p.rglob("*.py"))
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"), filename=str(f))
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id in TABLES):
                values = node.value.values if isinstance(node.value, ast.Dict) else \
                    getattr(node.value, "elts", [])
                for v in values:
                    if isinstance(v, ast.Constant) and isinstance(v.value, str):
                        out.setdefault(v.value, f"{f.relative_to(root)}:{v.lineno}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                out.setdefault(node.args[0].value, f"{f.relative_to(root)}:{node.lineno}")
    return out


def data_texts() -> dict[str, str]:
    """{text: where} for the registry and preset texts the page passes through t()."""
    import optimizers
    import surfaces
    from optviz.model import presets
    from optviz.model.scenario import SEED
    from optviz.model.sweep import METRIC_TITLES

    out: dict[str, str] = {}
    for name in optimizers.names():
        s = optimizers.spec(name)
        out.setdefault(s.title, f"optimizers {name}.title")
        out.setdefault(s.description, f"optimizers {name}.description")
        if s.paper:
            out.setdefault(s.paper, f"optimizers {name}.paper")
        for h in s.hparams:
            if h.help:
                out.setdefault(h.help, f"optimizers {name}.{h.name}.help")
    for name in surfaces.names():
        spec = surfaces.SPECS[name]
        out.setdefault(spec.title, f"surfaces {name}.title")
        out.setdefault(spec.description, f"surfaces {name}.description")
        for h in surfaces.param_specs(name):
            if h.help:
                out.setdefault(h.help, f"surfaces {name}.{h.name}.help")
    for p in presets.all_presets():
        for field in ("title", "what_to_look_for", "source", "question"):
            text = getattr(p, field)
            if text:
                out.setdefault(text, f"preset {p.name}.{field}")
    for panel, label in presets.PANEL_LABELS.items():
        out.setdefault(label, f"panel label {panel}")
    out.setdefault(presets.panel_label("?"), "panel label (own panel)")
    for k, v in METRIC_TITLES.items():
        out.setdefault(v, f"sweep metric {k}")
    out.setdefault(SEED.help, "seed help")
    from optviz.player.scene import line_texts
    for text in line_texts():
        out.setdefault(text, "player inspector line")
    return out


def all_texts() -> dict[str, str]:
    return {**data_texts(), **code_texts()}


def missing(lang: str = "ko") -> dict[str, str]:
    from . import table
    have = table(lang)
    return {text: where for text, where in all_texts().items() if text not in have}


def main(argv: list[str]) -> int:
    lang = argv[1] if len(argv) > 1 else "ko"
    miss = missing(lang)
    for text, where in miss.items():
        print(f"# {where}\n    {text!r}: '',")
    print(f"{len(miss)} texts without a {lang} entry", file=sys.stderr)
    return 1 if miss else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
