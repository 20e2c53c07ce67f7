"""audit verify/history, backup, restore, accounts (issue 7)."""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from sifasuo_desktop.cli.common import add_secret_file_arg, data_dir_from, open_store, print_json, read_secret
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import ROLE_LABELS, require

PASS_ENV = "SIFASUO_BACKUP_PASSPHRASE"
NEWPASS_ENV = "SIFASUO_NEW_PASSWORD"
CODE_ENV = "SIFASUO_RECOVERY_CODE"


def register(sub, common):
    p = sub.add_parser("audit", help="审计日志：校验哈希链、查看记录的修改历史")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    q = asub.add_parser("verify", parents=[common], help="校验审计日志哈希链，报告第一条被改动的记录")
    q.add_argument("--json", action="store_true")
    q.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                   help="核对在别处保存的链头（如县局保存的本所链头），可重复")
    q.add_argument("--no-drift", action="store_true", help="不比对记录当前内容与审计日志（大库更快）")
    q.set_defaults(func=cmd_audit_verify)
    q = asub.add_parser("history", parents=[common], help="某条记录的修改历史（谁在何时改了什么）")
    q.add_argument("table", help="数据表，如 cases")
    q.add_argument("record_id", help="记录 id")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_audit_history)

    p = sub.add_parser("backup", parents=[common], help="备份数据文件（--out 文件 或 --auto 自动备份）")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", help="备份到这个文件（或文件夹）")
    g.add_argument("--auto", action="store_true", help="按自动备份规则备份并清理旧备份（可用于计划任务）")
    g.add_argument("--list", action="store_true", help="列出已有的备份")
    p.add_argument("--encrypt", action="store_true",
                   help=f"用密码加密备份文件（密码取自环境变量 {PASS_ENV}，或在终端输入）")
    p.add_argument("--with-attachments", action="store_true",
                   help="同时把附件复制到备份文件旁的 attachments 文件夹（已有的跳过；加密时逐个加密）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backup-config", parents=[common], help="自动备份设置：第二备份文件夹、加密")
    p.add_argument("--second-dir", help="第二备份文件夹（如U盘）")
    p.add_argument("--no-second-dir", action="store_true", help="不再复制到第二备份文件夹")
    p.add_argument("--encrypt", action="store_true", help=f"今后自动备份用密码加密（密码取自 {PASS_ENV} 或终端输入）")
    p.add_argument("--no-encrypt", action="store_true", help="今后自动备份不加密")
    p.set_defaults(func=cmd_backup_config)

    p = sub.add_parser("restore", parents=[common], help="从备份文件恢复（先保留当前数据的副本）")
    p.add_argument("file", help="备份文件")
    p.add_argument("--force", action="store_true",
                   help="当前数据文件已损坏或无法打开时仍然恢复（须以备份中的管理员账号登录）")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("accounts", help="账号管理")
    asub = p.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    q = asub.add_parser("list", parents=[common], help="列出账号")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_accounts_list)
    q = asub.add_parser("add", parents=[common], help="新建账号")
    q.add_argument("--user", required=True)
    q.add_argument("--role", required=True, help="admin 管理员 / leader 所长负责人 / staff 工作人员 / readonly 只读")
    q.add_argument("--name", default="", help="姓名")
    q.add_argument("--password", help=f"初始密码（不推荐；请用环境变量 {NEWPASS_ENV}、--password-file，或在终端输入）")
    add_secret_file_arg(q, "--password", "密码")
    q.set_defaults(func=cmd_accounts_add)
    q = asub.add_parser("passwd", parents=[common], help="管理员重设某账号的密码（对方下次登录须修改）")
    q.add_argument("--user", required=True)
    q.add_argument("--password", help=f"新密码（不推荐；请用环境变量 {NEWPASS_ENV}、--password-file，或在终端输入）")
    add_secret_file_arg(q, "--password", "密码")
    q.set_defaults(func=cmd_accounts_passwd)
    q = asub.add_parser("set", parents=[common], help="修改角色、启用/停用、解锁")
    q.add_argument("--user", required=True)
    q.add_argument("--role")
    q.add_argument("--name")
    q.add_argument("--disable", action="store_true")
    q.add_argument("--enable", action="store_true")
    q.add_argument("--unlock", action="store_true")
    q.set_defaults(func=cmd_accounts_set)
    q = asub.add_parser("recover", parents=[common], help="忘记管理员密码：用恢复码设置新密码")
    q.add_argument("--user", required=True)
    q.add_argument("--code", help=f"恢复码（不推荐；请用环境变量 {CODE_ENV}、--code-file，或在终端输入）")
    add_secret_file_arg(q, "--code", "恢复码")
    q.add_argument("--password", help=f"新密码（不推荐；请用环境变量 {NEWPASS_ENV}、--password-file，或在终端输入）")
    add_secret_file_arg(q, "--password", "密码")
    q.set_defaults(func=cmd_accounts_recover)


def _tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _passphrase(confirm: bool, what: str = "备份密码") -> str:
    value = os.environ.get(PASS_ENV)
    if value:
        return value
    if not _tty():
        raise UserError(f"需要{what}：请设置环境变量 {PASS_ENV}，或在终端中运行。")
    value = getpass.getpass(f"{what}：")
    if confirm and getpass.getpass("再输入一次：") != value:
        raise UserError("两次输入的密码不一致。")
    return value


def _new_password(args) -> str:
    value = read_secret(args.password, getattr(args, "password_file", None), NEWPASS_ENV, "密码", "--password")
    if value:
        return value
    if not _tty():
        raise UserError(f"请用环境变量 {NEWPASS_ENV} 或 --password-file 给出新密码（或在终端中运行）。")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise UserError("两次输入的密码不一致。")
    return first


# ---------------------------------------------------------------------------- audit
def _anchor_arg(text: str) -> tuple[str, int, str]:
    from sifasuo_desktop.domain.limits import HEX64

    seq, sep, h = text.strip().partition(":")
    if not sep or not seq.isdigit() or not HEX64.match(h.lower()):
        raise UserError(f"链头“{text[:80]}”应写成 序号:64位十六进制哈希，如 1234:9f86d0…。")
    return f"--anchor {seq}", int(seq), h.lower()


def cmd_audit_verify(args) -> int:
    from sifasuo_desktop.security.audit import verify_all
    from sifasuo_desktop.security.backup import config as backup_config

    anchors = [_anchor_arg(a) for a in args.anchor]
    with open_store(args, write=False) as store:
        extra = [backup_config(store)["second_dir"]]
        result = verify_all(store.conn, store.data_dir, anchors, extra, drift=not args.no_drift)
    if args.json:
        print_json(result.as_dict())
    elif result.ok:
        head = f"，链头第{result.head['seq']}条 {result.head['hash'][:16]}…" if result.head else ""
        checked = [a for a in result.anchors if a["status"] == "ok"]
        print(f"审计日志完好：共{result.entries}条，哈希链连续{head}；"
              f"核对了{len(checked)}处保存的链头"
              f"{'' if args.no_drift else '，记录内容与审计日志一致'}。")
        for a in result.anchors:
            if a["status"] in ("restored", "skipped"):
                print(f"  注意：{a['source']}：{a['note']}")
    else:
        e = result.entry or {}
        where = f"（{e.get('ts', '')}，{e.get('actor', '')}，{e.get('action', '')} {e.get('table', '')}/" \
                f"{e.get('record_id', '')}）" if e else ""
        sys.stderr.write(f"审计日志被改动：{result.reason}{where}\n")
        for d in result.drift[:20]:
            what = "、".join(d["fields"]) if d["fields"] else "记录已不存在"
            sys.stderr.write(f"  {d['table']}/{d['record_id']}：{what}\n")
    return 0 if result.ok else 1


def cmd_audit_history(args) -> int:
    from sifasuo_desktop.security.audit import record_history

    with open_store(args, write=False) as store:
        store.columns(args.table)
        items = record_history(store, args.table, args.record_id)
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("没有这条记录的修改历史。")
        return 0
    for it in items:
        print(f"{it['time']}  {it['actor']}  {it['action_label']}")
        for c in it["changes"]:
            print(f"    {c['label']}：{c['old']} → {c['new']}")
    return 0


# ---------------------------------------------------------------------------- backup / restore
def cmd_backup(args) -> int:
    from sifasuo_desktop.security import backup as bk

    if args.list:
        with open_store(args, write=False) as store:
            cfg = bk.config(store)
        items = bk.list_backups(data_dir_from(args), [cfg["second_dir"]] if cfg["second_dir"] else [])
        rows = [{"file": str(b.path), "time": b.when.strftime("%Y-%m-%d %H:%M:%S"), "kind": b.kind,
                 "encrypted": b.encrypted, "size": b.size} for b in items]
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['time']}  {r['kind']:<8} {'加密' if r['encrypted'] else '    '} {r['size']:>10}  {r['file']}")
            if not rows:
                print("还没有备份。")
        return 0
    with open_store(args, write=True) as store:
        require(store.actor, "backup")
        if args.auto:
            res = bk.auto_backup(store, force=True)
            out = {"file": str(res.path), "second": str(res.second) if res.second else None,
                   "removed_old": res.removed, "warning": res.warning}
        else:
            passphrase = _passphrase(confirm=True) if args.encrypt else None
            path = bk.make_backup(store, args.out, passphrase)
            out = {"file": str(path), "encrypted": bool(passphrase)}
            if args.with_attachments:
                key_salt = None
                if passphrase:
                    salt = os.urandom(16)
                    key_salt = (bk.derive_key(passphrase, salt), salt)
                try:
                    out["attachments"] = bk.mirror_attachments(store.data_dir, path.parent, key_salt)
                except OSError as exc:
                    raise UserError(f"复制附件失败：{exc.strerror or exc}") from exc
    if args.json:
        print_json(out)
    else:
        print(f"已备份到：{out['file']}")
        if out.get("second"):
            print(f"已复制到第二备份文件夹：{out['second']}")
        if "attachments" in out:
            print(f"新复制附件 {out['attachments']} 个。")
        if out.get("warning"):
            sys.stderr.write("警告：" + out["warning"] + "\n")
        print("提示：备份文件含有当事人的个人信息，请妥善保管。")
    return 0


def cmd_backup_config(args) -> int:
    from sifasuo_desktop.security import backup as bk

    with open_store(args, write=True) as store:
        if args.second_dir and args.no_second_dir or args.encrypt and args.no_encrypt:
            raise UserError("选项互相矛盾。")
        if args.second_dir or args.no_second_dir:
            bk.set_second_dir(store, None if args.no_second_dir else args.second_dir)
        if args.encrypt:
            bk.set_passphrase(store, _passphrase(confirm=True))
        elif args.no_encrypt:
            bk.set_passphrase(store, None)
        cfg = bk.config(store)
    print(f"备份文件夹：{cfg['folder']}")
    print(f"第二备份文件夹：{cfg['second_dir'] or '（未设置）'}")
    print(f"自动备份加密：{'是' if cfg['encrypted'] else '否'}")
    print(f"上次自动备份：{cfg['last_backup_at'] or '（无）'}")
    return 0


def cmd_restore(args) -> int:
    from sifasuo_desktop.security import backup as bk
    from sifasuo_desktop.security import restore as rs
    from sifasuo_desktop.security.cli_auth import cli_actor

    src = Path(args.file)
    passphrase = _passphrase(confirm=False) if bk.is_encrypted(src) else None

    def authorize(store):
        if store is None:
            return
        store.actor = cli_actor(store, write=True)
        require(store.actor, "restore")

    res = rs.restore(data_dir_from(args), src, passphrase=passphrase, authorize=authorize,
                     force=getattr(args, "force", False))
    print(f"已从备份恢复：{res.org_name}（{res.org_code}）")
    if res.replaced_copy:
        print(f"原数据已保留为：{res.replaced_copy}")
    if res.attachments_restored:
        print(f"已从备份旁的 attachments 文件夹补回附件 {res.attachments_restored} 个。")
    if res.attachments_failed:
        sys.stderr.write(f"警告：{len(res.attachments_failed)} 个附件未能补回（如 {res.attachments_failed[0]}）。\n")
    print("已开始新的同步序列：下次同步时县局会核对这段时间的数据。")
    return 0


# ---------------------------------------------------------------------------- accounts
def cmd_accounts_list(args) -> int:
    from sifasuo_desktop.security import accounts

    with open_store(args, write=True) as store:
        require(store.actor, "accounts")
        rows = accounts.list_accounts(store)
    data = [{"username": a.username, "name": a.display_name, "role": a.role, "role_label": a.role_label,
             "active": a.active, "locked": a.locked(), "must_change": a.must_change,
             "last_login_at": a.last_login_at} for a in rows]
    if args.json:
        print_json(data)
    else:
        for d in data:
            flags = "".join([" 已停用" if not d["active"] else "", " 已锁定" if d["locked"] else "",
                             " 须改密码" if d["must_change"] else ""])
            print(f"{d['username']:<16} {d['role_label']:<8} {d['name']}{flags}")
    return 0


def cmd_accounts_add(args) -> int:
    from sifasuo_desktop.security import accounts
    from sifasuo_desktop.security.setup import recovery_notice

    with open_store(args, write=True) as store:
        role = accounts.parse_role(args.role)
        code = accounts.create_account(store, args.user, _new_password(args), role, args.name)
    print(f"已创建账号：{args.user}（{ROLE_LABELS[role]}）")
    if code:
        print(recovery_notice(args.user, code))
    return 0


def cmd_accounts_passwd(args) -> int:
    from sifasuo_desktop.security import accounts

    with open_store(args, write=True) as store:
        acc = accounts.reset_password(store, args.user, _new_password(args))
    print(f"已重设账号“{acc.username}”的密码" + ("，对方下次登录时须修改密码。" if acc.must_change else "。"))
    return 0


def cmd_accounts_set(args) -> int:
    from sifasuo_desktop.security import accounts

    if args.enable and args.disable:
        raise UserError("--enable 和 --disable 不能同时使用。")
    with open_store(args, write=True) as store:
        require(store.actor, "accounts")
        if accounts.get_account(store, args.user) is None:
            raise UserError(f"账号“{args.user}”不存在。")
        with store.transaction():
            if args.role:
                accounts.set_role(store, args.user, args.role)
            if args.name is not None:
                accounts.set_display_name(store, args.user, args.name)
            if args.enable or args.disable:
                accounts.set_active(store, args.user, args.enable)
            if args.unlock:
                accounts.unlock(store, args.user)
        acc = accounts.get_account(store, args.user)
    print(f"账号“{acc.username}”：{acc.role_label}，{'启用' if acc.active else '已停用'}"
          f"{'，已锁定' if acc.locked() else ''}")
    return 0


def cmd_accounts_recover(args) -> int:
    from sifasuo_desktop.security import accounts
    from sifasuo_desktop.security.setup import recovery_notice

    with open_store(args, write=False) as store:
        if args.code_file == "-" and getattr(args, "password_file", None) == "-":
            raise UserError("--code-file 和 --password-file 不能同时从标准输入读取。")
        code = read_secret(args.code, args.code_file, CODE_ENV, "恢复码", "--code")
        if not code:
            if not _tty():
                raise UserError(f"请用环境变量 {CODE_ENV} 或 --code-file 给出恢复码（或在终端中运行）。")
            code = getpass.getpass("恢复码：")
        new_code = accounts.recover_with_code(store, args.user, code, _new_password(args))
    print(f"已为管理员“{args.user}”设置新密码。原恢复码已作废。")
    print(recovery_notice(args.user, new_code))
    return 0
