"""Measure the rendered PDFs themselves (pdfplumber / pypdf / fontTools)."""

import datetime as dt
import re

import pytest

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T
from sifasuo_desktop.documents.layout import layout
from sifasuo_desktop.documents.model import Document, Paragraph, Run
from sifasuo_desktop.documents.pdf import render_pdf

from .conftest import FACTS, hanzi
from .pdfmeasure import MM, embedded_fonts, glyph_has_outline, line_text, open_pdf, text_lines

PITCH_MM = 225 / 22


def long_doc(header=M.LETTER, n_paras=9, chars=130, **kw) -> Document:
    body = [Paragraph([Run(hanzi(chars, 7 * i) + "。")]) for i in range(n_paras)]
    d = Document(M.DUBANHAN, "关于督促办理行政执法监督发现问题整改事项的函", "青山县司法局",
                 doc_no="青司督函〔2026〕3号", recipient="青山镇人民政府", body=body, signature="青山县司法局",
                 date=dt.date(2026, 11, 23), cc=["县人民政府办公室"], header=header, **kw)
    return d


@pytest.fixture(scope="module")
def long_pdf(resolver):
    res = render_pdf(long_doc(), resolver=resolver)
    return res, open_pdf(res.data)


def body_lines(page):
    return [(b, cs) for b, cs in text_lines(page, 15.5, 16.5)]


def test_page_size_is_a4(long_pdf):
    _res, pdf = long_pdf
    assert len(pdf.pages) >= 3
    for p in pdf.pages:
        assert abs(p.width - 210 * MM) < 0.5 and abs(p.height - 297 * MM) < 0.5


def test_full_page_has_22_lines_on_the_grid(long_pdf):
    _res, pdf = long_pdf
    page = pdf.pages[1]  # a continuation page completely filled with body text
    lines = body_lines(page)
    assert len(lines) == 22
    bases = [b / MM for b, _ in lines]
    for a, b in zip(bases, bases[1:]):
        assert abs((b - a) - PITCH_MM) < 0.05
    # em boxes of the first and last line inside the 版心 (37 mm .. 262 mm from the top)
    first_top = min(c["top"] for c in lines[0][1]) / MM
    last_bottom = max(c["bottom"] for c in lines[-1][1]) / MM
    assert 37 - 1 <= first_top and last_bottom <= 262 + 1


def test_full_lines_have_28_characters_and_fill_the_block(long_pdf):
    _res, pdf = long_pdf
    checked = 0
    for page in pdf.pages[:2]:
        lines = body_lines(page)
        for i, (_b, cs) in enumerate(lines):
            txt = line_text(cs)
            if not re.fullmatch(r"[\u4e00-\u9fff]+", txt):
                continue  # paragraph ends, headers, punctuation lines
            nxt = line_text(lines[i + 1][1]) if i + 1 < len(lines) else ""
            if not re.fullmatch(r"[\u4e00-\u9fff。]+", nxt or "x"):
                continue
            left = cs[0]["x0"] / MM
            right = cs[-1]["x1"] / MM
            if abs(left - 28) < 1:  # continuation line: 顶格
                assert len(txt) == 28, txt
            else:  # first line: 左空二字
                assert abs(left - (28 + 2 * 156 / 28)) < 1
                assert len(txt) == 26, txt
            assert abs(right - 184) < 1, (txt, right)
            checked += 1
    assert checked >= 20


def test_fonts_embedded_truetype_and_listed_in_metadata(long_pdf, resolver):
    res, pdf = long_pdf
    fonts = embedded_fonts(res.data)
    assert fonts
    for f in fonts:
        assert f["subtype"] == "/TrueType" and f["embedded"], f["name"]
        assert "Helvetica" not in f["name"]
    kw = pdf.metadata.get("Keywords", "")
    assert "仿宋=" + resolver.primary("fangsong").display in kw
    assert res.fonts["仿宋"] == resolver.primary("fangsong").display


def test_doc_no_and_date_formats(long_pdf):
    _res, pdf = long_pdf
    text = "".join(p.extract_text() for p in pdf.pages).replace(" ", "")
    assert re.search(r"青司督函〔2026〕3号", text)
    assert re.search(r"(?<!\d)2026年11月23日", text)
    assert not re.search(r"年0\d月|月0\d日", text)


def test_letter_first_page_layout(long_pdf):
    _res, pdf = long_pdf
    p1 = pdf.pages[0]
    red = [ln for ln in p1.lines if ln["stroking_color"] and tuple(ln["stroking_color"])[:3] == (1.0, 0.0, 0.0)]
    assert len(red) == 4
    for ln in red:
        assert abs(ln["x0"] / MM - 21) < 0.5 and abs(ln["x1"] / MM - 191) < 0.5  # 170 mm, centred on the 版心
    tops = sorted(ln["top"] / MM for ln in red)
    mark = [c for c in p1.chars if c["size"] > 20 and c["non_stroking_color"] and
            tuple(c["non_stroking_color"])[:3] == (1.0, 0.0, 0.0)]
    assert "".join(c["text"] for c in sorted(mark, key=lambda c: c["x0"])) == "青山县司法局"
    # 上粗下细 first pair just below the 机关标志; second pair 20 mm above the paper bottom
    assert 30 < tops[0] < 50 and tops[1] - tops[0] < 3
    widths = {round(ln["top"] / MM, 1): ln["linewidth"] for ln in red}
    assert widths[round(tops[0], 1)] > widths[round(tops[1], 1)]
    assert abs(max(tops) - 277) < 1 and widths[round(tops[3], 1)] > widths[round(tops[2], 1)]
    # 文号 顶格 at the right edge of the 版心, below the double line
    no = [(b, cs) for b, cs in text_lines(p1, 15.5, 16.5) if "〔2026〕" in line_text(cs)]
    assert no and abs(no[0][1][-1]["x1"] / MM - 184) < 1 and no[0][0] / MM > tops[1]
    # no page number on the first page of a letter
    assert not [c for c in p1.chars if c["top"] / MM > 263 and c["text"].strip()]


def page_number_chars(page):
    return sorted([c for c in page.chars if c["top"] / MM > 262 and abs(c["size"] - 14) < 0.1],
                  key=lambda c: c["x0"])


def test_page_numbers_form_and_position(long_pdf):
    _res, pdf = long_pdf
    for i, page in enumerate(pdf.pages[1:], start=2):
        cs = page_number_chars(page)
        txt = "".join(c["text"] for c in cs)
        assert re.fullmatch(rf"— {i} —", txt), txt
        base = (page.height - cs[0]["matrix"][5]) / MM
        centre = base - 0.38 * 14 / MM  # centre of the em box
        assert abs(centre - 269) < 1.0  # 一字线 7 mm below the 版心
        if i % 2 == 0:
            assert abs(cs[0]["x0"] / MM - (28 + 14 / MM)) < 1  # even: 居左空一字
        else:
            assert abs(cs[-1]["x1"] / MM - (184 - 14 / MM)) < 1  # odd: 居右空一字


def test_general_format_numbers_every_page(resolver):
    res = render_pdf(long_doc(header=M.GENERAL, n_paras=4, printed_by="青山县司法局办公室"), resolver=resolver)
    pdf = open_pdf(res.data)
    for i, page in enumerate(pdf.pages, start=1):
        assert "".join(c["text"] for c in page_number_chars(page)) == f"— {i} —"
    last = pdf.pages[-1]
    thick = [ln for ln in last.lines if abs(ln["linewidth"] - 0.35 * MM) < 0.05]
    assert thick and abs(max(ln["bottom"] for ln in thick) / MM - 262) < 0.5  # 版记 ends on the 版心 bottom
    assert any("印发" in line_text(cs) for _b, cs in text_lines(last))


def test_rare_name_characters_printed_with_real_glyphs(resolver):
    d = long_doc(n_paras=1)
    d.body.append(Paragraph([Run("当事人王堃、李赟、张喆，生僻字㐀。")]))
    res = render_pdf(d, resolver=resolver)
    fonts = embedded_fonts(res.data)
    for ch in "堃赟喆㐀":
        holders = [f for f in fonts if ch in f["tounicode"]]
        assert holders, ch
        assert all(glyph_has_outline(f, ch) for f in holders), ch
    # 㐀 is not in the body font here: it must be reported as printed by a fallback font
    if not resolver.primary("fangsong").has("㐀"):
        assert any(f.char == "㐀" and f.face for f in res.fallbacks)
        assert "㐀" in res.fallback_warning
        assert "备用字体" in open_pdf(res.data).metadata["Keywords"]


def test_missing_character_is_reported(resolver):
    d = long_doc(n_paras=1)
    d.body.append(Paragraph([Run("\U000F0000")]))  # private use plane: no font has it
    res = render_pdf(d, resolver=resolver)
    assert "\U000F0000" in res.missing and "空框" in res.fallback_warning


@pytest.mark.parametrize("n", range(0, 44, 3))
def test_no_page_holds_only_signature_and_date(resolver, n):
    d = long_doc(n_paras=1, chars=26 + 28 * n)
    d.cc = []
    lay = layout(d, resolver)
    for i, p in enumerate(lay.pages):
        tags = [p.rows[r].tag for r in sorted(p.rows)]
        if "date" in tags:
            before = [t for t in tags[:tags.index("sig")] if t not in ("blank",)]
            assert len(before) >= 1, (n, tags)
            if len(before) == 1:  # only when two text rows would have left 4+ empty rows on the page before
                assert i > 0 and max(lay.pages[i - 1].rows) >= 22 - 4, (n, tags)
            assert tags.index("date") == tags.index("sig") + 1


@pytest.mark.parametrize("header", [M.LETTER, M.GENERAL, M.PLAIN])
@pytest.mark.parametrize("n", range(0, 24, 2))
def test_banji_at_the_foot_of_the_last_even_page(resolver, n, header):
    d = long_doc(header=header, n_paras=1, chars=26 + 28 * n, printed_by="青山县司法局办公室")
    d.cc = ["青山镇党委", "县人民政府办公室"]
    lay = layout(d, resolver)
    last = lay.pages[-1]
    assert len(lay.pages) % 2 == 0, (n, header)  # 双面印刷: the 版记 is on the back of the last sheet
    tags = {r: last.rows[r].tag for r in last.rows}
    foot = [r for r, t in tags.items() if t in ("cc", "printed")]
    assert foot and max(foot) == 21, (n, header, tags)  # its last rule is the bottom edge of the 版心
    date_page = next(i for i, p in enumerate(lay.pages) if any(r.tag == "date" for r in p.rows.values()))
    for p in lay.pages[date_page + 1:-1]:  # pages between the signature and the 版记 are blank, unnumbered
        assert not p.rows and not p.show_number
    if len(lay.pages) - date_page > 2:
        assert not last.show_number  # a 版记 page after a blank page carries no number
    for p in lay.pages:
        tags_p = [p.rows[r].tag for r in sorted(p.rows)]
        if "date" in tags_p:
            before = [t for t in tags_p[:tags_p.index("sig")] if t != "blank"]
            assert len(before) >= 1, (n, tags_p)


def test_seal_image_centred_over_date(resolver, tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((5, 5, 395, 395), outline=(255, 0, 0, 255), width=12)
    path = tmp_path / "seal.png"
    img.save(path)
    res = render_pdf(long_doc(n_paras=2), resolver=resolver, seal_image=str(path))
    pdf = open_pdf(res.data)
    pages = [p for p in pdf.pages if p.images]
    assert len(pages) == 1
    page = pages[0]
    im = page.images[0]
    assert abs((im["x1"] - im["x0"]) / MM - 42) < 0.5
    lines = text_lines(page, 15.5, 16.5)
    date = [cs for _b, cs in lines if line_text(cs) == "2026年11月23日"][0]
    sig = [(b, cs) for b, cs in lines if line_text(cs) == "青山县司法局"][-1]
    cx = (im["x0"] + im["x1"]) / 2
    assert abs(cx - (date[0]["x0"] + date[-1]["x1"]) / 2) < 1 * MM
    cy = (im["top"] + im["bottom"]) / 2
    assert min(c["top"] for c in sig[1]) >= cy - 1  # 署名 and date below the seal centre
    assert abs(date[-1]["x1"] / MM - (184 - 4 * 156 / 28)) < 1  # 成文日期右空四字
    body_rows = [b for b, cs in lines if b < sig[0] - 1]
    assert im["top"] - (max(body_rows)) < PITCH_MM * MM  # seal top within one line of the text


@pytest.mark.parametrize("doc_type", list(M.DOC_TYPES))
def test_every_document_type_renders(resolver, doc_type):
    d = T.build(doc_type, FACTS)
    res = render_pdf(d, resolver=resolver)
    pdf = open_pdf(res.data)
    text = "".join(p.extract_text() for p in pdf.pages)
    assert M.DOC_TYPES[doc_type][-3:] in text.replace("\n", "") or d.title.replace("\n", "")[:6] in text
    assert all(f["embedded"] for f in embedded_fonts(res.data))
    assert not res.missing
    if doc_type == M.HUIZHENG:
        assert res.pages == 1
        assert pdf.pages[0].lines  # ruled form
        assert not [c for c in pdf.pages[0].chars if c["top"] / MM > 262 and c["text"].strip()]  # no page number


@pytest.mark.parametrize("n", range(0, 22))
def test_heading_never_last_line_of_a_page(resolver, n):
    body = [Paragraph([Run(hanzi(26 + 28 * n) + "。")]), Paragraph([Run("三、整改期限及报送要求")], M.H1),
            Paragraph([Run(hanzi(60, 5) + "。")])]
    d = Document(M.YIJIANSHU, "行政执法监督意见书", "青山县司法局", doc_no="青司监意〔2026〕1号",
                 recipient="青山镇人民政府", recipient_label="被监督单位", body=body, header=M.PLAIN)
    lay = layout(d, resolver)
    for p in lay.pages:
        last = max(p.rows)
        assert p.rows[last].text != "三、整改期限及报送要求", n
    assert sum(1 for p in lay.pages for r in p.rows.values() if r.text == "三、整改期限及报送要求") == 1
