"""The 小标宋 stand-in built from a CFF serif bold font: TrueType, found by name, used for titles."""

import pytest

from sifasuo_desktop.documents import fontbuild as B
from sifasuo_desktop.documents import fonts as F
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T
from sifasuo_desktop.documents.pdf import render_pdf

from .conftest import FACTS
from .pdfmeasure import embedded_fonts, glyph_has_outline, open_pdf


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    r = F.FontResolver()
    if B.find_source(r) is None:
        pytest.skip("no CFF serif bold CJK font installed (fonts-noto-cjk)")
    out = tmp_path_factory.mktemp("fonts")
    title = T.build(M.DUBANHAN, FACTS).title + "青山县司法局"
    path = B.build_title_font(r, out, text=title)
    return out, path


def test_built_font_is_truetype_and_renamed(built):
    from fontTools.ttLib import TTFont

    _out, path = built
    tt = TTFont(str(path))
    assert "glyf" in tt and "CFF " not in tt
    assert tt["name"].getDebugName(1) == B.STANDIN_FAMILY
    assert tt["OS/2"].fsType == 0


def test_titles_use_the_built_font_without_synthetic_bold(built):
    out, _path = built
    r = F.FontResolver(dirs=[out] + F.font_dirs())
    face = r.primary(F.XBS)
    assert face.display == B.STANDIN_FAMILY and not r.synthetic_bold(F.XBS, face)
    res = render_pdf(T.build(M.DUBANHAN, FACTS), resolver=r)
    assert res.fonts["小标宋"] == B.STANDIN_FAMILY
    fonts = embedded_fonts(res.data)
    title_fonts = [f for f in fonts if "SifasuoTitleSerif" in f["name"]]
    assert title_fonts and all(f["embedded"] for f in title_fonts)
    assert glyph_has_outline(title_fonts[0], "督")
    pdf = open_pdf(res.data)
    big = [c for c in pdf.pages[0].chars if c["size"] > 20]
    assert big and all("SifasuoTitleSerif" in c["fontname"] for c in big if c["text"] in "督促办理")
