"""`python -m benchmarks [core|app|scaling|panels|budget|tune|slides]` (no argument: core, app and tune). See benchmarks/__init__.py."""
from __future__ import annotations

import os
import platform
import sys

import numpy as np

from .timing import print_table


def _versions() -> str:
    parts = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", f"{os.cpu_count()} CPUs"]
    for mod in ("torch", "jax"):
        try:
            parts.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            parts.append(f"{mod} not installed")
    return ", ".join(parts)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what not in ("all", "core", "app", "scaling", "panels", "budget", "tune", "slides"):
        print("usage: python -m benchmarks [core|app|scaling|panels|budget|tune|slides]  "
              f"(got {what!r})",
              file=sys.stderr)
        return 2
    if what in ("scaling", "panels", "budget", "slides"):
        __import__(f"benchmarks.{what}").__dict__[what].main()
        return 0
    print(f"Optimizer visualizer benchmarks — {_versions()}")
    print("Each ratio times both sides alternately (A B A B …) and compares the minimum of each; "
          "JAX runs in a process of its own.\n", flush=True)
    rows = []
    if what == "tune":
        from . import tuning
        tuning.main()
        return 0
    if what in ("all", "core"):
        from . import core
        rows += core.run_all()
    if what in ("all", "app"):
        from . import page
        rows += page.run_all()
    print_table(rows)
    if what == "all":                  # the fair race's tuning: a section of its own
        from . import tuning
        print()
        tuning.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
