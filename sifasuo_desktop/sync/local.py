"""This installation's side of sync: its sync/ folder, its keys, and the schema identity packages carry."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..store.migrations import known_names
from . import errors as E
from .errors import SyncError
from .keys import LocalKeys


def schema_version() -> int:
    return len(known_names())



def schema_digest() -> str:
    return hashlib.sha256("\n".join(known_names()).encode()).hexdigest()[:16]


def sync_dir(store, *parts) -> Path:
    p = Path(store.data_dir, "sync", *parts)
    p.mkdir(parents=True, exist_ok=True)
    return p


def local_keys(store) -> LocalKeys:
    org = store.org
    keys = LocalKeys.load_or_create(store.data_dir, org.code, org.name, org.role)
    if keys.org_code != org.code or keys.role != org.role:
        raise SyncError(E.KEYSTORE, "本机同步密钥属于其他机构，与当前数据文件夹不符。")
    return keys

