"""Line breaking (避头尾), 文号/date formats, templates and the DOCX copy."""

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T
from sifasuo_desktop.documents.docx_out import render_docx
from sifasuo_desktop.documents.layout import CELL, COLS, NO_END, NO_START, _Builder

from .conftest import FACTS

WORDS = st.text(alphabet="行政执法监督司法所整改问题案卷评查程序", min_size=1, max_size=7)
PUNCT = st.sampled_from(["", "，", "。", "、", "；", "：", "！", "？", "“", "”", "《", "》", "（", "）", "……", "——",
                         "〔2026〕", "12号", "ABC", "%"])


@st.composite
def paragraph_text(draw):
    parts = draw(st.lists(st.tuples(WORDS, PUNCT), min_size=1, max_size=40))
    return "".join(w + p for w, p in parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=paragraph_text())
def test_kinsoku_no_forbidden_line_starts_or_ends(resolver, text):
    b = _Builder(M.Document(M.DUBANHAN, "", ""), resolver)
    rows = b.para_rows([(text, "fangsong")], first_indent=2)
    assert "".join(r.text for r in rows) == text.replace(" ", "")
    for k, row in enumerate(rows):
        s = row.text
        if k > 0:
            assert s[0] not in NO_START, (k, [r.text for r in rows])
        if k < len(rows) - 1:
            assert s[-1] not in NO_END, (k, [r.text for r in rows])
        right = max(g.x + g.face.width(g.ch, g.size) for g in row.glyphs)
        left_edge = 28 * 72 / 25.4
        # at most one hanging punctuation mark beyond the 28th cell
        assert right <= left_edge + (COLS + 1) * CELL + 0.5


def test_comma_hangs_instead_of_starting_a_line(resolver):
    b = _Builder(M.Document(M.DUBANHAN, "", ""), resolver)
    text = "监" * 26 + "，" + "督" * 10
    rows = b.para_rows([(text, "fangsong")], first_indent=2)
    assert rows[0].text.endswith("，") and len(rows[0].text) == 27  # 26 + hanging comma
    assert rows[1].text[0] == "督"


def test_opening_bracket_never_ends_a_line(resolver):
    b = _Builder(M.Document(M.DUBANHAN, "", ""), resolver)
    text = "监" * 25 + "《行政执法监督条例》规定"
    rows = b.para_rows([(text, "fangsong")], first_indent=2)
    assert not rows[0].text.endswith("《")
    assert rows[1].text.startswith("《")


@pytest.mark.parametrize("code,year,seq,expected", [
    ("青司督函", 2026, 3, "青司督函〔2026〕3号"),
    ("X司监意", 2025, 12, "X司监意〔2025〕12号"),
])
def test_doc_no_format(code, year, seq, expected):
    assert M.format_doc_no(code, year, seq) == expected
    assert M.parse_doc_no(expected) == (code, year, seq)


@pytest.mark.parametrize("bad", [("", 2026, 1), ("青司〔", 2026, 1), ("青司", 26, 1), ("青司", 2026, 0)])
def test_doc_no_rejects_bad_parts(bad):
    with pytest.raises(ValueError):
        M.format_doc_no(*bad)


def test_doc_no_parse_rejects_nonstandard_forms():
    for s in ["青司督函〔2026〕03号", "青司督函(2026)3号", "青司督函【2026】3号", "青司督函〔2026〕第3号"]:
        assert M.parse_doc_no(s) is None


def test_chinese_date_format():
    assert M.format_cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert M.parse_cn_date("2026年1月5日") == dt.date(2026, 1, 5)
    assert M.parse_cn_date("2026年01月05日") is None
    assert M.parse_cn_date("2026年2月30日") is None


def test_document_json_round_trip():
    d = T.build(M.TONGBAO, FACTS)
    again = M.Document.from_dict(d.to_dict())
    assert again == d


def test_templates_use_the_facts():
    d = T.build(M.DUBANHAN, FACTS)
    text = d.all_text()
    assert d.header == M.LETTER and d.recipient == "青山镇人民政府"
    assert "青司监意〔2026〕7号" in text and "2026年12月10日" in text and "王堃" in text
    y = T.build(M.YIJIANSHU, {**FACTS, "deadline": None, "reply_days": 20})
    assert "20日内" in y.all_text() and y.recipient_label == "被监督单位"
    with pytest.raises(ValueError):
        T.build("nonsense", {})


def _xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def test_docx_page_setup_grid_and_fonts():
    from docx import Document as Docx

    data = render_docx(T.build(M.DUBANHAN, FACTS), gb_fonts=True)  # the official templates' font names
    d = Docx(io.BytesIO(data))
    sec = d.sections[0]
    mm = 36000
    assert round(sec.page_width / mm) == 210 and round(sec.page_height / mm) == 297
    assert round(sec.top_margin / mm) == 37 and round(sec.bottom_margin / mm) == 35
    assert round(sec.left_margin / mm) == 28 and round(sec.right_margin / mm) == 26
    doc_xml = _xml(data, "word/document.xml")
    assert 'w:type="lines"' in doc_xml and 'w:linePitch="579"' in doc_xml
    assert 'w:titlePg' in doc_xml  # 信函: own first-page header
    styles = _xml(data, "word/styles.xml")
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:val="-5"' in styles and 'w:sz w:val="32"' in styles
    assert "青司督函〔2026〕3号" in doc_xml and "2026年11月23日" in doc_xml
    assert 'w:eastAsia="黑体"' in doc_xml and 'w:eastAsia="方正小标宋简体"' in doc_xml
    headers = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/header")]
    assert any("青山县司法局" in _xml(data, h) and "thickThinSmallGap" in _xml(data, h) for h in headers)
    footers = [_xml(data, n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/footer")]
    assert sum(" PAGE " in f for f in footers) == 2  # odd and even footers
    assert "w:evenAndOddHeaders" in _xml(data, "word/settings.xml")


def test_docx_windows_font_option():
    data = render_docx(T.build(M.YIJIANSHU, FACTS), windows_fonts=True)
    assert 'w:eastAsia="仿宋"' in _xml(data, "word/styles.xml")


@pytest.mark.parametrize("doc_type", list(M.DOC_TYPES))
def test_docx_every_type(doc_type):
    from docx import Document as Docx

    d = T.build(doc_type, FACTS)
    data = render_docx(d)
    text = "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)
    assert d.title.split("\n")[0][:5] in text


def test_docx_grid_in_libreoffice(tmp_path):
    """Where LibreOffice is installed: the DOCX lays out 22 lines x 28 characters like the PDF."""
    import shutil
    import subprocess

    from .pdfmeasure import MM, line_text, open_pdf, text_lines
    from .test_engine_pdf import long_doc

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    src = tmp_path / "long.docx"
    render_docx(long_doc(), src)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    pdf = open_pdf((tmp_path / "long.pdf").read_bytes())
    page = pdf.pages[1]
    lines = text_lines(page, 15, 17)
    assert len(lines) == 22
    full = [cs for _b, cs in lines if len(line_text(cs)) == 28]
    assert len(full) >= 10
    for cs in full:
        assert abs(cs[0]["x0"] / MM - 28) < 1 and abs(cs[-1]["x1"] / MM - 184) < 1
    footer = sorted([c for c in page.chars if c["top"] / MM > 262], key=lambda c: c["x0"])
    assert "".join(c["text"] for c in footer).replace(" ", "") == "—2—"
    assert abs(footer[0]["x0"] / MM - (28 + 14 / MM)) < 1.5  # even page: 居左空一字


def test_docx_title_lines_balanced_and_table_widths():
    from docx import Document as Docx

    from sifasuo_desktop.documents.docx_out import balanced_lines

    assert balanced_lines("关于督促办理行政执法监督发现问题整改事项的函") == ["关于督促办理行政执法监督", "发现问题整改事项的函"]
    assert balanced_lines("短标题") == ["短标题"]
    d = Docx(io.BytesIO(render_docx(T.build(M.TONGBAO, FACTS))))
    widths = [c.width for c in d.tables[0].columns]
    assert widths[0] > 2 * widths[1] and abs(sum(widths) / 36000 - 156) < 1
