"""Record builders and a runner for table-driven rule tests."""
import datetime as dt
import itertools

from sifasuo_desktop.domain.calendar import WorkCalendar
from sifasuo_desktop.domain.rules import effective_params, run_all

_ids = itertools.count(1)
BODY = {"id": "b1", "name": "示范镇人民政府", "township": "示范镇", "status": "有效", "owner_org": "T1"}
BODY2 = {"id": "b2", "name": "示范县城市管理局", "township": "", "status": "有效", "owner_org": "T1"}


def officer(name, **kw):
    rec = {"id": kw.pop("id", f"o-{name}"), "name": name, "body_id": "b1", "cert_no": "37990001",
           "cert_status": "有效", "cert_issued": "2022-01-01", "cert_expiry": "2030-01-01",
           "duty_status": "在岗", "is_legal_reviewer": 0, "owner_org": "T1"}
    rec.update(kw)
    return rec


OFFICERS = [officer("张三"), officer("李四"), officer("王五")]


def case(**kw):
    rec = {"id": f"c{next(_ids)}", "case_no": "示综执罚〔2025〕1号", "body_id": "b1", "case_type": "行政处罚(一般程序)",
           "filed_date": "2025-08-01", "officer_names": "张三、李四", "status": "办理中", "owner_org": "T1"}
    rec.update(kw)
    return rec


def inspection(**kw):
    rec = {"id": f"i{next(_ids)}", "inspect_date": "2025-05-01", "body_id": "b1", "target_name": "示范县鑫盛商贸有限公司",
           "target_uscc": "91379901MA0000001X", "inspect_type": "日常检查", "is_joint": 0,
           "officer_names": "张三、李四", "owner_org": "T1"}
    rec.update(kw)
    return rec


def run(code, today, params=None, calendar=None, **data):
    data.setdefault("bodies", [BODY, BODY2])
    data.setdefault("officers", OFFICERS)
    p = effective_params(params)
    found = run_all(data, p, dt.date.fromisoformat(today), calendar or WorkCalendar(), codes=[code])
    assert all(f.code == code for f in found)
    return found


def sev(found):
    """The severities found, sorted, e.g. ['red'] or [] — what the tables compare."""
    return sorted(f.severity for f in found)
