"""Helpers that measure rendered PDFs (pdfplumber / pypdf / fontTools), independent of the engine."""

from __future__ import annotations

import io
import re

import pdfplumber

MM = 72 / 25.4


def open_pdf(data: bytes):
    return pdfplumber.open(io.BytesIO(data))


def text_lines(page, min_size: float = 0, max_size: float = 100):
    """Lines of characters grouped by baseline (from the text matrix), top to bottom.
    Each line: (baseline_from_top_pt, [chars sorted by x]). Spaces are dropped."""
    rows: dict[float, list] = {}
    for ch in page.chars:
        if not ch["text"].strip():
            continue
        if not (min_size <= ch["size"] <= max_size):
            continue
        base = round(page.height - ch["matrix"][5], 1)
        key = None
        for k in rows:
            if abs(k - base) < 1.0:
                key = k
                break
        rows.setdefault(base if key is None else key, []).append(ch)
    return [(b, sorted(cs, key=lambda c: c["x0"])) for b, cs in sorted(rows.items())]


def line_text(chars) -> str:
    return "".join(c["text"] for c in chars)


def embedded_fonts(data: bytes) -> list[dict]:
    """Every font referenced by the pages: name, subtype, has FontFile2, ToUnicode map and the font program."""
    from pypdf import PdfReader

    out = []
    seen = set()
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        res = page.get("/Resources") or {}
        fonts = res.get("/Font") or {}
        for _k, ref in fonts.items():
            f = ref.get_object()
            name = str(f.get("/BaseFont"))
            if name in seen:
                continue
            seen.add(name)
            desc = f.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else None
            ff2 = desc.get("/FontFile2") if desc is not None else None
            tounicode = {}
            tu = f.get("/ToUnicode")
            if tu is not None:
                cmap = tu.get_object().get_data().decode("latin-1")
                for m in re.finditer(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap):
                    code = int(m.group(1), 16)
                    uni = bytes.fromhex(m.group(2)).decode("utf-16-be", errors="replace")
                    tounicode[uni] = code
            out.append(dict(name=name, subtype=str(f.get("/Subtype")), embedded=ff2 is not None,
                            program=ff2.get_object().get_data() if ff2 is not None else None,
                            tounicode=tounicode))
    return out


def glyph_has_outline(font: dict, char: str) -> bool:
    """True when `char` maps, in this embedded subset, to a glyph that has contours and is not .notdef."""
    from fontTools.ttLib import TTFont

    if char not in font["tounicode"] or not font["program"]:
        return False
    code = font["tounicode"][char]
    tt = TTFont(io.BytesIO(font["program"]))
    cmap = None
    for table in tt["cmap"].tables:
        if code in table.cmap:
            cmap = table.cmap
            break
    if cmap is None:
        return False
    gname = cmap[code]
    if gname == ".notdef" or tt.getGlyphID(gname) == 0:
        return False
    g = tt["glyf"][gname]
    return g.numberOfContours != 0
