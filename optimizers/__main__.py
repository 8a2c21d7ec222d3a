"""Command line: run optimizers on a surface and print the trajectories.

    python -m optimizers --surface rosenbrock --optimizer adam --set lr=0.01 --steps 500 \
        --start -1.5,2 --format csv
    python -m optimizers --list

`--set` applies to the optimizer named just before it (or to all, if it comes first);
`--param` sets a surface parameter (kappa=100, noise=0.1, …). Bad arguments: one line on stderr, exit 2.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys

import surfaces

from . import registry, runner


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print the usage block too)
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def _value(text: str):
    """A --set value: true/false, an int, a float, or a word (schedule names)."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def _pairs(items, what):
    out = {}
    for item in items:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what} {item!r} is not NAME=VALUE")
        out[key.strip()] = _value(val)
    return out


def _listing() -> str:
    lines = ["optimizers:"]
    for spec in map(registry.spec, registry.names()):
        lines.append(f"  {spec.name:<10} {spec.title}: {spec.description}")
        for h in spec.hparams:
            lines.append(f"      {h.name:<26} default {h.default!s:<10} {h.range_text():<32} {h.help}")
    lines.append("surfaces:")
    for name in surfaces.names():
        s = surfaces.SPECS[name]
        lines.append(f"  {name:<16} {s.title}: {s.description}")
        for h in s.params:
            lines.append(f"      {h.name:<26} default {h.default!s:<10} {h.range_text():<32} {h.help}")
    lines.append("  gradient-oracle parameters (any surface):")
    for h in surfaces.ORACLE_PARAMS:
        lines.append(f"      {h.name:<26} default {h.default!s:<10} {h.range_text():<32} {h.help}")
    return "\n".join(lines)


def _parse_args(argv):
    p = _Parser(prog="python -m optimizers", description="Run optimizers on a 2-D loss surface.")
    p.add_argument("--list", action="store_true", help="list optimizers, surfaces and parameters")
    p.add_argument("--surface", default="rosenbrock")
    p.add_argument("--expression", help="a custom f(x, y) instead of --surface")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a surface parameter (repeatable)")
    p.add_argument("--optimizer", action="append", default=[], metavar="NAME",
                   help="an optimizer (repeatable; default adam)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyperparameter of the preceding --optimizer (repeatable)")
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--start", help="x,y (default: the surface's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    # --set binds to the last --optimizer: argparse keeps no order, so read argv ourselves
    args = p.parse_args(argv)
    groups, current = [], None
    it = iter(argv)
    for tok in it:
        key, eq, inline = tok.partition("=")
        if key == "--optimizer":
            current = {"name": inline if eq else next(it, ""), "set": []}
            groups.append(current)
        elif key == "--set":
            val = inline if eq else next(it, "")
            if current is None:
                groups.append(current := {"name": None, "set": []})
            current["set"].append(val)
    return p, args, groups


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # "--start -1.5,2": argparse would take "-1.5,2" for an option; glue values to their flags
    for i, tok in enumerate(argv[:-1]):
        if tok in ("--start", "--set", "--param") and argv[i + 1].startswith("-"):
            argv[i : i + 2] = [f"{tok}={argv[i + 1]}", ""]
    argv = [a for a in argv if a != ""]
    p, args, groups = _parse_args(argv)
    if args.list:
        print(_listing())
        return 0
    try:
        params = _pairs(args.param, "--param")
        s = (surfaces.from_expression(args.expression, **params) if args.expression
             else surfaces.get(args.surface, **params))
        shared = {}
        opts = []
        for grp in groups:
            hp = _pairs(grp["set"], "--set")
            if grp["name"] is None:
                shared.update(hp)
            else:
                opts.append((grp["name"], hp))
        opts = opts or [("adam", {})]
        built = [registry.get(name, **{**shared, **hp}) for name, hp in opts]
        start = None
        if args.start:
            parts = args.start.split(",")
            if len(parts) != 2:
                raise ValueError(f"--start {args.start!r} is not x,y")
            start = tuple(float(v) for v in parts)
            if not all(math.isfinite(v) for v in start):
                raise ValueError(f"--start {args.start!r} must be finite")
        trs = runner.run(built, s, start=start, steps=args.steps, seed=args.seed, diagnostics=False)
    except (ValueError, KeyError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    labels = _labels([t.optimizer.name for t in trs])
    if args.format == "json":
        json.dump({"surface": s.name, "surface_params": dict(s.params), "seed": args.seed,
                   "runs": [{"optimizer": t.optimizer.name, "label": lab,
                             "hp": {k: v for k, v in t.optimizer.hp.items()},
                             "diverged_at": t.diverged_at,
                             "points": _nan_to_none(t.points.tolist()),
                             "losses": _nan_to_none(t.losses.tolist()),
                             "grads": _nan_to_none(t.grads.tolist())}
                            for t, lab in zip(trs, labels)]}, sys.stdout)
        sys.stdout.write("\n")
    else:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["step", "optimizer", "x", "y", "loss", "grad_x", "grad_y"])
        for t, lab in zip(trs, labels):
            for k in range(t.steps + 1):
                w.writerow([k, lab, *(repr(float(v)) for v in (*t.points[k], t.losses[k], *t.grads[k]))])
    return 0


def _labels(names):
    """adam, adam#2, … when the same optimizer appears twice (A/B)."""
    seen, out = {}, []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


def _nan_to_none(x):
    if isinstance(x, list):
        return [_nan_to_none(v) for v in x]
    return None if isinstance(x, float) and not math.isfinite(x) else x


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # `... | head`: the reader left, nothing more to say
        sys.stderr.close()
        raise SystemExit(0)
