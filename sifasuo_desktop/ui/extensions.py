"""Modules that add pages, menu actions and record actions to the main window.

Each listed module has `install(window)`; the main window imports and installs them in this order.
"""
EXTENSIONS: list[str] = [
    "sifasuo_desktop.ui.extensions_flow",
    "sifasuo_desktop.ui.checklist_ui",
    "sifasuo_desktop.ui.county_catalogs_ui",
    "sifasuo_desktop.ui.ranking_page",
    "sifasuo_desktop.ui.documents_ui",
    "sifasuo_desktop.ui.duban_ui",
    "sifasuo_desktop.ui.extensions_rules",
    "sifasuo_desktop.ui.personnel_ui",
    "sifasuo_desktop.ui.sync_ui",
    "sifasuo_desktop.ui.sync_setup_ui",
    "sifasuo_desktop.ui.extensions_xlsx",
    "sifasuo_desktop.ui.discretion_form",
    "sifasuo_desktop.ui.case_form",
    "sifasuo_desktop.ui.enterprise_ui",
    "sifasuo_desktop.ui.exemplary_ui",
    "sifasuo_desktop.ui.security_gui",
    "sifasuo_desktop.ui.first_run_ui",
    "sifasuo_desktop.ui.handling_ui",
]
