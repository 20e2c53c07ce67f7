"""Integrity check of a data folder's database on a separate read-only connection (safe from a thread)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sifasuo_desktop.paths import db_path


def quick_check(data_dir: Path) -> str:
    """'ok' or SQLite's description of the damage."""
    try:
        conn = sqlite3.connect(f"file:{db_path(data_dir)}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
