"""Hostile .xlsx files (issue 11 item 12), built by streaming XML into a real workbook's zip so a file that
expands to hundreds of MB costs a few hundred KB on disk and about a second to write."""
from __future__ import annotations

import zipfile
from pathlib import Path

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base(path: Path, rows) -> dict[str, bytes]:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执法案件台账"
    for row in rows:
        ws.append(row)
    wb.save(str(path))
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(path: Path, members: dict, streams: dict) -> Path:
    """members: name -> bytes; streams: name -> iterable of byte chunks (streamed, never held whole)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in members.items():
            if name in streams:
                continue
            zf.writestr(name, data)
        for name, chunks in streams.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                for chunk in chunks:
                    fh.write(chunk)
    return path


def _with_shared_strings(members: dict) -> dict:
    ct = members["[Content_Types].xml"].decode()
    if "sharedStrings" not in ct:
        ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        members["[Content_Types].xml"] = ct.encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            "</Relationships>")
        members["xl/_rels/workbook.xml.rels"] = rels.encode()
    return members


def _sheet(cells_xml: bytes, dimension: str = "A1:B2") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/>'
            f"<sheetData>").encode() + cells_xml + b"</sheetData></worksheet>"


def many_shared_strings(path, n: int) -> Path:
    """n distinct tiny shared strings (the issue's bomb had 65 M)."""
    members = _with_shared_strings(_base(Path(path), []))

    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{n}" uniqueCount="{n}">'.encode()
        step = 100_000
        for start in range(0, n, step):
            yield b"".join(b"<si><t>%d</t></si>" % i for i in range(start, min(n, start + step)))
        yield b"</sst>"

    sheet = _sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "A1:A1")
    return _write(Path(path), {**members, "xl/worksheets/sheet1.xml": sheet}, {"xl/sharedStrings.xml": chunks()})


def one_huge_string(path, chars: int) -> Path:
    """One shared string of `chars` characters (the issue's was 1.5 GB)."""
    members = _with_shared_strings(_base(Path(path), []))

    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode()
        block = b"a" * (1024 * 1024)
        left = chars
        while left > 0:
            yield block[:left]
            left -= len(block)
        yield b"</t></si></sst>"

    sheet = _sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "A1:A1")
    return _write(Path(path), {**members, "xl/worksheets/sheet1.xml": sheet}, {"xl/sharedStrings.xml": chunks()})


def huge_inline_string(path, chars: int) -> Path:
    """One inline string of `chars` characters inside the worksheet XML."""
    members = _base(Path(path), [])

    def chunks():
        yield _sheet(b"", "A1:A1").split(b"</sheetData>")[0]
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = b"b" * (1024 * 1024)
        left = chars
        while left > 0:
            yield block[:left]
            left -= len(block)
        yield b"</t></is></c></row></sheetData></worksheet>"

    return _write(Path(path), members, {"xl/worksheets/sheet1.xml": chunks()})


def huge_dimension(path, far_cell: str | None = "XFD1048576") -> Path:
    """A sheet claiming A1:XFD1048576 (17 billion cells); with far_cell, one value really sits there."""
    cells = b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xba\x8f\xe5\x8f\xb7</t></is></c></row>'
    if far_cell:
        row = "".join(ch for ch in far_cell if ch.isdigit())
        cells += f'<row r="{row}"><c r="{far_cell}"><v>1</v></c></row>'.encode()
    members = _base(Path(path), [])
    members["xl/worksheets/sheet1.xml"] = _sheet(cells, "A1:XFD1048576")
    return _write(Path(path), members, {})


def many_rows(path, n: int, cols: int = 3) -> Path:
    """n rows of `cols` small numbers each (a dense sheet, streamed)."""
    members = _base(Path(path), [])

    def chunks():
        yield _sheet(b"", "A1").split(b"</sheetData>")[0]
        for start in range(1, n + 1, 10000):
            yield b"".join(b'<row r="%d">' % r + b"".join(b"<c><v>%d</v></c>" % c for c in range(cols)) + b"</row>"
                           for r in range(start, min(n, start + 9999) + 1))
        yield b"</sheetData></worksheet>"

    return _write(Path(path), members, {"xl/worksheets/sheet1.xml": chunks()})
