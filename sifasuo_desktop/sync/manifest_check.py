"""Strict shape of a signed manifest (issue 11): every field the import reads is checked for type and
range before anything uses it, so a validly signed but malformed manifest gives a Chinese refusal
(exit 4) instead of a traceback or a poisoned stream. Unknown extra fields are ignored.

The records inside a package are checked by `records_check.py`.
"""
from __future__ import annotations

import re

from ..domain.limits import HEX64, MAX_ID_CHARS, MAX_SEQ
from . import errors as E
from .errors import SyncError

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,%d}$" % MAX_ID_CHARS)
MAX_FILES = 20000
MAX_LIST = 100000


class _Bad(Exception):
    def __init__(self, where: str, what: str):
        super().__init__(where)
        self.where, self.what = where, what


def _is_int(v) -> bool:
    return type(v) is int


def _int(m: dict, key: str, where: str, lo: int = 0, hi: int = MAX_SEQ, required: bool = True):
    if key not in m:
        if required:
            raise _Bad(where, "缺少")
        return None
    v = m[key]
    if not _is_int(v):
        raise _Bad(where, "不是整数")
    if not lo <= v <= hi:
        raise _Bad(where, f"超出范围（{lo}–{hi}）")
    return v


def _str(m: dict, key: str, where: str, required: bool = True, max_len: int = 200, pattern=None,
         nullable: bool = False):
    if key not in m:
        if required:
            raise _Bad(where, "缺少")
        return None
    v = m[key]
    if v is None and nullable:
        return None
    if not isinstance(v, str):
        raise _Bad(where, "不是文本")
    if len(v) > max_len or "\x00" in v:
        raise _Bad(where, "过长或含有不允许的字符")
    if pattern is not None and not pattern.match(v):
        raise _Bad(where, "格式不正确")
    return v


def _dict(m: dict, key: str, where: str, required: bool = True) -> dict | None:
    if key not in m:
        if required:
            raise _Bad(where, "缺少")
        return None
    v = m[key]
    if not isinstance(v, dict):
        raise _Bad(where, "不是对象")
    return v


def _check(m: dict) -> None:
    _str(m, "package_id", "package_id（包编号）", pattern=_ID)
    _str(m, "app_version", "app_version（程序版本）", required=False, max_len=40)
    _int(m, "schema_version", "schema_version（数据结构版本）", hi=10 ** 6)
    _str(m, "created_at_local", "created_at_local（生成时间）", max_len=64)
    sender = _dict(m, "sender", "sender（发送方）")
    _str(sender, "org", "sender.org（发送方机构）", pattern=_ID)
    if sender.get("role") not in ("township", "county"):
        raise _Bad("sender.role（发送方角色）", "不是 township 或 county")
    _str(sender, "key_id", "sender.key_id（发送方密钥）", pattern=_ID)
    _str(sender, "stream_id", "sender.stream_id（数据流）", required=False, pattern=_ID)
    _str(sender, "node_id", "sender.node_id", required=False, pattern=_ID)
    _str(sender, "name", "sender.name（发送方名称）", required=False, nullable=True)
    recipient = _dict(m, "recipient", "recipient（接收方）")
    _str(recipient, "org", "recipient.org（接收方机构）", pattern=_ID)
    _str(recipient, "key_id", "recipient.key_id（接收方密钥）", pattern=_ID)
    files = m.get("files")
    if not isinstance(files, list) or len(files) > MAX_FILES:
        raise _Bad("files（文件列表）", "不是列表或过长")
    seen = set()
    for i, f in enumerate(files):
        w = f"files[{i}]"
        if not isinstance(f, dict):
            raise _Bad(w, "不是对象")
        path = _str(f, "path", f"{w}.path", max_len=300)
        if path in seen:
            raise _Bad(f"{w}.path", "重复")
        seen.add(path)
        _int(f, "bytes", f"{w}.bytes", hi=2 ** 40)
        _str(f, "sha256", f"{w}.sha256", pattern=HEX64)
        _int(f, "records", f"{w}.records", hi=MAX_SEQ)


def _check_changes(m: dict) -> None:
    sender = m["sender"]
    seq = _dict(m, "seq", "seq（序号）")
    sid = _str(seq, "stream_id", "seq.stream_id（数据流）", pattern=_ID)
    lo = _int(seq, "from", "seq.from（起始序号）", lo=1)
    hi = _int(seq, "to", "seq.to（结束序号）")
    if lo > hi + 1:
        raise _Bad("seq.from/seq.to（序号范围）", "起始序号大于结束序号")
    _str(seq, "prev_stream_id", "seq.prev_stream_id（上一数据流）", required=False, pattern=_ID, nullable=True)
    if "stream_id" in sender and sender["stream_id"] != sid:
        raise _Bad("sender.stream_id（数据流）", "与 seq.stream_id 不一致")
    if "full" in m and not isinstance(m["full"], bool):
        raise _Bad("full", "不是是/否值")
    for key, label in (("acks", "acks（确认）"), ("counts", "counts（记录数）")):
        d = _dict(m, key, label, required=False)
        if d is None:
            continue
        if len(d) > MAX_LIST:
            raise _Bad(label, "过长")
        for k in d:
            if not isinstance(k, str) or len(k) > MAX_ID_CHARS or (key == "acks" and not _ID.match(k)):
                raise _Bad(label, "键格式不正确")
            _int(d, k, f"{key}.{k[:40]}")
    _int(m, "open_conflicts", "open_conflicts", required=False)
    _str(m, "schema_digest", "schema_digest", required=False, max_len=64, nullable=True)
    if "contains_personal_data" in m and not isinstance(m["contains_personal_data"], bool):
        raise _Bad("contains_personal_data", "不是是/否值")
    digest = _dict(m, "state_digest", "state_digest（状态摘要）", required=False)
    if digest is not None:
        _int(digest, "rows", "state_digest.rows")
        _int(digest, "version_sum", "state_digest.version_sum", hi=2 ** 62)
        _str(digest, "xor", "state_digest.xor", max_len=64)
    want = m.get("want_files")
    if want is not None:
        if not isinstance(want, list) or len(want) > MAX_LIST or not all(
                isinstance(x, str) and HEX64.match(x) for x in want):
            raise _Bad("want_files（请求补发的附件）", "格式不正确")
    head = _dict(m, "audit_head", "audit_head（审计链头）", required=False)
    if head is not None:
        _int(head, "seq", "audit_head.seq")
        _str(head, "hash", "audit_head.hash", pattern=HEX64)


def check_manifest(m: dict, changes: bool = False) -> None:
    """Raise SyncError(BAD_MANIFEST) naming the first field that has a wrong type or value. The package
    layer checks the envelope fields; the import (`changes=True`) also the sequence/ack/digest fields."""
    try:
        _check(m)
        if changes:
            _check_changes(m)
    except _Bad as bad:
        raise SyncError(E.BAD_MANIFEST, f"同步包清单字段 {bad.where} {bad.what}，已拒绝（本机数据没有改变）。"
                                        "请让对方用正式版本的程序重新导出。") from None
