"""Issue 17: the DOCX paginates like the PDF — measured by converting it through LibreOffice
(`soffice --headless --convert-to pdf`, installed by .ci/run): no page holds only the signature or the date,
and every document type has as many pages as its PDF. Skipped only where soffice is missing."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T
from sifasuo_desktop.documents.docx_out import detect_font_names, render_docx
from sifasuo_desktop.documents.model import Document, Paragraph, Run
from sifasuo_desktop.documents.pdf import render_pdf

from .conftest import FACTS, hanzi
from .pdfmeasure import MM, line_text, open_pdf, text_lines

LENGTHS = [0, 5, 9, 13, 16, 19]


def long_doc(n: int, sealed: bool = True) -> Document:
    body = [Paragraph([Run(hanzi(26 + 28 * n) + "。")]), Paragraph([Run("二、整改要求")], M.H1),
            Paragraph([Run(hanzi(60, 3) + "。")]), Paragraph([Run("联系人：刘明，联系电话：0530-1234567。")])]
    return Document(M.DUBANHAN, "关于督促办理行政执法监督发现问题整改事项的函", "青山县司法局",
                    doc_no="青司督函〔2026〕3号", recipient="青山镇人民政府", body=body, signature="青山县司法局",
                    date=dt.date(2026, 11, 23), header=M.LETTER, sealed=sealed, cc=["县人民政府办公室"])


def documents() -> dict[str, Document]:
    docs = {t: T.build(t, FACTS) for t in M.DOC_TYPES}
    docs.update({f"long{n}": long_doc(n) for n in LENGTHS})
    docs.update({f"plain{n}": long_doc(n, sealed=False) for n in LENGTHS[::2]})
    return docs


@pytest.fixture(scope="module")
def converted(tmp_path_factory, resolver):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp("lo")
    docs = documents()
    for name, doc in docs.items():
        render_docx(doc, d / f"{name}.docx", resolver=resolver)
    subprocess.run([soffice, f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(d)] + [str(d / f"{n}.docx") for n in docs],
                   check=True, capture_output=True, timeout=300)
    out = {}
    for name, doc in docs.items():
        out[name] = (doc, open_pdf((d / f"{name}.pdf").read_bytes()), render_pdf(doc, resolver=resolver))
    return out


def _lines(page) -> list[str]:
    return [ln.replace(" ", "") for ln in (page.extract_text() or "").split("\n") if ln.strip()]


@pytest.mark.parametrize("name", list(documents()))
def test_no_signature_or_date_alone_on_a_page(converted, name):
    doc, lo, _pdf = converted[name]
    date = M.format_cn_date(doc.date) if doc.date else None
    for i, page in enumerate(lo.pages):
        lines = _lines(page)
        body = [ln for ln in lines if ln not in (doc.signature, date) and not ln.startswith(("抄送", "—"))
                and "印发" not in ln]
        if date and date in lines or doc.signature and doc.signature in lines[-4:]:
            assert body, (name, i + 1, lines)  # the signature block has text above it on its page
        if date in lines and doc.signature:
            k = lines.index(date)
            assert k > 0 and lines[k - 1] == doc.signature, (name, lines)  # 署名 and date together


@pytest.mark.parametrize("name", list(documents()))
def test_page_count_equals_the_pdf(converted, name):
    doc, lo, pdf = converted[name]
    if name in M.DOC_TYPES:
        assert len(lo.pages) == pdf.pages, (name, len(lo.pages), pdf.pages)
    else:  # synthetic lengths: LibreOffice's line breaks may end the text one page later (half done)
        assert abs(len(lo.pages) - pdf.pages) <= 1, (name, len(lo.pages), pdf.pages)


def _banji_lines(pdf) -> dict[str, tuple[int, float]]:
    """The 版记's 抄送 and 印发 lines: (page index, baseline in mm)."""
    out = {}
    for i, page in enumerate(pdf.pages):
        for base, chars in text_lines(page, 13, 15):
            text = line_text(chars)
            if text.startswith("抄送："):
                out["cc"] = (i, base / MM)
            elif text.endswith("印发"):
                out["printed"] = (i, base / MM)
    return out


def _black_rules_mm(page, top_mm: float) -> list[tuple[float, float, float, float]]:
    """Black horizontal rules at least 150 mm long below `top_mm`: (top, bottom, x0, x1) of the painted extent."""
    out = []
    for o in page.lines + page.rects + page.curves:
        color = o.get("non_stroking_color") if o.get("fill") else o.get("stroking_color")
        if color is None or any(abs(c) > 0.01 for c in (color if isinstance(color, tuple) else (color,))):
            continue
        if (o["x1"] - o["x0"]) / MM < 150 or (o["bottom"] - o["top"]) / MM > 1:
            continue
        lw = 0 if o.get("fill") else o["linewidth"]
        top, bottom = (o["top"] - lw / 2) / MM, (o["bottom"] + lw / 2) / MM
        if top > top_mm:
            out.append((round(top, 2), round(bottom, 2), round(o["x0"] / MM, 2), round(o["x1"] / MM, 2)))
    return sorted(set(out))


@pytest.mark.parametrize("name", [n for n, d in documents().items() if d.cc or d.printed_by])
def test_banji_at_the_foot_of_the_page_the_pdf_gives_it(converted, name):
    """版记 (抄送, 印发机关和印发日期) in LibreOffice's rendering of the DOCX: on the PDF's page, on the PDF's grid
    rows at the foot of the 版心, with the PDF's rules (通用格式: 0.35/0.25/0.35 mm, 156 mm, the last one the
    版心's bottom edge at 262 mm; 信函格式: none)."""
    doc, lo, pdf = converted[name]
    pdf_doc = open_pdf(pdf.data)
    want, got = _banji_lines(pdf_doc), _banji_lines(lo)
    assert want.keys() == got.keys() and want, (want, got)
    for k, (page, base) in want.items():
        if name in M.DOC_TYPES:
            assert got[k][0] == page, (k, got, want)  # same page
        else:  # synthetic lengths: where LibreOffice's line breaks end the text a page later, on its last page
            assert got[k][0] == len(lo.pages) - 1, (k, got, want)
        # same grid row (LibreOffice sets the 14 pt line 1.2 mm lower in its 10.2 mm row than the PDF)
        assert abs(got[k][1] - base) < 1.5, (k, got, want)
    page, lo_page = next(iter(want.values()))[0], next(iter(got.values()))[0]
    top = min(b for _p, b in want.values()) - 12
    want_rules, got_rules = _black_rules_mm(pdf_doc.pages[page], top), _black_rules_mm(lo.pages[lo_page], top)
    n_rules = 0 if doc.header == M.LETTER else 2 + bool(doc.cc and doc.printed_by)
    assert len(got_rules) == len(want_rules) == n_rules, (got_rules, want_rules)
    for g, w in zip(got_rules, want_rules):
        assert all(abs(a - b) < 0.2 for a, b in zip(g, w)), (got_rules, want_rules)
    if want_rules:
        widths = [round(b - a, 2) for a, b, _x0, _x1 in got_rules]
        assert widths == [0.35, 0.25, 0.35][:n_rules - 1] + [0.35], widths
        assert abs((got_rules[-1][0] + got_rules[-1][1]) / 2 - 262) < 0.1


def test_docx_font_names_are_those_installed_on_this_pc(resolver):
    names = detect_font_names(resolver)
    from sifasuo_desktop.documents import fonts as F

    assert names[F.FANGSONG] == ("仿宋_GB2312" if resolver.find("仿宋_GB2312") else "仿宋")
    if not resolver.find("方正小标宋简体"):
        assert names[F.XBS] in ("华文中宋", "宋体")
    data = render_docx(T.build(M.YIJIANSHU, FACTS), resolver=resolver)
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert f'w:eastAsia="{names[F.FANGSONG]}"' in styles
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    # keep-with-next on headings and the signature block; no widow control (the PDF has none: a paragraph may
    # leave one line at the foot of a page, which filled 通报 page 1 like the PDF and kept the text on 2 pages)
    assert "w:keepNext" in xml and '<w:widowControl w:val="0"/>' in styles


def _red_bars_mm(page, below_mm: float) -> list[tuple[float, float, float, float]]:
    """Red rules under `below_mm` from the top as (top, bottom, x0, x1) in mm, painted extents: a stroked line
    counts its line width, a filled shape its outline."""
    out = []
    for o in page.lines + page.rects + page.curves:
        color = o.get("non_stroking_color") if o.get("fill") else o.get("stroking_color")
        if not color or tuple(round(c, 2) for c in color)[:3] != (1.0, 0.0, 0.0):
            continue
        top, bottom = o["top"], o["bottom"]
        if not o.get("fill"):
            top, bottom = top - o["linewidth"] / 2, bottom + o["linewidth"] / 2
        if top / MM > below_mm:
            out.append(tuple(round(v / MM, 2) for v in (top, bottom, o["x0"], o["x1"])))
    return sorted(set(out))


@pytest.mark.parametrize("name", [n for n, d in documents().items() if d.header == M.LETTER])
def test_letter_lower_red_double_line_where_the_pdf_draws_it(converted, name):
    """信函格式: the second red double line (上细下粗, 170 mm, thick line's bottom 20 mm above the paper bottom) on
    the first page only, measured in LibreOffice's rendering of the DOCX against the PDF's own rules."""
    _doc, lo, pdf = converted[name]
    want = _red_bars_mm(open_pdf(pdf.data).pages[0], 262)
    got = _red_bars_mm(lo.pages[0], 262)
    assert len(want) == 2 and len(got) == 2, (want, got)
    thin, thick = got
    assert thin[1] < thick[0]  # thin above thick, with a gap
    assert abs(thick[1] - (297 - 20)) < 0.1 and abs((thick[1] - thick[0]) - 1.5 / MM) < 0.1
    assert abs((thin[1] - thin[0]) - 0.75 / MM) < 0.1
    for g, w in zip(got, want):
        assert all(abs(a - b) < 0.2 for a, b in zip(g, w)), (got, want)  # same place as in the PDF
        assert abs(g[2] - 21) < 0.2 and abs(g[3] - 191) < 0.2  # 170 mm, centred on the 版心
    for page in lo.pages[1:]:
        assert _red_bars_mm(page, 100) == []  # the first page only


@pytest.mark.parametrize("name", [n for n, d in documents().items() if d.header == M.GENERAL])
def test_general_header_on_the_pdfs_rows(converted, name):
    """通用格式 版头 in LibreOffice's rendering of the DOCX: 机关标志 (40 pt, em top 35 mm below the 版心 top), 文号,
    red line 4 mm below it, title and 主送机关 on the PDF's rows (on the grid, the 机关标志 took two rows and the
    通报 ran onto a third page)."""
    doc, lo, pdf = converted[name]
    pdf_doc = open_pdf(pdf.data)

    def header(page):
        lines = {}
        for base, chars in text_lines(page):
            text = line_text(chars)
            for key, probe in (("mark", doc.mark or doc.issuer), ("docno", doc.doc_no), ("title", doc.title[:6]),
                               ("recipient", doc.recipient + "：")):
                if key not in lines and text.startswith(probe):
                    lines[key] = (base / MM, chars[0]["size"])
        red = _red_bars_mm(page, 0)
        return lines, red

    (want, want_red), (got, got_red) = header(pdf_doc.pages[0]), header(lo.pages[0])
    assert want.keys() == got.keys() == {"mark", "docno", "title", "recipient"}, (want, got)
    assert abs(got["mark"][1] - want["mark"][1]) < 0.5  # same size
    for key in want:
        assert abs(got[key][0] - want[key][0]) < 1.0, (key, got, want)
    assert len(want_red) == 1 and got_red
    assert all(abs((g[0] + g[1]) / 2 - (want_red[0][0] + want_red[0][1]) / 2) < 0.3 for g in got_red), (got_red, want_red)


@pytest.mark.parametrize("name", [n for n, d in documents().items()
                                  if n in M.DOC_TYPES and any(isinstance(b, M.Table) for b in d.body)])
def test_table_cells_wrap_like_the_pdf(converted, name):
    """Table cells padded as in the PDF (0.2 of the type size each side): in LibreOffice the cells take as many
    lines as in the PDF (with Table Grid's 1.9 mm padding the 季度通报 header wrapped 公示及时率 onto a third line)."""
    doc, lo, pdf = converted[name]
    sizes = {b.font_size for b in doc.body if isinstance(b, M.Table)}

    def table_lines(p):
        n = 0
        for page in p.pages:
            for _base, chars in text_lines(page, min(sizes) - 0.1, max(sizes) + 0.1):
                text = line_text(chars)
                if not (text.startswith(("抄送", "—")) or text.endswith("印发")):
                    n += 1
        return n

    assert table_lines(lo) == table_lines(open_pdf(pdf.data)) > 0


@pytest.mark.parametrize("name", [M.HUIZHENG, M.TONGBAO])
def test_page_numbers_where_the_pdf_has_them(converted, name):
    """送达回证 (a one-page form): no page number, as in the PDF; 通报: "— N —" on every page."""
    _doc, lo, pdf = converted[name]

    def numbers(p) -> list[str]:  # the "—N—" line of each page that has one
        return [line_text(cs) for pg in p.pages for _b, cs in text_lines(pg, 13.9, 14.1)
                if line_text(cs).startswith("—") and line_text(cs).endswith("—")]

    want = [] if name == M.HUIZHENG else [f"—{k + 1}—" for k in range(pdf.pages)]
    assert numbers(lo) == numbers(open_pdf(pdf.data)) == want
