"""The settings dialog's RY-10 province presets fill the inputs; saving stores them."""
from sifasuo_desktop.store.rules_queries import SETTINGS_KEY, load_params
from sifasuo_desktop.ui.settings_dialog import RuleSettingsDialog


def test_ry10_presets_fill_and_save(qtbot, store):
    dlg = RuleSettingsDialog(None, store)
    qtbot.addWidget(dlg)
    box = dlg.presets["RY-10"]
    names = [box.itemData(i) for i in range(box.count())]
    assert names == [None, "阜宁", "邢台", "古县"]
    box.setCurrentIndex(names.index("阜宁"))
    assert dlg.inputs[("RY-10", "public_law_hours")].value() == 20
    assert dlg.inputs[("RY-10", "business_hours")].value() == 40
    box.setCurrentIndex(names.index("古县"))
    assert (dlg.inputs[("RY-10", "public_law_hours")].value(), dlg.inputs[("RY-10", "business_hours")].value()) == (30, 0)
    box.setCurrentIndex(names.index("邢台"))
    dlg.buttons.button(dlg.buttons.StandardButton.Save).click()
    assert dlg.saved
    assert store.get_setting(SETTINGS_KEY)["RY-10"] == {"enabled": True, "public_law_hours": 30, "business_hours": 30}
    assert load_params(store)["RY-10"]["business_hours"] == 30
    # RY-09's deadline month cannot be set out of range in the dialog
    dlg2 = RuleSettingsDialog(None, store)
    qtbot.addWidget(dlg2)
    dlg2.inputs[("RY-09", "month")].setValue(20)
    assert dlg2.inputs[("RY-09", "month")].value() == 12
