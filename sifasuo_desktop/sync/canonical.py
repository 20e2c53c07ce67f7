"""Canonical JSON: sorted keys, UTF-8, no floats, no NaN. The bytes that get signed and hashed."""
from __future__ import annotations

import json
from typing import Any


def _check(value: Any, path: str = "$") -> None:
    if isinstance(value, float):
        raise ValueError(f"float not allowed in canonical JSON at {path}")
    if isinstance(value, bytes):
        raise ValueError(f"bytes not allowed in canonical JSON at {path}")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"non-string key at {path}")
            _check(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check(v, f"{path}[{i}]")


def dumps(value: Any, allow_float: bool = False) -> bytes:
    """Canonical UTF-8 bytes of a JSON value (ints, strings, bools, None, lists, dicts).

    Manifests and headers never contain floats. Record rows may (`allow_float=True`): Python writes the
    shortest repr that reads back to the same double, so they round-trip exactly; NaN/inf are refused.
    """
    if not allow_float:
        _check(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _no_dupes(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_float(text):
    raise ValueError("float not allowed")


def _no_const(text):
    raise ValueError(f"constant {text} not allowed")


def loads_strict(data: bytes, allow_float: bool = False) -> Any:
    """Parse JSON strictly: valid UTF-8, no duplicate keys, no NaN, floats only if allowed. ValueError."""
    text = bytes(data).decode("utf-8")  # UnicodeDecodeError is a ValueError
    return json.loads(text, object_pairs_hook=_no_dupes, parse_float=float if allow_float else _no_float,
                      parse_constant=_no_const)
