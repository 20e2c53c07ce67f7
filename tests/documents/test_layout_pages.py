"""Issue 17 layout: the seal never covers text, no page ends with 4+ empty rows before content that fits,
a date never splits across a page break — measured on the engine's pages and on the rendered PDFs."""

import datetime as dt
import math

import pytest

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents.layout import DATE_RE, PITCH, ROWS, SEAL_DIAMETER, layout, row_top
from sifasuo_desktop.documents.model import Document, Paragraph, Run
from sifasuo_desktop.documents.pdf import render_pdf

from .conftest import hanzi
from .pdfmeasure import MM, line_text, open_pdf, text_lines

CONTACT = "联系人：刘明，联系电话：0530-1234567。"


def sealed_doc(n: int, contact: str = CONTACT, header=M.LETTER, sealed=True, headings=False) -> Document:
    body = [Paragraph([Run(hanzi(26 + 28 * n) + "。")])]
    if headings:
        body += [Paragraph([Run("二、整改要求")], M.H1), Paragraph([Run(hanzi(40, 3) + "。")])]
    if contact:
        body.append(Paragraph([Run(contact)]))
    return Document(M.DUBANHAN, "关于督促办理行政执法监督发现问题整改事项的函", "青山县司法局",
                    doc_no="青司督函〔2026〕3号", recipient="青山镇人民政府", body=body, signature="青山县司法局",
                    date=dt.date(2026, 11, 23), header=header, sealed=sealed)


def _seal_hits(lay) -> list[str]:
    """Text rows (other than the signature block) whose em box the seal circle touches."""
    if lay.seal is None:
        return []
    pi, cx, cy = lay.seal
    radius = SEAL_DIAMETER / 2
    hits = []
    for r, row in lay.pages[pi].rows.items():
        if row.tag in ("sig", "date", "note") or not row.glyphs:
            continue
        top = row_top(r) + (PITCH - row.size) / 2
        bottom = top + row.size
        for g in row.glyphs:
            x0, x1 = g.x, g.x + g.face.width(g.ch, g.size)
            nx, ny = min(max(cx, x0), x1), min(max(cy, top), bottom)
            if math.hypot(nx - cx, ny - cy) < radius:
                hits.append(row.text)
                break
    return hits


@pytest.mark.parametrize("n", range(0, 44))
def test_seal_never_covers_the_contact_line(resolver, n):
    lay = layout(sealed_doc(n), resolver)
    assert lay.seal is not None
    assert _seal_hits(lay) == [], n
    pi, cx, cy = lay.seal
    rows = lay.pages[pi].rows
    sig = next(r for r in rows if rows[r].tag == "sig")
    date = next(r for r in rows if rows[r].tag == "date")
    # the seal still presses on both the 署名 and the 成文日期
    assert row_top(sig) - 1 <= cy + SEAL_DIAMETER / 2 and row_top(date) + PITCH >= cy - SEAL_DIAMETER / 2
    assert row_top(date) < cy + SEAL_DIAMETER / 2 and row_top(sig) + PITCH > cy - SEAL_DIAMETER / 2


@pytest.mark.parametrize("n", [3, 14, 17, 18, 36, 39, 40])
def test_seal_clear_of_text_in_the_pdf(resolver, tmp_path, n):
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((5, 5, 395, 395), outline=(255, 0, 0, 255), width=12)
    path = tmp_path / "seal.png"
    img.save(path)
    res = render_pdf(sealed_doc(n), resolver=resolver, seal_image=str(path))
    pdf = open_pdf(res.data)
    page = next(p for p in pdf.pages if p.images)
    im = page.images[0]
    cx, cy, radius = (im["x0"] + im["x1"]) / 2, (im["top"] + im["bottom"]) / 2, (im["x1"] - im["x0"]) / 2
    sig_block = {"青山县司法局", "2026年11月23日"}
    for _b, cs in text_lines(page, 15.5, 16.5):
        if line_text(cs) in sig_block:
            continue
        for c in cs:
            # the em box of a 16 pt character
            nx = min(max(cx, c["x0"]), c["x1"])
            ny = min(max(cy, c["top"]), c["bottom"])
            assert math.hypot(nx - cx, ny - cy) >= radius - 0.5, (n, line_text(cs))


def _trailing_empty(page) -> int:
    return ROWS - 1 - max(page.rows) if page.rows else ROWS


@pytest.mark.parametrize("sealed", [True, False])
@pytest.mark.parametrize("headings", [False, True])
@pytest.mark.parametrize("n", range(0, 44))
def test_no_page_ends_with_four_empty_rows(resolver, n, sealed, headings):
    lay = layout(sealed_doc(n, sealed=sealed, headings=headings), resolver)
    content = [i for i, p in enumerate(lay.pages) if any(r.tag not in ("cc", "printed") for r in p.rows.values())]
    for i in content[:-1]:
        assert _trailing_empty(lay.pages[i]) <= 3, (n, i, sorted(lay.pages[i].rows))


@pytest.mark.parametrize("doc_type", [t for t in M.DOC_TYPES if t != M.HUIZHENG])
@pytest.mark.parametrize("extra", [0, 5, 9, 13, 17])
def test_every_type_fills_its_pages(resolver, doc_type, extra):
    from sifasuo_desktop.documents import templates as T

    from .conftest import FACTS

    d = T.build(doc_type, FACTS)
    d.body = [Paragraph([Run(hanzi(26 + 28 * extra) + "。")])] + d.body
    lay = layout(d, resolver)
    content = [i for i, p in enumerate(lay.pages) if any(r.tag not in ("cc", "printed") for r in p.rows.values())]
    for i in content[:-1]:
        assert _trailing_empty(lay.pages[i]) <= 3, (doc_type, extra, i, sorted(lay.pages[i].rows))
    assert _seal_hits(lay) == []


def date_text(n: int) -> str:
    return hanzi(n) + "，请于2026年12月10日前报送，并于12月20日前完成复查。" + hanzi(200, 3) + "。"


@pytest.mark.parametrize("n", range(380, 470, 2))
def test_date_never_splits_across_a_page_break(resolver, n):
    # the dates fall on every column around the first page break
    text = date_text(n)
    d = sealed_doc(0, contact="")
    d.body = [Paragraph([Run(text)])]
    lay = layout(d, resolver)
    for a, b in zip(lay.pages, lay.pages[1:]):
        if not a.rows or not b.rows:
            continue
        last = a.rows[max(a.rows)].text
        first = b.rows[min(b.rows)].text
        joined = last + first
        for m in DATE_RE.finditer(joined):
            assert not (m.start() < len(last) < m.end()), (n, last, first)

