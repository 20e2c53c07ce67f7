"""The baseline for the start-up ratio: a bare PySide6 main window, shown, then closed.

Does what `sifasuo --quit-after-startup` does minus the app: import QtWidgets, create the
QApplication, show a QMainWindow with a Chinese label, run the event loop until the window has been
shown once, quit. Run as `python -m bench.bare_window`.
"""
from __future__ import annotations

import sys


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv)
    win = QMainWindow()
    win.setWindowTitle("司法所行政执法监督台账")
    win.setCentralWidget(QLabel("司法所行政执法监督台账"))
    win.resize(1200, 800)
    win.show()
    QTimer.singleShot(0, win.close)
    QTimer.singleShot(0, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
