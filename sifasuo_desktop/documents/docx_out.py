"""Editable DOCX copy of a document (python-docx), for offices that finish documents in WPS/Word.

Page setup and the line grid follow GB/T 9704 (see shared/domain/documents.md §4): A4, margins
37/35/28/26 mm, `docGrid type="lines" linePitch="579"` (22 lines) and −0.25 pt character spacing on the
Normal style (28 characters per line in Word, WPS and LibreOffice alike). East Asian font names are
written into `w:rFonts` explicitly. The PDF stays the document of record; the DOCX 版记 is a frame at the foot
of the 版心 and the 信函 lower red double line a pair of floating bars, both measured through LibreOffice.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as _NewDocx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Mm, Pt, RGBColor, Twips

from sifasuo_desktop import fsutil

from . import fonts as F
from .layout import GENERAL_MARK_SIZE, fit_size, general_docno_row
from .model import (
    ATTACH, CENTER, FLUSH, FORM, GENERAL, H1, H2, LETTER, RIGHT, Document, Paragraph, Table, format_cn_date,
)

# names written into the DOCX (the fonts the receiving PC is expected to have)
GB_FONT_NAMES = {F.FANGSONG: "仿宋_GB2312", F.HEITI: "黑体", F.KAITI: "楷体_GB2312", F.SONGTI: "宋体",
                 F.XBS: "方正小标宋简体"}
WINDOWS_FONT_NAMES = {F.FANGSONG: "仿宋", F.HEITI: "黑体", F.KAITI: "楷体", F.SONGTI: "宋体", F.XBS: "方正小标宋简体"}

# what to write when the official name is not installed on the PC writing the DOCX (a Windows PC always has
# 仿宋/楷体/黑体/宋体; 方正小标宋简体 is a commercial font: 华文中宋 (Office) or 宋体 in bold stand in for it)
FALLBACK_NAMES = {F.FANGSONG: ["仿宋_GB2312", "仿宋"], F.KAITI: ["楷体_GB2312", "楷体"], F.HEITI: ["黑体"],
                  F.SONGTI: ["宋体"], F.XBS: ["方正小标宋简体", "华文中宋", "宋体"]}
BOLD_STANDIN = "宋体"  # 小标宋 written as 宋体 is set in bold


def detect_font_names(resolver: F.FontResolver | None = None) -> dict[str, str]:
    """Font names for the DOCX, chosen from what is installed on this PC (name tables, any format): 仿宋_GB2312
    only where it is installed, else 仿宋; 方正小标宋简体, else 华文中宋, else 宋体 (bold)."""
    resolver = resolver or F.default_resolver()
    names = {}
    for role, options in FALLBACK_NAMES.items():
        found = next((n for n in options[:-1] if resolver.find(n)), None)
        if found is None and role == F.FANGSONG and resolver.find("FangSong_GB2312"):
            found = "仿宋_GB2312"
        names[role] = found or options[-1]
    return names


LINE_PITCH = 579  # twips: 22 x 579 = 12738 <= 12756 (225 mm)
TWIPS_PER_MM = 1440 / 25.4
RED_LINE_SZ = 12  # 通用格式 red line under the 文号: 1.5 pt (eighths of a point)
RED_LINE_SPACE = 4  # pt between the 文号's row and the red line
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
        # CT_RPr order: w:spacing comes before w:w, w:kern, w:position, w:sz ...
        later = {qn(f"w:{t}") for t in ("w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
                                        "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
                                        "eastAsianLayout", "specVanish", "oMath")}
        nxt = next((c for c in rpr if c.tag in later), None)
        if nxt is None:
            rpr.append(sp)
        else:
            nxt.addprevious(sp)
    sp.set(qn("w:val"), str(val))


def _first_line_chars(par, chars: int) -> None:
    ind = _ppr_child(par._p.get_or_add_pPr(), "w:ind")
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * 320))


# CT_PPr child order (ECMA-376 §17.3.1.26): Word rejects a pPr whose children are out of this order
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
             "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
             "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
             "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
             "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _ppr_child(ppr, tag: str):
    """The pPr child `tag`, created in schema order when missing."""
    el = ppr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        later = {qn(t) for t in PPR_ORDER[PPR_ORDER.index(tag) + 1:]}
        nxt = next((c for c in ppr if c.tag in later), None)
        if nxt is None:
            ppr.append(el)
        else:
            nxt.addprevious(el)
    return el


def _snap_off(par) -> None:
    """Take the paragraph off the line grid (Word: 如果定义了文档网格，则对齐到网格 unchecked), so that an exact
    line height or spacing is kept as given instead of being rounded up to whole grid rows."""
    _ppr_child(par._p.get_or_add_pPr(), "w:snapToGrid").set(qn("w:val"), "0")


def _twips_exact(par, twips: int) -> None:
    sp = _ppr_child(par._p.get_or_add_pPr(), "w:spacing")
    sp.set(qn("w:line"), str(twips))
    sp.set(qn("w:lineRule"), "exact")


def _border(par, side: str, val: str, sz: int, color: str = "000000", space: int = 1) -> None:
    ppr = par._p.get_or_add_pPr()
    bdr = _ppr_child(ppr, "w:pBdr")
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


WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
EMU_PER_MM = 36000
EMU_PER_PT = 12700

# 信函格式 second red double line (上细下粗), as the PDF draws it (layout.LETTER_BOTTOM_LINE): the thick line's
# bottom edge 20 mm above the paper bottom, a 1.5 pt thick line under a 0.75 pt thin one with a 0.75 pt gap,
# 170 mm long, centred on the 版心 (x = 21 ... 191 mm)
LETTER_LINE_X_MM = 21.0
LETTER_LINE_LEN_MM = 170.0
LETTER_BOTTOM_MM = 297.0 - 20.0
LETTER_LOWER_BARS_PT = ((3.0, 0.75), (1.5, 1.5))  # (top above the thick line's bottom edge, height) in pt


def _anchored_shape(shape_id: int, name: str, x_mm: float, top_mm: float, width_mm: float, height_mm: float,
                    fill: str | None = None, text_box: bool = False, wrap: str = "wrapNone"):
    """A floating DrawingML rectangle at an absolute position on the page (page-relative offsets), no outline:
    filled with `fill` (a rule with a fixed place on the paper), or an empty text box (`text_box`; append the
    paragraphs to its w:txbxContent). Returns the w:drawing element."""
    from docx.oxml import parse_xml

    cx = round(width_mm * EMU_PER_MM)
    cy = round(height_mm * EMU_PER_MM)
    fill_xml = f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>' if fill else "<a:noFill/>"
    box = '<wps:txbx><w:txbxContent/></wps:txbx>' if text_box else ""
    tx_attr = ' txBox="1"' if text_box else ""
    return parse_xml(
        f'<w:drawing xmlns:w="{nsmap["w"]}" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="{WPS_NS}">'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{251659264 + shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{round(x_mm * EMU_PER_MM)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{round(top_mm * EMU_PER_MM)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:{wrap}/>'
        f'<wp:docPr id="{shape_id}" name="{name}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{WPS_NS}"><wps:wsp><wps:cNvSpPr{tx_attr}/>'
        f'<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{fill_xml}<a:ln><a:noFill/></a:ln></wps:spPr>'
        f'{box}<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">'
        '<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')


def _bar_anchor(shape_id: int, name: str, x_mm: float, top_mm: float, width_mm: float, height_pt: float,
                color: str = "FF0000"):
    """A rule as a filled rectangle at a fixed place on the paper, independent of the text flow."""
    return _anchored_shape(shape_id, name, x_mm, top_mm, width_mm, height_pt * 25.4 / 72, fill=color)


def _letter_lower_double_line(par) -> None:
    """Anchor the 信函格式 lower red double line to `par` (a paragraph of the first-page header: it prints on the
    first page only)."""
    r = par.add_run()
    for k, (above_pt, height_pt) in enumerate(LETTER_LOWER_BARS_PT):
        top = LETTER_BOTTOM_MM - above_pt * 25.4 / 72
        r._r.append(_bar_anchor(9001 + k, ("下红线细线", "下红线粗线")[k], LETTER_LINE_X_MM, top,
                                LETTER_LINE_LEN_MM, height_pt))


def balanced_lines(text: str, per_line: int = 20) -> list[str]:
    """Split a 2号 title (20 full-width characters fit in 156 mm; digits and Latin count half) into lines of
    nearly equal length (梯形: longer first), as the PDF layout does."""
    import unicodedata

    def cells(ch: str) -> float:
        return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") and not ch.isascii() else 0.5

    total = sum(cells(c) for c in text)
    n = max(1, -(-int(total * 2) // (per_line * 2)))
    if n == 1:
        return [text]
    size = min(per_line, -(-total // n) + 1)
    out, cur, w = [], "", 0.0
    for ch in text:
        if cur and w + cells(ch) > size:
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cells(ch)
    if cur:
        out.append(cur)
    return out


class _Writer:
    def __init__(self, doc: Document, names: dict[str, str], banji_rows: tuple[int, int, int] = (0, 20, 2)):
        self.doc = doc
        self.names = names
        self.banji_rows = banji_rows  # (page breaks before the 版记, its first grid row, its rows)
        self.d = _NewDocx()

    def run(self, par, text: str, role: str, size: float, color: RGBColor | None = None, bold: bool = False):
        r = par.add_run(text)
        r.font.size = Pt(size)
        _set_fonts(r._r, self.names[role])
        if color is not None:
            r.font.color.rgb = color
        if bold or (role == F.XBS and self.names[role] == BOLD_STANDIN):
            r.font.bold = True
        return r

    def par(self, align=None, first_chars: int = 0, left: float = 0, right: float = 0, exact: float | None = None,
            keep_next: bool = False):
        p = self.d.add_paragraph()
        pf = p.paragraph_format
        if keep_next:
            pf.keep_with_next = True
            pf.keep_together = True
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
        # no widow/orphan control, as in the PDF: pages are filled to the 22nd row (并撑满版心) and a paragraph may
        # leave one line at the foot or the head of a page; headings and the signature block keep with what follows
        normal.paragraph_format.widow_control = False
        # no extra space between Chinese and Latin/digits (the PDF grid has none; with it "2026" widens a line
        # and a 20-character 2号 title wraps)
        nppr = normal.element.get_or_add_pPr()
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            _ppr_child(nppr, tag).set(qn("w:val"), "0")
        _ppr_child(nppr, "w:overflowPunct").set(qn("w:val"), "1")  # 允许标点溢出边界: 。，hang like in the PDF
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
            if self.doc.header == FORM:
                continue  # a one-page form (送达回证) carries no page number, as in the PDF
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
            _letter_lower_double_line(hdr.paragraphs[0])
            sec.first_page_footer.is_linked_to_previous = False

    def blank(self, n: int = 1, keep_next: bool = False) -> None:
        for _ in range(n):
            self.par(keep_next=keep_next)

    def paragraph(self, blk: Paragraph):
        default = {H1: F.HEITI, H2: F.KAITI}.get(blk.kind, F.FANGSONG)
        if blk.kind == CENTER:
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
        elif blk.kind == RIGHT:
            p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=32)
        elif blk.kind == FLUSH:
            p = self.par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        else:
            p = self.par(WD_ALIGN_PARAGRAPH.JUSTIFY, first_chars=2)
        if blk.kind in (H1, H2) and len(blk.text) <= 3 * 28:
            p.paragraph_format.keep_with_next = True  # a heading never ends a page
            p.paragraph_format.keep_together = True
        for r in blk.runs:
            self.run(p, r.text, r.role or default, 16)
        return p

    def table(self, t: Table) -> None:
        ncols = max(len(r) for r in t.rows)
        tbl = self.d.add_table(rows=len(t.rows), cols=ncols)
        tbl.style = "Table Grid"
        tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl.autofit = False
        # cell padding as in the PDF (0.2 of the type size each side; Table Grid's 1.9 mm made LibreOffice wrap
        # "98.0%" in a 季度通报 column and run the text onto a third page)
        pad = str(round(0.2 * t.font_size * 20))
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), pad)
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tblpr = tbl._tbl.tblPr
        nxt = next((c for c in tblpr if c.tag in {qn(f"w:{k}") for k in ("tblLook", "tblCaption", "tblDescription",
                                                                          "tblPrChange")}), None)
        if nxt is None:
            tblpr.append(mar)
        else:
            nxt.addprevious(mar)
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

    def banji(self) -> None:
        """版记 (抄送, 印发机关和印发日期) on the grid rows the PDF gives it at the foot of the 版心 of the page the PDF
        puts it on (the last even page: page breaks before it as needed): a text box at a fixed place on the
        page, anchored to a 1 pt paragraph, with the rules (0.35/0.25/0.35 mm, 156 mm) as bars beside it. (A
        w:framePr frame with paragraph borders was not placed at the foot by LibreOffice.)"""
        doc = self.doc
        breaks, first_row, nrows = self.banji_rows
        anchor = None
        for _ in range(breaks):  # a 1 pt anchor paragraph at the top of the next page
            anchor = self.par()
            anchor.paragraph_format.page_break_before = True
            _snap_off(anchor)
            _twips_exact(anchor, 20)
        if anchor is None:
            anchor = self.par()
            _snap_off(anchor)
            _twips_exact(anchor, 20)
        rows: list = []
        if doc.cc:
            p = self.par(WD_ALIGN_PARAGRAPH.JUSTIFY, left=14 * 4, right=14)
            p.paragraph_format.first_line_indent = Pt(-14 * 3)  # 回行 aligned after "抄送："
            self.run(p, "抄送：" + "，".join(doc.cc) + "。", F.FANGSONG, 14)
            rows.append(p)
        if doc.printed_by and doc.header != LETTER:
            pd = doc.print_date or doc.date
            p = self.par(left=14)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(14), alignment=2)  # right tab: 右空一字
            self.run(p, doc.printed_by + ("\t" + format_cn_date(pd) + "印发" if pd else ""), F.FANGSONG, 14)
            rows.append(p)
        pitch_mm = 225.0 / 22
        top_mm = 37.0 + first_row * pitch_mm
        drawing = _anchored_shape(9101, "版记", 28.0, top_mm, 156.0, nrows * pitch_mm, text_box=True,
                                  wrap="wrapTopAndBottom")
        content = drawing.find(".//" + qn("w:txbxContent"))
        for p in rows:
            _snap_off(p)
            _twips_exact(p, LINE_PITCH)  # one grid row per line, as in the PDF
            content.append(p._p)  # moved out of the body into the text box
        run = anchor.add_run()
        run._r.append(drawing)
        if doc.header != LETTER:
            # first and last rules 0.35 mm, the one between 抄送 and 印发 0.25 mm, centred on the row edges;
            # the last one is the bottom edge of the 版心
            cc_rows = nrows - (1 if doc.printed_by else 0)
            rules = [(top_mm, 0.35)]
            if doc.cc and doc.printed_by:
                rules.append((top_mm + cc_rows * pitch_mm, 0.25))
            rules.append((top_mm + nrows * pitch_mm, 0.35))
            for k, (y, w) in enumerate(rules):
                run._r.append(_anchored_shape(9102 + k, "版记分隔线", 28.0, y - w / 2, 156.0, w, fill="000000"))

    def write(self) -> "_NewDocx":
        doc = self.doc
        self.setup()
        if doc.header == LETTER:
            self.par(WD_ALIGN_PARAGRAPH.RIGHT).add_run(doc.doc_no or "")
            self.blank(2)
        elif doc.header == GENERAL:
            # the 版头 takes the PDF's grid rows exactly: 机关标志 (em top 35 mm below the 版心 top) off the grid,
            # its spacing filling the rows above the 文号's row; the 文号 on that row with the red line 4 pt
            # under it; the blank row below it shortened by the border's height; the title two rows lower. On
            # the grid the 机关标志 took two whole rows and pushed the text of a 通报 onto an extra page.
            mark = doc.mark or doc.issuer
            size = fit_size(mark, GENERAL_MARK_SIZE)
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            _snap_off(p)
            before = round(35 * TWIPS_PER_MM)
            line = round(size * 20)
            p.paragraph_format.space_before = Twips(before)
            _twips_exact(p, line)
            p.paragraph_format.space_after = Twips(max(0, general_docno_row(size) * LINE_PITCH - before - line))
            self.run(p, mark, F.XBS, size, RED)
            p = self.par(WD_ALIGN_PARAGRAPH.CENTER)
            self.run(p, doc.doc_no or "", F.FANGSONG, 16)
            _border(p, "bottom", "single", RED_LINE_SZ, "FF0000", RED_LINE_SPACE)
            p = self.par()
            _snap_off(p)
            _twips_exact(p, LINE_PITCH - (RED_LINE_SPACE * 20 + RED_LINE_SZ * 20 // 8))
            self.blank(1)
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
        last_par = None
        for blk in doc.body:
            if isinstance(blk, Table):
                self.table(blk)
                last_par = None
            else:
                last_par = self.paragraph(blk)
        if doc.attachments:
            self.blank()
            for k, name in enumerate(doc.attachments):
                num = f"{k + 1}." if len(doc.attachments) > 1 else ""
                p = self.par(first_chars=2 if k == 0 else 0, left=0 if k == 0 else 16 * 5,
                             keep_next=k == len(doc.attachments) - 1 and bool(doc.signature or doc.date))
                self.run(p, ("附件：" if k == 0 else "") + num + name, F.FANGSONG, 16)
        if doc.signature or doc.date:
            # the last lines of the text, the blank rows, 署名 and 成文日期 stay on one page (no page with only the
            # signature or the date; the seal always has text above it)
            if last_par is not None and not doc.attachments:
                last_par.paragraph_format.keep_with_next = True
            self.blank(2 if doc.sealed else 1, keep_next=True)
            date_text = format_cn_date(doc.date) if doc.date else ""
            right_chars = 4 if doc.sealed else 2
            if doc.signature:
                diff = (len(date_text) * 0.75 - len(doc.signature)) / 2 if date_text else 0
                p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=max(0.0, 16 * (right_chars + diff)),
                             keep_next=bool(date_text))
                self.run(p, doc.signature, F.FANGSONG, 16)
            if date_text:
                p = self.par(WD_ALIGN_PARAGRAPH.RIGHT, right=16 * right_chars, keep_next=bool(doc.note))
                p.paragraph_format.keep_together = True
                self.run(p, date_text, F.FANGSONG, 16)
        if doc.note:
            p = self.par(first_chars=2)
            self.run(p, "（" + doc.note + "）", F.FANGSONG, 16)
        if doc.cc or (doc.printed_by and doc.header != LETTER):
            self.banji()
        return self.d


def _banji_rows(doc: Document, resolver) -> tuple[int, int, int]:
    """Where the PDF puts the 版记: (page breaks after the text's last page, first grid row, rows)."""
    cc_lines = 1 + (len("抄送：" + "，".join(doc.cc) + "。") - 1) // 29 if doc.cc else 0
    nrows = cc_lines + (1 if doc.printed_by and doc.header != LETTER else 0)
    guess = (0, 22 - nrows, nrows)
    if not nrows:
        return guess
    try:
        from .layout import layout

        lay = layout(doc, resolver)
    except Exception:  # noqa: BLE001 - no usable font: the 版记 at the foot of the text's last page
        return guess
    last_text = max((i for i, p in enumerate(lay.pages)
                     if any(r.tag not in ("cc", "printed") for r in p.rows.values())), default=0)
    rows = sorted(k for k, r in lay.pages[-1].rows.items() if r.tag in ("cc", "printed"))
    if not rows:
        return guess
    return len(lay.pages) - 1 - last_text, rows[0], len(rows)


def render_docx(doc: Document, out: str | Path | None = None, *, windows_fonts: bool = False,
                font_names: dict[str, str] | None = None, gb_fonts: bool = False,
                resolver: F.FontResolver | None = None) -> bytes:
    """The editable copy. Font names: detected on this PC (detect_font_names) unless `windows_fonts` (the names
    every Windows PC has) or `gb_fonts` (仿宋_GB2312/楷体_GB2312/方正小标宋简体, the official templates' names)."""
    if windows_fonts:
        names = dict(WINDOWS_FONT_NAMES)
    elif gb_fonts:
        names = dict(GB_FONT_NAMES)
    else:
        names = detect_font_names(resolver)
    names.update(font_names or {})
    d = _Writer(doc, names, _banji_rows(doc, resolver)).write()
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    if out is not None:
        fsutil.atomic_write_bytes(out, data)
    return data


_ = (ATTACH, WD_SECTION)
