"""Per-folder, per-machine view settings (column widths and order of each ledger...): a small INI file next to
the database, never synced and never in the database (a clerk's column layout is nobody else's business)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

FILE_NAME = "ui-settings.ini"


def ui_settings(store) -> QSettings:
    data_dir = getattr(store, "data_dir", None)
    if data_dir is None:
        return QSettings("sifasuo", "sifasuo")
    return QSettings(str(Path(data_dir) / FILE_NAME), QSettings.IniFormat)
