"""identity, trust, sync export/import/status/conflicts/lock/unlock/force (issue 6).

Exit codes of `sync import`: 0 applied or ignored, 3 held (gap or missing parts), 4 rejected.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sifasuo_desktop.cli.common import open_store, print_json
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("identity", parents=[common], help="导出本机同步身份文件（公钥与指纹）")
    p.add_argument("--out", required=True, help="身份文件保存位置，如 乡镇身份.json")
    p.set_defaults(func=cmd_identity)

    p = sub.add_parser("trust", parents=[common], help="信任（登记）对方的身份文件")
    p.add_argument("file", nargs="?", help="对方的身份文件")
    p.add_argument("--yes", action="store_true", help="已与对方核对指纹，不再询问")
    p.add_argument("--list", action="store_true", help="列出已信任的密钥")
    p.add_argument("--revoke", metavar="KEY_ID", help="吊销一个已信任的密钥")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trust)

    p = sub.add_parser("sync", parents=[common], help="同步包导出、导入和状态")
    ss = p.add_subparsers(dest="sync_command", metavar="ACTION", parser_class=sub._parser_class)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    e = ss.add_parser("export", parents=[common], help="导出同步包")
    e.add_argument("--out", required=True, help="保存到的文件夹（或完整文件名）")
    e.add_argument("--to", dest="to_org", help="收件机构代码（县局导出时必填）")
    e.add_argument("--snapshot", action="store_true", help="导出完整状态（核对用）")
    e.add_argument("--split-mb", type=float, help="超过该大小（MB）时分卷，邮件发送时使用")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_export)

    i = ss.add_parser("import", parents=[common], help="导入同步包（可一次导入多个文件）")
    i.add_argument("files", nargs="+", help="同步包或分卷文件")
    i.add_argument("--dry-run", action="store_true", help="只检查并给出结果，不写入")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_import)

    pf = ss.add_parser("personal-fields", parents=[common],
                       help="同步包中完整传送的个人信息字段（其余打码）；县局设置后随同步包下发")
    pf.add_argument("--full", nargs="*", metavar="TABLE.FIELD",
                    help="设置为这些字段（如 officers.id_number）；不给值表示全部打码；省略本参数则只显示")
    pf.set_defaults(func=cmd_personal_fields)
    s = ss.add_parser("status", parents=[common], help="同步状态（县局：各乡镇情况）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)

    c = ss.add_parser("conflicts", parents=[common], help="列出同步冲突")
    c.add_argument("--all", action="store_true", help="包括已处理的")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_conflicts)

    r = ss.add_parser("resolve", parents=[common], help="处理一条冲突")
    r.add_argument("conflict_id", type=int)
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--keep", action="store_true", help="保留本机数据")
    g.add_argument("--accept", action="store_true", help="采用对方数据")
    r.set_defaults(func=cmd_resolve)

    for name, helptext in (("lock", "锁定（验收）某乡镇某月的数据"), ("unlock", "解锁并应用被拒绝的修改")):
        lk = ss.add_parser(name, parents=[common], help=helptext)
        lk.add_argument("--org", required=True, help="乡镇机构代码")
        lk.add_argument("--period", required=True, help="期间 YYYY-MM")
        lk.set_defaults(func=cmd_lock if name == "lock" else cmd_unlock)

    ah = ss.add_parser("audit-heads", parents=[common],
                       help="县局：各乡镇同步包中的审计链头历史（可用 audit verify --anchor 到乡镇核对）")
    ah.add_argument("--org", help="只列出该乡镇（机构代码）")
    ah.add_argument("--json", action="store_true")
    ah.set_defaults(func=cmd_audit_heads)
    f = ss.add_parser("force", parents=[common], help="强制应用暂存已满期限的同步包")
    f.add_argument("package_id")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_force)


def cmd_identity(args) -> int:
    from sifasuo_desktop.sync.engine import local_keys

    store = open_store(args, write=False)
    try:
        keys = local_keys(store)
        path = keys.write_identity(Path(args.out))
    finally:
        store.close()
    pub = keys.public
    print(f"已写出身份文件：{path}")
    print(f"机构：{pub.org_name}（{pub.org_code}，{'县司法局' if pub.role == 'county' else '乡镇司法所'}）")
    print(f"密钥编号：{pub.key_id}")
    print(f"指纹：{pub.fingerprint}")
    print("请把身份文件交给对方，并通过电话或纸面与对方核对上面的指纹。")
    return 0


def cmd_trust(args) -> int:
    from sifasuo_desktop.store import sync_queries as sq
    from sifasuo_desktop.sync import engine
    from sifasuo_desktop.sync.keys import parse_identity

    store = open_store(args, write=True)
    try:
        if args.list:
            keys = sq.trusted_keys(store.conn)
            if args.json:
                print_json([{k: v for k, v in r.items() if k not in ("sign_pub", "box_pub")} for r in keys])
            for r in keys if not args.json else []:
                state = f"已吊销 {r['revoked_at'][:10]}" if r["revoked_at"] else "有效"
                print(f"{r['org_code']}  {r['org_name']}  {r['key_id']}  {r['fingerprint']}  {state}")
            if not keys and not args.json:
                print("尚未信任任何密钥。")
            return 0
        if args.revoke:
            engine.revoke(store, args.revoke)
            print(f"已吊销密钥 {args.revoke}，此后该密钥签发的同步包将被拒绝。")
            return 0
        if not args.file:
            raise UserError("请给出对方的身份文件，或使用 --list / --revoke。")
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise UserError(f"无法读取身份文件“{args.file}”：{exc.strerror or exc}") from exc
        ident = parse_identity(data)
        print(f"机构：{ident.org_name}（{ident.org_code}，{'县司法局' if ident.role == 'county' else '乡镇司法所'}）")
        print(f"密钥编号：{ident.key_id}")
        print(f"指纹：{ident.fingerprint}")
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError("请先与对方核对指纹，确认一致后加 --yes 重新运行。")
            answer = input("请与对方电话核对上面的指纹，完全一致请输入 yes：").strip().lower()
            if answer != "yes":
                print("未信任。")
                return 1
        engine.trust_identity(store, ident)
        print(f"已信任：{ident.org_name}（{ident.org_code}）。")
        return 0
    finally:
        store.close()


def cmd_export(args) -> int:
    from sifasuo_desktop.sync import engine

    if args.split_mb is not None and args.split_mb <= 0.01:
        raise UserError("分卷大小必须大于 0.01 MB。")
    out = Path(args.out)
    if not out.exists() and not out.parent.is_dir():
        raise UserError(f"保存位置“{out}”不存在。")
    if args.out.endswith(("/", "\\")) and not out.is_dir():   # meant a folder (USB stick): not a file named so
        raise UserError(f"文件夹“{args.out}”不存在。")
    store = open_store(args, write=True)
    try:
        cap = int(args.split_mb * 1024 * 1024) if args.split_mb else None
        result = engine.export_package(store, out, args.to_org, snapshot=args.snapshot, split_cap=cap)
    finally:
        store.close()
    if args.json:
        m = result.manifest
        print_json({"files": [str(p) for p in result.paths], "records": result.records, "seq": m["seq"],
                    "package_id": m["package_id"], "full": m["full"], "counts": m["counts"]})
    else:
        print(result.text())
        for p in result.paths:
            print(p)
    return 0


def cmd_import(args) -> int:
    from sifasuo_desktop.sync import engine

    # a dry run decrypts with this office's private key and runs every check: it needs the same login
    store = open_store(args, write=True)
    try:
        results = engine.import_files(store, [Path(f) for f in args.files], dry_run=args.dry_run)
    finally:
        store.close()
    if args.json:
        print_json([r.to_dict() for r in results])
    else:
        for r in results:
            print(r.text())
            for c in r.conflicts[:20]:
                print(f"  冲突[{c['type']}] {c['table']} {c['id']}：{c['reason']}")
            if len(r.conflicts) > 20:
                print(f"  ……共 {len(r.conflicts)} 条冲突，见 sifasuo sync conflicts")
    return engine.exit_code(results)


def cmd_status(args) -> int:
    from sifasuo_desktop.store import sync_queries as sq
    from sifasuo_desktop.sync import engine

    store = open_store(args, write=False)
    try:
        me = store.org
        data = {"org": me.code, "role": me.role, "stream_id": store.stream_id,
                "seq": sq.max_seq(store.conn, store.stream_id),
                "acks": [dict(r) for r in store.conn.execute("SELECT * FROM sync_acks")],
                "held": sq.held(store.conn), "open_conflicts": len(sq.conflicts(store.conn)),
                "reconciliations": sq.reconciliations(store.conn)}
        if me.role == "county":
            data["townships"] = engine.township_status(store)
    finally:
        store.close()
    if args.json:
        print_json(data)
        return 0
    print(f"本机：{me.name}（{me.code}），数据流 {data['stream_id'][:8]}，最新序号 {data['seq']}")
    for a in data["acks"]:
        print(f"对方 {a['peer_org']} 已确认本机数据流 {a['stream_id'][:8]} 至序号 {a['acked_to']}（{a['received_at'][:16]}）")
    for t in data.get("townships", []):
        days = "从未联系" if t["days_since_contact"] is None else f"{t['days_since_contact']} 天前"
        print(f"{t['org_name']}（{t['org_code']}）：最近同步 {days}，已应用至 {t['applied_to']}，暂存 {t['held']}，"
              f"未处理冲突 {t['open_conflicts']}，待核对 {t['reconciliations']}")
    for h in data["held"]:
        print(f"暂存：{h['package_id']} 来自 {h['sender_org']}，序号 {h['seq_from']}–{h['seq_to']}，{h['held_at'][:16]}")
    print(f"未处理冲突：{data['open_conflicts']} 条")
    return 0


def cmd_conflicts(args) -> int:
    from sifasuo_desktop.store import sync_queries as sq

    store = open_store(args, write=False)
    try:
        rows = sq.conflicts(store.conn, open_only=not args.all)
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("没有未处理的同步冲突。")
    for c in rows:
        state = f"已处理：{c['resolution']}" if c["resolved_at"] else "未处理"
        print(f"#{c['id']} [{c['type']}] {c['sender_org']} {c['table_name']} {c['record_id']} "
              f"本机版本 {c['local_version']} / 对方版本 {c['incoming_version']}：{c['reason']}（{state}）")
    return 0


def cmd_resolve(args) -> int:
    from sifasuo_desktop.sync import engine

    store = open_store(args, write=True)
    try:
        engine.resolve_conflict(store, args.conflict_id, "accept" if args.accept else "keep")
    finally:
        store.close()
    print(f"冲突 #{args.conflict_id} 已处理。")
    return 0


def cmd_lock(args) -> int:
    from sifasuo_desktop.sync import engine

    store = open_store(args, write=True)
    try:
        engine.lock_period(store, args.org, args.period)
    finally:
        store.close()
    print(f"已锁定 {args.org} 的 {args.period} 期间，该期间的后续修改将记为冲突。")
    return 0


def cmd_unlock(args) -> int:
    from sifasuo_desktop.sync import engine

    store = open_store(args, write=True)
    try:
        n = engine.unlock_period(store, args.org, args.period)
    finally:
        store.close()
    print(f"已解锁 {args.org} 的 {args.period} 期间，应用了 {n} 条此前被拒绝的修改。")
    return 0


def cmd_force(args) -> int:
    from sifasuo_desktop.sync import engine

    store = open_store(args, write=True)
    try:
        r = engine.force_held(store, args.package_id)
    finally:
        store.close()
    print_json(r.to_dict()) if args.json else print(r.text())
    return r.exit_code


def cmd_personal_fields(args) -> int:
    from sifasuo_desktop.domain.errors import UserError
    from sifasuo_desktop.sync import policy

    allowed_names = {f"{t}.{f}" for t in policy.LEDGERS for f in policy.personal_fields(t)}
    store = open_store(args, write=args.full is not None)
    try:
        if args.full is not None:
            bad = [n for n in args.full if n not in allowed_names]
            if bad:
                raise UserError(f"不是个人信息字段：{'、'.join(bad)}（可选：{'、'.join(sorted(allowed_names))}）")
            store.set_setting(policy.PERSONAL_SETTING, sorted(set(args.full)))
        current = store.get_setting(policy.PERSONAL_SETTING, list(policy.DEFAULT_FULL_PERSONAL)) or []
        print("同步包中完整传送：" + ("、".join(current) if current else "（无，全部打码）"))
        print("其余个人信息字段打码传送：" + "、".join(sorted(allowed_names - set(current))))
    finally:
        store.close()
    return 0


def cmd_audit_heads(args) -> int:
    from sifasuo_desktop.store import sync_queries as sq

    with open_store(args, write=False) as store:
        heads = sq.audit_heads(store.conn, args.org)
    if args.json:
        print_json(heads)
        return 0
    if not heads:
        print("还没有收到任何乡镇的审计链头。")
    for h in heads:
        print(f"{h['org_code']}  {h['received_at'][:16]}  第{h['seq']}条  {h['seq']}:{h['hash']}")
    return 0
