"""Excel in the main window: 文件 → 导入Excel台账 / 导出Excel / 下载导入模板."""
from __future__ import annotations

import datetime as _dt
import shutil
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.store.ledger_queries import LedgerQuery
from sifasuo_desktop.xlsx.headers import IMPORTABLE


def install(window) -> None:
    window.add_menu_action("文件", "导入Excel台账…", lambda: open_import(window), "Ctrl+I")
    window.add_menu_action("文件", "导出Excel（当前台账，按筛选结果）…", lambda: export_current(window), "Ctrl+E")
    window.add_menu_action("文件", "下载Excel导入模板…", lambda: save_template(window))


def open_import(window, path=None):
    from .xlsx_import import XlsxImportDialog

    if not allowed(window.actor, "import"):
        QMessageBox.warning(window, "无权导入", "当前账号无权导入数据。")
        return None
    dlg = XlsxImportDialog(window, path)
    dlg.exec()
    return dlg


def _current_query(window) -> LedgerQuery | None:
    view = window.current_ledger_view() if hasattr(window, "current_ledger_view") else None
    if view is not None and hasattr(view, "current_query"):
        return view.current_query()
    return None


def export_current(window, out=None, full_personal=None, query: LedgerQuery | None = None) -> Path | None:
    """Export the ledger on screen as filtered (or `query`); without one open, ask which ledger (all rows)."""
    from sifasuo_desktop.xlsx.export import export_ledger

    query = query or _current_query(window)
    if query is None:
        keys = [k for k in IMPORTABLE]
        titles = [LEDGERS[k].title for k in keys]
        title, ok = QInputDialog.getItem(window, "导出Excel", "导出哪个台账（全部记录）：", titles, 0, False)
        if not ok:
            return None
        query = LedgerQuery(keys[titles.index(title)])
    ledger = LEDGERS[query.ledger]
    if out is None:
        name = f"{ledger.title.replace('/', '_')}台账-{_dt.date.today():%Y%m%d}.xlsx"
        out, _ = QFileDialog.getSaveFileName(window, "导出Excel", str(Path.home() / name), "Excel 文件 (*.xlsx)")
        if not out:
            return None
        if not out.lower().endswith(".xlsx"):
            out += ".xlsx"
    if full_personal is None:
        full_personal = False
        if any(f.sensitive for f in ledger.fields) and allowed(window.actor, "view_personal_full"):
            ans = QMessageBox.question(window, "导出Excel", "是否导出完整的身份证号和电话号码？\n选“否”则脱敏导出（推荐）。",
                                       QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            full_personal = ans == QMessageBox.Yes
    try:
        n = export_ledger(window.store, query, out, full_personal=full_personal)
    except UserError as exc:
        QMessageBox.warning(window, "导出失败", exc.message)
        return None
    from .toast import notify

    notify(window, f"✔ 已导出 {n} 条记录到 {out}")
    return Path(out)


def save_template(window, key=None, out=None) -> Path | None:
    from sifasuo_desktop.xlsx.templates import build_template, template_name, template_path

    if key is None:
        keys = [k for k in IMPORTABLE if k != "bodies"]
        titles = [LEDGERS[k].title for k in keys]
        title, ok = QInputDialog.getItem(window, "下载导入模板", "台账：", titles, 0, False)
        if not ok:
            return None
        key = keys[titles.index(title)]
    if out is None:
        out, _ = QFileDialog.getSaveFileName(window, "保存导入模板", str(Path.home() / template_name(key)),
                                             "Excel 文件 (*.xlsx)")
        if not out:
            return None
    try:
        src = template_path(key)
        if src is not None:
            target = fsutil.check_output_path(out, window.store.data_dir)
            with fsutil.atomic_path(target) as tmp:
                shutil.copyfile(src, tmp)
        else:
            build_template(key, out)
    except (OSError, UserError) as exc:
        QMessageBox.warning(window, "保存失败", f"无法保存模板：{getattr(exc, 'message', exc)}")
        return None
    from .toast import notify

    notify(window, f"✔ 模板已保存到 {out}")
    return Path(out)
