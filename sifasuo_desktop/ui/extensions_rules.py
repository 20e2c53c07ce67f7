"""Plugs the warning rules into the main window: the 预警 page, ledger-row badges, 工具 menu entries."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import allowed

from .warnings_engine import RulesEngine


def install(window) -> None:
    engine = RulesEngine(window.store, window.data_dir, parent=window)

    def warnings_page():
        from .warnings_page import WarningsPage

        page = WarningsPage(window, engine)
        page.rebuild()   # built after the check has run: the findings so far at once
        return page
    keys = window.page_keys() if hasattr(window, "page_keys") else []
    before = next((k for k in keys if k != "dashboard"), None)
    window.add_lazy_page("warnings", "预警", warnings_page, attr="warnings_page", before=before)
    window.add_badge_provider(engine.badge)
    engine.updated.connect(window.refresh_badges)
    engine.updated.connect(lambda: _update_nav_title(window, engine.counts()))
    window.destroyed.connect(lambda *_: engine.close())
    window.rules_engine = engine  # the dashboard may show the same counts without a second run
    window.add_menu_action("监督", "预警", lambda: window.show_page("warnings"))
    window.add_menu_action("工具", "预警阈值设置", lambda: _open_rule_settings(window))
    window.add_menu_action("工具", "导入节假日安排…", lambda: import_holidays_dialog(window))
    # after the window's first paint (the debounce timer: the check thread does not compete with building and
    # painting the window for the interpreter lock)
    engine.schedule()


def _update_nav_title(window, counts) -> None:
    from .warnings_page import update_nav_title   # with the rules' package, after the first paint

    update_nav_title(window, counts)


def _open_rule_settings(window) -> None:
    from .settings_dialog import open_rule_settings   # the rules' package is imported when first needed

    open_rule_settings(window)


def import_holidays_dialog(window, path: str | None = None) -> dict | None:
    """Admin: pick a CSV/JSON schedule (date,kind), check it whole, then store it in one transaction."""
    from sifasuo_desktop.domain.calendar import parse_holiday_file
    from sifasuo_desktop.store.rules_queries import import_holidays

    if not allowed(window.actor, "settings"):
        QMessageBox.information(window, "导入节假日安排", "只有管理员可以导入节假日安排。")
        return None
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "选择节假日安排文件", "", "节假日安排 (*.csv *.json);;所有文件 (*)")
        if not path:
            return None
    try:
        raw = Path(path).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        result = import_holidays(window.store, parse_holiday_file(text, Path(path).name), source=Path(path).name)
    except OSError as exc:
        QMessageBox.warning(window, "导入节假日安排", f"无法读取文件：{exc.strerror or exc}")
        return None
    except UnicodeDecodeError:
        QMessageBox.warning(window, "导入节假日安排", "文件不是UTF-8或GBK编码的文本。")
        return None
    except UserError as exc:
        QMessageBox.warning(window, "导入节假日安排", exc.message)
        return None
    QMessageBox.information(window, "导入节假日安排",
                            f"已导入{'、'.join(result['years'])}年节假日安排：新增{result['added']}天，"
                            f"修改{result['changed']}天，未变{result['unchanged']}天。")
    return result
