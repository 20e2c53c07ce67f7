"""Sync packages between township and county (issue 6).

Layers, bottom up:
  canonical.py  canonical JSON (what gets signed and hashed) and a strict parser
  errors.py     SyncError: a Chinese reason plus a machine code, exit code 4
  atomic.py     write-temp / fsync / rename
  keys.py       this installation's Ed25519 + X25519 keys, protected at rest; public identity files
  envelope.py   suite intl-1: sealed-box key wrap + libsodium secretstream (detects truncation)
  container.py  the inner ZIP: STORED entries only, canonical layout checked byte for byte
  package.py    signed manifest + container + envelope: build and verify
  naming.py     ASCII file names that say from / to / kind / range / date
  split.py      numbered parts for mail size caps, reassembled in any order
Store-facing parts (export/import/acks/holds/county) build on these.
"""
