"""Roles and the actions each may take. Checked in the storage/domain layer, not only in the UI."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied

ADMIN = "admin"          # 管理员: settings, accounts, keys (and everything else)
LEADER = "leader"        # 所长/负责人: issue documents, 销号, plus staff rights
STAFF = "staff"          # 工作人员: enter and edit records
READONLY = "readonly"    # 只读: view, print
SYSTEM_ROLE = "system"   # the app itself (migrations, demo generator, sync apply)

ROLE_LABELS = {ADMIN: "管理员", LEADER: "所长/负责人", STAFF: "工作人员", READONLY: "只读", SYSTEM_ROLE: "系统"}

# action -> roles allowed
ACTIONS: dict[str, set[str]] = {
    "view": {ADMIN, LEADER, STAFF, READONLY, SYSTEM_ROLE},
    "view_personal_full": {ADMIN, LEADER, SYSTEM_ROLE},
    "edit": {ADMIN, LEADER, STAFF, SYSTEM_ROLE},
    "issue_document": {ADMIN, LEADER, SYSTEM_ROLE},
    "close_problem": {ADMIN, LEADER, SYSTEM_ROLE},
    "settings": {ADMIN, SYSTEM_ROLE},
    "accounts": {ADMIN, SYSTEM_ROLE},
    "keys": {ADMIN, SYSTEM_ROLE},
    "import": {ADMIN, LEADER, STAFF, SYSTEM_ROLE},
    "sync": {ADMIN, LEADER, STAFF, SYSTEM_ROLE},
    "backup": {ADMIN, LEADER, STAFF, SYSTEM_ROLE},
    "restore": {ADMIN, SYSTEM_ROLE},
    # issue 12: mark a warning 已知悉/已纠正/无法纠正; bring a deleted record back from the 回收站
    "handle_finding": {ADMIN, LEADER, SYSTEM_ROLE},
    "restore_deleted": {ADMIN, LEADER, SYSTEM_ROLE},
}

ACTION_LABELS = {
    "view": "查看", "view_personal_full": "查看完整个人信息", "edit": "录入和修改",
    "issue_document": "签发文书", "close_problem": "问题销号", "settings": "修改设置",
    "accounts": "管理账号", "keys": "管理密钥", "import": "导入数据", "sync": "同步",
    "backup": "备份", "restore": "恢复备份",
    "handle_finding": "处置预警", "restore_deleted": "从回收站恢复记录",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account (username + role) or the system."""

    username: str
    role: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username


SYSTEM = Actor("system", SYSTEM_ROLE, "系统")


def allowed(actor: Actor, action: str) -> bool:
    roles = ACTIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}")
    return actor.role in roles


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied (Chinese message) unless the actor's role allows the action."""
    if not allowed(actor, action):
        role = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(
            f"账号“{actor.label}”（{role}）无权{ACTION_LABELS.get(action, action)}。"
        )


# Field changes that need more than "edit", whichever path makes them (generic record form, import, CLI):
# the storage layer calls this from Store.update, so hiding a button is never the only protection.
_PROBLEM_CLOSED = "已销号"
_DOC_ISSUING_STATES = ("已签发", "已作废", "被替代")


def field_change_actions(table: str, before: dict, changes: dict) -> set[str]:
    """The extra actions an update of `before` with `changes` needs (besides the caller's action)."""
    def differs(key: str) -> bool:  # an empty string and NULL are the same "no value"
        return key in changes and (changes[key] or None) != (before.get(key) or None)

    need: set[str] = set()
    if table == "problems":
        if differs("status") and _PROBLEM_CLOSED in (changes["status"], before.get("status")):
            need.add("close_problem")
        if differs("closed_date"):
            need.add("close_problem")
    elif table == "documents":
        if (differs("status") and changes["status"] in _DOC_ISSUING_STATES) or differs("doc_no") or differs("signer"):
            need.add("issue_document")
    return need
