"""Command line: run optimizers on a surface and print the trajectories, or start the web app.

    optviz --surface rosenbrock --optimizer adam --set lr=0.01 --steps 500 --start -1.5,2 --format csv
    optviz --list
    optviz app [streamlit options]          # the web app, e.g. --server.port 8600

(`python -m optimizers` is the same program.) `--set` applies to the optimizer named just before it
(or to all, if it comes first); `--param` sets a surface parameter (kappa=100, noise=0.1, …).
The CSV and JSON are the app's export layout (optimizers.records). Bad arguments: one line on
stderr, exit 2.
"""
from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
from importlib import metadata

import surfaces

from . import records, registry, runner


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print the usage block too)
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(2)


def _prog(argv0: str | None) -> str:
    """The name the user typed: `optviz` for the installed script, `python -m optimizers` for -m."""
    base = os.path.basename(argv0 or "")
    return "python -m optimizers" if base in ("", "__main__.py", "-c") else base


def _version() -> str:
    try:
        return metadata.version("optimizer-visualizer")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


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


def _parser(prog: str) -> _Parser:
    p = _Parser(prog=prog, description="Run optimizers on a 2-D loss surface and print the "
                "trajectories (CSV or JSON, the app's export layout).",
                epilog=f"The web app: {prog} app [streamlit options], e.g. {prog} app --server.port 8600. "
                       f"Names, defaults and ranges: {prog} --list.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    p.add_argument("--list", action="store_true",
                   help="list the optimizers and surfaces with every parameter's default and range")
    p.add_argument("--surface", default="rosenbrock", metavar="NAME",
                   help="a surface from --list (default: %(default)s)")
    p.add_argument("--expression", metavar="F",
                   help="a custom f(x, y) instead of --surface, e.g. '(1-x)**2 + 100*(y-x**2)**2' "
                        "(default: none)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a surface parameter, repeatable (default: the surface's own values)")
    p.add_argument("--optimizer", action="append", default=[], metavar="NAME",
                   help="an optimizer from --list, repeatable; a repeated name is a copy "
                        "(adam, adam-2, ...) (default: adam)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a hyperparameter of the preceding --optimizer, or of all when given "
                        "before any, repeatable (default: the optimizer's defaults)")
    p.add_argument("--steps", type=int, default=500, metavar="N",
                   help="number of updates (default: %(default)s)")
    p.add_argument("--start", metavar="X,Y", help="start point (default: the surface's own start)")
    p.add_argument("--seed", type=int, default=0, metavar="N",
                   help="seed of the stochastic gradient oracles (default: %(default)s)")
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="output format (default: %(default)s)")
    return p


def _parse_args(argv, prog):
    p = _parser(prog)
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


def main(argv=None, prog=None) -> int:
    """The `optviz` console script and `python -m optimizers`; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = prog or _prog(sys.argv[0] if sys.argv else "")
    try:
        if argv[:1] == ["app"]:
            return _app(argv[1:], prog)
        status = _main(argv, prog)
        sys.stdout.flush()  # inside the try: a reader that left shows up here for short outputs
        return status
    except BrokenPipeError:  # `optviz ... | head`: the reader left; stop quietly like a C tool would
        # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # what a shell reports for a program ended by SIGPIPE


def _main(argv, prog) -> int:
    # "--start -1.5,2": argparse would take "-1.5,2" for an option; glue values to their flags
    for i, tok in enumerate(argv[:-1]):
        if tok in ("--start", "--set", "--param") and argv[i + 1].startswith("-"):
            argv[i : i + 2] = [f"{tok}={argv[i + 1]}", ""]
    argv = [a for a in argv if a != ""]
    p, args, groups = _parse_args(argv, prog)
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
        keys = records.instance_keys(name for name, _ in opts)
        built = []
        for (name, hp), key in zip(opts, keys):
            title = registry.spec(name).title
            label = records.instance_label(title, int(key.rsplit("-", 1)[1]) if key != name else 1)
            built.append(registry.get(name, label=label, **{**shared, **hp}))
        start = None
        if args.start:
            parts = args.start.split(",")
            if len(parts) != 2:
                raise ValueError(f"--start {args.start!r} is not x,y")
            start = tuple(float(v) for v in parts)
            if not all(math.isfinite(v) for v in start):
                raise ValueError(f"--start {args.start!r} must be finite")
        trs = runner.run(built, s, start=start, steps=args.steps, seed=args.seed, diagnostics=False)
        labels = records.labels((key, o.name, o.hp) for key, o in zip(keys, built))
    except (ValueError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e  # KeyError's str() adds quotes
        sys.stderr.write(f"{prog}: error: {msg}\n")
        return 2
    if args.format == "json":
        x0, y0 = (float(v) for v in trs[0].points[0])
        doc = {"surface": records.surface_record(s.name, (x0, y0), s.params, args.expression or ""),
               "steps": args.steps, "seed": args.seed,
               "runs": [records.run_record(key, t.optimizer.name, label, t.optimizer.hp, t)
                        for key, t, label in zip(keys, trs, labels)]}
        sys.stdout.write(records.dumps(doc) + "\n")
    else:
        records.write_csv(sys.stdout, ((key, t.optimizer.name, t, label)
                                        for key, t, label in zip(keys, trs, labels)))
    return 0


def _app(args, prog) -> int:
    """Start the web app from the installed package: `streamlit run` on the packaged page script.
    Streamlit reads the project's settings from the .streamlit/config.toml beside that script;
    options given here (--server.port 8600, ...) override them."""
    if args[:1] in (["-h"], ["--help"]):
        print(f"usage: {prog} app [streamlit options]\n\n"
              "Start the optimizer visualizer in the browser. Every option of `streamlit run` is\n"
              "passed through, e.g. --server.port 8600 --server.headless true\n"
              "(list: python -m streamlit run --help).")
        return 0
    page = _page_script()
    if page is None:
        sys.stderr.write(f"{prog}: error: the web app's page is not in this installation\n")
        return 2
    cmd = [sys.executable, "-m", "streamlit", "run", page, *args]
    sys.stdout.flush()
    sys.stderr.flush()
    # the server replaces this process: a signal sent to `optviz app` (Ctrl-C, a service manager's
    # or a test's terminate) reaches Streamlit itself instead of leaving it running as an orphan
    os.execv(sys.executable, cmd)


def _page_script() -> str | None:
    # find_spec imports only the parent package (a docstring), never the page's Streamlit code
    try:
        spec = importlib.util.find_spec("optviz.page")
    except ImportError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "app.py")
    return path if os.path.isfile(path) else None


if __name__ == "__main__":
    raise SystemExit(main())
