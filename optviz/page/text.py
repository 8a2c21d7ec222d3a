"""Text the page shows: escaping for Markdown, and short human labels."""
from __future__ import annotations

import re

import surfaces

from optviz.i18n import t
from optviz.model.scenario import CUSTOM
from optviz.params import HParam

# Everything Streamlit's Markdown (with its $…$ maths and :color[…] directives) treats specially.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: str) -> str:
    """Text from a link shown literally: no links, images, HTML, maths or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def surface_title(name: str) -> str:
    if name == CUSTOM:
        return t("Your own f(x, y)")
    return t(surfaces.SPECS[name].title)


def range_text(h: HParam) -> str:
    """HParam.range_text in the page's language (the interval itself is maths)."""
    if h.kind == "bool":
        return t("true or false")
    if h.kind == "choice":
        return t("one of {choices}", choices=", ".join(map(str, h.choices)))
    return h.range_text()


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
          "kappa": "κ", "lambda": "λ", "mu": "μ", "phi": "φ", "psi": "ψ", "sigma": "σ", "tau": "τ"}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def symbol_text(latex: str) -> str:
    """A registry symbol as plain Unicode for a control's label (screen readers read it too):
    \\beta_2 → β₂, \\eta_t → η_t, c_x → c_x. Anything unknown keeps its LaTeX form in $…$."""
    m = re.fullmatch(r"\\?([A-Za-z]+)(?:_([0-9A-Za-z]))?", latex)
    if not m:
        return f"${latex}$" if latex else ""
    base, sub = m.groups()
    if latex.startswith("\\"):
        if base not in _GREEK:
            return f"${latex}$"
        base = _GREEK[base]
    if not sub:
        return base
    return base + (sub.translate(_SUB) if sub.isdigit() else "_" + sub)


def panel_suffix_css(suffixes: dict[str, str]) -> str:
    """A style element appending text to keyed expanders' headers, {expander key: text}. The
    text is ours (numbers and symbols); quotes and backslashes are escaped all the same."""
    def css_string(text: str) -> str:
        return '"' + "".join(c if c.isalnum() or c in " ·=.−-+γ" else f"\\{ord(c):x} "
                             for c in text) + '"'
    rules = "".join(f".st-key-{re.sub(r'[^A-Za-z0-9_-]', '', k)} summary "
                    f"[data-testid='stMarkdownContainer'] p::after {{ content: {css_string(v)}; }}"
                    for k, v in suffixes.items())
    return f"<style>{rules}</style>"
