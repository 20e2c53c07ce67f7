"""Grab PNG screenshots of the main window pages (for looking at the UI): 
   python scripts/screenshot.py DATA_DIR OUT_DIR [page ...]"""
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.ui.app import make_app
from sifasuo_desktop.ui.main_window import MainWindow


def main():
    data_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    pages = sys.argv[3:] or ["dashboard", "cases"]
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    store = Store.open(data_dir)
    w = MainWindow(store, SYSTEM, data_dir)
    w.resize(1366, 768)
    w.show()

    def shoot():
        for key in pages:
            w.show_page(key)
            app.processEvents()
            w.grab().save(str(out / f"{key}.png"))
            print(out / f"{key}.png")
        app.quit()

    QTimer.singleShot(int(os.environ.get("SHOT_DELAY_MS", "300")), shoot)
    app.exec()


if __name__ == "__main__":
    main()
