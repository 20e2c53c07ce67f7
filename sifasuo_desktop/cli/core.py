"""init and demo."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sifasuo_desktop import fsutil

from sifasuo_desktop.cli.common import add_secret_file_arg, data_dir_from, print_json, read_secret
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.paths import DB_FILE, db_path

ADMIN_PASS_ENV = "SIFASUO_ADMIN_PASSWORD"


def register(sub, common):
    p = sub.add_parser("init", parents=[common], help="初始化数据文件夹（机构信息）")
    p.add_argument("--role", choices=["township", "county"], required=True, help="township 乡镇司法所 / county 县司法局")
    p.add_argument("--org-name", required=True, help="机构名称，如 示范镇司法所")
    p.add_argument("--org-code", required=True,
                   help="机构代码（行政区划代码，设置后不能更改）：县司法局6位，乡镇司法所9位或12位（如 379901101000）")
    p.add_argument("--parent-code", help="上级机构代码（乡镇填县司法局的6位代码，乡镇代码须以它开头）")
    p.add_argument("--doc-code", help="乡镇：本所的机关代字（本所文号用，如 青司所；默认取名称首字 + 司所）")
    p.add_argument("--admin-user", help="第一个管理员账号")
    p.add_argument("--admin-password", help=f"管理员密码（不推荐：其他用户可见；请用环境变量 {ADMIN_PASS_ENV}、"
                                            "--admin-password-file 或在终端输入）")
    add_secret_file_arg(p, "--admin-password", "管理员密码")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="在新文件夹中生成演示数据")
    p.add_argument("--cases", type=int, default=600, help="执法案件数量（默认600）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（同一种子生成相同数据）")
    p.add_argument("--role", choices=["township", "county"], default="township")
    p.add_argument("--json", action="store_true", help="以JSON输出统计")
    p.set_defaults(func=cmd_demo)


def _require_new_folder(data_dir):
    if db_path(data_dir).exists():
        raise UserError(f"数据文件夹“{data_dir}”中已有台账数据，请换一个新的文件夹。")


def cmd_init(args) -> int:
    from sifasuo_desktop.store import Store

    data_dir = data_dir_from(args)
    args.admin_password = read_secret(args.admin_password, args.admin_password_file, ADMIN_PASS_ENV,
                                      "管理员密码", "--admin-password")
    _check_admin_flags(args)
    _check_org_code(args)
    doc_code = _check_doc_code(args)
    if db_path(data_dir).exists():
        with Store.open(data_dir) as s:
            if s.initialized:
                raise UserError(f"数据文件夹“{data_dir}”已初始化为“{s.org.name}”（{s.org.code}）。")
    with Store.open(data_dir) as store:
        def write_org():
            org = store.init_org(args.role, args.org_name, args.org_code, args.parent_code)
            if doc_code:
                from sifasuo_desktop.documents.service import S_OWN_CODE

                store.set_setting(S_OWN_CODE, doc_code)
            return org

        from sifasuo_desktop.security.setup import init_with_admin, recovery_notice
        from sifasuo_desktop.sync.setup import after_init as sync_after_init

        org, user, code = init_with_admin(store, args, write_org)
        if user:
            print(f"已创建管理员账号：{user}")
            print(recovery_notice(user, code))
        sync_after_init(store)      # this installation's sync keys
    print(f"已初始化：{org.name}（{org.code}，{org.role_label}），数据文件夹：{data_dir}")
    return 0


def _check_org_code(args) -> None:
    """--org-code / --parent-code (issue 12): a plausible 行政区划代码, checked before anything is written (the
    code can never change afterwards). The rule: domain.validators.validate_org_code."""
    from sifasuo_desktop.domain.validators import normalize_org_code, validate_org_code

    args.org_code = normalize_org_code(args.org_code)
    args.parent_code = normalize_org_code(args.parent_code) or None
    why = validate_org_code(args.org_code, args.role, args.parent_code)
    if why is None and args.role == "county" and args.parent_code:
        why = "县司法局不填写 --parent-code"
    if why:
        raise UserError(why + "。")


def _check_doc_code(args) -> str | None:
    """--doc-code: a township's own 机关代字, checked before anything is written."""
    code = (getattr(args, "doc_code", None) or "").strip()
    if not code:
        return None
    if args.role != "township":
        raise UserError("--doc-code 只用于乡镇司法所；县司法局的机关代字在文书设置中维护。")
    from sifasuo_desktop.documents.model import validate_code_word

    why = validate_code_word(code)
    if why:
        raise UserError(f"机关代字：{why}。")
    return code


def _check_admin_flags(args) -> None:
    """A bad --admin-user/--admin-password is refused before anything is written (exit 1, folder untouched),
    instead of leaving a folder without any login that a script believes is protected."""
    from sifasuo_desktop.security import accounts

    if args.admin_user is not None:
        accounts.validate_username(args.admin_user)
    if args.admin_password is not None:
        accounts.validate_password(args.admin_password, args.admin_user or "")


def cmd_demo(args) -> int:
    from sifasuo_desktop.demo import generate
    from sifasuo_desktop.store import Store

    data_dir = data_dir_from(args)
    _require_new_folder(data_dir)
    if args.cases < 0:
        raise UserError("案件数量不能为负数。")
    t0 = time.perf_counter()
    build = _building_folder(data_dir)
    try:
        summary = _demo_in(build, args, generate, Store)
        _move_into_place(build, data_dir)
    except BaseException:
        if build != data_dir:
            shutil.rmtree(build, ignore_errors=True)
        raise
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    summary["data_dir"] = str(data_dir)
    if args.json:
        print_json(summary)
    else:
        counts = "，".join(f"{k} {v}" for k, v in summary["counts"].items())
        print(f"已生成演示数据：{summary['org_name']}（{summary['org_code']}）")
        print(f"记录数：{counts}")
        if summary.get("login"):
            print(f"演示账号：{summary['login']}")
        print(f"用时 {summary['seconds']} 秒；数据文件夹：{data_dir}")
    return 0


def _building_folder(data_dir: Path) -> Path:
    """The demo is built in a hidden sibling folder and renamed into place when complete: a killed demo
    leaves no half-made data folder (an organisation without its administrator)."""
    parent = data_dir.parent
    _remove_stale_builds(parent, data_dir.name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.building-", dir=parent))
    except OSError:
        return data_dir   # parent not writable: build in place as before


def _remove_stale_builds(parent: Path, name: str) -> None:
    """Folders of killed demos (nobody holds their lock any more)."""
    from sifasuo_desktop.store.folder_lock import acquire

    try:
        stale = [p for p in parent.glob(f".{name}.building-*") if p.is_dir()]
    except OSError:
        return
    for p in stale:
        try:
            with acquire(p, exclusive=True):
                pass
        except UserError:
            continue   # another demo is building there right now
        shutil.rmtree(p, ignore_errors=True)


def _move_into_place(build: Path, data_dir: Path) -> None:
    if build == data_dir:
        return
    try:
        if data_dir.exists() and data_dir.is_dir() and not any(data_dir.iterdir()):
            data_dir.rmdir()
        if not data_dir.exists():
            os.replace(build, data_dir)
        else:  # an existing folder with other files: move the demo's entries in, the database last
            entries = sorted(build.iterdir(), key=lambda p: p.name == DB_FILE)
            for entry in entries:
                os.replace(entry, data_dir / entry.name)
            build.rmdir()
        fsutil.secure_dir(data_dir)
    except OSError as exc:
        raise UserError(f"无法把演示数据放到“{data_dir}”：{fsutil.os_reason(exc)}") from exc
    fsutil.fsync_dir(data_dir.parent)


def _demo_in(folder: Path, args, generate, Store) -> dict:
    with Store.open(folder) as store:
        summary = generate(store, cases=args.cases, seed=args.seed, role=args.role,
                           progress=None if args.json else _progress)
        from sifasuo_desktop.security.setup import after_demo
        from sifasuo_desktop.sync.setup import after_init as sync_after_init

        summary.update(after_demo(store) or {})
        sync_after_init(store)
    return summary


def _progress(text: str) -> None:
    sys.stderr.write(text + "\n")
