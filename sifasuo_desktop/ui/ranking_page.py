"""质效排名 page (issue 16): the county's ranking of townships for a year or a quarter, as a table and a bar
chart of the scores (the same numbers as `sifasuo stats --kind ranking`)."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sifasuo_desktop.domain import ranking as rk
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.stats import fmt_rate

from .charts import ChartSpec, ChartWidget


class RankingPage(QWidget):
    def __init__(self, window, today: _dt.date | None = None):
        super().__init__(window)
        self.window_, self.store = window, window.store
        self.today = today or _dt.date.today()
        self.rows: list[dict] = []
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(QLabel("年度"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        head.addWidget(self.year)
        head.addWidget(QLabel("期间"))
        self.quarter = QComboBox()
        self.quarter.addItem("全年", None)
        for q in range(1, 5):
            self.quarter.addItem(f"第{'一二三四'[q - 1]}季度", q)
        head.addWidget(self.quarter)
        self.run_button = QPushButton("排名")
        self.run_button.clicked.connect(self.run)
        head.addWidget(self.run_button)
        head.addStretch(1)
        lay.addLayout(head)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        cols = ["名次", "乡镇", "质效得分"] + [i.label for i in rk.INDICATORS]
        self.table = QTableWidget(0, len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        self.chart = ChartWidget()
        self.chart.setMinimumHeight(260)
        lay.addWidget(self.chart, 1)

    def run(self) -> None:
        from sifasuo_desktop.store.ranking_queries import township_ranking

        try:
            period, rows, weights = township_ranking(self.store, self.year.value(), quarter=self.quarter.currentData(),
                                                     as_of=self.today)
        except UserError as exc:
            self.note.setText(exc.message)
            return
        self.rows = rows
        self.note.setText(f"{period.label}：质效得分为各指标按县司法局设置的权重加权平均（无数据的指标不计入）；"
                          f"满意率目标{rk.SATISFACTION_TARGET:.0%}。权重：" +
                          "、".join(f"{i.label}{weights[i.key]:g}" for i in rk.INDICATORS))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [str(row["rank"]), row["township"], f"{row['score']:.2f}" if row["has_data"] else "—"]
            for i in rk.INDICATORS:
                v = row.get(i.key)
                cells.append("—" if v is None else fmt_rate(v) if i.kind == "rate" else f"{v:g}")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.chart.set_spec(self.chart_spec())

    def chart_spec(self) -> ChartSpec:
        return ChartSpec("bar", "乡镇质效得分", [r["township"] for r in self.rows],
                         [("质效得分", [r["score"] if r["has_data"] else None for r in self.rows])], y_label="分")


def install(window) -> None:
    window.add_lazy_page("ranking", "质效排名", lambda: RankingPage(window), attr="ranking_page")
    window.add_menu_action("统计", "乡镇质效排名", lambda: window.show_page("ranking"))
