"""sifasuo docs: list, render, draft, issue, serve, reply supervision documents."""
from __future__ import annotations

import sys

from sifasuo_desktop.cli.common import date_arg, open_store, print_json
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("docs", parents=[common], help="监督文书（督办函、意见书、通报……）")
    ds = p.add_subparsers(dest="docs_command", metavar="ACTION", parser_class=type(p))
    ds.required = True

    q = ds.add_parser("list", parents=[common], help="列出文书")
    q.add_argument("--json", action="store_true", help="以JSON输出（键：id, type, doc_no, recipient, status）")
    q.set_defaults(func=cmd_list)

    q = ds.add_parser("render", parents=[common], help="输出 PDF 或 DOCX")
    q.add_argument("id", help="文书ID")
    q.add_argument("--out", required=True, help="输出文件（.pdf 或 .docx）")
    q.add_argument("--receipt", action="store_true", help="输出该文书的送达回证")
    q.add_argument("--no-seal", action="store_true", help="不加盖电子印章图片")
    q.set_defaults(func=cmd_render)

    q = ds.add_parser("draft-overdue", parents=[common], help="为某单位每个逾期问题起草督办函")
    q.add_argument("--body", required=True, help="被监督单位ID或名称（如 示范镇人民政府）")
    q.add_argument("--today", type=date_arg, help="按此日期判断逾期（默认今天）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_draft_overdue)

    q = ds.add_parser("draft", parents=[common], help="由台账记录起草文书（打印新文书的ID）")
    q.add_argument("--type", required=True, dest="doc_type",
                   help="督办函、监督意见书、监督建议书、监督决定书、整改通知单、约谈通知书、评查通报、季度通报"
                        "（可省去“监督”二字）")
    q.add_argument("--body", help="被监督单位ID或名称（按单位的问题起草）")
    q.add_argument("--problem", nargs="+", metavar="NO", help="只写这些问题（问题编号或ID）")
    q.add_argument("--visit", help="监督检查记录ID（按一次检查发现的问题起草）")
    q.add_argument("--batch", help="评查批次ID（评查通报）")
    q.add_argument("--year", type=int, help="季度通报：年份")
    q.add_argument("--quarter", type=int, help="季度通报：季度（1–4），按全县乡镇质效排名起草（仅县司法局）")
    q.add_argument("--today", type=date_arg, help="督办函：按此日期判断逾期（默认今天）")
    q.add_argument("--json", action="store_true", help="以JSON输出（键：id, type, title, recipient, status）")
    q.set_defaults(func=cmd_draft)

    q = ds.add_parser("serve", parents=[common], help="登记送达（已签发的文书）")
    q.add_argument("id")
    q.add_argument("--date", required=True, type=date_arg, help="送达日期")
    q.add_argument("--method", required=True, help="直接送达、留置送达、委托送达、邮寄送达、电子送达、公告送达")
    q.add_argument("--receiver", required=True, help="受送达人")
    q.add_argument("--signer", default="", help="签收人（直接送达必填）")
    q.add_argument("--address", default="", help="送达地点")
    q.add_argument("--refusal", default="", help="拒收事由（留置送达必填）")
    q.add_argument("--witness", default="", help="见证人（留置送达必填）")
    q.set_defaults(func=cmd_serve)

    q = ds.add_parser("reply", parents=[common], help="登记被监督单位的反馈")
    q.add_argument("id")
    q.add_argument("--date", required=True, type=date_arg, help="反馈日期")
    q.add_argument("--content", required=True, help="反馈内容")
    q.add_argument("--file", action="append", default=[], metavar="F", help="反馈材料（可重复；复制到数据文件夹）")
    q.set_defaults(func=cmd_reply)

    q = ds.add_parser("issue", parents=[common], help="签发文书（分配文号并冻结内容）")
    q.add_argument("id")
    q.add_argument("--date", type=date_arg, help="成文日期（默认今天）")
    q.add_argument("--print-date", type=date_arg, help="印发日期（通报的版记；默认同成文日期，不能早于成文日期）")
    q.add_argument("--allow-missing-glyphs", action="store_true",
                   help="文书中有本机字体都没有的字（打印为空框）时仍签发（默认拒绝并列出这些字）")
    q.set_defaults(func=cmd_issue)

    q = ds.add_parser("void", parents=[common], help="作废文书（已签发的文书不能删除，只能作废；文号保留不再使用）")
    q.add_argument("id")
    q.set_defaults(func=cmd_void)

    q = ds.add_parser("code", parents=[common], help="乡镇的机关代字（乡镇文号用，如 青司所〔2026〕3号）：查看或设置")
    q.add_argument("--org", help="县司法局：乡镇的机构代码")
    q.add_argument("--set", dest="code", help="新的机关代字（县司法局设置后随同步包下发到乡镇）")
    q.add_argument("--json", action="store_true", help="以JSON输出（键：org_code, name, code）")
    q.set_defaults(func=cmd_code)

    q = ds.add_parser("build-title-font", help="由本机的 Noto Serif CJK SC Bold 生成标题用 TrueType 字体（约1分钟）")
    q.add_argument("--out-dir", help="输出文件夹（默认：用户字体文件夹）")
    q.set_defaults(func=cmd_build_title_font)


def cmd_build_title_font(args) -> int:
    from sifasuo_desktop.documents import fonts as F
    from sifasuo_desktop.documents.fontbuild import build_title_font

    out_dir = args.out_dir or str(F.user_font_dir())
    path = build_title_font(F.default_resolver(), out_dir)
    print(f"已生成标题字体：{path}（{path.stat().st_size // 1024} KB），此后 PDF 的标题和机关标志将使用该字体。")
    return 0


def _type_key(label: str) -> str:
    from sifasuo_desktop.documents.service import KEY_BY_LABEL

    return KEY_BY_LABEL.get(label or "", label or "")


def cmd_list(args) -> int:
    from sifasuo_desktop.documents.service import list_documents

    store = open_store(args, write=False)
    try:
        rows = list_documents(store)
    finally:
        store.close()
    items = [{"id": r["id"], "type": r.get("doc_type") or "", "doc_no": r.get("doc_no") or "",
              "recipient": r.get("recipient") or "", "status": r.get("status") or "草稿",
              "title": r.get("title") or "", "doc_date": r.get("doc_date") or ""} for r in rows]
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("（没有文书）")
        return 0
    for it in items:
        print("\t".join([it["id"], it["type"], it["doc_no"] or "（未编号）", it["recipient"], it["status"],
                         it["title"]]))
    return 0


def cmd_render(args) -> int:
    from sifasuo_desktop.documents.service import render

    store = open_store(args, write=False)
    try:
        if store.get("documents", args.id) is None:
            raise UserError(f"找不到文书“{args.id}”。")
        res = render(store, args.id, args.out, receipt=args.receipt, with_seal=not args.no_seal)
    finally:
        store.close()
    if hasattr(res, "pages"):
        print(f"已输出：{args.out}（{res.pages}页；字体：" +
              "，".join(f"{k} {v}" for k, v in res.fonts.items()) + "）")
        if res.substitute_note:
            sys.stderr.write("注意：" + res.substitute_note + "\n")
        if res.fallback_warning:
            sys.stderr.write("注意：" + res.fallback_warning + "\n")
    else:
        print(f"已输出：{args.out}")
    return 0


def _body_id(store, text: str) -> str:
    """--body takes the id or the exact name of the body (names are what a county tester has at hand)."""
    if store.get("bodies", text):
        return text
    found = store.rows("bodies", "name = ?", (text.strip(),))
    if len(found) > 1:
        raise UserError(f"有{len(found)}个名为“{text}”的单位，请改用单位ID：" + "、".join(r["id"] for r in found))
    if not found:
        raise UserError(f"找不到被监督单位“{text}”（可填单位ID或完整名称）。")
    return found[0]["id"]


def cmd_draft_overdue(args) -> int:
    import datetime as dt

    from sifasuo_desktop.documents.service import draft_dubanhan_for_overdue

    store = open_store(args, write=True)
    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
        rows = draft_dubanhan_for_overdue(store, _body_id(store, args.body), today)
    finally:
        store.close()
    if args.json:
        print_json([{"id": r["id"], "title": r["title"], "recipient": r["recipient"]} for r in rows])
    else:
        print(f"已起草督办函 {len(rows)} 份。")
    return 0


def _doc_key(text: str) -> str:
    from sifasuo_desktop.documents.drafting import type_key

    return type_key(text)


def _problem_ids(store, body_id: str | None, given: list[str]) -> list[str]:
    out = []
    for text in given:
        row = store.get("problems", text)
        if row is None:
            found = store.rows("problems", "problem_no = ?", (text.strip(),))
            row = found[0] if len(found) == 1 else None
        if row is None or row.get("deleted"):
            raise UserError(f"找不到问题“{text}”（可填问题编号或ID）。")
        if body_id and row.get("body_id") != body_id:
            raise UserError(f"问题“{text}”不属于所选的被监督单位。")
        out.append(row["id"])
    return out


def cmd_draft(args) -> int:
    import datetime as dt

    from sifasuo_desktop.documents import drafting as D

    key = args.doc_type if args.doc_type.strip() == "通报" else _doc_key(args.doc_type)   # 通报: by --batch/--quarter
    store = open_store(args, write=True)
    try:
        body_id = _body_id(store, args.body) if args.body else None
        ids = _problem_ids(store, body_id, args.problem) if args.problem else None
        today = dt.date.fromisoformat(args.today) if args.today else None
        r = D.draft(store, key, body_id=body_id, problem_ids=ids, visit_id=args.visit, batch_id=args.batch,
                    year=args.year, quarter=args.quarter, today=today)
    finally:
        store.close()
    if args.json:
        print_json({"id": r["id"], "type": r.get("doc_type") or "", "title": r.get("title") or "",
                    "recipient": r.get("recipient") or "", "status": r.get("status") or "草稿"})
    else:
        print(r["id"])
    return 0


def cmd_serve(args) -> int:
    from sifasuo_desktop.documents.service import record_service

    store = open_store(args, write=True)
    try:
        record_service(store, args.id, method=args.method.strip(), date=args.date, receiver=args.receiver,
                       signer=args.signer, address=args.address, refusal_reason=args.refusal, witness=args.witness)
        row = store.get("documents", args.id)
    finally:
        store.close()
    print(f"已登记送达：{row.get('doc_no') or ''}　{args.method.strip()}　{args.date}")
    return 0


def cmd_reply(args) -> int:
    from sifasuo_desktop.documents.service import record_reply

    store = open_store(args, write=True)
    try:
        row = record_reply(store, args.id, date=args.date, content=args.content, attachments=args.file)
    finally:
        store.close()
    print(f"已登记反馈：{row.get('doc_no') or ''}　{args.date}" + (f"（材料{len(args.file)}份）" if args.file else ""))
    return 0


def cmd_issue(args) -> int:
    from sifasuo_desktop.documents.fonts import MissingGlyphs
    from sifasuo_desktop.documents.service import issue

    store = open_store(args, write=True)
    try:
        row = issue(store, args.id, args.date, args.print_date, allow_missing_glyphs=args.allow_missing_glyphs)
    except MissingGlyphs as exc:
        raise UserError(exc.message + "（确需签发请加 --allow-missing-glyphs）") from None
    finally:
        store.close()
    print(f"已签发：{row['doc_no']}　{row['title']}")
    return 0


def cmd_void(args) -> int:
    from sifasuo_desktop.documents.service import void

    store = open_store(args, write=True)
    try:
        row = void(store, args.id)
    finally:
        store.close()
    print(f"已作废：{row.get('doc_no') or row.get('title') or args.id}（文号保留，不再使用）")
    return 0


_ = _type_key


def cmd_code(args) -> int:
    from sifasuo_desktop.documents.service import set_township_code, township_codes

    store = open_store(args, write=bool(args.code))
    try:
        if args.code:
            code = set_township_code(store, args.code, args.org)
            if not args.json:
                print(f"已设置机关代字：{code}")
        rows = township_codes(store)
    finally:
        store.close()
    if args.org:
        rows = [r for r in rows if r["org_code"] == args.org]
    if args.json:
        print_json(rows)
    elif not args.code:
        for r in rows:
            print("\t".join([r["org_code"], r["name"], r["code"]]))
    return 0
