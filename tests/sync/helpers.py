"""Shared helpers for sync tests (phase 1: packages without a store)."""
from __future__ import annotations

import io
import re
from pathlib import Path

from sifasuo_desktop.sync import container, envelope
from sifasuo_desktop.sync.keys import LocalKeys, PublicIdentity
from sifasuo_desktop.sync.package import build_manifest, ndjson_gz, seal_package

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHEMA = 7


class Trust:
    """A tiny in-memory trust list: (org, key_id) -> PublicIdentity."""

    def __init__(self, *idents: PublicIdentity):
        self.keys = {(i.org_code, i.key_id): i for i in idents}

    def __call__(self, org, key_id):
        return self.keys.get((org, key_id))


def make_package(tmp: Path, sender: LocalKeys, recipient: PublicIdentity, rows=None, name="p.tspkg",
                 extra_files=None, schema=SCHEMA, kind="changes"):
    rows = rows if rows is not None else [{"seq": i, "name": f"张三{i}"} for i in range(1, 51)]
    gz, n = ndjson_gz(rows)
    files = {"data/changes-0001.ndjson.gz": gz}
    files.update(extra_files or {})
    manifest = build_manifest(sender=sender, recipient=recipient, kind=kind, schema_version=schema,
                              files=files, records={"data/changes-0001.ndjson.gz": n})
    return seal_package(tmp / name, manifest, files, sender, recipient)


def decrypt_bytes(path: Path, me: LocalKeys) -> bytes:
    out = io.BytesIO()
    with open(path, "rb") as fh:
        envelope.decrypt(fh, out, me)
    return out.getvalue()


def encrypt_bytes(plain: bytes, recipient: PublicIdentity) -> bytes:
    out = io.BytesIO()
    envelope.encrypt(io.BytesIO(plain), out, recipient)
    return out.getvalue()


def zip_bytes(entries) -> bytes:
    out = io.BytesIO()
    container.write_zip(out, entries)
    return out.getvalue()
