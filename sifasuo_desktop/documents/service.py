"""Store glue for supervision documents: settings, editing drafts, issuing with a gap-free 文号, superseding,
送达 and replies, rendering a stored document. Drafting from records is in drafting.py. No Qt.

A `documents` row keeps the printable columns (doc_type label, doc_no, title, recipient, content as plain
text, cc, doc_date ...) and, in `layout_json`, the structured `Document` plus the ids of the records it
concerns (`refs`). Row columns win over the JSON when they differ, so edits made in the generic record
form are printed too. Once issued a document is frozen (service check + a trigger from m0020).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require
from sifasuo_desktop.domain.validators import parse_date
from sifasuo_desktop.store import documents_queries as Q

from . import model as M
from . import templates as T

DRAFT, ISSUED, SERVED, REPLIED, VOID, SUPERSEDED = "草稿", "已签发", "已送达", "已反馈", "已作废", "被替代"


def state_phrase(status: str | None) -> str:
    """"文书已送达", "文书已被替代": the state in a sentence, never "已已送达"."""
    status = status or DRAFT
    return f"文书{status}" if status.startswith("已") else f"文书已{status}"
FROZEN = (ISSUED, SERVED, REPLIED, VOID, SUPERSEDED)
SERVICE_METHODS = M.SERVICE_METHODS
# ledger label (documents.doc_type) <-> template key
LABEL = dict(M.DOC_TYPE_SHORT)
KEY_BY_LABEL = {v: k for k, v in LABEL.items()}
DEFAULT_REPLY_DAYS = {M.YIJIANSHU: 30, M.JIANYISHU: 15, M.JUEDINGSHU: 15, M.DUBANHAN: 10, M.ZHENGGAI: 15,
                      M.TONGBAO: 30, M.YUETAN: 15, M.JIDU: 30}
OPEN_PROBLEM_STATES = ("待整改", "整改中", "退回重改")
S_DEADLINE_WORKDAYS = "documents.deadline_workdays"   # {template key: N} working days from the document date
DEFAULT_DEADLINE_WORKDAYS = {M.ZHENGGAI: 15, M.JUEDINGSHU: 15, M.TONGBAO: 20, M.YIJIANSHU: 20, M.JIANYISHU: 15,
                             M.JIDU: 15}

S_ISSUER = "documents.issuer"  # 发文机关, e.g. "青山县司法局"
S_ISSUER_SUB = "documents.issuer_subtitle"
S_COUNTY_GOV = "documents.county_gov"  # e.g. "青山县人民政府" (监督决定书)
S_CODES = "documents.codes"  # {template key or label: 机关代字}
S_SHORT = "documents.county_short"  # county 简称 used in default 代字, e.g. "青"
S_CONTACT = "documents.contact"  # {"name": ..., "phone": ...}
S_FONTS = "documents.fonts"  # {role: family name or file path}
S_CC = "documents.cc"  # {template key: [抄送机关]}
S_OWN_CODE = "documents.own_code"  # a township's own 机关代字 (e.g. "青司所"), set at setup
S_TOWNSHIP_CODES = "county.township_doc_codes"  # {township org code: 机关代字}: the county's word, travels down


# ---------------------------------------------------------------------------- settings
def _is_township(store) -> bool:
    org = store.org
    return bool(org and org.role == "township")


def township_code(store, org_code: str | None = None, org_name: str | None = None) -> str:
    """The 机关代字 a township numbers its own documents under: the county's assignment (travels down), else
    the one chosen at setup, else the default from its name."""
    org = store.org
    org_code = org_code or (org.code if org else "")
    assigned = (store.get_setting(S_TOWNSHIP_CODES, {}) or {}).get(org_code)
    if assigned:
        return assigned
    if org and org_code == org.code:
        own = store.get_setting(S_OWN_CODE, "") or ""
        if own:
            return own
        org_name = org_name or org.name
    return M.default_township_code(org_name or "")


def set_township_code(store, code: str, org_code: str | None = None) -> str:
    """Set a 机关代字. At the county: a township's (`org_code`), which travels down in the next package. At a
    township: its own, only while the county has not assigned one (the county manages them afterwards)."""
    require(store.actor, "settings")
    code = (code or "").strip()
    why = M.validate_code_word(code)
    if why:
        raise UserError(why + "。")
    org = store.org
    if org is None:
        raise UserError("数据文件夹尚未初始化。")
    if org.role == "township":
        if org_code and org_code != org.code:
            raise UserError("司法所只能设置本所的机关代字；其他乡镇的代字由县司法局设置。")
        assigned = (store.get_setting(S_TOWNSHIP_CODES, {}) or {}).get(org.code)
        if assigned and assigned != code:
            raise UserError(f"本所的机关代字已由县司法局确定为“{assigned}”，如需变更请联系县司法局。")
        store.set_setting(S_OWN_CODE, code)
        return code
    if not org_code:
        raise UserError("请用 --org 指定乡镇的机构代码。")
    towns = {r["code"]: r for r in store.rows("orgs", "role = 'township'")}
    if org_code not in towns:
        raise UserError(f"找不到乡镇“{org_code}”（县司法局登记的乡镇机构代码）。")
    county_codes = {doc_code(store, k) for k in M.DOC_TYPES if k != M.HUIZHENG}
    if code in county_codes:
        raise UserError(f"“{code}”是县司法局自己的机关代字，乡镇不能使用。")
    for other, row in towns.items():
        if other != org_code and township_code(store, other, row.get("name")) == code:
            raise UserError(f"“{code}”已是{row.get('name') or other}的机关代字，文号须全县唯一。")
    codes = dict(store.get_setting(S_TOWNSHIP_CODES, {}) or {})
    codes[org_code] = code
    store.set_setting(S_TOWNSHIP_CODES, codes)
    return code


def township_codes(store) -> list[dict]:
    """[{org_code, name, code}] for this township, or for every township a county has registered."""
    org = store.org
    if org is None:
        return []
    if org.role == "township":
        return [{"org_code": org.code, "name": org.name, "code": township_code(store)}]
    return [{"org_code": r["code"], "name": r.get("name") or "", "code": township_code(store, r["code"], r.get("name"))}
            for r in store.rows("orgs", "role = 'township'", order_by="code")]


def doc_code(store, key: str) -> str:
    if key in M.TOWNSHIP_ISSUED and _is_township(store):
        return township_code(store)
    codes = store.get_setting(S_CODES, {}) or {}
    code = codes.get(key) or codes.get(LABEL.get(key, ""))
    if code:
        return code
    short = store.get_setting(S_SHORT, "") or ""
    return short + M.DEFAULT_CODES.get(key, "司文")


def font_preferences(store) -> dict:
    return dict(store.get_setting(S_FONTS, {}) or {})


def seal_file(data_dir) -> Path:
    """The office's scanned seal is kept only on this PC (never synced): <data>/documents/seal.png."""
    return Path(data_dir) / "documents" / "seal.png"


def set_seal(store, src: str | Path | None) -> Path | None:
    require(store.actor, "settings")
    dst = seal_file(store.data_dir)
    if src is None:
        if dst.exists():
            dst.unlink()
        return None
    data = Path(src).read_bytes()
    if not (data.startswith(b"\x89PNG") or data[:3] == b"\xff\xd8\xff"):
        raise UserError("印章图片应为 PNG（建议透明背景）或 JPEG 文件。")
    dst.parent.mkdir(parents=True, exist_ok=True)
    fsutil.atomic_write_bytes(dst, data)
    return dst


def _facts_base(store) -> dict:
    contact = store.get_setting(S_CONTACT, {}) or {}
    org = store.org
    facts = {
        "issuer": store.get_setting(S_ISSUER, "") or "××县司法局",
        "issuer_subtitle": store.get_setting(S_ISSUER_SUB, "") or "",
        "county_gov": store.get_setting(S_COUNTY_GOV, "") or "××县人民政府",
        "office": org.name if org and org.role == "township" else "××司法所",
        "contact": contact.get("name", ""),
        "phone": contact.get("phone", ""),
        "date": _dt.date.today(),
    }
    return facts


# ---------------------------------------------------------------------------- row <-> Document
def _iso(d) -> str | None:
    return d.isoformat() if isinstance(d, _dt.date) else (d or None)


def _date(v) -> _dt.date | None:
    if not v:
        return None
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v)[:10])


def body_text(doc: M.Document) -> str:
    """Plain text of the body, one paragraph per line; table rows as `| a | b |`."""
    lines = []
    for b in doc.body:
        if isinstance(b, M.Table):
            for row in b.rows:
                lines.append("| " + " | ".join(c.replace("\n", " ") for c in row) + " |")
        else:
            lines.append(b.text)
    return "\n".join(lines)


_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_H2 = re.compile(r"^（[一二三四五六七八九十]+）")
_INLINE_HEAD = re.compile(r"^([一二三四五六七八九十]+、[^。：]{1,20}[。：])(.+)$")


def parse_body(text: str, old: list | None = None) -> list:
    """Inverse of body_text: plain text lines -> paragraphs (headings detected) and tables."""
    blocks: list = []
    old_tables = [b for b in (old or []) if isinstance(b, M.Table)]
    table_rows: list[list[str]] = []

    def flush_table():
        if table_rows:
            ncols = max(len(r) for r in table_rows)
            prev = old_tables.pop(0) if old_tables else None
            widths = prev.widths if prev and len(prev.widths) == ncols else []
            hdr = prev.header_rows if prev else 1
            blocks.append(M.Table([list(r) for r in table_rows], widths, header_rows=hdr))
            table_rows.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            table_rows.append([c.strip() for c in line[1:-1].split("|")])
            continue
        flush_table()
        if not line:
            continue
        m = _INLINE_HEAD.match(line)
        if _H1.match(line) and "。" not in line and len(line) <= 30:
            blocks.append(M.Paragraph([M.Run(line)], M.H1))
        elif _H2.match(line) and "。" not in line and len(line) <= 30:
            blocks.append(M.Paragraph([M.Run(line)], M.H2))
        elif m:
            blocks.append(M.Paragraph([M.Run(m.group(1), "heiti"), M.Run(m.group(2), "fangsong")]))
        else:
            blocks.append(M.Paragraph([M.Run(line)]))
    flush_table()
    return blocks


def _meta(row: dict) -> dict:
    try:
        return json.loads(row.get("layout_json") or "{}") or {}
    except ValueError:
        return {}


def load_document(store, doc_id: str) -> M.Document:
    """The printable Document for a stored row (row columns override the structured copy)."""
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书，可能已被删除。")
    return document_from_row(store, row)


def document_from_row(store, row: dict) -> M.Document:
    meta = _meta(row)
    key = KEY_BY_LABEL.get(row.get("doc_type") or "", M.YIJIANSHU)
    if meta.get("document"):
        doc = M.Document.from_dict(meta["document"])
    else:  # a row typed in the generic form or imported: plain layout from the columns
        base = _facts_base(store)
        doc = T.build(key, base)
        doc.body = []
    doc.doc_type = key
    doc.title = row.get("title") or doc.title
    doc.recipient = row.get("recipient") or doc.recipient
    if row.get("cc") is not None:
        doc.cc = [c.strip() for c in re.split(r"[，,、;；\n]", row.get("cc") or "") if c.strip()]
    if row.get("doc_date"):
        doc.date = _date(row["doc_date"])
    text = row.get("content") or ""
    if text.strip() and text != body_text(doc):
        doc.body = parse_body(text, doc.body)
    status = row.get("status") or DRAFT
    if status == DRAFT or not row.get("doc_no"):
        doc.draft = status == DRAFT
        year = (doc.date or _dt.date.today()).year
        doc.doc_no = M.placeholder_doc_no(doc_code(store, key), year) if key != M.HUIZHENG else ""
    else:
        doc.doc_no = row["doc_no"]
        doc.draft = False
    return doc


def _row_values(doc: M.Document, refs: dict, extra_meta: dict | None = None) -> dict:
    meta = {"document": doc.to_dict(), "refs": refs}
    meta.update(extra_meta or {})
    return {
        "doc_type": LABEL[doc.doc_type],
        "title": doc.title.replace("\n", ""),
        "recipient": doc.recipient,
        "content": body_text(doc),
        "cc": "，".join(doc.cc),
        "doc_date": _iso(doc.date),
        "layout_json": json.dumps(meta, ensure_ascii=False),
    }


# ---------------------------------------------------------------------------- editing, issuing
def _require_draft(row: dict | None) -> dict:
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书，可能已被删除。")
    if (row.get("status") or DRAFT) != DRAFT:
        raise UserError(f"{state_phrase(row.get('status'))}，内容不能再修改；如需更正，请制发新文书替代原文书。")
    return row


def save_draft(store, doc_id: str, doc: M.Document, expected_version: int | None = None) -> dict:
    row = _require_draft(store.get("documents", doc_id))
    if not doc.title.strip():
        raise UserError("标题不能为空。")
    meta = _meta(row)
    values = _row_values(doc, meta.get("refs") or {}, {k: v for k, v in meta.items()
                                                       if k not in ("document", "refs")})
    values["doc_type"] = row.get("doc_type") or values["doc_type"]
    return store.update("documents", doc_id, values, expected_version=expected_version)


def _placeholder_problems(doc: M.Document) -> list[str]:
    issues = []
    if "××" in doc.all_text() or "×年×月×日" in doc.all_text():
        issues.append("正文或抬头中还有未填写的“××”")
    if not doc.title.strip():
        issues.append("缺少标题")
    if doc.doc_type != M.TONGBAO and not doc.recipient.strip():
        issues.append("缺少主送单位")
    if not doc.body:
        issues.append("正文为空")
    return issues


def _day_arg(value, label: str) -> _dt.date | None:
    if not value:
        return None
    try:
        return _date(parse_date(value))
    except ValueError as exc:
        raise UserError(f"{label}：{exc}") from None


def signer_problem(store, doc: M.Document, code: str) -> str | None:
    """A 决定书 is the county government's: its 发文机关 (heading), 署名 and 机关代字 must all be the
    government's (示范县人民政府, 示政监决〔2026〕1号), never the bureau's heading over a government number."""
    if doc.doc_type != M.JUEDINGSHU:
        return None
    gov = store.get_setting(S_COUNTY_GOV, "") or ""
    if not gov:
        return "监督决定书以县人民政府名义制发：请先在文书设置中填写县人民政府名称（documents.county_gov）"
    wrong = [label for label, value in (("发文机关", doc.issuer), ("署名", doc.signature)) if value.strip() != gov]
    if wrong:
        return f"监督决定书的{'和'.join(wrong)}应为“{gov}”（与县人民政府的机关代字一致）"
    if "政" not in code:
        return (f"监督决定书以{gov}名义制发，机关代字“{code}”不是县人民政府的代字（应含“政”，如“示政监决”）；"
                "请在文书设置中更正 documents.codes")
    return None


def issue(store, doc_id: str, date: _dt.date | str | None = None, print_date: _dt.date | str | None = None, *,
          allow_missing_glyphs: bool = False) -> dict:
    """签发: assign the next 文号 and freeze the document, all in one transaction. The 成文日期 (`date`) and the
    印发日期 (`print_date`, default the 成文日期; printed in the 版记 of a 通报) are both set here, never at draft
    time, and the 印发日期 is never before the 成文日期. Characters no installed font has (they would print as
    empty boxes) refuse it with fonts.MissingGlyphs naming them, unless the user confirmed
    (`allow_missing_glyphs`)."""
    require(store.actor, "issue_document")
    day = _day_arg(date, "成文日期") or _dt.date.today()
    printed = _day_arg(print_date, "印发日期") or day
    if printed < day:
        raise UserError(f"印发日期（{printed.isoformat()}）不能早于成文日期（{day.isoformat()}）。")
    with store.transaction(), store.workflow():
        row = _require_draft(store.get("documents", doc_id))
        doc = document_from_row(store, row)
        key = doc.doc_type
        township = _is_township(store)
        if township and M.issued_at_county(key):
            raise UserError(M.county_issue_refusal(key))
        code = doc_code(store, key)
        problems = [p for p in (signer_problem(store, doc, code),) if p] or _placeholder_problems(doc)
        if problems:
            raise UserError("文书还不能签发：" + "；".join(problems) + "。")
        if not allow_missing_glyphs:
            from .fonts import check_printable, default_resolver

            check_printable(doc, default_resolver(font_preferences(store) or None))
        seq = Q.take_doc_number(store, code, M.TOWNSHIP_SERIES if township else M.number_series(key), day.year,
                                exists=lambda s: Q.doc_no_in_use(store, M.format_doc_no(code, day.year, s), doc_id))
        doc.doc_no = M.format_doc_no(code, day.year, seq)
        doc.date = day
        if doc.printed_by:
            doc.print_date = printed
        doc.draft = False
        meta = _meta(row)
        deadline = meta.get("reply_deadline")
        if not deadline:
            deadline = (day + _dt.timedelta(days=int(meta.get("reply_days") or DEFAULT_REPLY_DAYS.get(key, 15))))
            deadline = deadline.isoformat()
        values = _row_values(doc, meta.get("refs") or {}, {k: v for k, v in meta.items()
                                                           if k not in ("document", "refs")})
        values.update(doc_no=doc.doc_no, status=ISSUED, signer=store.actor.label, reply_deadline=deadline,
                      doc_type=row.get("doc_type") or values["doc_type"])
        out = store.update("documents", doc_id, values, expected_version=row["version"], action="issue_document")
        if row.get("supersedes_id"):
            old = store.get("documents", row["supersedes_id"])
            if old and old.get("status") not in (VOID, SUPERSEDED):
                store.update("documents", old["id"], {"status": SUPERSEDED}, action="issue_document")
    return out


def supersede(store, doc_id: str) -> dict:
    """Start a correction: a new draft with the same content that replaces `doc_id` when issued."""
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书。")
    if row.get("status") not in (ISSUED, SERVED, REPLIED):
        raise UserError("只有已签发的文书才需要制发更正文书；草稿可以直接修改。")
    doc = document_from_row(store, row)
    doc.doc_no = ""
    doc.draft = True
    meta = _meta(row)
    values = _row_values(doc, meta.get("refs") or {}, {k: v for k, v in meta.items() if k not in ("document", "refs")})
    values.update(status=DRAFT, body_id=row.get("body_id"), subject=row.get("subject"), supersedes_id=doc_id,
                  doc_no=None, target_org=row.get("target_org"))
    with store.workflow():
        return store.insert("documents", values)


def void(store, doc_id: str) -> dict:
    """作废 a document. Its 文号 stays taken."""
    require(store.actor, "issue_document")
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书。")
    if row.get("status") in (VOID, SUPERSEDED):
        raise UserError(f"{state_phrase(row['status'])}。")
    with store.workflow():
        return store.update("documents", doc_id, {"status": VOID}, action="issue_document")


# ---------------------------------------------------------------------------- service and reply
def _day(value, label: str, not_before: str | None = None) -> str:
    try:
        iso = parse_date(value)
    except ValueError as exc:
        raise UserError(f"{label}：{exc}") from None
    if not iso:
        raise UserError(f"请填写{label}。")
    if iso > _dt.date.today().isoformat():
        raise UserError(f"{label}不能晚于今天。")
    if not_before and iso < not_before[:10]:
        raise UserError(f"{label}不能早于成文日期（{not_before[:10]}）。")
    return iso


def record_service(store, doc_id: str, *, method: str, date, receiver: str, signer: str = "", servers: str = "",
                   address: str = "", proxy_reason: str = "", refusal_reason: str = "", witness: str = "",
                   note: str = "") -> dict:
    """Record a 送达 (method, date, receiver, signer). Returns the service_receipts row."""
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书。")
    if row.get("status") not in (ISSUED, SERVED, REPLIED):
        raise UserError("文书尚未签发，不能登记送达。")
    if method not in SERVICE_METHODS:
        raise UserError("送达方式应为：" + "、".join(SERVICE_METHODS) + "。")
    day = _day(date, "送达日期", row.get("doc_date"))
    if not (receiver or "").strip():
        raise UserError("请填写受送达人。")
    if method == "留置送达" and not ((refusal_reason or "").strip() and (witness or "").strip()):
        raise UserError("留置送达须填写拒收事由和见证人。")
    if method == "直接送达" and not (signer or "").strip():
        raise UserError("直接送达须填写签收人。")
    with store.transaction(), store.workflow():
        rec = store.insert("service_receipts", {
            "doc_id": doc_id, "receiver": receiver.strip(), "address": address, "method": method, "servers": servers,
            "signer": signer, "sign_date": day, "proxy_reason": proxy_reason, "refusal_reason": refusal_reason,
            "witness": witness, "note": note})
        values = {"served_date": day, "served_method": method, "served_receiver": (signer or receiver).strip()}
        if row.get("status") == ISSUED:
            values["status"] = SERVED
        store.update("documents", doc_id, values)
    return rec


def record_reply(store, doc_id: str, *, date, content: str, attachments=()) -> dict:
    """Record the reply (date, content) and copy its attachment files into the data folder."""
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书。")
    if row.get("status") not in (ISSUED, SERVED, REPLIED):
        raise UserError("文书尚未签发，不能登记反馈。")
    day = _day(date, "反馈日期", row.get("doc_date"))
    if not (content or "").strip():
        raise UserError("请填写反馈内容。")
    files = [Path(a) for a in attachments or ()]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError("找不到附件文件：" + "、".join(missing))
    home = Path(store.data_dir).resolve()
    inside = [str(f) for f in files if f.resolve() == home or home in f.resolve().parents]
    if inside:   # the ledger, its keys or backups must never become an attachment that travels to the county
        raise UserError("附件不能取自数据文件夹（数据库、密钥、备份等）：" + "、".join(inside))
    with store.transaction(), store.workflow():
        out = store.update("documents", doc_id, {"reply_date": day, "reply_content": content.strip(),
                                                 "status": REPLIED})
        for f in files:
            store.add_attachment("documents", doc_id, f, note="反馈材料")
    return out


# ---------------------------------------------------------------------------- rendering
def receipt_document(store, doc_id: str) -> M.Document:
    row = store.get("documents", doc_id)
    if row is None or row.get("deleted"):
        raise UserError("找不到该文书。")
    doc = document_from_row(store, row)
    recs = store.rows("service_receipts", "doc_id = ?", (doc_id,), order_by="sign_date DESC, created_at DESC",
                      limit=1)
    r = recs[0] if recs else {}
    if not r and row.get("served_date"):  # 送达 typed into the ledger without a receipt record
        r = {"method": row.get("served_method"), "sign_date": row.get("served_date"),
             "receiver": row.get("served_receiver") or row.get("recipient")}
    sv = {"doc_title": doc.title.replace("\n", ""), "doc_no": row.get("doc_no") or "",
          "receiver": r.get("receiver") or row.get("recipient") or "", "address": r.get("address") or "",
          "method": r.get("method") or "", "server": r.get("servers") or "",
          "date": _date(r.get("sign_date")), "proxy": r.get("proxy_reason") or "",
          "refusal": "；".join(x for x in (r.get("refusal_reason"), ("见证人：" + r["witness"]) if r.get("witness")
                                           else "") if x), "notes": r.get("note") or ""}
    return T.build(M.HUIZHENG, {"issuer": doc.issuer, "service": sv})


def render(store, doc_id: str, out: str | Path, *, receipt: bool = False, with_seal: bool = True):
    """Write the document (or its 送达回证) to `out` (.pdf or .docx). Returns the pdf RenderResult or bytes."""
    out = fsutil.check_output_path(out, store.data_dir)
    doc = receipt_document(store, doc_id) if receipt else load_document(store, doc_id)
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        from .fonts import default_resolver
        from .pdf import render_pdf

        seal = seal_file(store.data_dir)
        use_seal = with_seal and not receipt and seal.exists() and not doc.draft
        try:
            return render_pdf(doc, out, resolver=default_resolver(font_preferences(store) or None),
                              seal_image=str(seal) if use_seal else None)
        except OSError as exc:
            raise fsutil.write_error(out, exc) from exc
    if suffix == ".docx":
        from .docx_out import render_docx

        try:
            return render_docx(doc, out)
        except OSError as exc:
            raise fsutil.write_error(out, exc) from exc
    raise UserError("输出文件应以 .pdf 或 .docx 结尾。")


def list_documents(store, include_void: bool = True) -> list[dict]:
    rows = store.rows("documents", order_by="coalesce(doc_date, created_at) DESC, doc_no")
    if not include_void:
        rows = [r for r in rows if r.get("status") not in (VOID, SUPERSEDED)]
    return rows


# ---------------------------------------------------------------------------- drafting (documents/drafting.py)
# The drafting functions live in drafting.py (which builds on this module); they stay reachable here under their
# old names (S.draft_for_problems, S.draft_dubanhan_for_overdue, ...) for the callers written before the split.
_DRAFTING = ("create_draft", "new_deadline", "draft", "draft_for_problems", "draft_for_visit",
             "draft_for_review_batch", "draft_dubanhan_for_overdue", "draft_quarterly_notice", "DRAFT_SOURCES")


def __getattr__(name: str):
    if name in _DRAFTING:
        from . import drafting

        return getattr(drafting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
