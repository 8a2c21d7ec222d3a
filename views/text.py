"""Text the page shows: escaping for Markdown, and short human labels."""
from __future__ import annotations

import re

import surfaces

from .scenario import CUSTOM

# Everything Streamlit's Markdown (with its $…$ maths and :color[…] directives) treats specially.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: str) -> str:
    """Text from a link shown literally: no links, images, HTML, maths or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def surface_title(name: str) -> str:
    if name == CUSTOM:
        return "Your own f(x, y)"
    return surfaces.SPECS[name].title
