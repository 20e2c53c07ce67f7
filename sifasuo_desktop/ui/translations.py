"""Fill the gaps in Qt's own Chinese translation.

Qt 6.12 renamed a few dialog labels (QFileDialog shows "&Look in:" and "Files of &type:", the shipped
qtbase_zh_CN.qm only knows "Look in:" and "Files of type:"), so those labels appeared in English. This
translator is installed after qtbase_zh_CN (Qt asks the last installed translator first): when Qt's catalogue
has no entry for a text, it retries without the "&" mnemonic and then looks in a short list of our own.
"""
from __future__ import annotations

from PySide6.QtCore import QTranslator

# (context, source) -> Chinese, for texts Qt's catalogue lacks in any spelling
EXTRA = {
    ("QFileDialog", "All files (*)"): "所有文件 (*)",
    ("QFileDialog", "Files"): "文件",
    ("QFileDialog", "Computer"): "计算机",
    ("QWizard", "Next"): "下一步",
    ("QWizard", "Back"): "上一步",
    ("QCalendarWidget", "Week"): "周",
    # the 类型 column of the file dialog (Qt 6 moved these to QAbstractFileIconProvider)
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Alias"): "替身",
    ("QAbstractFileIconProvider", "Shortcut"): "快捷方式",
}


class FallbackTranslator(QTranslator):
    def __init__(self, base: QTranslator, parent=None):
        super().__init__(parent)
        self._base = base

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return False

    def translate(self, context, source, disambiguation=None, n=-1):
        if not source:
            return None
        text = self._base.translate(context, source, disambiguation, n)
        if text:
            return text          # Qt's own catalogue knows it
        if "&" in source:
            plain = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
            text = self._base.translate(context, plain, disambiguation, n)
            if text:
                return text
        return EXTRA.get((context, source))   # None: untranslated, Qt shows the source text


def install_fallback(app, base: QTranslator) -> QTranslator:
    tr = FallbackTranslator(base, app)
    app.installTranslator(tr)
    return tr
