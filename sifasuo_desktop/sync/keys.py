"""This installation's keys and the public identity files exchanged between township and county.

Key pairs (suite intl-1):
  * signing:    Ed25519 (pyca/cryptography) - signs package manifests and the identity file itself
  * encryption: X25519 (libsodium via PyNaCl) - packages are sealed to the recipient's public key

Protection at rest (be honest about it):
  The private keys live in `<data>/keys/identity.json`, encrypted with ChaCha20-Poly1305 under a random
  32-byte key kept in a separate file `<data>/keys/local.secret`; the folder is created 0700 and the files
  0600 (on Windows these modes are mostly ignored - there the user's profile ACL is what protects them).
  This keeps the private keys out of the ledger database, its backups and any diagnostic bundle, and a
  copy of identity.json alone is useless. It does NOT protect against someone who can read the whole data
  folder as this OS user (malware, a shared account, a stolen unencrypted disk): that person has both
  files. Stronger options (a passphrase through Argon2id, Windows DPAPI, a hardware token) would wrap
  local.secret without changing the rest of this format.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, PrivateFormat, NoEncryption
from nacl.public import PrivateKey as BoxPrivateKey

from sifasuo_desktop import fsutil

from . import canonical
from . import errors as E
from .atomic import atomic_output
from .errors import SyncError

IDENTITY_FORMAT = "sifasuo-identity/1"
KEYSTORE_FORMAT = "sifasuo-keystore/1"
SUITE = "intl-1"
ROLES = ("township", "county")


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str, expected_len: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not a string")
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if expected_len is not None and len(raw) != expected_len:
        raise ValueError("wrong length")
    return raw


def key_id_for(sign_pub: bytes) -> str:
    """16 hex characters naming a signing key (like minisign's key id)."""
    return hashlib.sha256(b"sifasuo-key-id\0" + sign_pub).hexdigest()[:16]


def fingerprint_for(org_code: str, role: str, sign_pub: bytes, box_pub: bytes) -> str:
    """Eight groups of five digits (about 133 bits), easy to read aloud over the phone."""
    digest = hashlib.sha512(b"sifasuo-fingerprint/1\0" + org_code.encode("utf-8") + b"\0"
                            + role.encode("ascii") + b"\0" + sign_pub + box_pub).digest()
    groups = []
    for i in range(8):
        n = int.from_bytes(digest[i * 5:(i + 1) * 5], "big") % 100000
        groups.append(f"{n:05d}")
    return " ".join(groups)


@dataclass(frozen=True)
class PublicIdentity:
    """The other side's (or our own) public keys plus who they belong to."""

    org_code: str
    org_name: str
    role: str
    sign_pub: bytes
    box_pub: bytes
    created_at: str = ""
    revoked_at: str | None = None

    @property
    def key_id(self) -> str:
        return key_id_for(self.sign_pub)

    @property
    def fingerprint(self) -> str:
        return fingerprint_for(self.org_code, self.role, self.sign_pub, self.box_pub)

    def body(self) -> dict:
        return {
            "format": IDENTITY_FORMAT, "suite": SUITE, "org_code": self.org_code,
            "org_name": self.org_name, "role": self.role, "created_at": self.created_at,
            "sign_alg": "ed25519", "sign_pub": b64e(self.sign_pub),
            "box_alg": "x25519", "box_pub": b64e(self.box_pub), "key_id": self.key_id,
        }

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.sign_pub).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False


def _now() -> str:
    return _dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


@dataclass
class LocalKeys:
    """Private keys of this installation (in memory only after loading)."""

    org_code: str
    org_name: str
    role: str
    sign_priv: Ed25519PrivateKey
    box_priv: BoxPrivateKey
    created_at: str = field(default_factory=_now)

    @classmethod
    def generate(cls, org_code: str, org_name: str, role: str) -> "LocalKeys":
        if role not in ROLES:
            raise SyncError(E.IDENTITY, f"角色必须是 township 或 county，而不是“{role}”。")
        if not org_code or not org_code.strip():
            raise SyncError(E.IDENTITY, "机构代码不能为空。")
        return cls(org_code, org_name, role, Ed25519PrivateKey.generate(), BoxPrivateKey.generate())

    @property
    def public(self) -> PublicIdentity:
        sign_pub = self.sign_priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicIdentity(self.org_code, self.org_name, self.role, sign_pub,
                              bytes(self.box_priv.public_key), self.created_at)

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self.sign_priv.sign(message)

    # ---- public identity file -------------------------------------------------------------------
    def identity_document(self) -> bytes:
        pub = self.public
        body = pub.body()
        sig = self.sign(b"sifasuo-identity\0" + canonical.dumps(body))
        doc = dict(body, fingerprint=pub.fingerprint, self_signature=b64e(sig))
        return canonical.dumps(doc) + b"\n"

    def write_identity(self, out: Path) -> Path:
        out = fsutil.check_output_path(out)
        with atomic_output(out) as fh:
            fh.write(self.identity_document())
        return out

    # ---- storage --------------------------------------------------------------------------------
    def save(self, data_dir: Path) -> None:
        folder = keys_dir(data_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        secret_path = folder / "local.secret"
        if secret_path.exists():
            secret = _read_secret(secret_path)
        else:
            secret = secrets.token_bytes(32)
            with atomic_output(secret_path) as fh:
                fh.write(secret)
            _chmod(secret_path, 0o600)
        pub_body = self.public.body()
        private = canonical.dumps({
            "sign_priv": b64e(self.sign_priv.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())),
            "box_priv": b64e(bytes(self.box_priv)),
        })
        nonce = os.urandom(12)
        ct = ChaCha20Poly1305(secret).encrypt(nonce, private, canonical.dumps(pub_body))
        doc = {"format": KEYSTORE_FORMAT, "public": pub_body,
               "private": {"aead": "chacha20poly1305", "nonce": b64e(nonce), "ciphertext": b64e(ct)}}
        path = folder / "identity.json"
        with atomic_output(path) as fh:
            fh.write(canonical.dumps(doc))
        _chmod(path, 0o600)

    @classmethod
    def load(cls, data_dir: Path) -> "LocalKeys":
        folder = keys_dir(data_dir)
        path = folder / "identity.json"
        if not path.exists():
            raise SyncError(E.KEYSTORE, "本机尚未生成同步密钥（数据文件夹中没有 keys/identity.json）。")
        try:
            secret = _read_secret(folder / "local.secret")
            doc = canonical.loads_strict(path.read_bytes())
            if doc.get("format") != KEYSTORE_FORMAT:
                raise ValueError("format")
            pub = doc["public"]
            priv = doc["private"]
            plain = ChaCha20Poly1305(secret).decrypt(b64d(priv["nonce"], 12), b64d(priv["ciphertext"]),
                                                     canonical.dumps(pub))
            keys = canonical.loads_strict(plain)
            obj = cls(pub["org_code"], pub["org_name"], pub["role"],
                      Ed25519PrivateKey.from_private_bytes(b64d(keys["sign_priv"], 32)),
                      BoxPrivateKey(b64d(keys["box_priv"], 32)), pub.get("created_at", ""))
        except SyncError:
            raise
        except Exception as exc:  # any damage: InvalidTag, KeyError, ValueError ...
            raise SyncError(E.KEYSTORE, "本机同步密钥文件已损坏，或与密钥保护文件 local.secret 不匹配。") from exc
        if obj.public.body() != pub:
            raise SyncError(E.KEYSTORE, "本机同步密钥文件内容不一致（公钥与私钥不匹配）。")
        return obj

    @classmethod
    def load_or_create(cls, data_dir: Path, org_code: str, org_name: str, role: str) -> "LocalKeys":
        if (keys_dir(data_dir) / "identity.json").exists():
            return cls.load(data_dir)
        keys = cls.generate(org_code, org_name, role)
        keys.save(data_dir)
        return keys


def keys_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "keys"


def _read_secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
    except OSError as exc:
        raise SyncError(E.KEYSTORE, "找不到密钥保护文件 keys/local.secret，无法使用本机同步密钥。") from exc
    if len(secret) != 32:
        raise SyncError(E.KEYSTORE, "密钥保护文件 keys/local.secret 已损坏。")
    return secret


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:
        pass


def parse_identity(data: bytes) -> PublicIdentity:
    """Parse and self-verify a public identity file. Raises SyncError(identity) in Chinese."""
    try:
        doc = canonical.loads_strict(data.strip())
        if not isinstance(doc, dict) or doc.get("format") != IDENTITY_FORMAT:
            raise ValueError("format")
        if doc.get("suite") != SUITE or doc.get("sign_alg") != "ed25519" or doc.get("box_alg") != "x25519":
            raise ValueError("suite")
        if doc.get("role") not in ROLES:
            raise ValueError("role")
        ident = PublicIdentity(str(doc["org_code"]), str(doc["org_name"]), doc["role"],
                               b64d(doc["sign_pub"], 32), b64d(doc["box_pub"], 32), str(doc.get("created_at", "")))
        sig = b64d(doc["self_signature"], 64)
        body = {k: v for k, v in doc.items() if k not in ("fingerprint", "self_signature")}
    except Exception as exc:
        raise SyncError(E.IDENTITY, "身份文件格式不正确或已损坏。") from exc
    if body != ident.body():
        raise SyncError(E.IDENTITY, "身份文件内容不一致（密钥编号或字段被改动）。")
    if doc.get("fingerprint") != ident.fingerprint:
        raise SyncError(E.IDENTITY, "身份文件中的指纹与公钥不符，文件可能被改动。")
    if not ident.verify(b"sifasuo-identity\0" + canonical.dumps(body), sig):
        raise SyncError(E.IDENTITY, "身份文件的自签名无效，文件可能被改动。")
    return ident
