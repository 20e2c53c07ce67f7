"""Every ledger in the navigation exports (the CLI accepts its key or Chinese title); import stays limited."""
import openpyxl
import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS, NAV_ORDER
from sifasuo_desktop.store.ledger_queries import LedgerQuery
from sifasuo_desktop.xlsx.export import export_ledger
from sifasuo_desktop.xlsx.planner import resolve_ledger


@pytest.mark.parametrize("key", NAV_ORDER)
def test_export_every_ledger(demo_store, tmp_path, key):
    assert resolve_ledger(LEDGERS[key].title, for_export=True) == key
    out = tmp_path / f"{key}.xlsx"
    n = export_ledger(demo_store, LedgerQuery(key), out)
    assert n == demo_store.count(key) > 0
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(1, 1).value.endswith(LEDGERS[key].title + "台账")


def test_reviews_not_importable():
    with pytest.raises(UserError):
        resolve_ledger("reviews")
