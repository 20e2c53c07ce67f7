"""Whom this installation trusts: pinning and revoking the other side's public keys, finding the peer."""
from __future__ import annotations

from ..domain.errors import UserError
from ..domain.permissions import require
from ..store import sync_queries as sq
from .keys import PublicIdentity, b64d, b64e

now_utc = sq.now_utc


def _ident(rec: dict) -> PublicIdentity:
    return PublicIdentity(rec["org_code"], rec["org_name"] or "", rec["role"], b64d(rec["sign_pub"], 32),
                          b64d(rec["box_pub"], 32), rec["trusted_at"], rec["revoked_at"])


def trust_lookup(store):
    def lookup(org: str, key_id: str):
        rec = sq.trusted_key(store.conn, org, key_id)
        return _ident(rec) if rec else None
    return lookup


def trust_identity(store, ident: PublicIdentity) -> dict:
    """Pin the other side's public keys (after the fingerprint was confirmed). County: registers a township."""
    require(store.actor, "keys")
    me = store.org
    if ident.org_code == me.code:
        raise UserError("这是本机自己的身份文件，不需要信任。请导入对方（县司法局或乡镇司法所）的身份文件。")
    if me.role == "township":
        if ident.role != "county":
            raise UserError(f"乡镇司法所只能信任县司法局的身份文件，而“{ident.org_name}”是乡镇司法所。")
        if me.parent_code and ident.org_code != me.parent_code:
            raise UserError(f"身份文件属于“{ident.org_name}”（{ident.org_code}），不是本所的上级（{me.parent_code}）。")
    elif ident.role != "township":
        raise UserError(f"县司法局只能登记乡镇司法所的身份文件，而“{ident.org_name}”是县级机构。")
    rec = {"key_id": ident.key_id, "org_code": ident.org_code, "org_name": ident.org_name, "role": ident.role,
           "sign_pub": b64e(ident.sign_pub), "box_pub": b64e(ident.box_pub), "fingerprint": ident.fingerprint,
           "trusted_at": now_utc(), "trusted_by": store.actor.username}
    with store.transaction():
        old = sq.trusted_key(store.conn, ident.org_code, ident.key_id)
        if old and old["revoked_at"]:
            raise UserError(f"该密钥（编号 {ident.key_id}）已被吊销，不能再次信任。")
        sq.add_trusted_key(store.conn, rec)
        if me.role == "county" and not store.rows("orgs", "code = ?", (ident.org_code,)):
            store.insert("orgs", {"code": ident.org_code, "name": ident.org_name, "role": "township",
                                  "parent_code": me.code}, owner_org=me.code)
    return rec


def revoke(store, key_id: str) -> None:
    require(store.actor, "keys")
    with store.transaction():
        if not sq.revoke_key(store.conn, key_id, now_utc()):
            raise UserError(f"没有找到未吊销的密钥“{key_id}”。")


def peer_identity(store, peer_org: str | None = None) -> PublicIdentity:
    me = store.org
    want_role = "county" if me.role == "township" else "township"
    keys = [k for k in sq.trusted_keys(store.conn, want_role) if not k["revoked_at"]]
    if peer_org:
        keys = [k for k in keys if k["org_code"] == peer_org]
    if not keys:
        if me.role == "township":
            raise UserError("还没有导入县司法局的身份文件，请先运行 sifasuo trust 县局身份文件。")
        if peer_org:
            raise UserError(f"乡镇“{peer_org}”尚未登记（没有可用的密钥），请先导入该所的身份文件。")
        raise UserError("县司法局导出同步包时必须指定乡镇（--to 机构代码）。")
    orgs = {k["org_code"] for k in keys}
    if len(orgs) > 1:
        raise UserError("已登记多个乡镇，请用 --to 指定要发给哪个乡镇。")
    return _ident(keys[-1])  # the newest trusted key of that org

