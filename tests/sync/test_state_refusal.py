"""Issue 12: a township package cannot bring a 已销号 problem without its 核查/销号 steps, nor an issued/served
document without its 签发/送达 records: the county refuses that record (Chinese reason in the report, the
stored row untouched) and applies the rest; history rows (state_imported) and real workflow rows travel."""
import datetime as dt

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.record_state import as_history
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.store import workflow_ops as ops
from sifasuo_desktop.sync import engine

from .world import World

TODAY = dt.date(2026, 5, 20)
VERIFY = dict(verify_method="实地核查", verifier="王核查", verify_date="2026-05-10", verify_result="整改到位")


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _problem(store, text):
    return ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": text,
                                      "requirement": "立即整改", "deadline": "2026-05-30"}, person="张所长")


def _close_properly(store, p):
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已整改", today=TODAY)
    return ops.apply_step(store, p["id"], wf.CLOSE, step_date="2026-05-12", person="张所长", today=TODAY, **VERIFY)


def _behind_the_back(store, table, rid, values):
    """What an old build, a script or a hand-edited database could send: the state without its workflow."""
    with store.workflow():
        return store.update(table, rid, values)


def test_closed_problem_without_steps_is_refused_the_rest_applied(world):
    town, county = world.town, world.county
    good = _problem(town, "按流程销号的问题")
    _close_properly(town, good)
    bad = _problem(town, "直接改成已销号的问题")
    assert world.up().status == "applied"
    assert county.get("problems", bad["id"])["status"] == wf.TODO
    _behind_the_back(town, "problems", bad["id"], {"status": wf.CLOSED, "closed_date": "2026-05-12"})
    other = _problem(town, "同一包里的新问题")
    s = world.up()
    assert s.status == "applied"
    assert any("已销号" in w and "核查" in w and "未导入" in w for w in s.warnings), s.warnings
    assert county.get("problems", bad["id"])["status"] == wf.TODO          # untouched
    assert county.get("problems", good["id"])["status"] == wf.CLOSED       # the workflow's close travelled
    assert county.get("problems", other["id"]) is not None                  # the rest of the package applied
    open_ = [c for c in sq.conflicts(county.conn, True) if c["record_id"] == bad["id"]]
    assert len(open_) == 1 and "核查" in open_[0]["reason"]
    # accepting the conflict by hand is no way around it either
    with pytest.raises(UserError, match="核查"):
        engine.resolve_conflict(county, open_[0]["id"], "accept")
    assert county.get("problems", bad["id"])["status"] == wf.TODO


def test_issued_or_served_document_without_its_records_is_refused(world):
    town, county = world.town, world.county
    d = town.insert("documents", {"doc_type": "整改通知单", "title": "整改通知", "recipient": "某村",
                                  "status": "草稿"})
    assert world.up().status == "applied"
    _behind_the_back(town, "documents", d["id"], {"status": "已送达", "doc_no": "青司所〔2026〕1号",
                                                  "signer": "张所长", "doc_date": "2026-05-02",
                                                  "served_date": "2026-05-03"})
    s = world.up()
    assert any("送达回证" in w for w in s.warnings), s.warnings
    assert county.get("documents", d["id"])["status"] == "草稿"
    d2 = town.insert("documents", {"doc_type": "整改通知单", "title": "又一份", "recipient": "某村"})
    _behind_the_back(town, "documents", d2["id"], {"status": "已签发"})   # no 文号, no 签发人
    s = world.up()
    assert any("签发记录" in w for w in s.warnings), s.warnings
    assert county.get("documents", d2["id"]) is None


def test_history_rows_travel_as_history(world):
    town, county = world.town, world.county
    with town.history_import():
        rec = town.insert("problems", as_history("problems", {
            "found_date": "2024-03-01", "source": "监督检查", "description": "旧台账问题", "status": "已销号",
            "closed_date": "2024-04-01"}), action="import")
    s = world.up()
    assert s.status == "applied" and not s.warnings, s.warnings
    got = county.get("problems", rec["id"])
    assert got["status"] == wf.CLOSED and got["state_imported"] == 1


def test_cli_sync_import_reports_the_refusal(world, tmp_path, capsys):
    town, county = world.town, world.county
    bad = _problem(town, "直接销号")
    _behind_the_back(town, "problems", bad["id"], {"status": wf.CLOSED, "closed_date": "2026-05-12"})
    pkg = world.export(town)
    cdir = county.data_dir
    county.close()
    rc = main(["sync", "import", str(pkg), "--data-dir", str(cdir)])
    out = capsys.readouterr().out
    assert rc == 0 and "核查" in out and "未导入" in out, out
    from sifasuo_desktop.store import Store
    with Store.open(cdir) as s:
        assert s.get("problems", bad["id"]) is None
    world.county = Store.open(cdir)


def test_case_whose_status_contradicts_its_dates_is_reported(world):
    """An older build let a clerk type 已结案 without a 结案日期: the county is told (the row is the owner's)."""
    town = world.town
    c = town.insert("cases", {"case_no": "示罚〔2026〕7号", "case_type": "行政处罚(一般程序)"})
    assert c["status"] == "办理中"
    with town.transaction():     # what an older build stored (no derivation), as its change log recorded it
        town.conn.execute("UPDATE cases SET status = '已结案', version = 2 WHERE id = ?", (c["id"],))
        town.conn.execute("INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) "
                          "VALUES (?, 'cases', ?, 2, 'update', '2026-05-01T00:00:00+00:00')",
                          (town.stream_id, c["id"]))
    s = world.up()
    assert s.status == "applied"
    assert any("办理状态" in w and "1 条" in w for w in s.warnings), s.warnings


def test_township_cannot_bring_a_county_numbered_document(world):
    """A 督办函 is issued only at the county (`docs issue` refuses at a township); a township that numbers one
    behind the workflow's back (old build, script, edited database) with its receipt and all is refused at the
    county, while its own 整改通知单, issued the same way, travels."""
    town, county = world.town, world.county
    ids = {}
    for kind, no in (("督办函", "示司督函〔2026〕9号"), ("整改通知单", "青司所〔2026〕2号")):
        d = town.insert("documents", {"doc_type": kind, "title": kind, "recipient": "某部门", "status": "草稿"})
        _behind_the_back(town, "documents", d["id"], {"status": "已签发", "doc_no": no, "signer": "张所长",
                                                      "doc_date": "2026-05-02"})
        ids[kind] = d["id"]
    s = world.up()
    assert s.status == "applied"
    assert any("督办函" in w and "只能由县司法局" in w and "未导入" in w for w in s.warnings), s.warnings
    assert county.get("documents", ids["督办函"]) is None
    assert county.get("documents", ids["整改通知单"])["doc_no"] == "青司所〔2026〕2号"
    # the draft itself travels (a township drafts, the county issues)
    d = town.insert("documents", {"doc_type": "督办函", "title": "草稿督办函", "recipient": "某部门", "status": "草稿"})
    s = world.up()
    assert s.status == "applied", s.warnings
    assert county.get("documents", d["id"])["status"] == "草稿", s.warnings
