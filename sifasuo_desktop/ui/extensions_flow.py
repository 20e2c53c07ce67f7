"""GUI plug-in for the supervision workflow: problem rectification, case-file review, statistics page.

The dashboard itself is the main window's 首页 (ui/dashboard.py).
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog


def _problems():
    from . import problem_panel   # imported when first used, not at start-up (issue 19)

    return problem_panel


def _reviews():
    from . import review_form

    return review_form


def install(window) -> None:
    def open_problem_dialog(win, problem_id):
        return _problems().open_problem_dialog(win, problem_id)

    def new_problem_from(win, table, rec):
        return _problems().new_problem_from(win, table, rec)

    def ReviewScoringDialog(*args, **kwargs):  # noqa: N802 - stands for the class
        return _reviews().ReviewScoringDialog(*args, **kwargs)

    def stats_page():
        from .stats_page import StatsPage

        return StatsPage(window)
    window.add_lazy_page("stats", "统计报表", stats_page, attr="stats_page")

    # problems: the workflow dialog from the list and from the record form
    window.add_record_action("problems", "整改流程…", lambda rec: open_problem_dialog(window, rec["id"]))
    window.add_form_action("problems", "整改流程…", lambda form, rec: _problem_from_form(window, form, rec))
    # issue 12: the workflow button beside each form's read-only state field
    window.add_state_action("problems", "整改流程…", lambda form, rec: _problem_from_form(window, form, rec))
    window.add_state_action("reviews", "评分表…", lambda form, rec: _review_from_form(window, form, rec))
    window.add_state_action("documents", "签发…", lambda form, rec: _issue_from_form(window, form, rec),
                            lambda rec: (rec.get("status") or "草稿") == "草稿")

    # sources that create problems directly
    for table, text in (("visits", "登记发现的问题…"), ("reviews", "登记问题…"), ("complaints", "转为问题…")):
        window.add_record_action(table, text, lambda rec, t=table: new_problem_from(window, t, rec))
        window.add_form_action(table, text, lambda form, rec, t=table: new_problem_from(window, t, rec))

    # reviews: the scoring form (new, from a case, or an existing review)
    window.add_record_action("reviews", "评分表…", lambda rec: ReviewScoringDialog(window, review=rec).exec())
    window.add_record_action("cases", "案卷评查评分…", lambda rec: ReviewScoringDialog(window, case=rec).exec())

    window.add_menu_action("监督", "登记问题…", lambda: _problems().NewProblemDialog(window).exec())
    window.add_menu_action("监督", "案卷评查评分…", lambda: ReviewScoringDialog(window).exec())
    window.add_menu_action("监督", "评查结果（按批次、按单位）…", lambda: _reviews().ReviewResultsDialog(window).exec())
    window.add_menu_action("统计", "首页概况", lambda: window.show_page("dashboard"))
    window.add_menu_action("统计", "统计报表（月汇总/季通报/年报）", lambda: window.show_page("stats"))
    window.add_menu_action("工具", "导出评查标准模板(.xlsx)…", lambda: _reviews().export_standard_template(window))
    window.add_menu_action("工具", "导入评查标准(.xlsx)…", lambda: _reviews().import_standard(window))


def _problem_from_form(window, form, rec) -> None:
    from PySide6.QtWidgets import QMessageBox

    from .problem_panel import open_problem_dialog

    if not rec or not rec.get("id"):
        QMessageBox.information(form, "整改流程", "请先保存问题记录。")
        return
    open_problem_dialog(window, rec["id"])
    if isinstance(form, QDialog):
        form.reject()   # the form's values are stale after a workflow step


def _review_from_form(window, form, rec) -> None:
    from .review_form import ReviewScoringDialog

    form.reject()   # results change only in the scoring form; the generic form's values would be stale
    ReviewScoringDialog(window, review=rec).exec()


def _issue_from_form(window, form, rec) -> None:
    """签发 from the document's 登记信息 form: through the documents workflow (rights, confirmation, 文号)."""
    from PySide6.QtWidgets import QMessageBox

    from sifasuo_desktop.domain.errors import UserError

    from .error_hook import user_text

    controller = getattr(window, "documents_controller", None)
    if controller is None:
        return
    try:
        row = controller.issue(rec)
    except UserError as exc:
        QMessageBox.warning(form, "签发文书", user_text(exc))
        return
    if row is not None:
        form.reject()
