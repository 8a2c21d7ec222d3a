"""The page's language: one message table per language, keyed by the English text.

    t("Steps")                          → "스텝 수" when the page speaks Korean
    t("{n} cells diverged", n=3)        → the table's template, then str.format
    note("kappa: 'abc' is not a number; using the default (10)")
                                        → a message built by the core, translated piece by piece

The core (optimizers/, surfaces/, optviz.model) keeps its English texts, which serve as the keys;
translation happens where a text is shown (optviz.page, optviz.figures, app.py). The language is
per script run (a ContextVar: Streamlit runs each session's script in its own thread), so two
sessions in two languages never see each other's texts. Adding a string: wrap it in t(…) and add
its Korean to ko.py (tests/test_i18n.py lists every text still missing).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar

from . import ko

LANGS = ("en", "ko")
DEFAULT = "en"
LANG_NAMES = {"en": "English", "ko": "한국어"}

_TABLES: dict[str, dict[str, str]] = {"ko": ko.MESSAGES}
_PATTERNS: dict[str, list[tuple[re.Pattern, str]]] = {"ko": ko.PATTERNS}
_lang: ContextVar[str] = ContextVar("optviz_lang", default=DEFAULT)


def set_lang(lang: str) -> str:
    """Make `lang` the language of this script run (anything unknown: English); returns it."""
    lang = lang if lang in LANGS else DEFAULT
    _lang.set(lang)
    return lang


@contextmanager
def speaking(lang: str | None):
    """Within the block the texts are in `lang` (None: whatever the page speaks now)."""
    if lang is None:
        yield
        return
    token = _lang.set(lang if lang in LANGS else DEFAULT)
    try:
        yield
    finally:
        _lang.reset(token)


def get_lang() -> str:
    return _lang.get()


def lang_for_locale(locale: str | None) -> str:
    """The default language for a browser locale (navigator.language: "ko-KR", "ko", "en-US")."""
    if isinstance(locale, str) and locale.strip().lower().split("-")[0].split("_")[0] == "ko":
        return "ko"
    return DEFAULT


def t(text: str, **fmt) -> str:
    """`text` in the page's language; with keyword arguments, str.format'ted afterwards."""
    table = _TABLES.get(_lang.get())
    out = table.get(text, text) if table is not None else text
    return out.format(**fmt) if fmt else out


def note(text: str) -> str:
    """A message the core composed (a link note, a parser error, a range check): an exact entry,
    else the language's patterns applied in order. Values quoted from the link stay as they are."""
    lang = _lang.get()
    table = _TABLES.get(lang)
    if table is None:
        return text
    if text in table:
        return table[text]
    for pattern, repl in _PATTERNS[lang]:
        text = pattern.sub(repl, text)
    return text


def table(lang: str) -> dict[str, str]:
    return _TABLES.get(lang, {})


def in_lang(text: str, lang: str) -> str:
    """`text` in a given language, whatever the page speaks now (for callbacks that switch)."""
    return _TABLES.get(lang, {}).get(text, text)


def run_label(label: str) -> str:
    """A run's label ("Adam, no bias correction B"): the optimizer's title translated, the copy
    letter kept. Exports keep the English label (the CLI's and the app's files agree)."""
    table = _TABLES.get(_lang.get())
    if not table:
        return label
    label, sep, differs = label.partition(" · ")     # "Adam B · β₂ = 0.9999": symbols stay
    if differs:
        return run_label(label) + sep + differs
    if label in table:
        return table[label]
    head, _, letter = label.rpartition(" ")
    if letter in ("A", "B", "C") and head in table:
        return f"{table[head]} {letter}"
    return label


_FIGURE_TEXT_KEYS = ("name", "hovertemplate", "text")


def figure_texts(fig) -> None:
    """Translate, in place, every text a plotly figure shows (trace names, hover templates, titles,
    axis titles, annotations, subplot titles): for figures built in English by the paper panels."""
    if _lang.get() not in _TABLES:
        return
    for tr in fig.data:
        for k in ("name", "hovertemplate"):
            v = getattr(tr, k, None)
            if isinstance(v, str) and v:
                setattr(tr, k, note(v))
        cb = getattr(tr, "colorbar", None)
        if cb is not None and cb.title is not None and isinstance(cb.title.text, str):
            cb.title.text = note(cb.title.text)
    lay = fig.layout
    if lay.title is not None and isinstance(lay.title.text, str):
        lay.title.text = note(lay.title.text)
    for key in list(lay.to_plotly_json()):
        if key.startswith(("xaxis", "yaxis")):
            ax = lay[key]
            if ax.title is not None and isinstance(ax.title.text, str):
                ax.title.text = note(ax.title.text)
    for ann in lay.annotations or ():
        if isinstance(ann.text, str):
            ann.text = note(ann.text)
    for shape in lay.shapes or ():
        label = getattr(shape, "label", None)
        if label is not None and isinstance(getattr(label, "text", None), str):
            label.text = note(label.text)


def table_texts(rows: list[dict]) -> list[dict]:
    """A panel's table with its column names and text cells translated (numbers stay)."""
    if _lang.get() not in _TABLES:
        return rows
    return [{note(k): (note(v) if isinstance(v, str) else v) for k, v in row.items()} for row in rows]
