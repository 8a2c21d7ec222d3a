"""A minimal PNG writer (8-bit palette images), so the contour background needs no image library.

Spec: https://www.w3.org/TR/png/ — signature, IHDR, PLTE, IDAT (zlib of filtered rows), IEND.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def palette_png(index: np.ndarray, palette: np.ndarray) -> bytes:
    """PNG bytes of an (H, W) array of palette indices (uint8) with an (N, 3) uint8 palette.

    Row 0 of `index` is the top row of the image.
    """
    index = np.ascontiguousarray(index, dtype=np.uint8)
    palette = np.asarray(palette, dtype=np.uint8)
    if index.ndim != 2 or palette.ndim != 2 or palette.shape[1] != 3 or not 1 <= len(palette) <= 256:
        raise ValueError("palette_png needs an (H, W) index array and an (N ≤ 256, 3) palette")
    if index.size and int(index.max()) >= len(palette):
        raise ValueError("index refers past the end of the palette")
    h, w = index.shape
    rows = np.zeros((h, w + 1), dtype=np.uint8)       # filter byte 0 (None) before every row
    rows[:, 1:] = index
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)  # 8-bit, colour type 3 (palette)
    return (_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"PLTE", palette.tobytes())
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + _chunk(b"IEND", b""))


def read_palette_png(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Decode what palette_png writes (for tests): (index array, palette)."""
    if data[:8] != _SIGNATURE:
        raise ValueError("not a PNG")
    pos, idat, palette, size = 8, b"", None, None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError(f"bad CRC in {kind!r}")
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h = size
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, w + 1)
    if rows[:, 0].any():
        raise ValueError("only filter type 0 is supported")
    return rows[:, 1:].copy(), palette
