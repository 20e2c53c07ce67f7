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
    p.add_argument("--kind", choices=["monthly", "quarterly", "annual"], required=True,
                   help="monthly 月汇总 / quarterly 季通报 / annual 统计年报")
    p.add_argument("--year", type=int, required=True, help="年份")
    p.add_argument("--month", type=int, help="月份（月汇总必填）")
    p.add_argument("--quarter", type=int, help="季度 1–4（季通报必填）")
    p.add_argument("--as-of", type=date_arg, help="统计截止日（默认今天），用于公示及时率等")
    p.add_argument("--org", help="只统计该机构代码的记录（县司法局汇总某乡镇时用）")
    p.add_argument("--json", action="store_true", help="以JSON输出")
    p.add_argument("--xlsx", metavar="FILE", help="同时导出为 .xlsx 文件（每张表一个工作表）")
    p.set_defaults(func=cmd_stats)


def cmd_stats(args) -> int:
    from sifasuo_desktop.store.stats_queries import export_tables_xlsx, period_report

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
