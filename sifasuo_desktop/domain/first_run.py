"""The first-run checklist of the 首页 (issue 18): what a new office does once, each step ticked from the data
(never by hand), so a step is done the moment its data is there and undone if it goes away.

Steps: office details and 机关代字; accounts for the clerks; the old sheets imported (one sub-step per main
ledger, with its template); identities exchanged with the county (a county: with its townships); the first
backup to a USB stick (a second backup folder holding a backup, or a manual backup on another drive). No Qt; reads through the store's API."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

# the ledgers an office brings from its old Excel sheets, in the order they are best imported
IMPORT_LEDGERS = ("bodies", "officers", "powers", "cases", "inspections", "trainings", "problems")
MIN_ACCOUNTS = 2       # the first administrator + at least one clerk's own account
DISMISS_SETTING = "ui.first_run_hidden"   # the checklist folded away (it comes back while a step is open)


@dataclass
class Step:
    key: str
    title: str
    done: bool
    detail: str
    subs: list["Step"] = dc_field(default_factory=list)


def _office_step(store) -> Step:
    from sifasuo_desktop.documents import service as S

    org = store.org
    contact = store.get_setting(S.S_CONTACT, {}) or {}
    has_contact = bool((contact.get("name") or "").strip() and (contact.get("phone") or "").strip())
    if org.role == "township":
        assigned = (store.get_setting(S.S_TOWNSHIP_CODES, {}) or {}).get(org.code)
        code = assigned or (store.get_setting(S.S_OWN_CODE, "") or "")
        has_code = bool(code)
        shown = code or S.township_code(store)
    else:
        has_code = bool(store.get_setting(S.S_SHORT, "") or store.get_setting(S.S_CODES, {}))
        has_code = has_code and bool(store.get_setting(S.S_ISSUER, ""))
        shown = store.get_setting(S.S_ISSUER, "") or ""
    missing = [t for t, ok in (("机关代字", has_code), ("联系人和电话", has_contact)) if not ok]
    detail = (f"{org.name}（{org.code}），机关代字 {shown}" if not missing
              else f"{org.name}（{org.code}）：还需填写" + "、".join(missing) + "（监督 → 文书设置…）")
    return Step("office", "填写本单位信息和机关代字", not missing, detail)


def _accounts_step(store) -> Step:
    from sifasuo_desktop.security import accounts

    active = [a for a in accounts.list_accounts(store) if getattr(a, "active", True)]
    done = len(active) >= MIN_ACCOUNTS
    return Step("accounts", "为每位工作人员建立账号", done,
                f"已有 {len(active)} 个账号" + ("" if done else "：请为所里的工作人员各建一个账号（工具 → 账号管理…）"))


def _import_step(store) -> Step:
    from .ledgers import LEDGERS

    subs = []
    for key in IMPORT_LEDGERS:
        n = store.shown_count(key)
        subs.append(Step(key, LEDGERS[key].title, n > 0, f"{n} 条" if n else "尚无记录：可先下载模板，照模板整理旧表后导入"))
    done = all(s.done for s in subs)
    left = [s.title for s in subs if not s.done]
    return Step("import", "导入原有的Excel台账（每个台账一张表，可用模板）", done,
                "各台账都已有记录" if done else "尚未导入：" + "、".join(left), subs)


def _identity_step(store) -> Step:
    from sifasuo_desktop.store import sync_queries as sq

    org = store.org
    want = "county" if org.role == "township" else "township"
    peers = [k for k in sq.trusted_keys(store.conn, want) if not k["revoked_at"]]
    if org.role == "township":
        detail = (f"已信任{peers[-1]['org_name'] or '县司法局'}的身份" if peers
                  else "尚未与县司法局交换身份文件（同步 → 同步设置向导…）")
        title = "与县司法局交换身份（同步设置）"
    else:
        detail = (f"已登记 {len({p['org_code'] for p in peers})} 个乡镇司法所的身份" if peers
                  else "尚未登记任何乡镇司法所的身份文件（同步 → 同步设置向导…）")
        title = "与各乡镇司法所交换身份（同步设置）"
    return Step("identity", title, bool(peers), detail)


def _backup_step(store) -> Step:
    from pathlib import Path

    from sifasuo_desktop.security import backup as bk

    second = bk.config(store)["second_dir"]
    found = []
    if second and Path(second).is_dir():
        found = [b for b in bk.list_backups(store.data_dir, [second]) if Path(b.path).parent == Path(second)]
    # a manual 立即备份 counts too when it went to another drive than the data folder (a USB stick, a share);
    # one on the PC's own disk does not protect against that disk failing (i18c)
    manual = bk.manual_backups(store)
    away = [m for m in manual if m["other_drive"]]
    if found:
        detail = f"U盘/第二备份文件夹 {second} 中已有备份（最新 {found[0].when:%Y-%m-%d %H:%M}）"
    elif away:
        detail = f"已手动备份到其他磁盘/U盘：{away[0]['path']}（{away[0]['at'].replace('T', ' ')}）"
    elif manual:
        detail = (f"已手动备份到 {manual[0]['path']}，但它与数据在同一块磁盘上，硬盘损坏时会一起丢失："
                  "请插入U盘后“立即备份”到U盘")
    elif second:
        detail = f"已设置第二备份文件夹 {second}，但其中还没有备份：请插好U盘后“立即备份”"
    else:
        detail = "请插入U盘，在“工具 → 备份设置…”中把它设为第二备份文件夹，再“文件 → 立即备份…”"
    return Step("backup", "第一次备份到U盘", bool(found or away), detail)


def checklist(store) -> list[Step]:
    steps = []
    for make in (_office_step, _accounts_step, _import_step, _identity_step, _backup_step):
        try:
            steps.append(make(store))
        except Exception as exc:   # noqa: BLE001 - one unreadable part must not hide the others
            steps.append(Step(make.__name__.strip("_").replace("_step", ""), make.__name__, False,
                              f"无法检查：{getattr(exc, 'message', exc)}"))
    return steps


def all_done(steps: list[Step]) -> bool:
    return all(s.done for s in steps)
