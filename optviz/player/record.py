"""What the race player receives: one binary record per run, one background image, one small scene.

Pure (NumPy only, no Streamlit): the page mounts each record as its own element, so a rerun that
changes one run re-sends that run's record and Streamlit's browser-side message cache answers the
others with a few bytes each.

A blob is  b"OVR1" | u32 little-endian header length | header (UTF-8 JSON) | space padding to a
multiple of 8 | payload.  For a run record the payload is float64 columns (little-endian), each
(n, cols) row-major, at the offsets (in float64 units) the header names, stored byte-shuffled
(all first bytes of the doubles, then all second bytes, …) and deflated ("encoding":
"shuffle8-deflate"): a third fewer bytes on the wire, undone losslessly by the browser's
DecompressionStream. For an image the payload is the image file. Every number the inspector prints is one of these float64 values, as recorded by
`optimizers.run` (or derived from it here, in float64, where the header says so): the browser only
formats them.
"""
from __future__ import annotations

import hashlib
import json
import math
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

MAGIC = b"OVR1"

# Rules whose step is θ ← θ − γ_t · m̂_t / (√v̂_t + ε) (the Adam shape): the effective per-coordinate
# step γ_t / (√v̂_t + ε) is meaningful for them.
ADAM_SHAPE = {"adam", "adam_nobc", "amsgrad", "adamw", "adamprox", "adabelief"}
# m_t = m̂_t (1 − β1^t) for the bias-corrected rules; m_t = m̂_t without correction.
M_FROM_MHAT = {"adam", "amsgrad", "adamw", "adamprox", "adabelief", "nadam", "radam"}
# v_t = (√v̂_t)² (1 − β2^t): only where √v̂ is the root of the corrected running average itself
# (AMSGrad's v̂ is a running maximum, AdaMax's u a max, AdaBelief's s a different average).
V_FROM_VHAT = {"adam", "adamw", "adamprox"}
SGD_FAMILY = {"sgd", "momentum", "nesterov"}


def pack(header: dict, payload: bytes) -> bytes:
    head = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    pad = (-(8 + len(head))) % 8
    return MAGIC + struct.pack("<I", len(head) + pad) + head + b" " * pad + payload


def header(blob: bytes) -> dict:
    (n,) = struct.unpack("<I", blob[4:8])
    return json.loads(blob[8:8 + n])


def unpack(blob: bytes) -> tuple[dict, bytes]:
    """Inverse of pack (tests and the export read blobs back with it)."""
    if blob[:4] != MAGIC:
        raise ValueError("not a player blob")
    (n,) = struct.unpack("<I", blob[4:8])
    return json.loads(blob[8:8 + n]), blob[8 + n:]


def columns(blob: bytes) -> dict[str, np.ndarray]:
    """A run record's float64 columns by name, shaped (n, cols) (or (n,) for one column)."""
    header, payload = unpack(blob)
    if header.get("encoding") == "shuffle8-deflate":
        payload = inflate_unshuffle(payload, header["size"])
    data = np.frombuffer(payload, dtype="<f8")
    out = {}
    for name, (offset, cols) in header["fields"].items():
        a = data[offset:offset + header["n"] * cols]
        out[name] = a.reshape(header["n"], cols) if cols > 1 else a
    return out


@dataclass(frozen=True)
class RunInfo:
    """What the record needs to know about a run besides its trajectory."""

    key: str                 # URL id: adam, adam-2
    name: str                # registry name: adam
    hp: dict                 # every hyperparameter (lr, beta1, beta2, eps, …)


def run_record(tr, info: RunInfo, f_star: float | None) -> bytes:
    """One run's record: θ_t, f − f*, ∇f(θ_t), γ_t, Δθ_t and, where recorded, m̂_t, √v̂_t (with the
    moments m_t, v_t and the effective step γ_t/(√v̂_t + ε) derived from them in float64)."""
    P = np.asarray(tr.points, dtype=np.float64)
    n = P.shape[0]
    steps = n - 1
    lr = float(info.hp.get("lr", math.nan))
    gamma = np.full(n, np.nan)
    eta = np.asarray(tr.eta, dtype=np.float64)
    if eta.size == steps:
        gamma[1:] = lr * eta
    f = np.asarray(tr.losses, dtype=np.float64)
    fields: dict[str, np.ndarray] = {
        "theta": P,
        "f": f - f_star if f_star is not None else f,
        "grad": (np.asarray(tr.grads, dtype=np.float64) if tr.grads is not None
                 else np.full((n, 2), np.nan)),
        "gamma": gamma,
        "dtheta": np.vstack([np.full((1, 2), np.nan), np.diff(P, axis=0)]),
    }
    derived = []
    if tr.m_hat is not None:
        mh = np.asarray(tr.m_hat, dtype=np.float64)
        vh = np.asarray(tr.v_hat_sqrt, dtype=np.float64)
        fields["m_hat"], fields["v_hat_sqrt"] = mh, vh
        t = np.arange(n, dtype=np.float64)[:, None]
        b1, b2 = info.hp.get("beta1"), info.hp.get("beta2")
        with np.errstate(all="ignore"):
            if info.name == "adam_nobc":
                fields["m"], fields["v"] = mh, vh * vh
                derived += ["m", "v"]
            else:
                if info.name in M_FROM_MHAT and b1 is not None:
                    fields["m"] = mh * (1.0 - float(b1) ** t)
                    derived.append("m")
                if info.name in V_FROM_VHAT and b2 is not None and not info.hp.get("amsgrad"):
                    fields["v"] = vh * vh * (1.0 - float(b2) ** t)
                    derived.append("v")
            if info.name in ADAM_SHAPE and "eps" in info.hp:
                fields["eff"] = gamma[:, None] / (vh + float(info.hp["eps"]))
                derived.append("eff")
    mu = info.hp.get("momentum") or 0.0
    if info.name in SGD_FAMILY and mu > 0 and tr.grads is not None:
        # the momentum buffer b_t, from θ ← θ − γ_t d with d = b_t (heavy ball) or g + μ b_t
        # (Nesterov), g = ∇f + λθ (torch.optim.SGD): undone in float64 from the recorded step
        with np.errstate(all="ignore"):
            d = -fields["dtheta"] / gamma[:, None]
            if info.hp.get("nesterov"):
                g = np.full((n, 2), np.nan)
                g[1:] = fields["grad"][:-1] + float(info.hp.get("weight_decay") or 0.0) * P[:-1]
                d = (d - g) / float(mu)
            fields["buf"] = d
        derived.append("buf")
    offsets, chunks, at = {}, [], 0
    for name, a in fields.items():
        a = np.ascontiguousarray(a, dtype="<f8")
        cols = 1 if a.ndim == 1 else a.shape[1]
        offsets[name] = [at, cols]
        at += n * cols
        chunks.append(a.tobytes())
    finite = np.isfinite(P).all(axis=1)
    last = int(np.flatnonzero(finite)[-1]) if finite.any() else 0
    payload = b"".join(chunks)
    # content-addressed: the browser keeps blobs by id, so equal ids must mean equal bytes
    rid = "run-" + hashlib.sha1(payload + info.name.encode()).hexdigest()[:20]
    header = {"kind": "run", "id": rid, "name": info.name, "n": n, "last": last,
              "diverged_at": tr.diverged_at, "fields": offsets, "derived": derived,
              "encoding": "shuffle8-deflate", "size": len(payload)}
    return pack(header, shuffle_deflate(payload))


def family_record(fam, f_star: float | None) -> bytes:
    """A family's record (optviz.model.family.Family): θ_t of every member, row t holding
    x₀ y₀ x₁ y₁ …, and f − f* (f when f* is unknown), row t holding f₀ f₁ …, float64 as recorded."""
    P = np.asarray(fam.points, dtype=np.float64)             # (steps+1, m, 2)
    n, m = P.shape[0], P.shape[1]
    f = np.asarray(fam.losses, dtype=np.float64)
    fields = {"theta": P.reshape(n, 2 * m), "f": f - f_star if f_star is not None else f}
    offsets, chunks, at = {}, [], 0
    for name, a in fields.items():
        a = np.ascontiguousarray(a, dtype="<f8")
        offsets[name] = [at, a.shape[1]]
        at += a.size
        chunks.append(a.tobytes())
    payload = b"".join(chunks)
    values = [float(v) for v in fam.values]
    rid = "fam-" + hashlib.sha1(payload + json.dumps([fam.name, fam.hp, values]).encode()).hexdigest()[:20]
    header = {"kind": "family", "id": rid, "name": fam.name, "hp": fam.hp, "values": values,
              "n": n, "m": m, "fields": offsets, "diverged_at": [int(d) for d in fam.diverged_at],
              "encoding": "shuffle8-deflate", "size": len(payload)}
    return pack(header, shuffle_deflate(payload))


def shuffle_deflate(payload: bytes) -> bytes:
    words = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 8)
    return zlib.compress(np.ascontiguousarray(words.T).tobytes(), 6)


def inflate_unshuffle(data: bytes, size: int) -> bytes:
    planes = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(8, size // 8)
    return np.ascontiguousarray(planes.T).tobytes()


def image_blob(uri_or_png) -> bytes:
    """The background picture as a blob (PNG bytes; a data URI is decoded)."""
    import base64
    if isinstance(uri_or_png, str):
        head, _, b64 = uri_or_png.partition(",")
        mime = head.removeprefix("data:").split(";")[0] or "image/png"
        data = base64.b64decode(b64)
    else:
        mime, data = "image/png", bytes(uri_or_png)
    rid = "img-" + hashlib.sha1(data).hexdigest()[:20]
    return pack({"kind": "image", "id": rid, "mime": mime}, data)


class BlobCache:
    """Encoded records by (trajectory identity, what else goes in): a rerun that keeps a run
    re-encodes nothing (server CPU per rerun)."""

    def __init__(self, size: int = 64):
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tr, key: tuple, build):
        k = (id(tr), key)
        with self._lock:
            hit = self._d.get(k)
            if hit is not None and hit[0] is tr:
                self._d.move_to_end(k)
                return hit[1]
        value = build()
        with self._lock:
            self._d[k] = (tr, value)          # holding tr keeps id(tr) from being reused
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


RECORDS = BlobCache()


class _ImageCache:
    """Background blobs by their data URI (a handful of surfaces in use at once)."""

    def __init__(self, size: int = 16):
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        with self._lock:
            hit = self._d.get(key)
            if hit is not None:
                self._d.move_to_end(key)
                return hit
        value = build()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


IMAGES = _ImageCache()
