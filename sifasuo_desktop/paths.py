"""Where the data folder lives by default (the platform's per-user app data folder)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "sifasuo"
DB_FILE = "sifasuo.sqlite3"


def default_data_dir() -> Path:
    env = os.environ.get("SIFASUO_DATA_DIR")
    if env:
        return Path(env)
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR_NAME


def db_path(data_dir) -> Path:
    return Path(data_dir) / DB_FILE
