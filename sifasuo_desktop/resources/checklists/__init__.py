"""The 监督检查 checklist shipped as data (JSON); loaded by sifasuo_desktop.domain.checklist."""
