"""Review standards shipped as data (JSON); loaded by sifasuo_desktop.domain.review."""
