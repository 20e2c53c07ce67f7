"""Certificate events (证件履历) in the store: an officer's status follows its events on every entry path
(forms, spreadsheet import, CLI, demo), and an officer sheet's 离岗日期/年审年度/年审结果 create the matching
events. Registered as write hooks (store.repo.WRITE_HOOKS): they run inside the write's transaction."""
from __future__ import annotations

from sifasuo_desktop.domain import certificates as C

from .repo import WRITE_HOOKS

# officer fields an officer-row write may bring in from its implied events (never the certificate status:
# a hand-entered status stays until an event changes it)
_IMPLIED_FIELDS = ("duty_status", "left_date", "review_year", "review_result")


def events_of(store, officer_id: str) -> list[dict]:
    return store.rows("cert_events", "officer_id = ?", (officer_id,), order_by="event_date, created_at")


def refresh_officer(store, officer_id: str | None, only=None) -> dict | None:
    """Bring the officer's status fields in step with its events (one audited update when they differ)."""
    if not officer_id:
        return None
    officer = store.get("officers", officer_id)
    if officer is None or officer.get("deleted"):
        return None
    changes = C.derive(officer, events_of(store, officer_id))
    if only is not None:
        changes = {k: v for k, v in changes.items() if k in only}
    if not changes:
        return officer
    return store.update("officers", officer_id, changes)


def _on_event(store, table, record_id, before) -> None:
    rec = store.get("cert_events", record_id)
    if rec is None:
        return
    if not rec.get("officer_id") and not rec.get("deleted"):
        oid = _find_officer(store, rec)
        if oid:
            store.update("cert_events", record_id, {"officer_id": oid})
            rec = store.get("cert_events", record_id)
    officer = store.get("officers", rec.get("officer_id") or "")
    if officer and not rec.get("deleted"):
        names = {"officer_name": officer.get("name"), "id_number": officer.get("id_number")}
        if any((rec.get(k) or None) != (v or None) for k, v in names.items()):
            store.update("cert_events", record_id, names)
    refresh_officer(store, rec.get("officer_id"))
    if before and before.get("officer_id") and before["officer_id"] != rec.get("officer_id"):
        refresh_officer(store, before["officer_id"])


def _find_officer(store, rec: dict) -> str | None:
    """The one officer an event names by 身份证号, else by name (None when nobody or several match)."""
    if rec.get("id_number"):
        ids = [r["id"] for r in store.rows("officers", "upper(id_number) = ?", (rec["id_number"].upper(),))]
        if len(ids) == 1:
            return ids[0]
    if rec.get("officer_name"):
        ids = [r["id"] for r in store.rows("officers", "name = ?", (rec["officer_name"].strip(),))]
        if len(ids) == 1:
            return ids[0]
    return None


def _on_officer(store, table, record_id, before) -> None:
    officer = store.get("officers", record_id)
    if officer is None or officer.get("deleted"):
        return
    if not (officer.get("left_date") or officer.get("review_year") not in (None, "")):
        return
    new = C.implied_events(officer, events_of(store, record_id))
    if not new:
        return
    recorder = getattr(store.actor, "label", "") or store.actor.username
    store.bulk_insert("cert_events", [dict(e, recorded_by=recorder) for e in new])
    refresh_officer(store, record_id, only=_IMPLIED_FIELDS)


def record_event(store, values: dict) -> dict:
    """Insert one event (the officer's status follows through the hook). Returns the stored event."""
    officer = store.get("officers", values.get("officer_id") or "")
    extra = {}
    if officer:
        extra = {"officer_name": officer.get("name"), "id_number": officer.get("id_number")}
    return store.insert("cert_events", {**extra, **values})


WRITE_HOOKS.setdefault("cert_events", []).append(_on_event)
WRITE_HOOKS.setdefault("officers", []).append(_on_officer)
