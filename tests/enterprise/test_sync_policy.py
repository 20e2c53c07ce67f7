"""行政检查事项目录 and 涉企检查计划 are each body's own rows: a township's rows go up to the county like its
inspections, and nothing of them comes down as a county catalog (issue 13)."""
from sifasuo_desktop.sync import policy


def test_township_rows_go_up_and_are_not_county_catalogs():
    for table in ("inspection_items", "inspection_plans"):
        local = {"id": "y", "owner_org": "T1"}
        assert policy.goes_up(table, local, "T1")
        assert not policy.goes_up(table, local, "T2")
        assert not policy.goes_down(table, {"id": "x", "owner_org": "C1"}, "C1", "T1")
        assert table not in policy.COUNTY_ONLY_TABLES and table not in policy.DOWN_ALL_TABLES
