"""Review scoring, grade bands, veto, reviewers, spreadsheet standards, per-batch/per-body results."""
import openpyxl
import pytest

from sifasuo_desktop.domain import review as rv
from sifasuo_desktop.domain.errors import PermissionDenied, UserError, ValidationError
from sifasuo_desktop.store import workflow_ops as ops
from sifasuo_desktop.xlsx.reports import export_standard_xlsx, import_standard_xlsx

from .conftest import ADMIN, LEADER


@pytest.fixture(scope="module")
def std():
    return rv.default_standard()


def test_default_standard_shape(std):
    assert std.case_kind == "行政处罚(一般程序)"
    assert [i.code for i in std.veto_items] == [f"V0{n}" for n in range(1, 10)]
    assert sum(i.max_points for i in std.deduct_items) == 100
    sections = {}
    for i in std.deduct_items:
        sections[i.section] = sections.get(i.section, 0) + i.max_points
    assert sections == {"立案": 10, "调查取证": 25, "告知与听证": 15, "法制审核/集体讨论": 10, "决定书": 20,
                        "送达与执行": 10, "归档": 10}


@pytest.mark.parametrize("deductions,veto,score,grade", [
    ({}, [], 100, "优秀"),
    ({"D06": 7, "D09": 3}, [], 90, "优秀"),          # exactly 90
    ({"D06": 7, "D09": 3.5}, [], 89.5, "良好"),
    ({"D04": 6, "D06": 7, "D09": 7}, [], 80, "良好"),  # exactly 80
    ({"D04": 6, "D06": 7, "D09": 7.5}, [], 79.5, "合格"),
    ({"D04": 6, "D06": 7, "D09": 8, "D10": 7, "D14": 6, "D13": 6}, [], 60, "合格"),  # exactly 60
    ({"D04": 6, "D06": 7, "D09": 8, "D10": 7, "D14": 6, "D13": 6, "D26": 0.5}, [], 59.5, "不合格"),
    ({}, ["V02"], 0, "不合格"),                     # veto: perfect file still fails
    ({"D01": 1}, ["V04", "V04"], 0, "不合格"),
])
def test_scoring_bands(std, deductions, veto, score, grade):
    r = rv.score(std, veto, deductions)
    assert (r.score, r.grade) == (score, grade)


def test_without_good_band(std):
    s = rv.Standard.from_dict({**__import__("json").loads(std.to_json()), "use_good": False})
    assert rv.score(s, [], {"D06": 7, "D09": 8}).grade == "合格"


@pytest.mark.parametrize("deductions,veto,bad", [
    ({"D01": 5}, [], "D01"),       # above the item's 4 points
    ({"D01": -1}, [], "D01"),
    ({"D01": "x"}, [], "D01"),
    ({"X99": 1}, [], "X99"),
    ({"V01": 1}, [], "V01"),       # a veto item is not a deduction item
    ({}, ["D01"], "D01"),
])
def test_scoring_refuses_bad_points(std, deductions, veto, bad):
    with pytest.raises(ValidationError) as exc:
        rv.score(std, veto, deductions)
    assert bad in exc.value.errors


def test_reviewers():
    assert rv.check_reviewers("张三、李四") == ["张三", "李四"]
    for bad in ("张三", "张三、张三", "", ["王五"]):
        with pytest.raises(ValidationError, match="至少需要2名"):
            rv.check_reviewers(bad)


def _sheet(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD_ROWS = [
    ["某省行政许可案卷评查标准"],
    ["标准名称", "行政许可案卷评查标准"], ["版本", "鲁2026"], ["适用案卷", "行政许可"],
    ["优秀", 85], ["良好", None], ["合格", 60],
    [],
    ["类型", "编码", "分类", "评查内容", "分值"],
    ["否决项", "F1", "主体", "无权受理", None],
    ["扣分项", "K1", "受理", "一次性告知补正", 40],
    ["扣分项", "K2", "决定", "期限内决定", "60分"],
]


def test_import_standard_from_xlsx(store, tmp_path):
    path = _sheet(tmp_path / "std.xlsx", GOOD_ROWS)
    with pytest.raises(PermissionDenied):
        import_standard_xlsx(store, path)          # a leader is not an admin
    store.actor = ADMIN
    row = import_standard_xlsx(store, path)
    _, s = ops.get_standard(store, row["id"])
    assert (s.name, s.version_label, s.case_kind, s.use_good, s.bands["优秀"]) == \
        ("行政许可案卷评查标准", "鲁2026", "行政许可", False, 85)
    assert rv.score(s, [], {"K1": 10}).grade == "优秀"   # 90 >= 85
    assert rv.score(s, [], {"K1": 16}).grade == "合格"   # 84, no 良好 band
    with pytest.raises(UserError, match="已存在"):
        import_standard_xlsx(store, path)


@pytest.mark.parametrize("change,msg", [
    (lambda rows: rows[:8], "没有找到表头"),
    (lambda rows: rows[:-1], "应等于总分"),
    (lambda rows: rows[:-1] + [["加分项", "K2", "决定", "x", 60]], "第12行"),
    (lambda rows: rows[:-1] + [["扣分项", "K1", "决定", "x", 60]], "编码重复"),
    (lambda rows: [r for r in rows if r[:1] != ["版本"]], "缺少版本"),
])
def test_import_refuses_bad_sheets(store, tmp_path, change, msg):
    store.actor = ADMIN
    path = _sheet(tmp_path / "bad.xlsx", change(list(GOOD_ROWS)))
    before = store.count("review_standards")
    with pytest.raises(UserError, match=msg):
        import_standard_xlsx(store, path)
    assert store.count("review_standards") == before


def test_save_reviews_and_results(store, body):
    other = store.insert("bodies", {"name": "示范镇综合行政执法队"})
    batch = ops.create_batch(store, "2026年第一季度评查", 2026, "抽查")
    cases = [store.insert("cases", {"case_no": f"示罚〔2026〕{n}号", "case_type": "行政处罚(一般程序)",
                                    "body_id": (body if n < 3 else other)["id"]}) for n in range(1, 5)]
    ops.save_review(store, batch["id"], case_id=cases[0]["id"], reviewers="甲、乙", deductions={"D01": 2},
                    review_date="2026-04-01")
    ops.save_review(store, batch["id"], case_id=cases[1]["id"], reviewers="甲、乙", veto_hits=["V07"],
                    review_date="2026-04-01")
    ops.save_review(store, batch["id"], case_id=cases[2]["id"], reviewers=["甲", "丙"],
                    deductions={"D04": 6, "D06": 7}, review_date="2026-04-02")
    r4 = ops.save_review(store, batch["id"], case_id=cases[3]["id"], reviewers="甲、乙",
                         deductions={"D04": 6, "D06": 7, "D09": 8, "D10": 7, "D13": 6, "D14": 6},
                         review_date="2026-04-02")
    assert (r4["score"], r4["grade"]) == (60, "合格")
    with pytest.raises(ValidationError, match="已评查过"):
        ops.save_review(store, batch["id"], case_id=cases[0]["id"], reviewers="甲、乙")
    with pytest.raises(ValidationError, match="至少需要2名"):
        ops.save_review(store, batch["id"], case_no="示罚〔2026〕9号", reviewers="甲")
    res = ops.batch_results(store, batch["id"])
    s = res["summary"]
    assert (s["count"], s["优秀"], s["良好"], s["合格"], s["不合格"]) == (4, 1, 1, 1, 1)
    assert s["average"] == round((98 + 0 + 87 + 60) / 4, 2)
    assert s["pass_rate"] == 0.75 and s["excellent_rate"] == 0.25
    assert res["by_body"]["示范镇人民政府"]["count"] == 2
    assert res["by_body"]["示范镇综合行政执法队"]["average"] == 73.5
    # a review can create a problem directly
    rid = res["reviews"][1]["id"]
    p = ops.create_problem_from(store, "reviews", rid, {"description": "先决定后立案", "deadline": "2026-05-01"})
    assert (p["source"], p["body_id"], p["category"]) == ("案卷评查", body["id"], "事实证据")


def test_standard_template_round_trip(store, tmp_path):
    path = export_standard_xlsx(store, None, tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["B2"] = "2027修订"           # 版本
    ws["B6"] = None                  # no 良好 band
    wb.save(path)
    store.actor = ADMIN
    row = import_standard_xlsx(store, path)
    _, s = ops.get_standard(store, row["id"])
    d = rv.default_standard()
    assert s.version_label == "2027修订" and not s.use_good
    assert [(i.code, i.kind, i.max_points) for i in s.items] == [(i.code, i.kind, i.max_points) for i in d.items]
    assert rv.score(s, [], {"D06": 7, "D09": 5}).grade == "合格"     # 88 without the 良好 band


def test_import_standard_refuses_a_zip_bomb(store, tmp_path):
    """The standard reader iterated the sheet's claimed dimension (A1:XFD1048576 → MemoryError)."""
    from tests.xlsx import bombs

    store.actor = ADMIN
    before = store.count("review_standards")
    with pytest.raises(UserError, match="恶意构造"):
        import_standard_xlsx(store, bombs.one_huge_string(tmp_path / "one.xlsx", 100_000))
    path = bombs.huge_dimension(tmp_path / "dim.xlsx", far_cell=None)
    with pytest.raises(UserError):           # read as one cell and refused as a standard, quickly
        import_standard_xlsx(store, path)
    assert store.count("review_standards") == before
