"""Safety (issue 7): local accounts and login, audit-chain verification, backups and restore.

No Qt here. The Qt side lives in ui/security_gui.py, ui/login_*.py, ui/accounts_*.py, ui/history_*.py.
"""
