"""Build TrueType copies of free CFF fonts, once, at install time.

reportlab embeds only TrueType (glyf) outlines, and the free CJK fonts closest to the 公文 faces are CFF:
* 小标宋 stand-in: Noto Serif CJK SC Bold (OFL) — a subset (GB2312 + ASCII + punctuation + common name
  characters) is converted and saved renamed ("Sifasuo Title Serif"); `sifasuo docs build-title-font`.
  (A ready glyf build, Noto Serif SC Bold from the npm registry, needs no conversion: scripts/install-fonts.sh.)
* 仿宋: FandolFang (GPL with the font exception, from Debian's texlive-lang-chinese) — every character it
  has is converted, keeping its family name "FandolFang" (the CFF original, if installed, is skipped by the
  resolver because reportlab cannot embed it).
Conversion takes 30–60 s per font; nothing is downloaded here.

    python -m sifasuo_desktop.documents.fontbuild --fandol FandolFang-Regular.otf --out-dir resources/fonts
"""
from __future__ import annotations

from pathlib import Path

STANDIN_FAMILY = "Sifasuo Title Serif"
STANDIN_FILE = "SifasuoTitleSerif-Bold.ttf"
SOURCES = ["Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "思源宋体"]
NAME_CHARS = "堃赟喆镕昇珺玥瑄犇垚淼焱鑫骉羴劼琪祎"


def gb2312_text() -> str:
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars) + "".join(chr(c) for c in range(0x20, 0x7F)) + "〔〕“”‘’—…·《》（）【】" + NAME_CHARS


def find_source(resolver) -> tuple[str, int] | None:
    """(path, index) of a Bold CFF serif CJK font installed on this machine."""
    for fam in SOURCES:
        for info in resolver.find(fam):
            low = " ".join(info.names).lower()
            if "bold" in low or "black" in low:
                return info.path, info.index
    for info in resolver.find("Noto Serif CJK SC Bold"):
        return info.path, info.index
    return None


def convert(src: str, index: int, out: str | Path, text: str | None = None,
            family: str = STANDIN_FAMILY, style: str = "Bold") -> Path:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(src, fontNumber=index, lazy=False)
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(text=text if text is not None else gb2312_text())
    sub.subset(font)
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        gs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    font.sfntVersion = "\x00\x01\x00\x00"
    if "OS/2" in font:
        font["OS/2"].fsType = 0  # OFL: installable embedding
    names = font["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=rec.nameID)
    ps = family.replace(" ", "") + "-" + style
    for nid, val in ((1, family), (2, "Regular"), (3, ps), (4, family), (6, ps)):
        names.setName(val, nid, 3, 1, 0x409)
        names.setName(val, nid, 1, 0, 0)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out


def build_title_font(resolver, out_dir: str | Path, text: str | None = None) -> Path:
    from sifasuo_desktop.domain.errors import UserError

    src = find_source(resolver)
    if src is None:
        raise UserError("本机没有可转换的粗宋体（如 Noto Serif CJK SC Bold，Debian 软件包 fonts-noto-cjk）。")
    return convert(src[0], src[1], Path(out_dir) / STANDIN_FILE, text)


FANDOL_FAMILY = "FandolFang"
FANDOL_FILE = "FandolFang-Regular-TT.ttf"


def all_chars(src: str, index: int = 0) -> str:
    from fontTools.ttLib import TTFont

    return "".join(chr(c) for c in TTFont(src, fontNumber=index, lazy=True).getBestCmap())


def build_fandol(src: str, out_dir: str | Path) -> Path:
    """FandolFang-Regular.otf (CFF) -> <out_dir>/FandolFang-Regular-TT.ttf with every character it has."""
    return convert(src, 0, Path(out_dir) / FANDOL_FILE, all_chars(src), family=FANDOL_FAMILY, style="Regular")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m sifasuo_desktop.documents.fontbuild",
                                 description="把免费 CFF 字体转换为可嵌入 PDF 的 TrueType 字体（安装时执行一次）")
    ap.add_argument("--fandol", help="FandolFang-Regular.otf（仿宋替代字体）")
    ap.add_argument("--title", help="Noto Serif CJK SC Bold .ttc/.otf（小标宋替代字体，转换 GB2312 子集）")
    ap.add_argument("--index", type=int, default=None, help="--title 为 .ttc 时的字体序号（默认：名称含 SC 的那个）")
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args(argv)
    if args.fandol:
        p = build_fandol(args.fandol, args.out_dir)
        print(f"{p} ({p.stat().st_size // 1024} KB)")
    if args.title:
        index = args.index
        if index is None:
            from .fonts import _read_faces

            faces = _read_faces(args.title)
            index = next((f.index for f in faces if any(" SC" in n for n in f.names)), 0)
        p = convert(args.title, index, Path(args.out_dir) / STANDIN_FILE)
        print(f"{p} ({p.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
