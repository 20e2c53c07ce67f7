"""sifasuo stats: 月汇总 / 季通报 / 统计年报 tables as text, JSON or .xlsx."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.cli.common import date_arg, open_store, print_json
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.xlsx.writer import text_width


def register(sub, common):
    p = sub.add_parser("stats", parents=[common], help="统计报表：月汇总、季通报、统计年报",
                       description="按执法主体统计案件、罚没金额、检查、公示及时率、法制审核率、持证率、培训达标率、"
                                   "整改率和评查等次；年报(annual)另含统计年报表1–5。")
    p.add_argument("--kind", choices=["monthly", "quarterly", "annual", "ranking"], required=True,
                   help="monthly 月汇总 / quarterly 季通报 / annual 统计年报 / ranking 乡镇质效排名")
    p.add_argument("--year", type=int, required=True, help="年份")
    p.add_argument("--month", type=int, help="月份（月汇总必填）")
    p.add_argument("--quarter", type=int, help="季度 1–4（季通报必填）")
    p.add_argument("--as-of", type=date_arg, help="统计截止日（默认今天），用于公示及时率等")
    p.add_argument("--org", help="只统计该机构代码的记录（县司法局汇总某乡镇时用）")
    p.add_argument("--json", action="store_true", help="以JSON输出")
    p.add_argument("--xlsx", metavar="FILE", help="同时导出为 .xlsx 文件（每张表一个工作表）")
    p.set_defaults(func=cmd_stats)
    w = sub.add_parser("ranking-weights", parents=[common], help="乡镇质效排名的指标权重（县司法局设置）",
                       description="列出或修改质效排名各指标的权重，如 ranking-weights --set 公示及时率=20 满意率=15。")
    w.add_argument("--set", nargs="+", metavar="指标=权重", help="修改权重（指标可写英文键或中文名）")
    w.add_argument("--json", action="store_true", help="以JSON输出")
    w.set_defaults(func=cmd_ranking_weights)
    _register_problem(sub, common)
    _register_review(sub, common)


def cmd_stats(args) -> int:
    from sifasuo_desktop.store.stats_queries import period_report
    from sifasuo_desktop.xlsx.reports import export_tables_xlsx

    if args.kind == "ranking":
        return cmd_ranking(args)
    number = {"monthly": args.month, "quarterly": args.quarter}.get(args.kind)
    if args.kind == "annual" and (args.month or args.quarter):
        raise UserError("统计年报不需要 --month 或 --quarter。")
    if args.xlsx and not args.xlsx.lower().endswith(".xlsx"):
        raise UserError("导出文件名应以 .xlsx 结尾。")
    as_of = _dt.date.fromisoformat(args.as_of) if args.as_of else None
    store = open_store(args, write=False)
    try:
        period, tables = period_report(store, args.kind, args.year, number, org=args.org, as_of=as_of)
        org_name = store.org.name
        if args.xlsx:
            export_tables_xlsx(tables, args.xlsx, org_name=org_name)
    finally:
        store.close()
    if args.json:
        print_json({"period": {"kind": period.kind, "label": period.label, "start": period.start, "end": period.end},
                    "org": org_name, "tables": [t.to_dict() for t in tables], "xlsx": args.xlsx})
        return 0
    for t in tables:
        print(render_text(t))
        print()
    if args.xlsx:
        print(f"已导出：{args.xlsx}")
    return 0


def ranking_table(period, rows):
    """The ranking as a StatTable (text, .xlsx, the 季度通报)."""
    from sifasuo_desktop.domain import ranking as rk
    from sifasuo_desktop.domain.stats import StatTable, fmt_rate

    cols = ["名次", "乡镇", "机构代码", "质效得分"] + [i.label for i in rk.INDICATORS]
    out = []
    for r in rows:
        cells = [r["rank"], r["township"], r["org_code"], r["score"]]
        for i in rk.INDICATORS:
            v = r.get(i.key)
            cells.append("—" if v is None else fmt_rate(v) if i.kind == "rate" else v)
        out.append(cells)
    t = StatTable(f"{period.label}乡镇行政执法质效排名", cols, out, key="ranking")
    t.notes.append("质效得分 = 各指标得分按县司法局设置的权重加权平均×100；无数据的指标不计入。逾期未销号每件扣该项10%，"
                   f"JC/RY预警每百件达{rk.FINDINGS_ZERO_AT:g}件该项不得分；满意率目标{rk.SATISFACTION_TARGET:.0%}。")
    return t


def cmd_ranking(args) -> int:
    from sifasuo_desktop.store.ranking_queries import township_ranking
    from sifasuo_desktop.xlsx.reports import export_tables_xlsx

    if args.xlsx and not args.xlsx.lower().endswith(".xlsx"):
        raise UserError("导出文件名应以 .xlsx 结尾。")
    as_of = _dt.date.fromisoformat(args.as_of) if args.as_of else None
    store = open_store(args, write=False)
    try:
        period, rows, weights = township_ranking(store, args.year, quarter=args.quarter, month=args.month,
                                                 as_of=as_of)
        table = ranking_table(period, rows)
        if args.xlsx:
            export_tables_xlsx([table], args.xlsx, org_name=store.org.name)
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    print(render_text(table))
    print("权重：" + "、".join(f"{k}={v:g}" for k, v in weights.items()))
    if args.xlsx:
        print(f"已导出：{args.xlsx}")
    return 0


def cmd_ranking_weights(args) -> int:
    from sifasuo_desktop.domain import ranking as rk
    from sifasuo_desktop.store.ranking_queries import ranking_weights, set_ranking_weights

    store = open_store(args, write=bool(args.set))
    try:
        if args.set:
            try:
                changes = rk.parse_weights(args.set)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            weights = set_ranking_weights(store, changes)
        else:
            weights = ranking_weights(store)
    finally:
        store.close()
    if args.json:
        print_json([{"key": i.key, "label": i.label, "weight": weights[i.key], "default": float(i.weight)}
                    for i in rk.INDICATORS])
        return 0
    for i in rk.INDICATORS:
        print(f"{i.label}（{i.key}）：{weights[i.key]:g}" + ("" if weights[i.key] == i.weight else f"（默认{i.weight:g}）"))
    return 0


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)


def render_text(t) -> str:
    cells = [list(map(str, t.columns))] + [[_cell(v) for v in r] for r in t.rows]
    widths = [max(text_width(row[j]) for row in cells if j < len(row)) for j in range(len(t.columns))]

    def line(row):
        return "  ".join(c + " " * (widths[j] - text_width(c)) for j, c in enumerate(row)).rstrip()
    out = [t.title, line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    out += [f"注：{n}" for n in t.notes]
    return "\n".join(out)


# ---------------------------------------------------------------------------- sifasuo problem ...
def _register_problem(sub, common):
    """Problem rectification from the command line (the same store operations and permission checks as the GUI)."""
    from sifasuo_desktop.domain import workflow as wf

    p = sub.add_parser("problem", parents=[common], help="问题整改：列表、流程历史、整改步骤（含销号）")
    psub = p.add_subparsers(dest="problem_command", metavar="ACTION")
    psub.required = True
    q = psub.add_parser("list", parents=[common], help="列出问题（可只列逾期/即将到期）")
    q.add_argument("--due", action="store_true", help="只列逾期和3日内到期、尚未销号的问题")
    q.add_argument("--today", type=date_arg, help="以该日期计算逾期（默认今天）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_problem_list)
    q = psub.add_parser("history", parents=[common], help="一个问题的整改流程历史")
    q.add_argument("problem_no", help="问题编号")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_problem_history)
    q = psub.add_parser("step", parents=[common], help="执行一个整改步骤（开始整改/报告整改/退回重改/销号/撤销上一步）")
    q.add_argument("problem_no", help="问题编号")
    q.add_argument("--action", required=True, choices=list(wf.TRANSITIONS), help="整改操作")
    q.add_argument("--date", type=date_arg, required=True, help="步骤日期")
    q.add_argument("--person", required=True, help="经办人")
    q.add_argument("--note", default="", help="说明 / 整改情况")
    q.add_argument("--evidence", action="append", default=[], metavar="FILE", help="佐证材料文件（可多次）")
    q.add_argument("--verify-method", choices=list(wf.VERIFY_METHODS), help="核查方式（销号必填）")
    q.add_argument("--verifier", help="核查人（销号必填）")
    q.add_argument("--verify-date", type=date_arg, help="核查日期（销号必填）")
    q.add_argument("--verify-result", help="核查结论（销号必填）")
    q.add_argument("--today", type=date_arg, help=argparse_suppress())
    q.set_defaults(func=cmd_problem_step)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def _find_problem(store, number: str) -> dict:
    rows = store.rows("problems", "problem_no = ?", (number.strip(),))
    if not rows:
        raise UserError(f"找不到问题编号“{number}”。")
    if len(rows) > 1:
        raise UserError(f"问题编号“{number}”对应多条记录，请在程序界面中处理。")
    return rows[0]


def cmd_problem_list(args) -> int:
    from sifasuo_desktop.domain import workflow as wf
    from sifasuo_desktop.store import workflow_ops as ops

    today = _dt.date.fromisoformat(args.today) if args.today else _dt.date.today()
    store = open_store(args, write=False)
    try:
        if args.due:
            due = ops.due_problems(store, today)
            rows = due["overdue"] + due["due_soon"]
        else:
            rows = store.rows("problems", order_by="found_date, problem_no")
        names = store.ref_names("bodies")
    finally:
        store.close()
    out = [{"problem_no": r["problem_no"], "status": r["status"], "display_status": wf.display_status(r, today),
            "deadline": r["deadline"], "body": names.get(r.get("body_id") or "", ""), "source": r["source"],
            "description": r["description"], "closed_date": r["closed_date"]} for r in rows]
    if args.json:
        print_json(out)
    else:
        for r in out:
            print(f"{r['problem_no'] or ''}\t{r['display_status']}\t期限 {r['deadline'] or '—'}\t{r['body']}\t"
                  f"{(r['description'] or '')[:40]}")
        print(f"共 {len(out)} 个问题。")
    return 0


def cmd_problem_history(args) -> int:
    from sifasuo_desktop.store import workflow_ops as ops

    store = open_store(args, write=False)
    try:
        p = _find_problem(store, args.problem_no)
        steps = ops.problem_history(store, p["id"])
    finally:
        store.close()
    keys = ("step_date", "action", "from_status", "to_status", "person", "note", "verify_method", "verifier",
            "verify_date", "verify_result", "updated_by")
    out = [{**{k: s.get(k) for k in keys}, "attachments": [a["file_name"] for a in s.get("attachments", [])]}
           for s in steps]
    if args.json:
        print_json({"problem_no": p["problem_no"], "status": p["status"], "steps": out})
    else:
        print(f"{p['problem_no']}  当前状态：{p['status']}")
        for s in out:
            extra = f"  核查：{s['verify_method']}/{s['verifier']}/{s['verify_date']}" if s["verify_method"] else ""
            files = f"  佐证：{'、'.join(s['attachments'])}" if s["attachments"] else ""
            print(f"{s['step_date']}  {s['action']}  {s['from_status'] or '—'}→{s['to_status']}  {s['person']}  "
                  f"{s['note'] or ''}{extra}{files}")
    return 0


def cmd_problem_step(args) -> int:
    from sifasuo_desktop.store import workflow_ops as ops

    today = _dt.date.fromisoformat(args.today) if getattr(args, "today", None) else None
    store = open_store(args, write=True)
    try:
        p = _find_problem(store, args.problem_no)
        updated = ops.apply_step(store, p["id"], args.action, step_date=args.date, person=args.person,
                                 note=args.note, evidence_files=args.evidence, verify_method=args.verify_method,
                                 verifier=args.verifier, verify_date=args.verify_date,
                                 verify_result=args.verify_result, today=today)
    finally:
        store.close()
    print(f"{updated['problem_no']}：{args.action}完成，当前状态：{updated['status']}")
    return 0


# ---------------------------------------------------------------------------- sifasuo review ...
def _register_review(sub, common):
    p = sub.add_parser("review", parents=[common], help="案卷评查：评查标准导入/导出、评查结果")
    rsub = p.add_subparsers(dest="review_command", metavar="ACTION")
    rsub.required = True
    q = rsub.add_parser("standards", parents=[common], help="列出评查标准")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_review_standards)
    q = rsub.add_parser("export-standard", parents=[common], help="把评查标准导出为可编辑的 .xlsx 模板")
    q.add_argument("file", help="输出文件（.xlsx）")
    q.set_defaults(func=cmd_review_export_standard)
    q = rsub.add_parser("import-standard", parents=[common], help="从 .xlsx 导入评查标准（仅管理员）")
    q.add_argument("file", help="评查标准表格（.xlsx）")
    q.set_defaults(func=cmd_review_import_standard)
    q = rsub.add_parser("results", parents=[common], help="评查结果：全部或某一批次，总体及按被评查单位")
    q.add_argument("--batch", help="批次名称（默认全部批次）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_review_results)


def cmd_review_standards(args) -> int:
    from sifasuo_desktop.store import workflow_ops as ops

    store = open_store(args, write=False)
    try:
        rows = ops.list_standards(store)
    finally:
        store.close()
    out = [{"name": r["name"], "version_label": r["version_label"], "case_kind": r["case_kind"]} for r in rows]
    if args.json:
        print_json(out)
    else:
        for r in out:
            print(f"{r['name']}（{r['version_label']}）  适用：{r['case_kind'] or '—'}")
        if not out:
            print("尚未使用评查标准（首次评查时载入默认标准）。")
    return 0


def cmd_review_export_standard(args) -> int:
    from sifasuo_desktop.xlsx.reports import export_standard_xlsx

    if not args.file.lower().endswith(".xlsx"):
        raise UserError("导出文件名应以 .xlsx 结尾。")
    store = open_store(args, write=False)
    try:
        export_standard_xlsx(store, None, args.file)
    finally:
        store.close()
    print(f"已导出默认评查标准：{args.file}")
    return 0


def cmd_review_import_standard(args) -> int:
    from sifasuo_desktop.xlsx.reports import import_standard_xlsx

    store = open_store(args, write=True)
    try:
        row = import_standard_xlsx(store, args.file)
    finally:
        store.close()
    print(f"已导入评查标准：{row['name']}（{row['version_label']}）")
    return 0


def cmd_review_results(args) -> int:
    from sifasuo_desktop.store import workflow_ops as ops

    store = open_store(args, write=False)
    try:
        batch_id = None
        if args.batch:
            rows = store.rows("review_batches", "name = ?", (args.batch,))
            if not rows:
                raise UserError(f"找不到评查批次“{args.batch}”。")
            batch_id = rows[0]["id"]
        res = ops.batch_results(store, batch_id)
    finally:
        store.close()
    if args.json:
        print_json({"batch": args.batch, "summary": res["summary"], "by_body": res["by_body"]})
        return 0
    from sifasuo_desktop.domain.stats import StatTable

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"
    cols = ["被评查单位", "案卷数", "优秀", "良好", "合格", "不合格", "平均分", "优秀率", "合格率"]
    rows = [[name, s["count"], s["优秀"], s["良好"], s["合格"], s["不合格"],
             "—" if s["average"] is None else f"{s['average']:.2f}", pct(s["excellent_rate"]), pct(s["pass_rate"])]
            for name, s in sorted(res["by_body"].items()) + [("合计", res["summary"])]]
    print(render_text(StatTable(f"案卷评查结果（{args.batch or '全部批次'}）", cols, rows)))
    return 0
