"""Small bar / stacked-bar / line charts drawn with QPainter (no QtCharts: it would add ~400 MB to the installer).

`paint_chart(painter, rect, spec)` draws on any paint device (a widget, a QPrinter page, a QImage), so the same
code serves the screen and printing. Print-friendly: black text and axes, value labels on bars, and each series
also told apart by a fill pattern (bars) or a marker shape (lines), so a black-and-white printout stays readable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#1f5fa8", "#d9822b", "#3a8f3a", "#b03a48", "#7a5ca8", "#7f7f7f", "#b8a020", "#2a9d9d", "#8c564b")
PATTERNS = (Qt.SolidPattern, Qt.BDiagPattern, Qt.Dense4Pattern, Qt.CrossPattern, Qt.FDiagPattern,
            Qt.HorPattern, Qt.DiagCrossPattern, Qt.VerPattern, Qt.Dense6Pattern)
MARKERS = ("circle", "square", "triangle", "diamond", "cross")


@dataclass
class ChartSpec:
    kind: str                                   # "bar" | "stacked" | "line"
    title: str
    categories: list[str]
    series: list[tuple[str, list]] = field(default_factory=list)   # (name, values); None = no value
    percent: bool = False                       # values are 0..1 shown as %
    y_label: str = ""

    def is_empty(self) -> bool:
        return not any(v for _, vals in self.series for v in vals if v)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def _fmt(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.0f}%"
    return f"{v:,.0f}" if abs(v) >= 1 or v == 0 else f"{v:.2f}"


def label_layout(n: int, slot: float, widest: float) -> list[tuple[int, int, float]]:
    """Which category labels to draw: (index, row 0/1, width in slots). One row when they fit; otherwise
    alternate between two rows (each label then has two slots of room), skipping labels only when even
    that is too narrow."""
    if n <= 0:
        return []
    if widest <= slot * 0.95:
        return [(i, 0, 1.0) for i in range(n)]
    every = 1
    while widest > slot * every * 2 * 0.95 and every < n:
        every += 1
    return [(i, k % 2, float(every * 2)) for k, i in enumerate(range(0, n, every))]


def paint_chart(p: QPainter, rect: QRectF, spec: ChartSpec, base_pt: float = 9.0) -> None:
    p.save()
    p.setRenderHint(QPainter.Antialiasing, True)
    font = QFont(p.font())
    font.setPointSizeF(base_pt)
    title_font = QFont(font)
    title_font.setPointSizeF(base_pt * 1.25)
    title_font.setBold(True)
    fm = QFontMetricsF(font, p.device())
    line_h = fm.height()
    black = QColor("#000000")

    # title
    p.setFont(title_font)
    p.setPen(black)
    tfm = QFontMetricsF(title_font, p.device())
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), tfm.height()), Qt.AlignHCenter | Qt.AlignVCenter,
               spec.title)
    top = rect.top() + tfm.height() + line_h * 0.3
    p.setFont(font)

    # legend (one row, wraps if needed)
    legend_items = [name for name, _ in spec.series] if len(spec.series) > 1 else []
    x, y = rect.left(), top
    sw = line_h * 0.9
    for i, name in enumerate(legend_items):
        w = sw + fm.horizontalAdvance(name) + line_h
        if x + w > rect.right() and x > rect.left():
            x, y = rect.left(), y + line_h * 1.1
        box = QRectF(x, y + (line_h - sw) / 2, sw, sw)
        _series_brush(p, spec.kind, i, box)
        p.setPen(black)
        p.drawText(QRectF(x + sw + line_h * 0.25, y, w, line_h), Qt.AlignLeft | Qt.AlignVCenter, name)
        x += w
    if legend_items:
        top = y + line_h * 1.3

    # plot area
    values = [v for _, vals in spec.series for v in vals if v is not None]
    if spec.kind == "stacked":
        n = len(spec.categories)
        sums = [sum((vals[i] or 0) for _, vals in spec.series if i < len(vals)) for i in range(n)]
        vmax = max(sums, default=0)
    else:
        vmax = max(values, default=0)
    vmax = 1.0 if spec.percent else _nice_max(vmax)
    ticks = 4
    y_label_w = max(fm.horizontalAdvance(_fmt(vmax * k / ticks, spec.percent)) for k in range(ticks + 1)) + line_h * 0.5
    plot = QRectF(rect.left() + y_label_w, top + line_h * 0.6, rect.width() - y_label_w - line_h * 0.3,
                  rect.bottom() - top - line_h * 2.2)
    if plot.height() < line_h * 2 or plot.width() < 20:
        p.restore()
        return
    grid_pen = QPen(QColor("#c8c8c8"), 0.8, Qt.DashLine)
    for k in range(ticks + 1):
        yy = plot.bottom() - plot.height() * k / ticks
        p.setPen(grid_pen if k else QPen(black, 1.2))
        p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
        p.setPen(black)
        p.drawText(QRectF(rect.left(), yy - line_h / 2, y_label_w - line_h * 0.3, line_h),
                   Qt.AlignRight | Qt.AlignVCenter, _fmt(vmax * k / ticks, spec.percent))
    p.setPen(QPen(black, 1.2))
    p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))

    n = max(len(spec.categories), 1)
    slot = plot.width() / n
    # category labels: on two staggered rows when crowded, and only then skip some
    widest = max((fm.horizontalAdvance(c) for c in spec.categories), default=0)
    p.setPen(black)
    for i, row, span in label_layout(len(spec.categories), slot, widest):
        centre = plot.left() + slot * (i + 0.5)
        p.drawText(QRectF(centre - slot * span / 2, plot.bottom() + line_h * (0.2 + row), slot * span, line_h),
                   Qt.AlignHCenter | Qt.AlignTop, spec.categories[i])

    def ypos(v):
        return plot.bottom() - plot.height() * (min(v, vmax) / vmax)

    if spec.kind in ("bar", "stacked"):
        ns = len(spec.series) if spec.kind == "bar" else 1
        bar_w = slot * 0.7 / max(ns, 1)
        for i in range(len(spec.categories)):
            base = plot.bottom()
            for s, (_, vals) in enumerate(spec.series):
                v = vals[i] if i < len(vals) else None
                if not v:
                    continue
                if spec.kind == "bar":
                    x0 = plot.left() + slot * i + slot * 0.15 + bar_w * s
                    r = QRectF(x0, ypos(v), bar_w, plot.bottom() - ypos(v))
                else:
                    x0 = plot.left() + slot * i + slot * 0.15
                    h = plot.height() * (v / vmax)
                    r = QRectF(x0, base - h, bar_w, h)
                    base -= h
                _series_brush(p, spec.kind, s, r)
                if spec.kind == "bar" and fm.horizontalAdvance(_fmt(v, spec.percent)) <= bar_w * 1.6:
                    p.setPen(black)
                    p.drawText(QRectF(r.left() - bar_w, r.top() - line_h, bar_w * 3, line_h),
                               Qt.AlignHCenter | Qt.AlignBottom, _fmt(v, spec.percent))
            if spec.kind == "stacked":
                total = sum((vals[i] or 0) for _, vals in spec.series if i < len(vals))
                if total and fm.horizontalAdvance(_fmt(total, False)) <= slot * 1.1:
                    p.setPen(black)
                    p.drawText(QRectF(plot.left() + slot * i, base - line_h, slot, line_h),
                               Qt.AlignHCenter | Qt.AlignBottom, _fmt(total, False))
    else:  # line
        for s, (_, vals) in enumerate(spec.series):
            color = QColor(PALETTE[s % len(PALETTE)])
            pen = QPen(color, 2.0, (Qt.SolidLine, Qt.DashLine, Qt.DotLine)[s % 3])
            pts = []
            for i in range(len(spec.categories)):
                v = vals[i] if i < len(vals) else None
                pts.append(None if v is None else QPointF(plot.left() + slot * (i + 0.5), ypos(v)))
            p.setPen(pen)
            prev = None
            for pt in pts:
                if pt is not None and prev is not None:
                    p.drawLine(prev, pt)
                prev = pt
            for i, pt in enumerate(pts):
                if pt is None:
                    continue
                _marker(p, pt, MARKERS[s % len(MARKERS)], line_h * 0.35, color)
                if len(spec.series) == 1:
                    p.setPen(black)
                    p.drawText(QRectF(pt.x() - slot, pt.y() - line_h * 1.3, slot * 2, line_h),
                               Qt.AlignHCenter | Qt.AlignBottom, _fmt(vals[i], spec.percent))
    if spec.is_empty():
        p.setPen(QColor("#666666"))
        p.drawText(plot, Qt.AlignCenter, "暂无数据")
    p.restore()


def _series_brush(p: QPainter, kind: str, s: int, r: QRectF) -> None:
    color = QColor(PALETTE[s % len(PALETTE)])
    if kind == "line":
        p.setPen(QPen(color, 2.0))
        p.setBrush(Qt.NoBrush)
        mid = r.center().y()
        p.drawLine(QPointF(r.left(), mid), QPointF(r.right(), mid))
        _marker(p, r.center(), MARKERS[s % len(MARKERS)], r.height() * 0.3, color)
        return
    p.setPen(QPen(QColor("#000000"), 0.8))
    light = QColor(color)
    light.setAlpha(90)
    p.setBrush(QBrush(light))
    p.drawRect(r)
    p.setBrush(QBrush(color, PATTERNS[s % len(PATTERNS)]))
    p.drawRect(r)
    p.setBrush(Qt.NoBrush)


def _marker(p: QPainter, c: QPointF, shape: str, r: float, color: QColor) -> None:
    p.save()
    p.setPen(QPen(QColor("#000000"), 1.0))
    p.setBrush(color)
    if shape == "circle":
        p.drawEllipse(c, r, r)
    elif shape == "square":
        p.drawRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
    elif shape == "triangle":
        p.drawPolygon(QPolygonF([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y() + r), QPointF(c.x() - r, c.y() + r)]))
    elif shape == "diamond":
        p.drawPolygon(QPolygonF([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()), QPointF(c.x(), c.y() + r),
                                 QPointF(c.x() - r, c.y())]))
    else:
        p.setPen(QPen(color, 2.0))
        p.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r))
        p.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r))
    p.restore()


class ChartWidget(QWidget):
    """Shows one ChartSpec; `set_spec` replaces it."""

    def __init__(self, spec: ChartSpec | None = None, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor("#ffffff"))
        self.setPalette(pal)

    def set_spec(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.setToolTip(spec.title)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 280)

    def paintEvent(self, event) -> None:
        if self.spec is None:
            return
        p = QPainter(self)
        try:
            paint_chart(p, QRectF(self.rect()).adjusted(8, 6, -8, -6), self.spec)
        finally:
            p.end()
