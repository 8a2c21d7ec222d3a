"""The scenario: everything one race depends on, and its URL form (a public interface).

A `Scenario` is immutable and hashable, so it keys the caches. `parse_query` reads a raw query
string — any text at all — into a Scenario plus one plain-text note per parameter it could not use
(that parameter falls back to its default). `to_query` writes the canonical form back, leaving
defaults out; `to_query(s, explicit=True)` writes every parameter (presets, exports).
Round trip: `parse_query(to_query(s)) == (s, [])`.

URL contract (v=1): v, surface, the surface's parameters by name, expr (surface=custom), opt once per
selected optimizer (a second/third copy of one optimizer is `adam-2`, `adam-3`), `<opt>.<hp>`, x0, y0,
steps, seed, view (`present`), preset, tuned (`1`: the learning rates are the tuned ones of
optviz.model.tuning; the link then writes every run's lr, default or not), predict (`1`: the race
opens with its paths hidden until the learner has guessed and pressed Reveal; the guesses
themselves are never in a link), theme (`light`/`dark`),
deck (present mode's scenes: preset names joined by commas).
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import optimizers
import surfaces
from optimizers import records
from optviz.params import HParam

from .defaults import DEFAULT_OPTS, lr_hint
from .fmt import fmt_number, fmt_value

SCHEMA_VERSION = "1"
CUSTOM = "custom"
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 1000
DEFAULT_SEED = 0
DEFAULT_EXPR = "x**2 + 3*y**2 + 2*sin(2*x)*sin(2*y)"
VIEWS = ("explore", "present")
LANGS = ("en", "ko")           # `lang`: left out of a link unless chosen; the page then follows the browser
THEMES = ("light", "dark")     # `theme`: left out unless chosen; the page then follows the browser
MAX_DECK = 30                  # `deck`: at most this many scenes
MAX_RUNS = 12
MAX_COPIES = 3                 # adam, adam-2, adam-3
MAX_VALUE_CHARS = 40           # a number or a name; `expr` has the parser's own limit
MAX_KEY_CHARS = 60
MAX_NOTES = 25

STEPS = HParam("steps", DEFAULT_STEPS, 1, optimizers.MAX_STEPS, kind="int", help="number of updates",
               grid=(10, 20, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 10000, 20000))
SEED = HParam("seed", DEFAULT_SEED, 0, 999_999, kind="int",
              help="seed of the gradient noise (the same seed gives every run the same draws)")

# [0-9], not \d: Python's \d also matches digits such as '１' or '٣'.
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_INT_RE = re.compile(r"[+-]?[0-9]{1,12}")
_INSTANCE_RE = re.compile(r"([a-z][a-z0-9_]*)(?:-([0-9]))?")


# --------------------------------------------------------------------------------- the model
class Frozen(Mapping):
    """An immutable, ordered, hashable mapping: a Scenario's parameters read like a dict and
    hash (and compare with each other) like the tuple of their items."""

    __slots__ = ("_items", "_dict")

    def __init__(self, items: Mapping | Sequence = ()):
        pairs = tuple(items.items() if isinstance(items, Mapping) else items)
        object.__setattr__(self, "_items", pairs)
        object.__setattr__(self, "_dict", dict(pairs))

    def __getitem__(self, key):
        return self._dict[key]

    def __iter__(self):
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, Frozen):
            return self._items == other._items
        return dict(self._dict) == other if isinstance(other, Mapping) else NotImplemented

    def __setattr__(self, name, value):
        raise AttributeError("Frozen is immutable")

    def __reduce__(self):
        return (Frozen, (self._items,))

    def __repr__(self) -> str:
        return f"Frozen({self._items!r})"


@dataclass(frozen=True)
class Run:
    """One optimizer in the race: `key` is its URL id (adam, adam-2), `hp` every hyperparameter."""

    key: str
    name: str
    hp: Frozen

    def __post_init__(self):
        if not isinstance(self.hp, Frozen):
            object.__setattr__(self, "hp", Frozen(self.hp))

    def optimizer(self, **override):
        """This run's optimizer, hyperparameters optionally overridden (panels, tests)."""
        return optimizers.get(self.name, label=self.key, **{**self.hp, **override})

    @property
    def copy(self) -> int:
        return instance_copy(self.key)

    @property
    def label(self) -> str:
        return instance_label(self.key)

    @property
    def hp_dict(self) -> dict:
        return dict(self.hp)


@dataclass(frozen=True)
class Scenario:
    """Everything a link says: the surface and its parameters, the runs, the start, the length,
    the seed, and how the page shows it (view, preset tag). The one model of the app, its presets,
    panels, sweep and tests."""

    surface: str = DEFAULT_SURFACE
    params: Frozen = Frozen()                     # the surface's parameters, all of them
    expr: str = ""                                # surface == "custom" only
    runs: tuple[Run, ...] = ()
    x0: float = math.nan
    y0: float = math.nan
    steps: int = DEFAULT_STEPS
    seed: int = DEFAULT_SEED
    view: str = "explore"
    preset: str = ""
    lang: str = ""                                # "" = the browser's language
    tuned: bool = False                           # the lrs are tuned (optviz.model.tuning)
    predict: bool = False                         # paths hidden until Reveal (a class's link)
    theme: str = ""                               # "" = the browser's (Streamlit's) theme
    deck: tuple[str, ...] = ()                    # present mode's scenes; () = the paper presets

    def __post_init__(self):
        if not isinstance(self.params, Frozen):
            object.__setattr__(self, "params", Frozen(self.params))

    @property
    def params_dict(self) -> dict:
        return dict(self.params)

    @property
    def start(self) -> tuple[float, float]:
        return (self.x0, self.y0)

    def build_surface(self, **override):
        """The surface; `override` changes some of its parameters (a panel's variant)."""
        params = Frozen({**self.params, **override}) if override else self.params
        return build_surface(self.surface, params, self.expr)

    def run(self, key: str) -> Run:
        for r in self.runs:
            if r.key == key:
                return r
        raise KeyError(key)

    def first(self, *names: str) -> Run | None:
        """The first run of any of these optimizers (by registry name), or None."""
        for r in self.runs:
            if r.name in names:
                return r
        return None

    def label(self, key: str) -> str:
        """Run `key`'s label in this race: "Adam B · β₂ = 0.9999" (run_labels)."""
        return run_labels(self).get(key) or instance_label(key)

    def problems(self) -> dict[str, str]:
        """Runs whose hyperparameters do not go together (e.g. Nesterov without momentum)."""
        out = {}
        for r in self.runs:
            try:
                make_optimizer(r)
            except ValueError as e:
                out[r.key] = str(e)
        return out

    def race_key(self) -> tuple:
        """What the trajectories depend on (not the view or the preset tag)."""
        return (self.surface, self.params, self.expr, self.runs, self.x0, self.y0, self.steps, self.seed)

    def figure_key(self) -> str:
        """Everything the figures depend on, as one string (a cheap cache key): floats by repr,
        so two scenarios share a key only if every value is identical."""
        return repr((self.race_key(), self.view))


def instance_base(key: str) -> str:
    return key.split("-", 1)[0]


def instance_copy(key: str) -> int:
    return int(key.split("-", 1)[1]) if "-" in key else 1


def instance_key(name: str, copy: int) -> str:
    return name if copy == 1 else f"{name}-{copy}"


def instance_label(key: str) -> str:
    title = optimizers.spec(instance_base(key)).title
    copy = instance_copy(key)
    return title if copy == 1 else f"{title} {'ABC'[copy - 1]}"


def run_labels(s: Scenario) -> dict[str, str]:
    """Every run's label in the legends and exports: the title and copy letter, and for copies
    of one optimizer the settings in which they differ (optimizers.records.labels)."""
    return _run_labels(s.runs)


@functools.lru_cache(maxsize=256)
def _run_labels(runs: tuple[Run, ...]) -> dict[str, str]:
    return dict(zip((r.key for r in runs), records.labels((r.key, r.name, r.hp) for r in runs)))


@functools.lru_cache(maxsize=64)
def build_surface(name: str, params: tuple, expr: str = ""):
    if name == CUSTOM:
        return surfaces.from_expression(expr, **dict(params))
    return surfaces.get(name, **dict(params))


def make_optimizer(run: Run):
    return optimizers.get(run.name, label=run.label, **run.hp_dict)


def surface_specs(name: str) -> tuple[HParam, ...]:
    return tuple(surfaces.param_specs(name))


def run_defaults(name: str, surface) -> dict:
    """An optimizer's hyperparameters by default on `surface`: the registry's, with the learning
    rate the surface suggests for the optimizer's family (a good first picture)."""
    spec = optimizers.spec(name)
    d = dict(spec.defaults)
    d["lr"] = lr_hint(surface, spec.family)
    return d


def start_specs(surface) -> tuple[HParam, HParam]:
    """x0, y0: anywhere within the window widened by its own size on each side."""
    (xa, xb), (ya, yb) = surface.window
    wx, wy = xb - xa, yb - ya
    return (HParam("x0", float(surface.start[0]), xa - wx, xb + wx, help="start x"),
            HParam("y0", float(surface.start[1]), ya - wy, yb + wy, help="start y"))


def default_scenario(surface: str = DEFAULT_SURFACE, expr: str = "") -> Scenario:
    specs = surface_specs(surface)
    params = tuple((h.name, h.default) for h in specs)
    expr = (expr or DEFAULT_EXPR) if surface == CUSTOM else ""
    s = build_surface(surface, params, expr)
    runs = tuple(Run(n, n, tuple(run_defaults(n, s).items())) for n in DEFAULT_OPTS)
    return Scenario(surface, params, expr, runs, float(s.start[0]), float(s.start[1]))


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b or (isinstance(a, (int, float)) and not isinstance(a, bool)
                                              and isinstance(b, (int, float)) and not isinstance(b, bool)
                                              and float(a) == float(b))


def _shown(text: str, limit: int = 32) -> str:
    """A user-supplied string made safe to quote in a message: short, printable, on one line.
    Non-ASCII characters are also named by code point: '１' looks like '1' but is U+FF11."""
    t = "".join(c if c.isprintable() else "�" for c in text)
    out = repr(t[:limit] + "…") if len(t) > limit else repr(t)
    odd = sorted({c for c in text[:limit] if ord(c) > 126}, key=text.index)[:3]
    if odd:
        out += " (contains " + ", ".join(f"U+{ord(c):04X}" for c in odd) + ")"
    return out


# ----------------------------------------------------------------------------- the codec
def to_query(s: Scenario, explicit: bool = False) -> dict[str, str | list[str]]:
    """The URL parameters of `s`, in a fixed order. Defaults are left out unless `explicit`."""
    surface = s.build_surface()
    q: dict[str, str | list[str]] = {"v": SCHEMA_VERSION}
    if explicit or s.surface != DEFAULT_SURFACE:
        q["surface"] = s.surface
    for h in surface_specs(s.surface):
        v = s.params_dict[h.name]
        if explicit or not _same(v, h.default):
            q[h.name] = fmt_value(v)
    if s.surface == CUSTOM:
        q["expr"] = s.expr
    keys = [r.key for r in s.runs]
    if explicit or tuple(keys) != DEFAULT_OPTS:
        q["opt"] = keys if keys else [""]
    for r in s.runs:
        d = run_defaults(r.name, surface)
        for k, v in r.hp.items():
            if explicit or not _same(v, d[k]) or (s.tuned and k == "lr"):
                q[f"{r.key}.{k}"] = fmt_value(v)
    for name, v, d in (("x0", s.x0, surface.start[0]), ("y0", s.y0, surface.start[1])):
        if explicit or not _same(v, float(d)):
            q[name] = fmt_number(v)
    if explicit or s.steps != DEFAULT_STEPS:
        q["steps"] = str(s.steps)
    if explicit or s.seed != DEFAULT_SEED:
        q["seed"] = str(s.seed)
    if s.view != "explore":
        q["view"] = s.view
    if s.preset:
        q["preset"] = s.preset
    if s.lang:
        q["lang"] = s.lang
    if s.tuned:
        q["tuned"] = "1"
    if s.predict:
        q["predict"] = "1"
    if s.theme:
        q["theme"] = s.theme
    if s.deck:
        q["deck"] = ",".join(s.deck)
    return q


def query_string(q: Mapping[str, str | Sequence[str]]) -> str:
    return urlencode(q, doseq=True)


def parse_value(h: HParam, text: str, key: str):
    """One URL value for parameter `h`, or ValueError with a message naming `key`."""
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{key}: the value is {len(text)} characters long; ignored")
    if h.kind == "bool":
        low = text.strip().lower()
        if low not in ("true", "false", "1", "0"):
            raise ValueError(f"{key}: {_shown(text)} is not true or false")
        return low in ("true", "1")
    if h.kind == "choice":
        if text not in h.choices:
            raise ValueError(f"{key}: {_shown(text)} is not one of {', '.join(map(str, h.choices))}")
        return text
    if h.kind == "int":
        if not _INT_RE.fullmatch(text):
            raise ValueError(f"{key}: {_shown(text)} is not a whole number (digits 0-9 only)")
        value = int(text)
    else:
        if not _FLOAT_RE.fullmatch(text):
            raise ValueError(f"{key}: {_shown(text)} is not a number")
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{key}: {_shown(text)} is too large (not a finite number)")
    try:
        return h.check(value)
    except ValueError:
        raise ValueError(f"{key}: {fmt_number(value)} is out of range; valid: {h.range_text()}") from None


@dataclass
class _Reader:
    """Hands out the raw values one key at a time and collects notes about what it refused."""

    raw: dict[str, list[str]]
    surface: str = DEFAULT_SURFACE
    notes: list[str] = field(default_factory=list)
    used: set = field(default_factory=set)

    def note(self, msg: str):
        self.notes.append(msg)

    def multi(self, key: str) -> list[str] | None:
        self.used.add(key)
        return self.raw.get(key)

    def one(self, key: str, default: str = "") -> str | None:
        vals = self.multi(key)
        if vals is None:
            return None
        if len(set(vals)) > 1:
            using = f" ({default})" if default else ""
            self.note(f"{key}: given {len(vals)} times with different values; using the default{using}")
            return None
        return vals[0]

    def value(self, key: str, h: HParam, default):
        text = self.one(key, fmt_value(default))
        if text is None:
            return default
        try:
            return parse_value(h, text, key)
        except ValueError as e:
            self.note(f"{e}; using the default ({fmt_value(default)})")
            return default


# What chat and social apps append to a shared link: not ours, dropped without a word.
TRACKING = re.compile(r"utm_[A-Za-z0-9_]*|fbclid|gclid|mc_cid|mc_eid|ref|igshid|si")
# Keys that do not change the race: `?preset=<name>` with only these loads the preset's race.
NOT_RACE = frozenset({"preset", "view", "lang", "v", "theme", "deck", "predict"})
PRESET_QUERIES: dict[str, Mapping] = {}        # filled by optviz.model.presets, like PRESET_TAGS


class Repaired(str):
    """A link note that reports a repair (the value was used, mended), not a refusal: the page
    shows it as information, not among the parameters replaced by their defaults."""


def _normalise(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in raw.items():
        if TRACKING.fullmatch(str(k)):
            continue
        vals = [v] if isinstance(v, str) else [str(x) for x in v]
        out.setdefault(str(k), []).extend(vals)
    return _with_preset(out)


def _with_preset(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """`preset=<name>` and nothing that changes the race: the preset's own query under it."""
    names = set(raw.get("preset", ()))
    if len(names) != 1 or not all(k in NOT_RACE or k.startswith("sweep.") for k in raw):
        return raw
    query = PRESET_QUERIES.get(next(iter(names)))
    if query is None:
        return raw
    base = {str(k): [v] if isinstance(v, str) else [str(x) for x in v] for k, v in query.items()}
    return {**base, **raw}


def _plus_as_space(text: str) -> str | None:
    """`text` with the `+` a link turned into a space put back: a space between two operands
    (where juxtaposition cannot parse) becomes ` + `. None if there is nothing to put back."""
    if "+" in text or not re.search(r"\s", text.strip()):
        return None
    fixed = re.sub(r"(?<=[A-Za-z0-9_.)])\s+(?=[A-Za-z0-9_.(])", " + ", text.strip())
    return fixed if fixed != text.strip() else None


def _read_expr(r: "_Reader") -> str:
    from surfaces.expression import parse
    text = r.one("expr")
    if text is None:
        r.note(f"expr: surface=custom needs an expression; using {DEFAULT_EXPR}")
        return DEFAULT_EXPR
    try:
        return parse(text).text
    except ValueError as e:
        fixed = _plus_as_space(text)
        if fixed is not None:
            try:
                expr = parse(fixed).text
            except ValueError:
                pass
            else:
                r.note(Repaired(f"expr: a + in the link arrived as a space (in a link, write + as "
                                f"%2B); read as {_shown(expr, 60)}"))
                return expr
        hint = "; in a link, write + as %2B" if fixed is not None else ""
        r.note(f"expr: {e}{hint}; using {DEFAULT_EXPR}")
        return DEFAULT_EXPR


def parse_query(raw: Mapping[str, str | Sequence[str]]) -> tuple[Scenario, list[str]]:
    """A scenario from URL parameters, whatever they contain, and a note per refused parameter."""
    s, notes, _ = _read(raw, note_unknown=True)
    return s, notes


def read_link(raw: Mapping[str, str | Sequence[str]]) -> tuple[Scenario, list[str], dict]:
    """parse_query for readers with keys of their own (the paper panels, the sweep): the keys the
    race does not read come back as a third value (normalised: key → list of texts) instead of as
    notes. Every other note is the same."""
    return _read(raw, note_unknown=False)


def _read(raw, note_unknown: bool):
    r = _Reader(_normalise(raw))

    v = r.one("v")
    if v is not None and v != SCHEMA_VERSION:
        r.note(f"v: this link has schema version {_shown(v)}; this app reads v={SCHEMA_VERSION}, "
               "so the link was read as v=1 — check the result")

    surface = r.one("surface")
    if surface is None:
        surface = DEFAULT_SURFACE
    elif surface not in surfaces.names() and surface != CUSTOM:
        r.note(f"surface: unknown surface {_shown(surface)}; showing {DEFAULT_SURFACE} "
               f"(choose one of {', '.join(surfaces.names())}, or custom)")
        surface = DEFAULT_SURFACE

    expr = _read_expr(r) if surface == CUSTOM else ""

    r.surface = surface
    params = []
    for h in surface_specs(surface):
        params.append((h.name, r.value(h.name, h, h.default)))
    params = tuple(params)
    surf = build_surface(surface, params, expr)

    keys = _parse_opts(r)
    runs = []
    for key in keys:
        name = instance_base(key)
        spec = optimizers.spec(name)
        d = run_defaults(name, surf)
        given = {}
        for h in spec.hparams:
            k = f"{key}.{h.name}"
            if k in r.raw:
                given[h.name] = r.value(k, h, d[h.name])
        hp = {**d, **given}
        try:
            optimizers.get(name, **hp)
        except ValueError as e:
            msg = str(e).removeprefix(f"{name}: ")
            r.note(f"{key}: {msg}; using its defaults for {', '.join(sorted(given))}")
            hp = d
        runs.append(Run(key, name, tuple((h.name, hp[h.name]) for h in spec.hparams)))

    hx, hy = start_specs(surf)
    x0 = r.value("x0", hx, hx.default)
    y0 = r.value("y0", hy, hy.default)
    steps = r.value("steps", STEPS, DEFAULT_STEPS)
    seed = r.value("seed", SEED, DEFAULT_SEED)

    view = r.one("view")
    if view is None:
        view = "explore"
    elif view not in VIEWS:
        r.note(f"view: {_shown(view)} is not a view; valid: present (or leave it out)")
        view = "explore"

    preset = r.one("preset") or ""
    if preset and preset not in PRESET_TAGS:
        r.note(f"preset: unknown preset {_shown(preset)}; ignored")
        preset = ""

    lang = r.one("lang") or ""
    if lang and lang not in LANGS:
        r.note(f"lang: {_shown(lang)} is not a language of this page; valid: en, ko (or leave it out)")
        lang = ""

    tuned = _read_tuned(r)
    predict = _read_predict(r)
    theme, deck = _display(r)
    if note_unknown:
        _unknown(r, keys)
    s = Scenario(surface, params, expr, tuple(runs), float(x0), float(y0), int(steps), int(seed),
                 view, preset, lang, tuned, predict, theme, deck)
    notes = r.notes
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"… and {len(notes) - MAX_NOTES} more problems"]
    return s, notes, {k: v for k, v in r.raw.items() if k not in r.used}


def _read_tuned(r: _Reader) -> bool:
    """`tuned=1`: the page says the learning rates are tuned; anything else but 0 is noted."""
    text = r.one("tuned")
    if text is None or text in ("0", ""):
        return False
    if text != "1":
        r.note(f"tuned: {_shown(text)} is not 1 or 0; ignored")
        return False
    return True


PREDICT = HParam("predict", False, kind="bool", help="hide the paths until the learner has guessed")


def _read_predict(r: _Reader) -> bool:
    """`predict=1` (or true/0/false): the race opens veiled, for a class to guess first."""
    return bool(r.value("predict", PREDICT, False))
def _display(r: _Reader) -> tuple[str, tuple[str, ...]]:
    """`theme` and `deck`: how the page shows the race (neither changes a trajectory)."""
    theme = r.one("theme") or ""
    if theme and theme not in THEMES:
        r.note(f"theme: {_shown(theme)} is not a theme; valid: light, dark (or leave it out)")
        theme = ""
    deck: list[str] = []
    text = r.one("deck") or ""
    bad = []
    for name in text.split(",")[:MAX_DECK + 10] if text else []:
        name = name.strip()
        if name in PRESET_TAGS and name not in deck and len(deck) < MAX_DECK:
            deck.append(name)
        elif name and name not in deck:
            bad.append(_shown(name, 24))
    if bad:
        r.note(f"deck: {', '.join(bad[:5])}{' …' if len(bad) > 5 else ''} dropped (not a preset "
               f"name, or more than {MAX_DECK} scenes)" + ("" if deck else "; showing the paper presets"))
    return theme, tuple(deck)


def _parse_opts(r: _Reader) -> list[str]:
    vals = r.multi("opt")
    if vals is None:
        return list(DEFAULT_OPTS)
    keys: list[str] = []
    for text in vals:
        if text == "":
            continue
        m = _INSTANCE_RE.fullmatch(text) if len(text) <= MAX_VALUE_CHARS else None
        if m is None or m.group(1) not in optimizers.names() or not (
                m.group(2) is None or 2 <= int(m.group(2)) <= MAX_COPIES):
            r.note(f"opt: unknown optimizer {_shown(text)} ignored (choose from "
                   f"{', '.join(optimizers.names())}; a second or third copy is name-2, name-3)")
            continue
        if text in keys:
            r.note(f"opt: {text} is listed twice; kept once")
            continue
        if len(keys) >= MAX_RUNS:
            r.note(f"opt: at most {MAX_RUNS} optimizers race at once; {text} and the rest were dropped")
            break
        keys.append(text)
    return keys


def _unknown(r: _Reader, keys: list[str]) -> None:
    # sweep.* keys belong to the sweep tab, which validates and warns about them itself
    unknown = [k for k in r.raw if k not in r.used and not k.startswith("sweep.")]
    names = set(keys)
    for k in unknown[:10]:
        shown = _shown(k, 24) if len(k) <= MAX_KEY_CHARS else f"a {len(k)}-character name"
        base = k.split(".", 1)[0]
        if "." in k and _INSTANCE_RE.fullmatch(base) and instance_base(base) in optimizers.names():
            if base not in names:
                r.note(f"{shown}: ignored because {base} is not among the selected optimizers")
            else:
                hp = k.split(".", 1)[1]
                valid = ", ".join(h.name for h in optimizers.spec(instance_base(base)).hparams)
                r.note(f"{shown}: {instance_base(base)} has no hyperparameter {_shown(hp, 24)} "
                       f"(it takes {valid}); ignored")
        elif k == "expr":
            r.note("expr: only used with surface=custom; ignored")
        elif any(k in {h.name for h in surface_specs(n)} for n in surfaces.names()):
            r.note(f"{shown}: not a parameter of the {r.surface} surface; ignored")
        else:
            r.note(f"{shown}: unknown parameter; ignored")
    if len(unknown) > 10:
        r.note(f"… and {len(unknown) - 10} more unknown parameters ignored")


# ------------------------------------------------------------------- strict reading, running
def parse_scenario(query: Mapping[str, Any], strict: bool = False) -> Scenario:
    """A Scenario from URL parameters (str → str, or list[str] for the repeated `opt`), read by the
    app's own reader (read_link): one definition of what a link means.

    Where the app notes a refused value and shows its default, this raises: a panel or a test must
    not silently run something else. strict (presets): also every race parameter must be written
    out and no key may be unknown — a preset must not depend on a default. Otherwise missing values
    take the app's defaults (an optimizer's lr: the surface's hint for its family) and keys the race
    does not read are ignored. Raises ValueError naming every problem.
    """
    s, notes, extra = read_link(query)
    problems = list(notes)
    if strict:
        given = {str(k) for k in query}
        required = (["v", "surface"] + (["expr"] if s.surface == "custom" else [])
                    + list(s.params) + ["opt"]
                    + [f"{r.key}.{k}" for r in s.runs for k in r.hp] + ["x0", "y0", "steps", "seed"])
        problems += [f"{k}: missing (a preset writes every parameter)" for k in required if k not in given]
        if extra:
            problems.append(f"unknown parameters: {', '.join(sorted(extra))}")
    if problems:
        raise ValueError("; ".join(problems))
    return s


def scenario_runs(preset, *, surface: Mapping | None = None, runs: Mapping | None = None,
                  start=None, steps: int | None = None, seed: int | None = None,
                  diagnostics: bool = True, strict: bool | None = None):
    """Run a preset (or a query dict) through the public API: (surface, [Trajectory per run]).

    All runs advance in ONE batched `optimizers.run`. Keyword overrides make variants of the same
    scenario: `surface` (surface parameters, e.g. {"scale_x": 1.0}), `runs` ({key: {hp: value}}),
    `start`, `steps`, `seed`. Presets are parsed strictly (every parameter explicit and valid).
    """
    query = preset.query if hasattr(preset, "query") else preset
    sc = parse_scenario(query, strict=hasattr(preset, "query") if strict is None else strict)
    surf = sc.build_surface(**(surface or {}))
    opts = [r.optimizer(**(runs or {}).get(r.key, {})) for r in sc.runs]
    trs = optimizers.run(opts, surf, start=sc.start if start is None else start,
                         steps=sc.steps if steps is None else steps,
                         seed=sc.seed if seed is None else seed, diagnostics=diagnostics)
    return surf, trs


# ------------------------------------------------------------------------------ presets
# The preset names a link's `preset=` tag may carry. The preset lookup (optviz.model.presets) adds
# them when it is imported: presets are written with this module's codec, so the codec cannot
# import them (that was an import cycle).
PRESET_TAGS: set[str] = set()


@dataclass(frozen=True)
class Preset:
    """A complete scenario with a title and what to look for (a lecturer can read it aloud)."""

    name: str            # url-safe id, e.g. "rosenbrock-race"
    title: str
    what_to_look_for: str
    query: dict          # the complete scenario as URL parameters, every parameter explicit
    source: str = ""     # paper and section, e.g. "Kingma & Ba 2015, §6.4"
    panel: str = "race"  # race | diagnostics | steps | 3d | a name in optviz.figures.panels.PANELS
    question: str = ""   # one line the page asks in predict mode, before the paths are shown


def preset_url(preset: Preset) -> str:
    return "?" + query_string({**preset.query, "preset": preset.name})


def explicit_query(surface: str = DEFAULT_SURFACE, runs: Sequence = DEFAULT_OPTS, *,
                   params: Mapping | None = None, expr: str | None = None,
                   start: tuple[float, float] | None = None, steps: int = DEFAULT_STEPS,
                   seed: int = DEFAULT_SEED) -> dict:
    """A preset's complete query: every parameter written out, checked like a link.

    runs: instance keys ("adam", "adam-2") or (key, {hp: value}) pairs; unspecified hyperparameters
    take their defaults on this surface. Raises ValueError listing anything that does not parse.
    """
    q: dict[str, Any] = {"v": SCHEMA_VERSION, "surface": surface}
    if expr is not None:
        q["expr"] = expr
    for k, v in (params or {}).items():
        q[k] = fmt_value(v)
    q["opt"] = []
    for item in runs:
        key, hp = (item, {}) if isinstance(item, str) else item
        q["opt"].append(key)
        for k, v in hp.items():
            q[f"{key}.{k}"] = fmt_value(v)
    if start is not None:
        q["x0"], q["y0"] = fmt_number(start[0]), fmt_number(start[1])
    q["steps"], q["seed"] = str(steps), str(seed)
    s, notes = parse_query(q)
    if notes:
        raise ValueError("; ".join(notes))
    return to_query(s, explicit=True)


def with_start(s: Scenario, x0: float, y0: float) -> Scenario:
    return replace(s, x0=float(x0), y0=float(y0))
