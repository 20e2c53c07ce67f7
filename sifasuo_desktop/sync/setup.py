"""Hook called by `sifasuo init` / `sifasuo demo`: create this installation's key pairs."""
from __future__ import annotations

# No import of .keys (cryptography, PyNaCl: ~20 ms) at module level: the GUI imports this module at every start
# (the 同步 page, the setup wizard's entry) and needs key material only when a sync step runs (issue 19).


def after_init(store) -> None:
    from .keys import LocalKeys

    org = store.org
    LocalKeys.load_or_create(store.data_dir, org.code, org.name, org.role)


# ---- the guided sync setup (issue 18): one step on each side ------------------------------------------------
# Before, each side was refused once until it had trusted the other's identity file (the township cannot encrypt
# for a county it does not know, the county cannot verify a township it has not registered). The guided step does
# everything a side can do with one USB stick in one go: write this side's identity file onto the stick, trust the
# other side's identity file found there (after the fingerprint was read over the phone), then export the first
# package onto the stick (township) or import the packages on it (county). County first: its identity goes out
# on the stick; the township's one step trusts it and sends its identity with the first package; the county's one
# step trusts the township and imports that package. No Qt here.
import datetime as _dt  # noqa: E402
import json  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

IDENTITY_PREFIX, IDENTITY_SUFFIX = "identity-", ".json"
LAST_EXPORT_META = "sync.last_export"


def identity_file_name(org_code: str) -> str:
    return f"{IDENTITY_PREFIX}{org_code}{IDENTITY_SUFFIX}"


def peer_role(store) -> str:
    return "county" if store.org.role == "township" else "township"


def write_own_identity(store, folder) -> Path:
    from .engine import local_keys

    folder = Path(folder)
    if not folder.is_dir():
        from ..domain.errors import UserError

        raise UserError(f"文件夹“{folder}”不存在（U盘是否已插好？）。")
    return local_keys(store).write_identity(folder / identity_file_name(store.org.code))


@dataclass
class FoundIdentity:
    path: Path
    ident: object           # keys.PublicIdentity
    state: str              # new | trusted | own | wrong
    reason: str = ""

    @property
    def label(self) -> str:
        i = self.ident
        role = "县司法局" if i.role == "county" else "乡镇司法所"
        return f"{i.org_name}（{i.org_code}，{role}）"


def find_identities(store, folder) -> list[FoundIdentity]:
    """Identity files in `folder` and what each is to this side (its own, the other side's new or trusted, or
    one it may not trust: wrong role, not its county)."""
    from ..store import sync_queries as sq
    from .keys import parse_identity

    me = store.org
    out = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob(f"{IDENTITY_PREFIX}*{IDENTITY_SUFFIX}")):
        try:
            ident = parse_identity(path.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged or foreign file is skipped, not fatal
            continue
        if ident.org_code == me.code:
            out.append(FoundIdentity(path, ident, "own"))
            continue
        reason = ""
        if ident.role != peer_role(store):
            reason = "乡镇司法所只能信任县司法局" if me.role == "township" else "县司法局只能登记乡镇司法所"
        elif me.role == "township" and me.parent_code and ident.org_code != me.parent_code:
            reason = f"不是本所的上级（{me.parent_code}）"
        if reason:
            out.append(FoundIdentity(path, ident, "wrong", reason))
            continue
        rec = sq.trusted_key(store.conn, ident.org_code, ident.key_id)
        if rec and rec["revoked_at"]:
            out.append(FoundIdentity(path, ident, "wrong", "该密钥已被吊销"))
        else:
            out.append(FoundIdentity(path, ident, "trusted" if rec else "new"))
    return out


def trusted_peers(store) -> dict[str, str]:
    """{org code: name} of the other side's units this side trusts (not revoked)."""
    from ..store import sync_queries as sq

    return {k["org_code"]: k["org_name"] or k["org_code"] for k in sq.trusted_keys(store.conn, peer_role(store))
            if not k["revoked_at"]}


def packages_for_me(store, folder) -> list[Path]:
    """Sync packages (and parts) in `folder` addressed to this unit (by their file name)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    me = store.org.code
    out = []
    for p in sorted(folder.iterdir()):
        parts = p.name.split("_")
        if p.is_file() and p.name.startswith("TS1_") and len(parts) > 3 and parts[2] == me and (
                p.name.endswith(".tspkg") or ".part" in p.name):
            out.append(p)
    return out


def note_export(store, result, peer_org: str | None = None) -> None:
    """Remember what was last sent (the 同步 page shows it): when, to whom, which files, seq range, records."""
    seq = (result.manifest or {}).get("seq") or {}
    peer = peer_org or ((result.manifest or {}).get("recipient") or {}).get("org")
    info = {"at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "peer": peer,
            "files": [Path(p).name for p in result.paths], "folder": str(Path(result.paths[0]).parent)
            if result.paths else "", "seq_from": seq.get("from"), "seq_to": seq.get("to"),
            "records": getattr(result, "records", None)}
    store.set_meta(LAST_EXPORT_META, json.dumps(info, ensure_ascii=False))


def last_export(store) -> dict | None:
    text = store.meta(LAST_EXPORT_META)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def waiting(store) -> list[dict]:
    """Per trusted peer: this side's changes it has confirmed (acked), those sent but not yet confirmed, and those
    not in any package yet (numbers of changed records of this side's stream; the export then keeps what goes
    to that unit)."""
    from ..store import sync_queries as sq

    conn = store.conn
    sid = store.stream_id
    top = sq.max_seq(conn, sid)
    last = last_export(store) or {}
    out = []
    for code, name in trusted_peers(store).items():
        acked = min(sq.acked_to(conn, code, sid), top)
        sent_to = acked
        if last.get("peer") == code and last.get("seq_to") is not None:
            sent_to = max(acked, min(int(last["seq_to"]), top))
        out.append({"org_code": code, "org_name": name, "acked_to": acked, "sent_to": sent_to, "top": top,
                    "unconfirmed": len(sq.changed_records(conn, sid, acked, sent_to)) if sent_to > acked else 0,
                    "unsent": len(sq.changed_records(conn, sid, sent_to, top)) if top > sent_to else 0})
    return out
