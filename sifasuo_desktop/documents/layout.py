"""Grid layout for GB/T 9704-2012 documents: 28 characters x 22 lines in a 156 x 225 mm 版心.

Everything in the 版心 sits on one of 22 grid rows per page. A paragraph becomes `Row`s of positioned
glyphs; rows are grouped (keep-together for the signature block) and paginated. Coordinates are in
points measured from the top-left corner of the paper (y grows downwards); the painter flips them.

No Qt, no database, no reportlab canvas (only font metrics through fonts.Face).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

from . import fonts as F
from .model import (
    ATTACH, BODY, CENTER, FLUSH, FORM, GENERAL, H1, H2, LETTER, PLAIN, RIGHT, Document, Paragraph, Run, Table,
    format_cn_date,
)

MM = 72.0 / 25.4
PAGE_W = 210 * MM
PAGE_H = 297 * MM
LEFT = 28 * MM
TOP = 37 * MM
BODY_W = 156 * MM
BODY_H = 225 * MM
RIGHT_EDGE = LEFT + BODY_W
BOTTOM_EDGE = TOP + BODY_H
COLS = 28
ROWS = 22
CELL = BODY_W / COLS  # 15.793 pt
PITCH = BODY_H / ROWS  # 28.99 pt
SIZE = 16.0  # 3号
SIZE_TITLE = 22.0  # 2号
SIZE_SMALL = 14.0  # 4号
RED = (1.0, 0.0, 0.0)
BLACK = (0.0, 0.0, 0.0)
SEAL_DIAMETER = 42 * MM
GENERAL_MARK_SIZE = 40.0  # 通用格式 机关标志 (pt), smaller when the name is long
GENERAL_MARK_TOP = TOP + 35 * MM  # its em top: 35 mm below the top edge of the 版心
LETTER_MARK_TOP = 30 * MM  # 信函格式: 机关标志 top edge from the paper top
LETTER_LINE_LEN = 170 * MM
LETTER_BOTTOM_LINE = PAGE_H - 20 * MM  # second double line, 20 mm above the paper bottom
GAP_7_8 = 4.94 * MM  # 7/8 of a 3号 character

# dates that never split across a page break (2026年11月23日, 11月23日, 2026年11月)
DATE_RE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日")

# 避头 (may not start a line) and 避尾 (may not end a line)
NO_START = set("，。、；：！？）］｝》〉」』】〕〗〙〛”’…—·％‰,.;:!?)]}>%°℃～")
NO_END = set("（［｛《〈「『【〔〖〘〚“‘([{<")
# ambiguous-width characters that take one full grid cell
FULL_CELL = set("“”‘’—…·")


def row_top(r: int) -> float:
    return TOP + r * PITCH


def baseline(r: int, size: float = SIZE) -> float:
    """Baseline of grid row r for a font of `size` (em box centred in the row)."""
    return row_top(r) + (PITCH + size) / 2 - 0.12 * size


def is_full(ch: str) -> bool:
    return ch in FULL_CELL or unicodedata.east_asian_width(ch) in ("W", "F")


@dataclass
class Glyph:
    ch: str
    face: F.Face
    size: float
    x: float
    role: str
    bold: bool = False  # synthetic bold (stroke)
    color: tuple = BLACK
    fallback: bool = False
    missing: bool = False


@dataclass
class Rule:
    """A straight line relative to the row top: horizontal if y0 == y1."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.75
    color: tuple = BLACK


@dataclass
class Row:
    glyphs: list[Glyph] = field(default_factory=list)
    size: float = SIZE
    rules: list[Rule] = field(default_factory=list)
    tag: str = ""  # "sig", "date", "cc", "printed", "docno", "title", "text"
    text_row: bool = True  # counts as text for keep-together
    keep_next: bool = False  # never the last row of a page: a heading line, or a line ending inside a date

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)

    @property
    def blank(self) -> bool:
        return not self.glyphs and not self.rules


@dataclass
class Group:
    """Rows that must stay on one page. `alternatives` are tried in order when the first does not fit."""

    alternatives: list[list[Row]]
    keep: bool = False

    @property
    def rows(self) -> list[Row]:
        return self.alternatives[0]


@dataclass
class PageLayout:
    number: int  # 1-based physical page
    rows: dict[int, Row] = field(default_factory=dict)
    show_number: bool = True


@dataclass
class Layout:
    doc: Document
    pages: list[PageLayout]
    letterhead: list[Glyph]  # absolute glyphs (y in .y_map)
    letterhead_y: dict[int, float]  # id(glyph) -> baseline
    rules: list[tuple[int, Rule]]  # (page index, absolute rule)
    seal: tuple[int, float, float] | None  # (page index, centre x, centre y)
    fallbacks: list[F.FallbackUse]
    missing: list[str]
    resolver: F.FontResolver


# ---- tokenising and line breaking ---------------------------------------------------------------

@dataclass
class _Tok:
    glyphs: list[Glyph]
    width: float  # layout width in points
    space: bool = False

    @property
    def first(self) -> str:
        return self.glyphs[0].ch

    @property
    def last(self) -> str:
        return self.glyphs[-1].ch


class _Shaper:
    def __init__(self, resolver: F.FontResolver):
        self.r = resolver
        self.fallbacks: dict[tuple[str, str], F.FallbackUse] = {}
        self.missing: list[str] = []

    def glyph(self, ch: str, role: str, size: float, color=BLACK) -> tuple[Glyph, float, float]:
        """(glyph, advance, layout width). The layout width of a full-width character at 16 pt is one
        grid cell; other sizes use the font's advance."""
        face, fb = self.r.face_for(role, ch)
        missing = fb and not face.has(ch)
        if fb:
            key = (ch, role)
            if key not in self.fallbacks:
                self.fallbacks[key] = F.FallbackUse(ch, F.ROLE_LABELS.get(role, role), "" if missing else face.display)
                if missing and ch not in self.missing:
                    self.missing.append(ch)
        adv = face.width(ch, size)
        if is_full(ch):
            lw = CELL * size / SIZE
        else:
            lw = adv
        g = Glyph(ch, face, size, 0.0, role, self.r.synthetic_bold(role, face), color, fb, missing)
        return g, adv, lw

    def tokens(self, runs: list[tuple[str, str]], size: float, color=BLACK) -> list[_Tok]:
        toks: list[_Tok] = []
        word: _Tok | None = None
        for text, role in runs:
            for ch in text:
                if ch in "\r\n\t":
                    ch = " "
                g, adv, lw = self.glyph(ch, role, size, color)
                # centre the glyph inside its layout width (x is the offset inside the token)
                if ch == " ":
                    word = None
                    toks.append(_Tok([g], lw, space=True))
                    continue
                ascii_word = ch.isascii() and (ch.isalnum() or ch in "._-/%@:+#")
                if ascii_word and word is not None:
                    g.x = word.width
                    word.glyphs.append(g)
                    word.width += lw
                    continue
                g.x = (lw - adv) / 2 if is_full(ch) else 0.0
                tok = _Tok([g], lw)
                toks.append(tok)
                word = tok if ascii_word else None
        return toks


def _split_long(toks: list[_Tok], cap: float) -> list[_Tok]:
    out: list[_Tok] = []
    for t in toks:
        if t.width <= cap or len(t.glyphs) == 1:
            out.append(t)
            continue
        cur = _Tok([], 0.0)
        for g in t.glyphs:
            w = g.face.width(g.ch, g.size)
            if cur.glyphs and cur.width + w > cap:
                out.append(cur)
                cur = _Tok([], 0.0)
            g.x = cur.width
            cur.glyphs.append(g)
            cur.width += w
        if cur.glyphs:
            out.append(cur)
    return out


def break_tokens(toks: list[_Tok], cap_first: float, cap_rest: float, hang: bool = True
                 ) -> list[tuple[list[_Tok], bool, bool]]:
    """Greedy line breaking with 避头尾. Returns (tokens, is_last_line, hanging)."""
    EPS = 0.01
    toks = _split_long(toks, min(cap_first, cap_rest))
    lines: list[tuple[list[_Tok], bool, bool]] = []
    i, n = 0, len(toks)
    while i < n:
        while i < n and toks[i].space and lines:
            i += 1  # no leading spaces on continuation lines
        if i >= n:
            break
        cap = cap_first if not lines else cap_rest
        w = 0.0
        j = i
        while j < n and w + toks[j].width <= cap + EPS:
            w += toks[j].width
            j += 1
        if j == i:
            j = i + 1
        hanging = False
        b = j
        if j < n:
            nxt = toks[j]
            can_hang = (hang and nxt.first in NO_START and len(nxt.glyphs) == 1
                        and (j + 1 >= n or toks[j + 1].first not in NO_START)
                        and toks[j - 1].last not in NO_END)
            if can_hang:
                b = j + 1
                hanging = True
            else:
                while b - 1 > i and (toks[b].first in NO_START or toks[b - 1].last in NO_END):
                    b -= 1
        line = toks[i:b]
        while line and line[-1].space and b < n:
            line = line[:-1]
        lines.append((line, b >= n, hanging))
        i = b
    return lines


# ---- builder ------------------------------------------------------------------------------------

class _Builder:
    def __init__(self, doc: Document, resolver: F.FontResolver):
        self.doc = doc
        self.shaper = _Shaper(resolver)
        self.resolver = resolver

    # one paragraph -> rows
    def para_rows(self, runs: list[tuple[str, str]], *, size: float = SIZE, first_indent: float = 0,
                  rest_indent: float = 0, align: str = "justify", right_indent: float = 0,
                  x0: float = LEFT, width: float = BODY_W, color=BLACK, tag: str = "text",
                  hang: bool = True) -> list[Row]:
        toks = self.shaper.tokens(runs, size, color)
        # character index of every glyph (tokens keep the text order) and the spans of dates in the text
        index = {id(g): i for i, g in enumerate(g for t in toks for g in t.glyphs)}
        inside_date = set()
        for m in DATE_RE.finditer("".join(text for text, _role in runs)):
            inside_date.update(range(m.start(), m.end() - 1))  # a break after these characters splits the date
        cell = CELL * size / SIZE
        cap_first = width - first_indent * cell - right_indent * cell
        cap_rest = width - rest_indent * cell - right_indent * cell
        rows: list[Row] = []
        for k, (line, last, hanging) in enumerate(break_tokens(toks, cap_first, cap_rest, hang)):
            indent = (first_indent if k == 0 else rest_indent) * cell
            cap = cap_first if k == 0 else cap_rest
            body = line[:-1] if hanging else line
            w = sum(t.width for t in body)
            gap = 0.0
            if align == "center":
                x = x0 + indent + (cap - w) / 2
            elif align == "right":
                x = x0 + indent + cap - w
            else:
                x = x0 + indent
                if not last and len(body) > 1 and cap - w > 0.01:
                    gap = (cap - w) / (len(body) - 1)
            glyphs: list[Glyph] = []
            for k2, t in enumerate(line):
                for g in t.glyphs:
                    g.x = x + g.x
                    glyphs.append(g)
                x += t.width + (gap if k2 < len(body) - 1 else 0.0)
            splits_date = bool(glyphs) and not last and index.get(id(glyphs[-1]), -1) in inside_date
            rows.append(Row(glyphs, size, tag=tag, keep_next=splits_date))
        return rows

    def role_runs(self, p: Paragraph, default_role: str) -> list[tuple[str, str]]:
        return [(r.text, r.role or default_role) for r in p.runs]

    def paragraph(self, p: Paragraph) -> list[Row]:
        kind = p.kind
        if kind in (H1, H2):
            rows = self.para_rows(self.role_runs(p, F.HEITI if kind == H1 else F.KAITI), first_indent=2)
            if len(rows) <= 3:
                for r in rows:
                    r.keep_next = True  # a heading never ends a page
            return rows
        if kind == FLUSH:
            return self.para_rows(self.role_runs(p, F.FANGSONG))
        if kind == CENTER:
            return self.para_rows(self.role_runs(p, F.FANGSONG), align="center")
        if kind == RIGHT:
            return self.para_rows(self.role_runs(p, F.FANGSONG), align="right", right_indent=2)
        if kind == ATTACH:
            return self.para_rows(self.role_runs(p, F.FANGSONG), first_indent=2, rest_indent=2)
        return self.para_rows(self.role_runs(p, F.FANGSONG), first_indent=2)

    def title_rows(self, title: str, color=BLACK) -> list[Row]:
        rows: list[Row] = []
        for piece in [s.strip() for s in title.split("\n") if s.strip()]:
            toks = self.shaper.tokens([(piece, F.XBS)], SIZE_TITLE, color)
            total = sum(t.width for t in toks)
            n = max(1, math.ceil(total / BODY_W - 1e-6))
            cap = BODY_W if n == 1 else min(BODY_W, math.ceil(total / n / SIZE_TITLE + 1) * SIZE_TITLE)
            rows += self.para_rows([(piece, F.XBS)], size=SIZE_TITLE, align="center",
                                   x0=LEFT + (BODY_W - cap) / 2, width=cap, color=color, tag="title", hang=True)
        return rows

    def table_rows(self, t: Table) -> list[Group]:
        ncols = max(len(r) for r in t.rows) if t.rows else 0
        widths = list(t.widths) if len(t.widths) == ncols else [1.0] * ncols
        total = sum(widths) or 1.0
        col_w = [BODY_W * w / total for w in widths]
        xs = [LEFT]
        for w in col_w:
            xs.append(xs[-1] + w)
        pad = 0.2 * t.font_size
        groups: list[Group] = []
        for ri, cells in enumerate(t.rows):
            role = F.HEITI if ri < t.header_rows else F.FANGSONG
            cell_lines: list[list[Row]] = []
            for ci in range(ncols):
                text = cells[ci] if ci < len(cells) else ""
                align = "center" if ri < t.header_rows else "justify"
                rows = []
                for part in (text.split("\n") if text else [""]):
                    if not part:
                        rows.append(Row([], t.font_size))
                        continue
                    rows += self.para_rows([(part, role)], size=t.font_size, x0=xs[ci] + pad,
                                           width=col_w[ci] - 2 * pad, align=align, tag="table", hang=False)
                cell_lines.append(rows)
            height = max([len(c) for c in cell_lines] + [1])
            if ri < len(t.min_lines):
                height = max(height, t.min_lines[ri])
            grp_rows: list[Row] = []
            for k in range(height):
                glyphs = []
                for c in cell_lines:
                    if k < len(c):
                        glyphs += c[k].glyphs
                rules = [Rule(x, 0, x, PITCH) for x in xs]
                if k == 0:
                    rules.append(Rule(LEFT, 0, RIGHT_EDGE, 0))
                if k == height - 1:
                    rules.append(Rule(LEFT, PITCH, RIGHT_EDGE, PITCH))
                grp_rows.append(Row(glyphs, t.font_size, rules, tag="table"))
            groups.append(Group([grp_rows], keep=True))
        return groups

    def blank(self, n: int = 1) -> list[Row]:
        return [Row([], SIZE, tag="blank", text_row=False) for _ in range(n)]


def _text_width(rows: list[Row]) -> tuple[float, float]:
    gl = [g for r in rows for g in r.glyphs]
    if not gl:
        return (0.0, 0.0)
    x0 = min(g.x for g in gl)
    x1 = max(g.x + g.face.width(g.ch, g.size) for g in gl)
    return x0, x1


def _shift(rows: list[Row], dx: float) -> None:
    for r in rows:
        for g in r.glyphs:
            g.x += dx


def fit_size(text: str, want: float, width: float = BODY_W) -> float:
    """The 机关标志 size: `want` unless the text would be wider than `width` (full-width characters 1 em)."""
    n = sum(1.0 if is_full(c) else 0.5 for c in text) or 1
    return min(want, width / n)


def general_docno_row(mark_size: float) -> int:
    """通用格式: the grid row of the 发文字号, the first row at least two rows below the 机关标志 (its em box
    starts 35 mm below the top of the 版心)."""
    bottom = GENERAL_MARK_TOP + mark_size
    r = 0
    while row_top(r) < bottom + 2 * PITCH - 2:
        r += 1
    return r


def layout(doc: Document, resolver: F.FontResolver | None = None) -> Layout:
    resolver = resolver or F.default_resolver()
    b = _Builder(doc, resolver)
    groups: list[Group] = []
    letterhead: list[Glyph] = []
    lh_y: dict[int, float] = {}
    abs_rules: list[tuple[int, Rule]] = []
    first_row = 0  # first grid row available for the flow on page 1
    show_first_number = True

    def add(rows: list[Row], keep: bool = False):
        if rows:
            groups.append(Group([rows], keep))

    def abs_line(y_top: float, x0: float, x1: float, width: float, color=RED) -> None:
        abs_rules.append((0, Rule(x0, y_top, x1, y_top, width, color)))

    def mark_glyphs(text: str, size: float, y_top_edge: float, color=RED, x_center=LEFT + BODY_W / 2) -> float:
        """Centred 机关标志 line with its em top at y_top_edge; returns the em bottom."""
        toks = b.shaper.tokens([(text, F.XBS)], size, color)
        w = sum(t.width for t in toks)
        x = x_center - w / 2
        base = y_top_edge + 0.88 * size
        for t in toks:
            for g in t.glyphs:
                g.x = x + g.x
                letterhead.append(g)
                lh_y[id(g)] = base
            x += t.width
        return y_top_edge + size

    docno_text = doc.doc_no
    if doc.header == LETTER:
        show_first_number = False
        y = LETTER_MARK_TOP
        size = fit_size(doc.issuer, 26.0, BODY_W)
        y = mark_glyphs(doc.issuer, size, y)
        if doc.issuer_subtitle:
            y = mark_glyphs(doc.issuer_subtitle, fit_size(doc.issuer_subtitle, SIZE, BODY_W), y + 1.5 * MM)
        line_y = y + 4 * MM  # top of the thick line
        x0 = LEFT + BODY_W / 2 - LETTER_LINE_LEN / 2
        abs_line(line_y + 0.75, x0, x0 + LETTER_LINE_LEN, 1.5)
        abs_line(line_y + 1.5 + 0.75 + 0.375, x0, x0 + LETTER_LINE_LEN, 0.75)
        # second double line (上细下粗), thick line bottom 20 mm above the paper bottom
        abs_line(LETTER_BOTTOM_LINE - 0.75, x0, x0 + LETTER_LINE_LEN, 1.5)
        abs_line(LETTER_BOTTOM_LINE - 1.5 - 0.75 - 0.375, x0, x0 + LETTER_LINE_LEN, 0.75)
        lines_bottom = line_y + 2.625 + 0.375
        r = 0
        while row_top(r) + (PITCH - SIZE) / 2 < lines_bottom + GAP_7_8 - 1.5 * MM:
            r += 1
        first_row = r
        if docno_text:
            add(b.para_rows([(docno_text, F.FANGSONG)], align="right", tag="docno", hang=False))
        else:
            add(b.blank())
        add(b.blank(2))
        add(b.title_rows(doc.title), keep=True)
    elif doc.header == GENERAL:
        mark = doc.mark or doc.issuer
        size = fit_size(mark, GENERAL_MARK_SIZE, BODY_W)
        mark_glyphs(mark, size, GENERAL_MARK_TOP)
        first_row = general_docno_row(size)
        if docno_text:
            rows = b.para_rows([(docno_text, F.FANGSONG)], align="center", tag="docno", hang=False)
        else:
            rows = b.blank()
        # red line 4 mm below the 文号 (its em bottom), as wide as the 版心
        rows[0].rules.append(Rule(LEFT, PITCH - (PITCH - SIZE) / 2 + 4 * MM, RIGHT_EDGE,
                                  PITCH - (PITCH - SIZE) / 2 + 4 * MM, 1.5, RED))
        add(rows)
        add(b.blank(2))
        add(b.title_rows(doc.title), keep=True)
    else:  # PLAIN and FORM: title block, 文号 on the right
        show_first_number = doc.header != FORM  # a one-page form carries no page number
        rows = []
        if doc.issuer:
            rows += b.title_rows(doc.issuer)
        rows += b.title_rows(doc.title)
        add(rows, keep=True)
        if docno_text:
            add(b.para_rows([(docno_text, F.FANGSONG)], align="right", tag="docno", hang=False))

    if doc.recipient:
        add(b.blank())
        label = (doc.recipient_label + "：") if doc.recipient_label else ""
        add(b.para_rows([(label + doc.recipient + ("" if doc.recipient_label else "："), F.FANGSONG)],
                        tag="recipient"))
    elif doc.header != FORM:
        add(b.blank())

    heading: list[Row] = []  # a heading is kept with the first line of what follows it
    for blk in doc.body:
        if isinstance(blk, Table):
            tgroups = b.table_rows(blk)
            if heading and tgroups:
                tgroups[0] = Group([heading + tgroups[0].rows], keep=True)
            elif heading:
                add(heading, keep=True)
            heading = []
            groups.extend(tgroups)
            continue
        rows = b.paragraph(blk)
        if blk.kind in (H1, H2) and len(rows) <= 3:
            if heading:
                add(heading, keep=True)
            heading = rows
            continue
        if heading and rows:
            add(heading + rows[:1], keep=True)
            rows = rows[1:]
        elif heading:
            add(heading, keep=True)
        heading = []
        for row in rows:
            add([row])
    if heading:
        add(heading, keep=True)

    if doc.attachments:
        add(b.blank())
        label = "附件："
        for k, name in enumerate(doc.attachments):
            num = f"{k + 1}." if len(doc.attachments) > 1 else ""
            text = (label if k == 0 else "") + num + name
            lead = 2 + (3 if k > 0 else 0)
            rest = 2 + 3 + (len(num) * 0.5 if num else 0)
            add(b.para_rows([(text, F.FANGSONG)], first_indent=lead, rest_indent=rest))

    # ---- signature block (keep-together with the last two text rows) ----
    sig_rows: list[Row] = []
    date_rows: list[Row] = []
    if doc.signature or doc.date:
        date_text = format_cn_date(doc.date) if doc.date else ""
        date_rows = b.para_rows([(date_text, F.FANGSONG)], align="right",
                                right_indent=4 if doc.sealed else 2, tag="date", hang=False) if date_text else []
        sig_rows = b.para_rows([(doc.signature, F.FANGSONG)], align="left", tag="sig",
                               hang=False) if doc.signature else []
        dx0, dx1 = _text_width(date_rows)
        sx0, sx1 = _text_width(sig_rows)
        if sig_rows:
            if doc.sealed and date_rows:
                centre = (dx0 + dx1) / 2
                target = centre - (sx1 - sx0) / 2
            elif date_rows:
                target = dx0 - 2 * CELL
                if target + (sx1 - sx0) > RIGHT_EDGE - 2 * CELL:
                    target = RIGHT_EDGE - 2 * CELL - (sx1 - sx0)
            else:
                target = RIGHT_EDGE - (4 if doc.sealed else 2) * CELL - (sx1 - sx0)
            target = max(LEFT, min(target, RIGHT_EDGE - (sx1 - sx0)))
            _shift(sig_rows, target - sx0)
    note_rows = b.para_rows([("（" + doc.note + "）", F.FANGSONG)], first_indent=2, tag="note") if doc.note else []

    # a row that must not end a page (heading, a line ending inside a date) stays with what follows it
    merged: list[Group] = []
    for g in groups:
        if merged and merged[-1].rows and merged[-1].rows[-1].keep_next:
            merged[-1] = Group([merged[-1].rows + g.rows], keep=True)
        else:
            merged.append(g)
    groups[:] = merged

    sig_group: Group | None = None
    sig_tail: list[Row] = []
    sig_rest: list[Row] = []
    if sig_rows or date_rows:
        # pull the last two text rows of the flow into the signature group (no page holds only the seal)
        tail: list[Row] = []
        while groups and len([r for r in tail if r.text_row]) < 2:
            g = groups[-1]
            if g.keep and len(g.rows) + len(tail) > 6:
                break
            groups.pop()
            tail = g.rows + tail
        while tail and not tail[-1].text_row:
            tail.pop()
        sig_tail = tail
        sig_rest = sig_rows + date_rows + note_rows
        blanks = 2 if doc.sealed else 1
        sig_group = Group([tail + b.blank(blanks) + sig_rest], keep=True)
        groups.append(sig_group)
    elif note_rows:
        add(note_rows)

    # ---- 版记 rows (placed at the bottom of the last page) ----
    footer_rows: list[Row] = []
    if doc.cc:
        cc_text = "抄送：" + "，".join(doc.cc) + "。"
        cc_rows = b.para_rows([(cc_text, F.FANGSONG)], size=SIZE_SMALL, first_indent=1, rest_indent=1 + 3,
                              right_indent=1, tag="cc", x0=LEFT, width=BODY_W)
        # size 14: indents are in 14 pt characters; rescale the 16 pt cell based indents
        footer_rows += cc_rows
    if doc.header != LETTER and doc.printed_by:
        pd = doc.print_date or doc.date
        left = b.para_rows([(doc.printed_by, F.FANGSONG)], size=SIZE_SMALL, first_indent=1, tag="printed",
                           hang=False)
        right = b.para_rows([(format_cn_date(pd) + "印发", F.FANGSONG)], size=SIZE_SMALL, align="right",
                            right_indent=1, tag="printed", hang=False) if pd else []
        row = Row(left[0].glyphs + (right[0].glyphs if right else []), SIZE_SMALL, tag="printed")
        footer_rows.append(row)
    if footer_rows and doc.header != LETTER:
        thick = 0.35 * MM
        thin = 0.25 * MM
        footer_rows[0].rules.append(Rule(LEFT, 0, RIGHT_EDGE, 0, thick))
        for r in footer_rows[1:]:
            if r.tag == "printed":
                r.rules.append(Rule(LEFT, 0, RIGHT_EDGE, 0, thin))
        footer_rows[-1].rules.append(Rule(LEFT, PITCH, RIGHT_EDGE, PITCH, thick))

    # ---- pagination ----
    pages: list[PageLayout] = [PageLayout(1, show_number=show_first_number)]
    cur = first_row

    def new_page(show_number: bool = True) -> None:
        nonlocal cur
        pages.append(PageLayout(len(pages) + 1, show_number=show_number))
        cur = 0

    def put(rows: list[Row]) -> None:
        nonlocal cur
        for row in rows:
            if cur >= ROWS:
                new_page()
            if cur == 0 and row.tag == "blank" and len(pages) > 1:
                continue  # no blank rows at the top of a continuation page
            pages[-1].rows[cur] = row
            cur += 1

    def seal_reaches(row: Row) -> bool:
        """True when the seal (centred on the date) would cover `row` if only one blank row separated it."""
        if not doc.sealed or not row.glyphs:
            return False
        dx0, dx1 = _text_width(date_rows or sig_rows)
        centre = (dx0 + dx1) / 2
        _x0, x1 = _text_width([row])
        return x1 > centre - SEAL_DIAMETER / 2 - 1.0

    for g in groups:
        if g is sig_group:
            free = ROWS - cur
            blanks = 2 if doc.sealed else 1
            if len(g.rows) <= free:
                put(g.rows)
                continue
            # one blank row less (the seal is then lowered so that it covers no text, see below)
            if doc.sealed and sig_tail and len(g.rows) - 1 <= free:
                put(sig_tail + b.blank(1) + sig_rest)
                continue
            # the block goes to the next page with two text rows (one when two would leave 4+ empty rows at
            # the foot of this page); a heading or a line ending inside a date stays with the row after it
            def carried(k: int) -> int:
                while 0 < k < len(sig_tail) and sig_tail[-k - 1].keep_next:
                    k += 1
                return k

            options = [carried(k) for k in (2, 1) if k <= len([r for r in sig_tail if r.text_row])] or [0]
            k = next((k for k in options if free - (len(sig_tail) - k) <= 3),
                     min(options, key=lambda k: (free - (len(sig_tail) - k), -k)))
            put(sig_tail[:len(sig_tail) - k])
            if cur > 0:
                new_page()
            put(sig_tail[len(sig_tail) - k:] + b.blank(blanks) + sig_rest)
            continue
        chosen = g.alternatives[0]
        if g.keep:
            for alt in g.alternatives:
                if cur + len(alt) <= ROWS:
                    chosen = alt
                    break
            else:
                if len(chosen) <= ROWS and cur > 0:
                    new_page()
        put(chosen)
    if footer_rows:
        # 版记 at the foot of the last even page (双面印刷: it is the back of the last sheet); a blank page is
        # inserted when the text ends on an even page without room for it. A blank page and the 版记 page after
        # it carry no page number.
        need = len(footer_rows)
        if len(pages) % 2 == 1:
            new_page()
        elif cur + 1 + need > ROWS:
            new_page(show_number=False)
            new_page(show_number=False)
        start = ROWS - need
        for k, row in enumerate(footer_rows):
            pages[-1].rows[start + k] = row

    seal = None
    if doc.sealed:
        for pi, p in enumerate(pages):
            rows_sorted = sorted(p.rows)
            sig_r = next((r for r in rows_sorted if p.rows[r].tag == "sig"), None)
            date_r = next((r for r in rows_sorted if p.rows[r].tag == "date"), None)
            anchor = sig_r if sig_r is not None else date_r
            if anchor is None:
                continue
            x0, x1 = _text_width([p.rows[date_r]] if date_r is not None else [p.rows[anchor]])
            cx = (x0 + x1) / 2
            cy = row_top(anchor)  # 署名 and 成文日期 sit below the seal's centre
            radius = SEAL_DIAMETER / 2
            # never cover text above the block (a 联系人/电话 line when only one blank row is left): lower the
            # seal until its top clears the em box of the lowest text row that reaches under it
            for r in rows_sorted:
                if r >= anchor:
                    break
                row = p.rows[r]
                if not row.glyphs or row.tag in ("sig", "date"):
                    continue
                rx0, rx1 = _text_width([row])
                if rx1 > cx - radius and rx0 < cx + radius:
                    em_bottom = row_top(r) + (PITCH + row.size) / 2
                    cy = max(cy, em_bottom + radius + 0.5)
            seal = (pi, cx, cy)
            break

    return Layout(doc, pages, letterhead, lh_y, abs_rules, seal, list(b.shaper.fallbacks.values()),
                  list(b.shaper.missing), resolver)


__all__ = ["layout", "Layout", "Row", "Glyph", "PageLayout", "break_tokens", "baseline", "row_top",
           "MM", "PAGE_W", "PAGE_H", "LEFT", "TOP", "BODY_W", "BODY_H", "CELL", "PITCH", "ROWS", "COLS",
           "RIGHT_EDGE", "BOTTOM_EDGE", "NO_START", "NO_END"]

# silence "imported but unused" for names used only by callers
_ = (PLAIN, Run, _dt)
