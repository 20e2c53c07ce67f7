"""The 包容审慎清单 and 行政裁量权基准 travel like the county's catalogs: county rows go down to every township, a
township's own local rows go up (and are not refused as "not owner")."""
from sifasuo_desktop.sync import policy


def test_county_catalog_rows_go_down_and_local_rows_go_up():
    for table in ("leniency_items", "discretion_standards"):
        county_row = {"id": "x", "owner_org": "C1"}
        local_row = {"id": "y", "owner_org": "T1"}
        assert policy.goes_down(table, county_row, "C1", "T1")
        assert policy.goes_down(table, county_row, "C1", "T2")
        assert not policy.goes_down(table, local_row, "C1", "T1")
        assert policy.goes_up(table, local_row, "T1")
        assert not policy.goes_up(table, county_row, "T1")
        assert table not in policy.COUNTY_ONLY_TABLES
