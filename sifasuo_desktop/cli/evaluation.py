"""sifasuo evaluation list / report: 赋权事项评估 and its printable 评估报告 (issue 16)."""
from __future__ import annotations

import sys

from sifasuo_desktop.cli.common import open_store, print_json


def register(sub, common):
    p = sub.add_parser("evaluation", parents=[common], help="赋权事项评估：列表与评估报告（PDF/DOCX）")
    esub = p.add_subparsers(dest="evaluation_command", metavar="ACTION")
    esub.required = True
    q = esub.add_parser("list", parents=[common], help="列出赋权事项评估记录")
    q.add_argument("--year", type=int, help="只列该评估年度")
    q.add_argument("--json", action="store_true", help="以JSON输出")
    q.set_defaults(func=cmd_list)
    q = esub.add_parser("report", parents=[common], help="输出一条评估记录的评估报告")
    q.add_argument("id", help="评估记录ID，或事项编码/事项名称")
    q.add_argument("--year", type=int, help="按事项编码/名称查找时的评估年度")
    q.add_argument("--out", required=True, help="输出文件（.pdf 或 .docx）")
    q.set_defaults(func=cmd_report)


def cmd_list(args) -> int:
    from sifasuo_desktop.store.ledger_queries import county_townships, township_display

    store = open_store(args, write=False)
    try:
        where, params = ("year = ?", (args.year,)) if args.year else ("", ())
        rows = store.rows("power_evaluations", where, params, order_by="year DESC, power_code, eval_date")
        towns = county_townships(store)
        keys = ("id", "township", "power_code", "power_name", "year", "eval_date", "method", "case_count",
                "conclusion")
        items = [{**{k: r.get(k) for k in keys}, "township": township_display(towns, store, r.get("owner_org"))}
                 for r in rows]
    finally:
        store.close()
    if args.json:
        print_json(items)
        return 0
    for it in items:
        print("\t".join(str(it[k] if it[k] is not None else "") for k in keys))
    print(f"共 {len(items)} 条。")
    return 0


def cmd_report(args) -> int:
    from sifasuo_desktop.documents.evaluation_report import find_evaluation, render_report

    store = open_store(args, write=False)
    try:
        ev = find_evaluation(store, args.id, args.year)
        res = render_report(store, ev["id"], args.out)
    finally:
        store.close()
    if hasattr(res, "pages"):
        print(f"已输出：{args.out}（{res.pages}页；字体：" + "，".join(f"{k} {v}" for k, v in res.fonts.items()) + "）")
        if res.fallback_warning:
            sys.stderr.write("注意：" + res.fallback_warning + "\n")
    else:
        print(f"已输出：{args.out}")
    return 0
