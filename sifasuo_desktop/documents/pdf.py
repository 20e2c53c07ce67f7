"""Paint a `Layout` on a reportlab canvas: embedded TrueType fonts, exact grid positions, page numbers,
letterhead lines, optional seal image and PDF metadata listing the fonts used."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from sifasuo_desktop import fsutil

from . import fonts as F
from .layout import (
    BLACK, BOTTOM_EDGE, CELL, LEFT, MM, PAGE_H, PAGE_W, RIGHT_EDGE, SEAL_DIAMETER, SIZE_SMALL, Glyph, Layout,
    baseline, layout as make_layout, row_top,
)
from .model import DOC_TYPES, Document

PAGE_NUMBER_DASH_FROM_BOTTOM = PAGE_H - (BOTTOM_EDGE + 7 * MM)  # 一字线 7 mm below the 版心 (from paper bottom)


@dataclass
class RenderResult:
    data: bytes
    pages: int
    fonts: dict[str, str]  # role label -> font used as primary
    fallbacks: list[F.FallbackUse] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # characters no installed font has
    substitutes: dict[str, str] = field(default_factory=dict)  # role label -> free stand-in that printed it

    @property
    def substitute_note(self) -> str:
        """Chinese note naming the free fonts that stood in for the official 公文 fonts ("" when none did)."""
        if not self.substitutes:
            return ""
        return ("本机没有公文标准字体，本文书由替代字体印制：" +
                "，".join(f"{k}→{v}" for k, v in self.substitutes.items()) + "。")

    @property
    def fallback_warning(self) -> str:
        """Chinese warning for the UI, "" when every character came from its role's primary font."""
        parts = []
        if self.fallbacks:
            used = [f for f in self.fallbacks if f.face]
            if used:
                chars = "".join(sorted({f.char for f in used}))
                faces = "、".join(sorted({f.face for f in used}))
                parts.append(f"以下字符由备用字体（{faces}）印制：{chars}")
        if self.missing:
            parts.append("以下字符在所有已安装字体中都没有字形，打印为空框：" + "".join(self.missing))
        return "；".join(parts)


def _emit_glyphs(c, glyphs: list[tuple[Glyph, float]]) -> None:
    """Draw glyphs (with their baselines) as few text runs as possible: consecutive glyphs of the same
    face/size/colour whose spacing is uniform share one run with a character spacing (Tc)."""
    if not glyphs:
        return
    runs: list[list[tuple[Glyph, float]]] = []
    for g, y in glyphs:
        if runs:
            last_g, last_y = runs[-1][-1]
            same = (last_g.face is g.face and last_g.size == g.size and last_g.color == g.color
                    and last_g.bold == g.bold and abs(last_y - y) < 0.01)
            if same:
                adv = last_g.face.width(last_g.ch, last_g.size)
                cs = g.x - last_g.x - adv
                if len(runs[-1]) == 1:
                    runs[-1].append((g, y))
                    continue
                g0, _ = runs[-1][0]
                g1, _ = runs[-1][1]
                cs0 = g1.x - g0.x - g0.face.width(g0.ch, g0.size)
                if abs(cs - cs0) < 0.01:
                    runs[-1].append((g, y))
                    continue
        runs.append([(g, y)])
    for run in runs:
        g0, y = run[0]
        tx = c.beginText()
        tx.setFont(g0.face.rl_name, g0.size)
        tx.setFillColorRGB(*g0.color)
        if g0.bold:
            tx.setStrokeColorRGB(*g0.color)
            c.setLineWidth(0.04 * g0.size)
            tx.setTextRenderMode(2)
        cs = 0.0
        if len(run) > 1:
            cs = run[1][0].x - g0.x - g0.face.width(g0.ch, g0.size)
        tx.setCharSpace(cs)
        tx.setTextOrigin(g0.x, PAGE_H - y)
        tx.textOut("".join(g.ch for g, _ in run))
        if g0.bold:
            tx.setTextRenderMode(0)
        c.drawText(tx)


def _page_number(c, lay: Layout, number: int) -> None:
    face = lay.resolver.primary(F.SONGTI)
    size = SIZE_SMALL
    text = f"— {number} —"
    glyphs = []
    x = 0.0
    for ch in text:
        f, _fb = lay.resolver.face_for(F.SONGTI, ch)
        w = f.width(ch, size)
        glyphs.append(Glyph(ch, f, size, x, F.SONGTI))
        x += w
    total = x
    if number % 2 == 1:
        x0 = RIGHT_EDGE - size - total  # 居右空一字
    else:
        x0 = LEFT + size  # 居左空一字
    for g in glyphs:
        g.x += x0
    # the 一字线 sits at about 0.38 em above the baseline (centre of the ideographic em box)
    base_from_bottom = PAGE_NUMBER_DASH_FROM_BOTTOM - 0.38 * size
    _emit_glyphs(c, [(g, PAGE_H - base_from_bottom) for g in glyphs])
    del face


def _draw_seal(c, seal_image, cx: float, cy_top: float) -> None:
    from reportlab.lib.utils import ImageReader

    img = ImageReader(io.BytesIO(seal_image) if isinstance(seal_image, (bytes, bytearray)) else str(seal_image))
    d = SEAL_DIAMETER
    c.drawImage(img, cx - d / 2, PAGE_H - cy_top - d / 2, d, d, mask="auto", preserveAspectRatio=True)


def render_layout(lay: Layout, seal_image: bytes | str | Path | None = None) -> RenderResult:
    from reportlab.pdfgen.canvas import Canvas

    doc = lay.doc
    buf = io.BytesIO()
    body = lay.resolver.primary(F.FANGSONG)
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), initialFontName=body.rl_name, initialFontSize=16,
               pageCompression=1)
    used_faces: dict[str, str] = {}
    for pi, page in enumerate(lay.pages):
        if pi == 0 and lay.letterhead:
            _emit_glyphs(c, [(g, lay.letterhead_y[id(g)]) for g in lay.letterhead])
            used_faces.setdefault(F.ROLE_LABELS[F.XBS], "")
        for ri, rule in lay.rules:
            if ri == pi:
                c.setStrokeColorRGB(*rule.color)
                c.setLineWidth(rule.width)
                c.line(rule.x0, PAGE_H - rule.y0, rule.x1, PAGE_H - rule.y1)
        items = []
        for r in sorted(page.rows):
            row = page.rows[r]
            for g in row.glyphs:
                items.append((g, baseline(r, g.size)))
                used_faces.setdefault(F.ROLE_LABELS.get(g.role, g.role), "")
            for rule in row.rules:
                c.setStrokeColorRGB(*rule.color)
                c.setLineWidth(rule.width)
                top = row_top(r)
                c.line(rule.x0, PAGE_H - (top + rule.y0), rule.x1, PAGE_H - (top + rule.y1))
        _emit_glyphs(c, items)
        if lay.seal and lay.seal[0] == pi and seal_image:
            _draw_seal(c, seal_image, lay.seal[1], lay.seal[2])
        if page.show_number:
            _page_number(c, lay, page.number)
            used_faces.setdefault(F.ROLE_LABELS[F.SONGTI], "")
        if doc.draft:
            c.saveState()
            c.setFillColorRGB(0.82, 0.82, 0.82)
            c.setFont(lay.resolver.primary(F.HEITI).rl_name, 96)
            c.translate(PAGE_W / 2, PAGE_H / 2)
            c.rotate(35)
            c.drawCentredString(0, 0, "草　稿")
            c.restoreState()
        c.showPage()
    fonts_used = {}
    for role in F.ROLES:
        label = F.ROLE_LABELS[role]
        ch = lay.resolver.chain(role)
        if ch:
            fonts_used[label] = ch[0].display
    substitutes = {k: v for k, v in lay.resolver.substitutes().items() if k in used_faces}
    fb_faces = sorted({f.face for f in lay.fallbacks if f.face})
    c.setTitle(doc.title.replace("\n", ""))
    c.setAuthor(doc.issuer)
    c.setSubject(f"{DOC_TYPES.get(doc.doc_type, doc.doc_type)} {doc.doc_no}".strip())
    c.setCreator("sifasuo_desktop 司法所行政执法监督台账")
    kw = "字体：" + "；".join(f"{k}={v}" for k, v in fonts_used.items())
    if fb_faces:
        kw += "；备用字体：" + "、".join(fb_faces) + "（" + "".join(sorted({f.char for f in lay.fallbacks if f.face})) + "）"
    if substitutes:
        kw += "；替代字体：" + "、".join(f"{k}→{v}" for k, v in substitutes.items())
    if lay.missing:
        kw += "；缺字：" + "".join(lay.missing)
    c.setKeywords(kw)
    c.save()
    return RenderResult(buf.getvalue(), len(lay.pages), fonts_used, list(lay.fallbacks), list(lay.missing),
                        substitutes)


def render_pdf(doc: Document, out: str | Path | None = None, *, resolver: F.FontResolver | None = None,
               seal_image: bytes | str | Path | None = None) -> RenderResult:
    """Lay out and paint `doc`; write to `out` when given. Returns the bytes and a font report."""
    lay = make_layout(doc, resolver)
    res = render_layout(lay, seal_image)
    if out is not None:
        fsutil.atomic_write_bytes(out, res.data)
    return res


_ = (CELL, BLACK)
