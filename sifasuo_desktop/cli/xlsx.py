"""import-xlsx and export-xlsx."""
from __future__ import annotations

import sys
from pathlib import Path

from sifasuo_desktop.cli.common import open_store, print_json
from sifasuo_desktop.domain.errors import UserError

MAX_LISTED = 100  # problems/warnings printed in the text summary (--json lists all)


def register(sub, common):
    p = sub.add_parser("import-xlsx", parents=[common], help="从Excel台账或CSV导入（.xlsx/.xls/.csv）")
    p.add_argument("file", metavar="FILE", help="要导入的 Excel 文件（.xlsx，或旧版 .xls），或平台导出的 .csv（GBK/UTF-8 自动识别）")
    p.add_argument("--ledger", help="只导入该台账：cases/officers/trainings/powers/inspections/problems… 或中文名称")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--json", action="store_true", help="以JSON输出结果摘要")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-xlsx", parents=[common], help="把台账导出为带格式的Excel（.xlsx）")
    p.add_argument("--ledger", required=True, help="台账：cases/officers/… 或中文名称")
    p.add_argument("--out", required=True, help="输出文件（.xlsx）")
    p.add_argument("--search", default="", help="按关键字筛选")
    p.add_argument("--status", help="按状态筛选")
    p.add_argument("--from", dest="date_from", help="起始日期")
    p.add_argument("--to", dest="date_to", help="截止日期")
    p.add_argument("--full-personal", action="store_true", help="身份证号、电话不脱敏（需相应权限）")
    p.set_defaults(func=cmd_export)


def cmd_import(args) -> int:
    from sifasuo_desktop.security.backup import backup_before
    from sifasuo_desktop.store.import_apply import apply_plan, check_plan, load_layouts
    from sifasuo_desktop.xlsx.planner import plan_import

    store = open_store(args, write=not args.dry_run)
    try:
        if not args.dry_run:
            from sifasuo_desktop.domain.permissions import require
            require(store.actor, "import")
        plan = plan_import(store, args.file, ledger=args.ledger, remembered=load_layouts(store))
        if plan.ok and not args.dry_run:
            check_plan(store, plan)
            backup_before(store, "xlsx-import")      # the state before the import (issue 7)
            apply_plan(store, plan)
        summary = plan.summary()
    finally:
        store.close()
    if args.json:
        print_json(summary)
    else:
        _print_summary(plan, summary, args.dry_run)
    if plan.errors:
        sys.stderr.write(f"错误：文件未导入——发现{len(plan.errors)}处问题（{plan.errors[0]}"
                         f"{'…' if len(plan.errors) > 1 else ''}），未写入任何数据。\n")
        return 1
    return 0


def _print_summary(plan, s: dict, dry_run: bool) -> None:
    out = sys.stdout
    for sh in plan.sheets:
        enc = f"（CSV：{sh.encoding}）" if sh.encoding else ""
        out.write(f"工作表“{sh.name}”{enc}：{sh.ledger.title}，表头在第{sh.header_row}行，读取{sh.rows_read}行\n")
    if plan.skipped_sheets:
        out.write(f"未识别的工作表（已跳过）：{'、'.join(plan.skipped_sheets)}\n")
    verb = "将" if dry_run or plan.errors else "已"
    out.write(f"读取{s['rows_read']}行：{verb}新增{s['created']}条，{verb}更新{s['updated']}条，"
              f"无变化{s['unchanged']}条，有问题{s['rejected']}行\n")
    if s.get("history"):
        out.write(f"其中{s['history']}条（已销号的问题、已签发/送达的文书）{verb}作为“历史导入”记录保存，状态只读\n")
    if s["created_bodies"]:
        out.write(f"{verb}新建执法主体：{'、'.join(s['created_bodies'])}\n")
    if s["unmatched_officers"]:
        out.write(f"未找到的执法人员：{'、'.join(s['unmatched_officers'])}\n")
    if s["ambiguous_officers"]:
        out.write(f"有同名、未能关联的执法人员：{'、'.join(s['ambiguous_officers'])}\n")
    m = s["officer_matches"]
    if any(m.values()):
        out.write(f"执法人员关联：按姓名{m['by_name']}人次，按执法证号{m['by_cert_no']}人次，按身份证号{m['by_id_number']}人次\n")
    for w in plan.warnings[:MAX_LISTED]:
        out.write(f"提示：{w}\n")
    if len(plan.warnings) > MAX_LISTED:
        out.write(f"……另有{len(plan.warnings) - MAX_LISTED}条提示（--json 输出完整列表）\n")
    for e in plan.errors[:MAX_LISTED]:
        out.write(f"问题：{e}\n")
    if len(plan.errors) > MAX_LISTED:
        out.write(f"……另有{len(plan.errors) - MAX_LISTED}处问题（--json 输出完整列表）\n")
    if dry_run and not plan.errors:
        out.write("（试运行，未写入数据）\n")


def cmd_export(args) -> int:
    from sifasuo_desktop.domain.permissions import allowed
    from sifasuo_desktop.store.ledger_queries import LedgerQuery
    from sifasuo_desktop.xlsx.export import export_ledger
    from sifasuo_desktop.xlsx.planner import resolve_ledger

    key = resolve_ledger(args.ledger, for_export=True)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError("输出文件应以 .xlsx 结尾。")
    # full values need a real login (the read-only CLI identity may not see them)
    store = open_store(args, write=args.full_personal)
    try:
        if args.full_personal and not allowed(store.actor, "view_personal_full"):
            raise UserError("当前账号无权导出完整的身份证号和电话号码。")
        q = LedgerQuery(key, search=args.search or "", status=args.status,
                        date_from=_date(args.date_from), date_to=_date(args.date_to))
        n = export_ledger(store, q, out, full_personal=args.full_personal)
    finally:
        store.close()
    print(f"已导出{n}条记录到 {out}")
    return 0


def _date(text):
    if not text:
        return None
    from sifasuo_desktop.domain.validators import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None
