import pytest

from sifasuo_desktop.domain.validators import make_id_number
from sifasuo_desktop.store import Store

ID_ZHANG = make_id_number("37990119850301123")
ID_LI = make_id_number("37990119900512234")
ID_ZHAO1 = make_id_number("37990119880101345")
ID_ZHAO2 = make_id_number("37990119920202456")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    gov = s.insert("bodies", {"name": "示范镇人民政府", "body_type": "乡镇政府", "status": "有效"})
    for name, idno in (("张三", ID_ZHANG), ("李四", ID_LI), ("赵六", ID_ZHAO1), ("赵六", ID_ZHAO2)):
        s.insert("officers", {"name": name, "id_number": idno, "body_id": gov["id"], "cert_status": "有效"})
    yield s
    s.close()


def make_book(path, sheets):
    """sheets: {name: (rows, merges)}; rows are lists of cell values, merges are 'A1:C1' ranges."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (rows, merges) in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for m in merges:
            ws.merge_cells(m)
    wb.save(str(path))
    return path
