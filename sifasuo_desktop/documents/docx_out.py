"""Editable DOCX copy of a document (python-docx), for offices that finish documents in WPS/Word.

Page setup and the line grid follow GB/T 9704 (see shared/domain/documents.md §4): A4, margins
37/35/28/26 mm, `docGrid type="lines" linePitch="579"` (22 lines) and −0.25 pt character spacing on the
Normal style (28 characters per line in Word, WPS and LibreOffice alike). East Asian font names are
written into `w:rFonts` explicitly. The PDF stays the document of record; the DOCX 版记 follows the text
instead of sitting at the bottom of the last page.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as _NewDocx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from sifasuo_desktop import fsutil

from . import fonts as F
from .model import (
    ATTACH, CENTER, FLUSH, GENERAL, H1, H2, LETTER, RIGHT, Document, Paragraph, Table, format_cn_date,
)

# names written into the DOCX (the fonts the receiving PC is expected to have)
GB_FONT_NAMES = {F.FANGSONG: "仿宋_GB2312", F.HEITI: "黑体", F.KAITI: "楷体_GB2312", F.SONGTI: "宋体",
                 F.XBS: "方正小标宋简体"}
WINDOWS_FONT_NAMES = {F.FANGSONG: "仿宋", F.HEITI: "黑体", F.KAITI: "楷体", F.SONGTI: "宋体", F.XBS: "方正小标宋简体"}

LINE_PITCH = 579  # twips: 22 x 579 = 12738 <= 12756 (225 mm)
CHAR_SPACING = -5  # twentieths of a point (-0.25 pt)
RED = RGBColor(0xFF, 0x00, 0x00)


def _set_fonts(rpr_parent, east: str, ascii_name: str = "Times New Roman") -> None:
    rpr = rpr_parent.get_or_add_rPr()
    rf = rpr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    rf.set(qn("w:ascii"), ascii_name)
    rf.set(qn("w:hAnsi"), ascii_name)
    rf.set(qn("w:eastAsia"), east)
    rf.set(qn("w:hint"), "eastAsia")


def _spacing(rpr_parent, val: int) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    sp = rpr.find(qn("w:spacing"))
    if sp is None:
        sp = OxmlElement("w:spacing")
        rpr.append(sp)
    sp.set(qn("w:val"), str(val))


def _first_line_chars(par, chars: int) -> None:
    ppr = par._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * 320))


def _border(par, side: str, val: str, sz: int, color: str = "000000", space: int = 1) -> None:
    ppr = par._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(sz))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)


def _page_field(par) -> None:
    r = par.add_run()
    b = OxmlElement("w:fldChar")
    b.set(qn("w:fldCharType"), "begin")
    r._r.append(b)
    r2 = par.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " PAGE "
    r2._r.append(it)
    r3 = par.add_run()
    e = OxmlElement("w:fldChar")
    e.set(qn("w:fldCharType"), "end")
    r3._r.append(e)
    return [r, r2, r3]


def balanced_lines(text: str, per_line: int = 20) -> list[str]:
    """Split a 2号 title (20 characters fit in 156 mm) into lines of nearly equal length (梯形: longer first)."""
    n = max(1, -(-len(text) // per_line))
    size = min(per_line, -(-len(text) // n) + (1 if n > 1 else 0))  # same split as the PDF layout
    return [text[i:i + size] for i in range(0, len(text), size)]


class _Writer:
    def __init__(self, doc: Document, names: dict[str, str]):
        self.doc = doc
        self.names = names
        self.d = _NewDocx()

    def run(self, par, text: str, role: str, size: float, color: RGBColor | None = None, bold: bool = False):
        r = par.add_run(text)
        r.font.size = Pt(size)
        _set_fonts(r._r, self.names[role])
        if color is not None:
            r.font.color.rgb = color
        if bold:
            r.font.bold = True
        return r

    def par(self, align=None, first_chars: int = 0, left: float = 0, right: float = 0, exact: float | None = None):
        p = self.d.add_paragraph()
        pf = p.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        if first_chars:
            _first_line_chars(p, first_chars)
        if left:
            pf.left_indent = Pt(left)
        if right:
            pf.right_indent = Pt(right)
        if exact:
            pf.line_spacing = Pt(exact)
        return p

    def setup(self) -> None:
        d = self.d
        normal = d.styles["Normal"]
        normal.font.size = Pt(16)
        _set_fonts(normal.element, self.names[F.FANGSONG])
        _spacing(normal.element, CHAR_SPACING)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0  # single: snaps to the 22-line grid (the template says 1.15)
        sec = d.sections[0]
        sec.page_width = Mm(210)
        sec.page_height = Mm(297)
        sec.top_margin = Mm(37)
        sec.bottom_margin = Mm(35)
        sec.left_margin = Mm(28)
        sec.right_margin = Mm(26)
        sec.header_distance = Mm(30 if self.doc.header == LETTER else 15)
        sec.footer_distance = Mm(25)
        sect = sec._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        for k in list(grid.attrib):
            del grid.attrib[k]
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
        # page numbers: odd right, even left (空一字), 4号宋体, "— N —"
        d.settings.odd_and_even_pages_header_footer = True
        for footer, align, indent in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                      (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            if indent == "right":
                p.paragraph_format.right_indent = Pt(14)
            else:
                p.paragraph_format.left_indent = Pt(14)
            self.run(p, "— ", F.SONGTI, 14)
            for r in _page_field(p):
                r.font.size = Pt(14)
                _set_fonts(r._r, self.names[F.SONGTI])
            self.run(p, " —", F.SONGTI, 14)
        if self.doc.header == LETTER:
            sec.different_first_page_header_footer = True
            hdr = sec.first_page_header
            p = hdr.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.left_indent = Mm(-7)
            p.paragraph_format.right_indent = Mm(-7)
            self.run(p, self.doc.issuer, F.XBS, 26, RED)
            if self.doc.issuer_subtitle:
                p2 = hdr.add_paragraph()
                p2.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p2.paragraph_format.left_indent = Mm(-7)
                p2.paragraph_format.right_indent = Mm(-7)
                self.run(p2, self.doc.issuer_subtitle, F.XBS, 16, RED)
                p = p2
            _border(p, "bottom", "thickThinSmallGap", 24, "FF0000", 4)
            sec.first_page_footer.is_linked_to_previous = False

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.par()

    def paragraph(self, blk: Paragraph) -> None:
        default = {H1: F.HEITI, H2: F.KAITI}.get(blk.kind, F.FANGSONG)
        if blk.kind == CENTER:
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
        elif blk.kind == RIGHT:
            p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=32)
        elif blk.kind == FLUSH:
            p = self.par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        else:
            p = self.par(WD_ALIGN_PARAGRAPH.JUSTIFY, first_chars=2)
        for r in blk.runs:
            self.run(p, r.text, r.role or default, 16)

    def table(self, t: Table) -> None:
        ncols = max(len(r) for r in t.rows)
        tbl = self.d.add_table(rows=len(t.rows), cols=ncols)
        tbl.style = "Table Grid"
        tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl.autofit = False
        widths = t.widths if len(t.widths) == ncols else [1.0] * ncols
        total = sum(widths)
        for ci, col in enumerate(tbl.columns):
            col.width = Mm(156 * widths[ci] / total)
        for ri, row in enumerate(t.rows):
            for ci in range(ncols):
                cell = tbl.cell(ri, ci)
                cell.width = Mm(156 * widths[ci] / total)
                text = row[ci] if ci < len(row) else ""
                p = cell.paragraphs[0]
                if ri < t.header_rows:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                role = F.HEITI if ri < t.header_rows else F.FANGSONG
                lines = text.split("\n")
                for k, line in enumerate(lines):
                    r = self.run(p, line, role, t.font_size)
                    if k < len(lines) - 1:
                        r.add_break()
                extra = (t.min_lines[ri] if ri < len(t.min_lines) else 0) - len(lines)
                for _ in range(max(0, extra)):
                    cell.add_paragraph()

    def write(self) -> "_NewDocx":
        doc = self.doc
        self.setup()
        if doc.header == LETTER:
            self.par(WD_ALIGN_PARAGRAPH.RIGHT).add_run(doc.doc_no or "")
            self.blank(2)
        elif doc.header == GENERAL:
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.space_before = Mm(35)
            self.run(p, doc.mark or doc.issuer, F.XBS, 36, RED)
            self.blank(2)
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            self.run(p, doc.doc_no or "", F.FANGSONG, 16)
            _border(p, "bottom", "single", 12, "FF0000", 4)
            self.blank(2)
        if doc.header in (LETTER, GENERAL):
            titles = [doc.title]
        else:
            titles = ([doc.issuer] if doc.issuer else []) + [doc.title]
        for t in titles:
            for line in t.split("\n"):
                p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
                parts = balanced_lines(line)
                for k, part in enumerate(parts):
                    r = self.run(p, part, F.XBS, 22)
                    if k < len(parts) - 1:
                        r.add_break()
        if doc.header not in (LETTER, GENERAL) and doc.doc_no:
            p = self.par(WD_ALIGN_PARAGRAPH.RIGHT)
            self.run(p, doc.doc_no, F.FANGSONG, 16)
        if doc.recipient:
            self.blank()
            p = self.par()
            label = (doc.recipient_label + "：") if doc.recipient_label else ""
            self.run(p, label + doc.recipient + ("" if doc.recipient_label else "："), F.FANGSONG, 16)
        for blk in doc.body:
            if isinstance(blk, Table):
                self.table(blk)
            else:
                self.paragraph(blk)
        if doc.attachments:
            self.blank()
            for k, name in enumerate(doc.attachments):
                num = f"{k + 1}." if len(doc.attachments) > 1 else ""
                p = self.par(first_chars=2 if k == 0 else 0, left=0 if k == 0 else 16 * 5)
                self.run(p, ("附件：" if k == 0 else "") + num + name, F.FANGSONG, 16)
        if doc.signature or doc.date:
            self.blank(2 if doc.sealed else 1)
            date_text = format_cn_date(doc.date) if doc.date else ""
            right_chars = 4 if doc.sealed else 2
            if doc.signature:
                diff = (len(date_text) * 0.75 - len(doc.signature)) / 2 if date_text else 0
                p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=max(0.0, 16 * (right_chars + diff)))
                self.run(p, doc.signature, F.FANGSONG, 16)
            if date_text:
                p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=16 * right_chars)
                self.run(p, date_text, F.FANGSONG, 16)
        if doc.note:
            p = self.par(first_chars=2)
            self.run(p, "（" + doc.note + "）", F.FANGSONG, 16)
        if doc.cc or (doc.printed_by and doc.header != LETTER):
            self.blank()
        if doc.cc:
            p = self.par(left=14, right=14)
            self.run(p, "抄送：" + "，".join(doc.cc) + "。", F.FANGSONG, 14)
            if doc.header != LETTER:
                _border(p, "top", "single", 8)
        if doc.printed_by and doc.header != LETTER:
            pd = doc.print_date or doc.date
            p = self.par(left=14, right=14)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), alignment=2)  # right tab
            self.run(p, doc.printed_by + ("\t" + format_cn_date(pd) + "印发" if pd else ""), F.FANGSONG, 14)
            _border(p, "top", "single", 4)
            _border(p, "bottom", "single", 8)
        return self.d


def render_docx(doc: Document, out: str | Path | None = None, *, windows_fonts: bool = False,
                font_names: dict[str, str] | None = None) -> bytes:
    names = dict(WINDOWS_FONT_NAMES if windows_fonts else GB_FONT_NAMES)
    names.update(font_names or {})
    d = _Writer(doc, names).write()
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    if out is not None:
        fsutil.atomic_write_bytes(out, data)
    return data


_ = (ATTACH, WD_SECTION)
