"""sifasuo personnel: officer statistics, the 执法证件年审汇总表, exam sampling, one officer's record, and
recording a certificate event (the officer's status follows it)."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.cli.common import date_arg, open_store, print_json
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("personnel", parents=[common], help="执法人员：持证/年审/培训统计、年审汇总表、闭卷考试、人员档案、证件事件")
    ps = p.add_subparsers(dest="personnel_command", metavar="ACTION", required=True)
    q = ps.add_parser("stats", parents=[common], help="持证率、年审完成率、分类培训达标率、离岗返岗（按主体和乡镇）及闭卷考试抽考比例")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--today", type=date_arg, help="统计截止日（默认今天；当年未结束时以此为准）")
    q.add_argument("--json", action="store_true")
    q.add_argument("--xlsx", metavar="FILE", help="同时导出为 .xlsx")
    q.set_defaults(func=cmd_stats)
    q = ps.add_parser("review-summary", parents=[common], help="执法证件年审汇总表（可导出 .xlsx）")
    q.add_argument("--year", type=int, required=True, help="审验年度")
    q.add_argument("--json", action="store_true")
    q.add_argument("--xlsx", metavar="FILE", help="导出为 .xlsx")
    q.set_defaults(func=cmd_review_summary)
    q = ps.add_parser("exam-target", parents=[common], help="设置县局闭卷考试抽考目标比例（需管理员）")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--percent", type=float, help="目标比例（%），如 30、60、100；不填则删除该年度目标")
    q.set_defaults(func=cmd_exam_target)
    q = ps.add_parser("show", parents=[common], help="人员档案：证件履历、分年度分类别学时、参与的案件和检查")
    q.add_argument("officer", metavar="OFFICER", help="姓名、身份证号、执法证号或记录ID")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_show)
    q = ps.add_parser("event", parents=[common], help="登记证件事件（申领、发证、审验、暂扣、收回、注销、吊销、补发、离岗、返岗）")
    q.add_argument("officer", metavar="OFFICER", help="姓名、身份证号、执法证号或记录ID")
    q.add_argument("--type", required=True, dest="event_type", help="事件类型")
    q.add_argument("--date", required=True, type=date_arg, help="日期")
    q.add_argument("--doc-no", help="文号")
    q.add_argument("--reason", help="事由/原因（离岗原因等）")
    q.add_argument("--review-year", type=int, help="审验年度（审验）")
    q.add_argument("--result", help="审验结果或返岗考核结果：合格/不合格/暂缓")
    q.add_argument("--prelim-date", type=date_arg, help="司法所初审日期（申领）")
    q.add_argument("--prelim-opinion", help="司法所初审意见（申领）")
    q.add_argument("--leave-kind", help="离岗类型：离岗/调离/退休（离岗）")
    q.add_argument("--cert-no", help="执法证号（发证、补发）")
    q.add_argument("--cert-expiry", type=date_arg, help="有效期至（发证、补发）")
    q.set_defaults(func=cmd_event)


def _today(args):
    return _dt.date.fromisoformat(args.today) if getattr(args, "today", None) else None


def _xlsx_path(path):
    if path and not path.lower().endswith(".xlsx"):
        raise UserError("导出文件名应以 .xlsx 结尾。")
    return path


def _print_tables(tables, as_json, xlsx):
    from sifasuo_desktop.cli.stats import render_text

    if as_json:
        print_json({"tables": [t.to_dict() for t in tables], "xlsx": xlsx})
        return
    for t in tables:
        print(render_text(t))
        print()
    if xlsx:
        print(f"已导出：{xlsx}")


def cmd_stats(args) -> int:
    from sifasuo_desktop.store.personnel_queries import personnel_report
    from sifasuo_desktop.xlsx.reports import export_tables_xlsx

    xlsx = _xlsx_path(args.xlsx)
    store = open_store(args, write=False)
    try:
        tables = personnel_report(store, args.year, today=_today(args))
        if xlsx:
            export_tables_xlsx(tables, xlsx, org_name=store.org.name)
    finally:
        store.close()
    _print_tables(tables, args.json, xlsx)
    return 0


def cmd_review_summary(args) -> int:
    from sifasuo_desktop.store.personnel_queries import review_summary
    from sifasuo_desktop.xlsx.reports import export_tables_xlsx

    xlsx = _xlsx_path(args.xlsx)
    store = open_store(args, write=False)
    try:
        table = review_summary(store, args.year)
        if xlsx:
            export_tables_xlsx([table], xlsx, org_name=store.org.name)
    finally:
        store.close()
    _print_tables([table], args.json, xlsx)
    return 0


def cmd_exam_target(args) -> int:
    from sifasuo_desktop.store.personnel_queries import set_exam_target

    store = open_store(args, write=True)
    try:
        targets = set_exam_target(store, args.year, args.percent)
    finally:
        store.close()
    shown = "，".join(f"{y}年{p:g}%" for y, p in sorted(targets.items())) or "无"
    print(f"已保存。抽考目标：{shown}")
    return 0


def cmd_show(args) -> int:
    from sifasuo_desktop.store.personnel_queries import find_officer, officer_profile

    store = open_store(args, write=False)
    try:
        prof = officer_profile(store, find_officer(store, args.officer)["id"])
    finally:
        store.close()
    o = prof["officer"]
    if args.json:
        print_json({"officer": {k: o.get(k) for k in ("id", "name", "cert_no", "cert_status", "cert_issued",
                                                      "cert_expiry", "duty_status", "left_date", "staffing",
                                                      "review_year", "review_result")},
                    "body": prof["body"], "timeline": prof["timeline"],
                    "hours": {str(y): h for y, h in sorted(prof["hours"].items())},
                    "cases": prof["cases"], "inspections": prof["inspections"]})
        return 0
    print(f"{o.get('name')}  {prof['body']}  证号{o.get('cert_no') or '—'}  证件{o.get('cert_status') or '—'}  "
          f"{o.get('duty_status') or '在岗'}")
    print("证件履历：")
    for item in prof["timeline"] or [{"date": "", "text": "（无记录）"}]:
        print(f"  {item['date']}  {item['text']}")
    print("培训学时：")
    for y, h in sorted(prof["hours"].items()):
        print(f"  {y}年 " + "，".join(f"{c}{v:g}" for c, v in sorted(h.items())) + f"（合计{sum(h.values()):g}）")
    print(f"参与案件{len(prof['cases'])}件，行政检查{len(prof['inspections'])}次")
    return 0


def cmd_event(args) -> int:
    from sifasuo_desktop.domain.ledgers import LEDGERS, normalize
    from sifasuo_desktop.store.cert_events import record_event
    from sifasuo_desktop.store.personnel_queries import find_officer

    raw = {"event_type": args.event_type, "event_date": args.date, "doc_no": args.doc_no, "reason": args.reason,
           "review_year": args.review_year, "result": args.result, "prelim_date": args.prelim_date,
           "prelim_opinion": args.prelim_opinion, "leave_kind": args.leave_kind, "cert_no": args.cert_no,
           "cert_expiry": args.cert_expiry}
    store = open_store(args, write=True)
    try:
        o = find_officer(store, args.officer)
        values = normalize(LEDGERS["cert_events"], {"officer_name": o["name"], "officer_id": o["id"],
                                                    **{k: v for k, v in raw.items() if v is not None}})
        if values["event_type"] == "审验" and values.get("review_year") is None:
            raise UserError("审验事件需要 --review-year。")
        record_event(store, values)
        after = store.get("officers", o["id"])
    finally:
        store.close()
    print(f"已登记：{o['name']} {args.date} {values['event_type']}。当前证件状态：{after.get('cert_status') or '—'}，"
          f"在岗状态：{after.get('duty_status') or '—'}")
    return 0
