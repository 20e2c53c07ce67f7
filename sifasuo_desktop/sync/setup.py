"""Hook called by `sifasuo init` / `sifasuo demo`: create this installation's key pairs."""
from __future__ import annotations

from .keys import LocalKeys


def after_init(store) -> None:
    org = store.org
    LocalKeys.load_or_create(store.data_dir, org.code, org.name, org.role)
