"""工具 → 预警阈值设置: thresholds of every warning rule (admin only; the store enforces it too)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QLabel, QMessageBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.rules import effective_params, load_defaults, validate_settings
from sifasuo_desktop.store.rules_queries import SETTINGS_KEY, load_params
from sifasuo_desktop.ui.widgets import FitDialog

NO_RIGHT = "只有管理员可以修改预警阈值。"


class RuleSettingsDialog(FitDialog):
    def __init__(self, parent, store):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("预警阈值设置")
        self.resize(560, 640)
        self.enabled: dict[str, QCheckBox] = {}
        self.inputs: dict[tuple[str, str], QSpinBox | QDoubleSpinBox] = {}
        self.presets: dict[str, QComboBox] = {}
        self.saved = False

        body = QWidget()
        col = QVBoxLayout(body)
        current = load_params(store)
        for code, d in load_defaults().items():
            box = QGroupBox(f"{code} {d['title']}")
            form = QFormLayout(box)
            check = QCheckBox("启用此规则")
            check.setChecked(bool(current[code].get("enabled", True)))
            self.enabled[code] = check
            form.addRow(check)
            for key, default in d["params"].items():
                if isinstance(default, int):
                    w = QSpinBox()
                    w.setRange(0, 100_000_000)
                else:
                    w = QDoubleSpinBox()
                    w.setRange(0, 100_000_000)
                    w.setDecimals(2)
                if key == "from_month":
                    w.setRange(1, 12)
                lo_hi = (d.get("ranges") or {}).get(key)
                if lo_hi:
                    w.setRange(lo_hi[0], lo_hi[1])
                w.setValue(current[code][key])
                w.setToolTip(f"默认值：{default}")
                self.inputs[(code, key)] = w
                form.addRow(d["labels"].get(key, key) + "：", w)
            if d.get("presets"):
                form.addRow("地方标准：", self._preset_box(code, d["presets"]))
            col.addWidget(box)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel |
                                        QDialogButtonBox.RestoreDefaults)
        self.buttons.button(QDialogButtonBox.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.button(QDialogButtonBox.RestoreDefaults).setText("恢复默认值")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.RestoreDefaults).clicked.connect(self.restore_defaults)

        layout = QVBoxLayout(self)
        note = QLabel("修改后立即生效，预警页和台账标记会重新计算。县司法局的设置可随同步包下发。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)

    def _preset_box(self, code: str, presets: dict) -> QComboBox:
        """A combo of named parameter sets (e.g. RY-10 province minimums); picking one fills the inputs."""
        box = QComboBox()
        box.addItem("（自定义）", None)
        for name, vals in presets.items():
            text = "，".join(f"{self._label(code, k)}{v:g}" for k, v in vals.items())
            box.addItem(f"{name}：{text}", name)
        box.currentIndexChanged.connect(lambda _i, c=code, b=box, p=presets: self.apply_preset(c, b.currentData(), p))
        self.presets[code] = box
        return box

    @staticmethod
    def _label(code: str, key: str) -> str:
        return load_defaults()[code]["labels"].get(key, key).split("（")[0]

    def apply_preset(self, code: str, name: str | None, presets: dict | None = None) -> None:
        presets = presets or load_defaults()[code].get("presets") or {}
        if name not in presets:
            return
        for key, val in presets[name].items():
            if (code, key) in self.inputs:
                self.inputs[(code, key)].setValue(val)

    def values(self) -> dict:
        out: dict[str, dict] = {code: {"enabled": cb.isChecked()} for code, cb in self.enabled.items()}
        for (code, key), w in self.inputs.items():
            out[code][key] = w.value()
        return out

    def restore_defaults(self) -> None:
        defaults = effective_params({})
        for code, cb in self.enabled.items():
            cb.setChecked(True)
        for (code, key), w in self.inputs.items():
            w.setValue(defaults[code][key])

    def save(self) -> None:
        try:
            clean = validate_settings(self.values())
            self.store.set_setting(SETTINGS_KEY, clean)
        except ValueError as exc:
            QMessageBox.warning(self, "设置有误", str(exc))
            return
        except UserError as exc:
            QMessageBox.warning(self, "无法保存", exc.message)
            return
        self.saved = True
        self.accept()


def open_rule_settings(window) -> bool:
    """Menu entry: refuse non-admins with a clear message, else show the dialog. True when saved."""
    if not allowed(window.actor, "settings"):
        QMessageBox.information(window, "预警阈值设置", NO_RIGHT)
        return False
    dlg = RuleSettingsDialog(window, window.store)
    dlg.exec()
    return dlg.saved
