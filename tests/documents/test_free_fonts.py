"""Issue 17: on a PC without the Windows/CESI fonts the free fonts fetched by scripts/install-fonts.sh print the
document in the order 仿宋 ← FandolFang, 小标宋 ← Noto Serif SC Bold, 楷体 ← LXGW WenKai / AR PL UKai,
黑体 ← WenQuanYi Zen Hei — embedded as TrueType, with their licences beside them, and named to the user."""

from pathlib import Path

import pytest

from sifasuo_desktop.documents import fonts as F
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T
from sifasuo_desktop.documents.pdf import render_pdf

from .conftest import FACTS
from .pdfmeasure import embedded_fonts, glyph_has_outline

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"


def _official(r: F.FontResolver) -> bool:
    return not r.substitutes()


@pytest.fixture(scope="module")
def free_resolver():
    if not (FONT_DIR / "FandolFang-Regular-TT.ttf").is_file():
        pytest.skip("scripts/install-fonts.sh has not been run")
    r = F.FontResolver()
    if _official(r):
        pytest.skip("this PC has the official fonts")
    return r


def test_free_fonts_in_the_issue_order(free_resolver):
    d = free_resolver.describe()
    assert d["仿宋"] == "FandolFang"
    if (FONT_DIR / "NotoSerifSC-Bold.ttf").is_file():
        assert "Noto Serif SC" in d["小标宋"]
        assert not free_resolver.synthetic_bold(F.XBS, free_resolver.primary(F.XBS))  # a real bold face
    assert d["黑体"] in ("文泉驿正黑", "WenQuanYi Zen Hei")
    assert d["楷体"] in ("霞鹜文楷", "LXGW WenKai", "AR PL UKai CN")


def test_every_fetched_font_has_its_licence_beside_it():
    fonts = sorted(FONT_DIR.glob("*.ttf")) if FONT_DIR.is_dir() else []
    if not fonts:
        pytest.skip("scripts/install-fonts.sh has not been run")
    for f in fonts:
        lic = f.with_name(f.stem + ".LICENSE.txt")
        assert lic.is_file() and lic.stat().st_size > 1000, f.name
    text = (FONT_DIR / "FandolFang-Regular-TT.LICENSE.txt").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "font exception" in text


def test_pdf_embeds_the_free_fonts_and_says_so(free_resolver):
    res = render_pdf(T.build(M.YIJIANSHU, FACTS), resolver=free_resolver)
    names = " ".join(f["name"] for f in embedded_fonts(res.data))
    assert all(f["embedded"] for f in embedded_fonts(res.data))
    fang = [f for f in embedded_fonts(res.data) if "FandolFang" in f["name"]]
    assert fang and any(glyph_has_outline(f, "监") for f in fang), names
    assert res.substitutes["仿宋"] == "FandolFang"
    assert "替代字体" in res.substitute_note and "FandolFang" in res.substitute_note
    # 堃 is not in FandolFang: printed by the next font of the chain, never as an empty box
    assert not res.missing


def test_cli_render_names_the_stand_in_fonts(ds, tmp_path, capsys, free_resolver):
    from sifasuo_desktop.cli import main
    from sifasuo_desktop.documents import service as S

    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    data_dir = str(store.data_dir)
    store.close()
    capsys.readouterr()
    code = main(["docs", "render", row["id"], "--data-dir", data_dir, "--out", str(tmp_path / "a.pdf")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "FandolFang" in out and "替代字体" in err
