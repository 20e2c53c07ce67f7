"""sifasuo cases exemplary / cases mark: 典型案例 and 指导案例 (issue 15)."""
from __future__ import annotations

from sifasuo_desktop.cli.common import open_store, print_json
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import EXEMPLARY_KINDS


def register(sub, common):
    p = sub.add_parser("cases", parents=[common], help="执法案件：典型案例/指导案例的标记、列表与导出")
    csub = p.add_subparsers(dest="cases_command", metavar="ACTION")
    csub.required = True
    q = csub.add_parser("exemplary", parents=[common], help="列出（并可导出）标记为典型案例或指导案例的案件")
    q.add_argument("--kind", choices=list(EXEMPLARY_KINDS), help="只列该类型")
    q.add_argument("--year", type=int, help="只列该年度作出决定的案件")
    q.add_argument("--json", action="store_true", help="以JSON输出")
    q.add_argument("--xlsx", metavar="FILE", help="导出为 .xlsx 文件（供县局案例指导）")
    q.set_defaults(func=cmd_exemplary)
    q = csub.add_parser("mark", parents=[common], help="把一件案件标记为典型案例/指导案例（附摘要），或取消标记")
    q.add_argument("case_no", help="案号")
    q.add_argument("--kind", required=True, choices=[*EXEMPLARY_KINDS, "取消"], help="典型案例 / 指导案例 / 取消")
    q.add_argument("--summary", default="", help="案例摘要（标记时必填，不超过500字）")
    q.set_defaults(func=cmd_mark)


def cmd_exemplary(args) -> int:
    from sifasuo_desktop.store.exemplary_queries import list_exemplary
    from sifasuo_desktop.xlsx.reports import export_exemplary

    if args.xlsx and not args.xlsx.lower().endswith(".xlsx"):
        raise UserError("导出文件名应以 .xlsx 结尾。")
    store = open_store(args, write=False)
    try:
        rows = list_exemplary(store, args.kind, args.year)
        if args.xlsx:
            export_exemplary(store, rows, args.xlsx)
    finally:
        store.close()
    keys = ("case_no", "body", "case_type", "cause", "party", "decision_date", "outcome", "penalty_kinds",
            "fine_amount", "discretion_code", "discretion_level", "exemplary_kind", "exemplary_summary")
    if args.json:
        print_json([{k: r.get(k) for k in keys} for r in rows])
        return 0
    for r in rows:
        print(f"{r['exemplary_kind']}\t{r['case_no']}\t{r['body']}\t{r['decision_date'] or '—'}\t{r['cause'] or ''}\t"
              f"{(r['exemplary_summary'] or '')[:40]}")
    print(f"共 {len(rows)} 件。" + (f"已导出：{args.xlsx}" if args.xlsx else ""))
    return 0


def cmd_mark(args) -> int:
    from sifasuo_desktop.store.exemplary_queries import mark_case

    kind = None if args.kind == "取消" else args.kind
    store = open_store(args, write=True)
    try:
        row = mark_case(store, args.case_no, kind, args.summary)
    finally:
        store.close()
    print(f"{row['case_no']}：" + (f"已标记为{kind}" if kind else "已取消典型案例标记"))
    return 0
