"""check (warning rules) and holidays (schedules for years chinesecalendar does not know)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from sifasuo_desktop.cli.common import date_arg, open_store
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("check", parents=[common], help="运行预警规则，列出全部预警")
    p.add_argument("--today", type=date_arg, help="按指定日期检查（YYYY-MM-DD，默认今天）")
    p.add_argument("--json", action="store_true", help="以JSON数组输出（节假日数据缺失的提示写到标准错误）")
    p.add_argument("--rule", action="append", metavar="CODE", help="只运行指定规则（可重复，如 --rule GS-01）")
    p.set_defaults(func=cmd_check)
    hs = p.add_subparsers(dest="check_command", metavar="ACTION", required=False)
    for name, text in (("handle", "处置一条预警（已知悉/已纠正/无法纠正，须填写理由；所长/负责人或管理员）"),
                       ("unhandle", "取消一条预警的处置（该预警重新计入待办）")):
        q = hs.add_parser(name, parents=[common], help=text)
        q.add_argument("code", metavar="CODE", help="规则代码，如 GS-01")
        q.add_argument("--record-type", required=True, metavar="T",
                       help="记录类型：数据表名（cases、problems…）或台账名称（执法案件…），同 check --json 的 record_type")
        q.add_argument("--record-id", required=True, metavar="ID",
                       help="记录编号（check --json 的 record_id），或唯一的案号/问题编号/名称")
        if name == "handle":
            q.add_argument("--as", dest="disposition", required=True, metavar="处置",
                           help="已知悉、已纠正 或 无法纠正")
            q.add_argument("--reason", required=True, help="处置理由（必填，最多500字）")
        q.set_defaults(func=cmd_handle if name == "handle" else cmd_unhandle)

    p = sub.add_parser("holidays", parents=[common], help="节假日安排（程序未收录年份）")
    hs = p.add_subparsers(dest="holidays_command", metavar="ACTION", required=True)
    q = hs.add_parser("import", parents=[common], help="从文件导入节假日安排（CSV：日期,类型 或 JSON），需管理员")
    q.add_argument("file", help="CSV（每行 date,kind；kind 为 holiday/休 或 workday/班）或 JSON 文件")
    q.set_defaults(func=cmd_holidays_import)
    q = hs.add_parser("list", parents=[common], help="列出数据库中已导入的节假日安排")
    q.set_defaults(func=cmd_holidays_list)


def cmd_check(args) -> int:
    from sifasuo_desktop.domain.rules import CODES
    from sifasuo_desktop.store.rules_queries import check_lines, check_store

    codes = None
    if args.rule:
        codes = [c.strip().upper() for c in args.rule]
        unknown = [c for c in codes if c not in CODES]
        if unknown:
            raise UserError(f"未知的规则代码：{'、'.join(unknown)}（可用：{'、'.join(CODES)}）")
    store = open_store(args, write=False)
    try:
        if args.json:   # the lines as cached/printed: no finding objects held
            lines, notices, _day = check_lines(store, today=args.today, codes=codes)
        else:
            result = check_store(store, today=args.today, codes=codes)
    finally:
        store.close()
    try:
        if args.json:
            for n in notices:
                sys.stderr.write(f"提示：{n}\n")
            _write_json_lines(lines)
            return 0
        return _print_result(result, args.json)
    except BrokenPipeError:  # `sifasuo check | head`: the reader went away, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _record_ref(store, record_type: str, record_id: str) -> tuple[str, str]:
    """(table, record uid) from what was typed: a table name or ledger title; a uid or a unique number."""
    from sifasuo_desktop.domain.handling import RECORD_TYPES
    from sifasuo_desktop.domain.ledgers import LEDGERS
    from sifasuo_desktop.store.lookups import ids_by_number

    table = (record_type or "").strip()
    if table not in RECORD_TYPES:
        by_title = {lg.title: lg.table for lg in LEDGERS.values()}
        if by_title.get(table) not in RECORD_TYPES:
            raise UserError(f"未知的记录类型“{table[:40]}”（可用：{'、'.join(sorted(RECORD_TYPES))}）。")
        table = by_title[table]
    rid = (record_id or "").strip()
    if store.get(table, rid) is None and table in LEDGERS:
        ids = ids_by_number(store, table, rid)
        if len(ids) > 1:
            raise UserError(f"“{rid[:40]}”对应多条记录，请改用 check --json 中的 record_id。")
        if ids:
            rid = ids[0]
    return table, rid


def cmd_handle(args) -> int:
    from sifasuo_desktop.domain.handling import handling_text
    from sifasuo_desktop.store.handling_ops import handle_finding

    store = open_store(args, write=True)
    try:
        table, rid = _record_ref(store, args.record_type, args.record_id)
        row = handle_finding(store, args.code, table, rid, (args.disposition or "").strip(), args.reason)
    finally:
        store.close()
    print(f"已处置 {row['rule_code']}（{table} {rid}）：{handling_text(row)}")
    return 0


def cmd_unhandle(args) -> int:
    from sifasuo_desktop.store.handling_ops import unhandle_finding

    store = open_store(args, write=True)
    try:
        table, rid = _record_ref(store, args.record_type, args.record_id)
        done = unhandle_finding(store, args.code, table, rid)
    finally:
        store.close()
    if not done:
        raise UserError(f"预警 {args.code.strip().upper()}（{table} {rid}）没有处置记录，无需取消。")
    print(f"已取消处置 {args.code.strip().upper()}（{table} {rid}），该预警重新计入待办。")
    return 0


def _print_result(result, as_json: bool) -> int:
    from sifasuo_desktop.domain.rules import SEVERITY_LABELS

    if as_json:
        for n in result.notices:
            sys.stderr.write(f"提示：{n}\n")
        _write_json_array([f.to_dict() for f in result.findings])
        return 0
    counts = result.counts()
    out = sys.stdout
    handled = sum(1 for f in result.findings if f.handled)
    out.write(f"检查日期：{result.today}  红色预警 {counts['red']} 条，黄色预警 {counts['yellow']} 条"
              + (f"（其中已处置 {handled} 条）" if handled else "") + "\n")
    for n in result.notices:
        out.write(f"提示：{n}\n")
    current = None
    for f in result.findings:
        key = (f.severity, f.code)
        if key != current:
            current = key
            n = sum(1 for g in result.findings if (g.severity, g.code) == key)
            out.write(f"\n【{SEVERITY_LABELS[f.severity]}】{f.code} {f.title}（{n}条）\n")
        due = f"  期限：{f.due_date}" if f.due_date else ""
        body = f"  [{f.body}]" if f.body else ""
        done = f"  【已处置：{f.handling}】" if f.handled else ""
        out.write(f"  {f.ref}：{f.message}{due}{body}{done}\n")
    if not result.findings:
        out.write("没有预警。\n")
    return 0


def cmd_holidays_import(args) -> int:
    from sifasuo_desktop.domain.calendar import parse_holiday_file
    from sifasuo_desktop.store.rules_queries import import_holidays

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件“{path}”：{exc.strerror or exc}") from None
    text = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise UserError(f"文件“{path}”不是文本文件（应为UTF-8或GBK编码的CSV/JSON）。")
    entries = parse_holiday_file(text, path.name)  # validates everything before the store is touched
    store = open_store(args, write=True)
    try:
        res = import_holidays(store, entries, source=path.name)
    finally:
        store.close()
    print(f"已导入{'、'.join(res['years'])}年节假日安排：新增{res['added']}天，修改{res['changed']}天，"
          f"未变{res['unchanged']}天。")
    return 0


def cmd_holidays_list(args) -> int:
    from sifasuo_desktop.store.rules_queries import holiday_summary

    store = open_store(args, write=False)
    try:
        summary = holiday_summary(store)
    finally:
        store.close()
    if not summary:
        print("数据库中没有导入的节假日安排（使用程序自带的国务院安排）。")
    for year, c in sorted(summary.items()):
        print(f"{year}年：放假{c.get('holiday', 0)}天，调休上班{c.get('workday', 0)}天")
    return 0


def _write_json_lines(lines: list[str]) -> None:
    """A JSON array, one finding per line, written as it goes (no second copy of the whole text)."""
    out = sys.stdout
    if not lines:
        out.write("[]\n")
        return
    out.write("[\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        out.write(line + (",\n" if i < last else "\n"))
    out.write("]\n")


def _write_json_array(items: list[dict]) -> None:
    """A JSON array, one finding per line (fast for tens of thousands of findings, easy to grep)."""
    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
    out = sys.stdout
    if not items:
        out.write("[]\n")
        return
    out.write("[\n" + ",\n".join(dumps(i) for i in items) + "\n]\n")
