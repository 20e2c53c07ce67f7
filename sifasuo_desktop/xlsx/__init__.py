"""Spreadsheet import (offices' own Excel 台账) and formatted .xlsx export.

- reader.py    load a workbook (.xlsx via openpyxl, Excel 97-2003 .xls via xlrd) into value grids (merged cells filled)
- headers.py   header-row detection and column → field mapping (labels and synonyms from domain/ledgers.py)
- values.py    cell values → values `domain.ledgers.normalize()` accepts (Excel serial dates, numbers as text)
- planner.py   ImportPlan: what a file would create/update, every problem by sheet/row/column
- writer.py    government-台账 style .xlsx writer (also used for statistics tables)
- export.py    a ledger (as filtered on screen) → .xlsx
- templates.py blank templates, one per ledger
- bench.py     bench_import_10k()
Applying a plan is store-side: sifasuo_desktop/store/import_apply.py.
"""
