"""The one cache policy outside Streamlit's own caches: a locked least-recently-used map.

Streamlit runs every session's script in its own thread, so a process-wide cache shared by the
sessions needs a lock; a plain dict or OrderedDict is not enough. RunCache (runs.py) is the same
policy with a row budget and a batched fill.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable


class LockedLRU:
    """At most `max_entries` values, the least recently used dropped first; thread-safe."""

    def __init__(self, max_entries: int):
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._d:
                return default
            self._d.move_to_end(key)
            return self._d[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.max_entries:
                self._d.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._d

    def __len__(self) -> int:
        with self._lock:
            return len(self._d)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
