"""`sifasuo stats --kind ranking` on the county demo: townships ranked 1..N with scores and indicators; the
county's weights change the ranking; the 月汇总 has one row per body and township."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain import ranking as rk

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("county") / "d")
    assert main(["demo", "--data-dir", d, "--role", "county", "--cases", "240"]) == 0
    return d


def _ranking(capsys, d, *extra):
    capsys.readouterr()
    assert main(["stats", "--kind", "ranking", "--year", "2026", "--as-of", AS_OF, "--json", "--data-dir", d,
                 *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_ranking_prints_every_township_with_rank_and_score(county, capsys):
    rows = _ranking(capsys, county)
    assert [r["township"] for r in rows if r["has_data"]] and len(rows) == 4
    assert {r["township"] for r in rows} == {"示范镇", "青石镇", "柳河乡", "东湖镇"}
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and rows[0]["rank"] == 1
    for r in rows:
        assert {"township", "org_code", "score", "rank"} <= set(r)
        assert {i.key for i in rk.INDICATORS} <= set(r)
    scored = [r for r in rows if r["has_data"]]
    assert [r["score"] for r in scored] == sorted((r["score"] for r in scored), reverse=True)
    # the score is the weighted mean of the indicators' points (recomputed here from the printed indicators)
    w = rk.default_weights()
    for r in scored:
        num = sum(w[i.key] * rk.points(i, r[i.key]) for i in rk.INDICATORS if r[i.key] is not None)
        den = sum(w[i.key] for i in rk.INDICATORS if r[i.key] is not None)
        assert r["score"] == pytest.approx(round(100 * num / den, 2))
    # 示范镇's records reach the county by sync: no data yet, ranked last
    assert rows[-1]["township"] == "示范镇" and not rows[-1]["has_data"]


def test_quarter_and_weights_set_by_the_county(county, capsys, monkeypatch):
    from sifasuo_desktop.security.setup import DEMO_PASSWORD, DEMO_USER

    monkeypatch.setenv("SIFASUO_USER", DEMO_USER)
    monkeypatch.setenv("SIFASUO_PASSWORD", DEMO_PASSWORD)
    q3 = _ranking(capsys, county, "--quarter", "3")
    assert len(q3) == 4 and q3[0]["rank"] == 1
    # only 满意率 counts: the order follows the satisfaction rate
    assert main(["ranking-weights", "--data-dir", county, "--set", *(f"{i.key}=0" for i in rk.INDICATORS
                                                                    if i.key != "satisfaction_rate"),
                 "满意率=1"]) == 0
    rows = [r for r in _ranking(capsys, county) if r["has_data"]]
    assert [r["score"] for r in rows] == [round(100 * r["satisfaction_rate"], 2) for r in rows]
    assert main(["ranking-weights", "--data-dir", county, "--set", "无此指标=3"]) == 1
    assert "指标=权重" in capsys.readouterr().err
    assert main(["ranking-weights", "--data-dir", county, "--set", *(f"{i.key}={i.weight}" for i in rk.INDICATORS)]) == 0


def test_monthly_summary_has_one_row_per_body_and_township(county, capsys):
    capsys.readouterr()
    assert main(["stats", "--kind", "monthly", "--year", "2026", "--month", "9", "--as-of", AS_OF, "--json",
                 "--data-dir", county]) == 0
    t = json.loads(capsys.readouterr().out)["tables"][0]
    assert t["columns"][:2] == ["执法主体", "乡镇"]
    pairs = [(r[0], r[1]) for r in t["rows"] if r[0] != "合计"]
    assert len(pairs) == len(set(pairs))
    assert {p[1] for p in pairs if p[0] == "示范县城市管理局"} == {"青石镇", "柳河乡", "东湖镇"}


def test_ranking_reads_the_summary_table_not_the_last_table(county, capsys):
    """The rates come from the 月汇总's 合计 row; the 包容审慎/涉企检查 tables that follow it hold none of them."""
    rows = [r for r in _ranking(capsys, county) if r["has_data"]]
    assert len(rows) == 3
    for r in rows:
        for key in ("publication_rate", "certified_rate", "training_rate", "rectification_rate", "overdue_problems",
                    "review_good_rate"):
            assert r[key] is not None, (r["township"], key)
        assert r["reviews"] > 0


def test_every_per_body_table_of_the_county_says_which_township(county, capsys):
    capsys.readouterr()
    assert main(["stats", "--kind", "quarterly", "--year", "2026", "--quarter", "3", "--as-of", AS_OF, "--json",
                 "--data-dir", county]) == 0
    tables = {t["key"]: t for t in json.loads(capsys.readouterr().out)["tables"]}
    for key in ("summary_quarterly", "cf_outcomes", "cf_review", "cf_levels", "jc_bodies"):
        t = tables[key]
        assert t["columns"][:2] == ["执法主体", "乡镇"], key
        body_rows = [r for r in t["rows"] if r[0] != "合计"]
        assert body_rows and all(r[1] for r in body_rows), key
        assert len({(r[0], r[1]) for r in body_rows}) == len(body_rows), key
    assert {r[1] for r in tables["cf_levels"]["rows"] if r[0] == "示范县城市管理局"} == {"青石镇", "柳河乡", "东湖镇"}


def test_personnel_tables_of_the_county_say_which_township(county, capsys):
    capsys.readouterr()
    assert main(["personnel", "review-summary", "--year", "2026", "--json", "--data-dir", county]) == 0
    t = json.loads(capsys.readouterr().out)["tables"][0]
    assert t["columns"][2:4] == ["所属单位", "乡镇"]
    assert t["rows"] and all(r[3] in {"青石镇", "柳河乡", "东湖镇"} for r in t["rows"])
