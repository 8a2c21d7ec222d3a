"""Timing helpers: interleaved minima, and the rows of the printed table."""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from typing import Callable, Collection


def interleaved(sides: dict[str, Callable[[], object]], rounds: int,
                self_timed: Collection[str] = ()) -> dict[str, float]:
    """Time each side `rounds` times, alternating A B A B …; the minimum per side (seconds).

    Alternating puts both sides under the same machine drift; the minimum is the run least disturbed
    by everything else on the machine. The garbage collector is run before, not during, each call.
    A side named in `self_timed` runs in another process and returns its own measured seconds
    (so the pipe's round trip is not charged to it).
    """
    best = {name: float("inf") for name in sides}
    for _ in range(rounds):
        for name, fn in sides.items():
            gc.collect()
            t0 = time.perf_counter()
            out = fn()
            took = out if name in self_timed else time.perf_counter() - t0
            best[name] = min(best[name], took)
    return best


class OtherLoad:
    """The share of the machine's CPU that processes other than `pids` used between start() and
    stop() (Linux /proc; None elsewhere): how disturbed a shared machine was during the rounds."""

    def __init__(self, pids):
        self.pids = list(pids)
        self._start = self._read()

    @staticmethod
    def _ticks(pid) -> int:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # + waited children

    def _read(self):
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
            return sum(v) - v[3] - v[4], sum(v), sum(self._ticks(p) for p in self.pids)
        except (OSError, ValueError, IndexError):
            return None

    def share(self) -> float | None:
        end = self._read()
        if self._start is None or end is None or end[1] == self._start[1]:
            return None
        busy, total, mine = (e - s for e, s in zip(end, self._start))
        return max(0.0, (busy - mine) / total)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


@dataclass
class Row:
    """One line of the table: what, our figure, the reference's, the ratio, the target, met or not."""

    what: str
    ours: str = ""
    reference: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None      # None: no verdict (not measured, or no target)
    note: str = ""               # printed on its own indented line below


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def fmt_ratio(r: float) -> str:
    return f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×"


def print_table(rows: list[Row]) -> None:
    head = ("benchmark", "ours", "reference", "ratio", "target", "")
    cells = [head] + [(r.what, r.ours, r.reference, r.ratio, r.target,
                       "" if r.met is None else ("met" if r.met else "MISSED")) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*head).rstrip())
    print("  ".join("-" * w for w in widths))
    for r, c in zip(rows, cells[1:]):
        print(line.format(*c).rstrip())
        if r.note:
            for part in r.note.split("\n"):
                print("    " + part)
