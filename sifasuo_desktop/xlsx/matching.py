"""How an imported row finds the stored record it updates: the match keys per ledger, the index of stored and
already-planned records the planner looks rows up in, and the candidate search over those keys (split out of
planner.py; the planner decides create / update / unchanged from what this finds).
"""
from __future__ import annotations

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.validators import NUMBER_FIELDS, normalize_number, normalize_person_name, to_halfwidth

# how a row finds the record it updates (first key whose fields are all filled wins)
MATCH_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "bodies": (("name",),),
    "officers": (("id_number",), ("name", "body_id"), ("name",)),
    "trainings": (("officer_name", "training_date", "title"),),
    "cert_events": (("officer_name", "event_type", "event_date"),),
    "powers": (("code",), ("name", "body_id"), ("name",)),
    "cases": (("case_no", "body_id"), ("case_no",)),
    "inspections": (("report_no",), ("inspect_date", "target_name")),
    "visits": (("visit_date", "body_id", "method"),),
    "problems": (("problem_no",), ("found_date", "description")),
    "documents": (("doc_no",), ("doc_type", "title", "doc_date")),
    "complaints": (("ticket_no",), ("received_date", "summary"),),
    "plan_tasks": (("task_no",), ("task",)),
    "supervisors": (("name", "phone"), ("name",)),
    "leniency_items": (("list_type", "code"), ("list_type", "violation")),
    "discretion_standards": (("code", "level"),),
    "supervision_plans": (("plan_year", "seq"), ("plan_year", "item")),
    "power_evaluations": (("power_code", "eval_date"), ("power_name", "eval_date")),
    "satisfaction_surveys": (("survey_date", "body_id", "method"),),
    "inspection_items": (("body_id", "code"), ("body_id", "name")),
    "inspection_plans": (("plan_year", "body_id", "item_name"),),
}


def key_text(v) -> str:
    return "" if v is None else str(v).strip()


def key_value(table: str, key: str, v) -> str:
    """A match-key part; person names compare without their padding (a roster re-imported finds "王  五")."""
    led = LEDGERS.get(table)
    if led is not None and led.has(key) and led.field(key).person:
        return normalize_person_name(v)
    if key in NUMBER_FIELDS:   # 青综执罚【2026】第003号 finds the stored 青综执罚〔2026〕3号 (issue 12)
        return key_text(normalize_number(key_text(v)))
    return key_text(v)


class Indexes:
    """What the planner needs to know about the stored data, plus records planned so far."""

    def __init__(self, store):
        self.store = store
        self.bodies: dict[str, str] = {}
        for r in store.rows("bodies"):
            if r.get("name"):
                self.bodies.setdefault(r["name"].strip(), r["id"])
        self.body_names = {v: k for k, v in self.bodies.items()}
        self.officers_by_name: dict[str, list[dict]] = {}   # normalised name → officers
        self.officers_by_code: dict[str, str] = {}          # 执法证号 or 身份证号 → officer id
        self.code_kind: dict[str, str] = {}                 # code → "by_cert_no" | "by_id_number"
        for r in store.rows("officers"):
            self.add_officer(r)
        self.powers_by_code: dict[str, str] = {}
        self.powers_by_name: dict[str, list[str]] = {}
        for r in store.rows("powers"):
            self.add_power(r)
        self.records: dict[str, dict[str, dict]] = {}          # table -> id -> stored record
        self.keys: dict[str, dict[tuple, list[str]]] = {}      # table -> key tuple -> ids

    def add_officer(self, r: dict) -> None:
        if r.get("name"):
            self.officers_by_name.setdefault(normalize_person_name(r["name"]), []).append(r)
        for col, kind in (("id_number", "by_id_number"), ("cert_no", "by_cert_no")):
            if r.get(col):
                code = to_halfwidth(str(r[col])).strip().upper()
                self.officers_by_code[code] = r["id"]
                self.code_kind[code] = kind

    def officer_by_code(self, plan, code: str) -> str | None:
        code = to_halfwidth(code).strip().upper()
        rid = self.officers_by_code.get(code)
        if rid:
            plan.officer_matches[self.code_kind.get(code, "by_cert_no")] += 1
        return rid

    def officers_named(self, name: str) -> list[dict]:
        return self.officers_by_name.get(normalize_person_name(name), [])

    def add_power(self, r: dict) -> None:
        if r.get("code"):
            self.powers_by_code[str(r["code"]).strip()] = r["id"]
        if r.get("name"):
            self.powers_by_name.setdefault(r["name"].strip(), []).append(r["id"])

    def table(self, table: str) -> dict[str, dict]:
        recs = self.records.get(table)
        if recs is None:
            recs = {r["id"]: r for r in self.store.rows(table)}
            self.records[table] = recs
            idx: dict[tuple, list[str]] = {}
            for r in recs.values():
                for key in MATCH_KEYS.get(table, ()):
                    kv = tuple(key_value(table, k, r.get(k)) for k in key)
                    if all(kv):
                        idx.setdefault((key, kv), []).append(r["id"])
            self.keys[table] = idx
        return recs

    def register(self, table: str, rec: dict) -> None:
        self.table(table)[rec["id"]] = rec
        for key in MATCH_KEYS.get(table, ()):
            kv = tuple(key_value(table, k, rec.get(k)) for k in key)
            if all(kv):
                ids = self.keys[table].setdefault((key, kv), [])
                if rec["id"] not in ids:
                    ids.append(rec["id"])
        if table == "officers":
            self.add_officer(rec)
        elif table == "powers":
            self.add_power(rec)


def candidates(idx: Indexes, table: str, values: dict):
    """(key, ids of stored/planned records with that key). Keys are tried in order; a record found through a
    later key must not contradict the row on the fields of the earlier keys (another 身份证号, another 主体)."""
    keys = [k for k in MATCH_KEYS.get(table, ()) if all(key_value(table, f, values.get(f)) for f in k)]
    if not keys:
        return None, []
    checked: list[str] = []
    for key in MATCH_KEYS.get(table, ()):
        if key not in keys:
            checked += [f for f in key if f not in checked]
            continue
        kv = (key, tuple(key_value(table, f, values.get(f)) for f in key))
        ids = idx.keys[table].get(kv, [])
        earlier = [f for f in checked if key_value(table, f, values.get(f))]
        if earlier:
            recs = idx.records[table]
            ids = [i for i in ids if all(not key_value(table, f, recs[i].get(f)) or key_value(table, f, recs[i].get(f)) ==
                                         key_value(table, f, values.get(f)) for f in earlier)]
        if ids:
            return kv, ids
        checked += [f for f in key if f not in checked]
    first = keys[0]
    return (first, tuple(key_value(table, f, values.get(f)) for f in first)), []


def key_display(idx: Indexes, field: str, value: str) -> str:
    if field == "body_id":
        return idx.body_names.get(value, value)
    return value


def officer_name(idx: Indexes, rid: str) -> str | None:
    for lst in idx.officers_by_name.values():
        for o in lst:
            if o["id"] == rid:
                return normalize_person_name(o.get("name")) or None
    return None
