"""Encrypted envelope, suite intl-1 (libsodium constructions through PyNaCl, nothing home-made).

    MAGIC "TSPKG-1\\n" | u32 big-endian header length | header (canonical JSON) | stream chunks

header = {"suite": "intl-1", "recipient_key_id": ..., "wrapped_key": sealed_box(file_key),
          "ss_header": secretstream header, "chunk": 65536}

* key wrap: a random 32-byte file key sealed to the recipient's X25519 key (crypto_box_seal).
* payload: crypto_secretstream_xchacha20poly1305, 64 KiB plaintext chunks, each with 17 bytes of
  overhead; every chunk carries SHA-256(magic|len|header) as associated data, so the header cannot be
  edited; the last chunk carries TAG_FINAL, so a file cut at any point (even at a chunk boundary) is
  detected, and bytes after the final chunk are refused.
A later `gm-1` suite (SM2 wrap + SM4-GCM STREAM) would get its own magic/header under the same rules.
"""
from __future__ import annotations

import hashlib
import secrets
import struct
from typing import BinaryIO

import nacl.bindings as nb
from nacl.exceptions import CryptoError
from nacl.public import SealedBox, PublicKey as BoxPublicKey

from . import canonical
from . import errors as E
from .errors import SyncError
from .keys import LocalKeys, PublicIdentity, b64d, b64e

MAGIC = b"TSPKG-1\n"
SUITES = ("intl-1",)
CHUNK = 64 * 1024
ABYTES = nb.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_FINAL = nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL
TAG_MESSAGE = nb.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
MAX_HEADER = 16 * 1024

CORRUPT_MSG = "同步包已损坏或不完整（解密校验失败），请让对方重新导出后再导入。"


def encrypt(src: BinaryIO, dst: BinaryIO, recipient: PublicIdentity, suite: str = "intl-1") -> None:
    """Encrypt the whole of `src` for `recipient` into `dst` (both binary file objects)."""
    if suite not in SUITES:
        raise SyncError(E.SUITE, f"不支持的加密套件“{suite}”。")
    file_key = secrets.token_bytes(nb.crypto_secretstream_xchacha20poly1305_KEYBYTES)
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    ss_header = nb.crypto_secretstream_xchacha20poly1305_init_push(state, file_key)
    wrapped = SealedBox(BoxPublicKey(recipient.box_pub)).encrypt(file_key)
    header = canonical.dumps({"suite": suite, "recipient_key_id": recipient.key_id,
                              "wrapped_key": b64e(wrapped), "ss_header": b64e(ss_header), "chunk": CHUNK})
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    ad = hashlib.sha256(prefix).digest()
    dst.write(prefix)
    chunk = src.read(CHUNK)
    while True:
        nxt = src.read(CHUNK)
        tag = TAG_MESSAGE if nxt else TAG_FINAL
        dst.write(nb.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, tag))
        if not nxt:
            break
        chunk = nxt


def read_header(src: BinaryIO) -> tuple[dict, bytes]:
    """Read and parse the clear header. Returns (header, prefix bytes)."""
    magic = src.read(len(MAGIC))
    if magic != MAGIC:
        if MAGIC.startswith(magic):
            raise SyncError(E.CORRUPT, CORRUPT_MSG)
        raise SyncError(E.NOT_A_PACKAGE, "这不是本系统的同步包文件（文件头不符）。")
    raw_len = src.read(4)
    if len(raw_len) != 4:
        raise SyncError(E.CORRUPT, CORRUPT_MSG)
    (hlen,) = struct.unpack(">I", raw_len)
    if hlen == 0 or hlen > MAX_HEADER:
        raise SyncError(E.CORRUPT, CORRUPT_MSG)
    header_bytes = src.read(hlen)
    if len(header_bytes) != hlen:
        raise SyncError(E.CORRUPT, CORRUPT_MSG)
    try:
        header = canonical.loads_strict(header_bytes)
        if not isinstance(header, dict) or canonical.dumps(header) != header_bytes:
            raise ValueError("not canonical")
        if set(header) != {"suite", "recipient_key_id", "wrapped_key", "ss_header", "chunk"}:
            raise ValueError("bad header fields")
    except (ValueError, TypeError) as exc:
        raise SyncError(E.CORRUPT, CORRUPT_MSG) from exc
    if header["suite"] not in SUITES:
        raise SyncError(E.SUITE, f"同步包使用了本程序不支持的加密套件“{header['suite']}”。")
    if header["chunk"] != CHUNK:
        raise SyncError(E.CORRUPT, CORRUPT_MSG)
    return header, MAGIC + raw_len + header_bytes


def decrypt(src: BinaryIO, dst: BinaryIO, me: LocalKeys) -> dict:
    """Decrypt `src` into `dst`. Raises SyncError; on error `dst` holds garbage the caller must discard."""
    header, prefix = read_header(src)
    if header["recipient_key_id"] != me.key_id:
        raise SyncError(E.NOT_FOR_ME, "这个同步包不是发给本单位（本机密钥）的，不能导入。")
    try:
        wrapped = b64d(header["wrapped_key"])
        ss_header = b64d(header["ss_header"], nb.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
        file_key = SealedBox(me.box_priv).decrypt(wrapped)
        state = nb.crypto_secretstream_xchacha20poly1305_state()
        nb.crypto_secretstream_xchacha20poly1305_init_pull(state, ss_header, file_key)
    except (CryptoError, ValueError, TypeError) as exc:
        raise SyncError(E.CORRUPT, CORRUPT_MSG) from exc
    ad = hashlib.sha256(prefix).digest()
    while True:
        block = src.read(CHUNK + ABYTES)
        if len(block) < ABYTES:
            raise SyncError(E.CORRUPT, CORRUPT_MSG)  # ended without a final chunk: truncated
        try:
            plain, tag = nb.crypto_secretstream_xchacha20poly1305_pull(state, block, ad)
        except (CryptoError, ValueError, RuntimeError) as exc:
            raise SyncError(E.CORRUPT, CORRUPT_MSG) from exc
        dst.write(plain)
        if tag == TAG_FINAL:
            if src.read(1):
                raise SyncError(E.CORRUPT, "同步包末尾有多余数据，文件可能被改动。")
            return header
        if tag != TAG_MESSAGE or len(block) != CHUNK + ABYTES:
            raise SyncError(E.CORRUPT, CORRUPT_MSG)
