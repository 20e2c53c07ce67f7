"""sifasuo enterprise: one enterprise's inspections by every body in a year, the JC-01 cap and the JC rules hit
(issue 13; the GUI page 企业检查查询 shows the same)."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.cli.common import open_store, print_json
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("enterprise", parents=[common],
                       help="涉企检查：按统一社会信用代码查看一家企业本年度被各执法主体检查的全部记录、频次上限和预警")
    p.add_argument("code", help="统一社会信用代码（未登记代码时可用企业名称）")
    p.add_argument("--year", type=int, help="年度（默认今年）")
    p.add_argument("--today", help="按该日期判断预警（YYYY-MM-DD，默认今天）")
    p.add_argument("--json", action="store_true", help="以JSON输出")
    p.set_defaults(func=cmd_enterprise)


def cmd_enterprise(args) -> int:
    from sifasuo_desktop.store.enterprise_queries import enterprise_view

    try:
        today = _dt.date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise UserError(f"日期“{args.today}”无效，应如 2026-04-15。") from None
    store = open_store(args, write=False)
    try:
        v = enterprise_view(store, args.code, args.year, today)
    finally:
        store.close()
    if args.json:
        print_json(v)
        return 0
    print(f"{v['name']}（{v['code']}）{v['year']}年：共{len(v['rows'])}次检查；同一主体每年现场检查上限{v['cap']}次")
    for p in v["per_body"]:
        print(f"  {p['body']}：计入频次的现场检查{p['counted']}次" + ("（超过上限）" if p["over"] else ""))
    for r in v["rows"]:
        warn = "；".join(f"{f['code']} {f['message']}" for f in r["findings"])
        print(f"{r['inspect_date']}  {r['body']}  {r['inspect_type']}  {r['method'] or '现场检查'}  "
              f"{r['item_name'] or '（未填检查事项）'}  {r['task_source']}" + (f"  预警：{warn}" if warn else ""))
    for b in v["body_findings"]:
        print(f"{b['code']} {b['body']}：{b['message']}")
    return 0
