"""Numbered migrations, discovered from the mNNNN_*.py files in this package and applied in name order.

Never edit a migration that has landed; add a new file. See docs/DEVELOPING.md for the number ranges.
"""
from __future__ import annotations

import importlib
import pkgutil

MIGRATION_SET = "sifasuo"


def load():
    """The migration set as a sqlite_utils.Migrations (imported only when something is pending: ~60 ms)."""
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "m" and m.name[1:5].isdigit())
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        migrations(name=name)(module.migrate)
    return migrations


def known_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "m" and m.name[1:5].isdigit())
