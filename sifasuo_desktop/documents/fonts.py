"""Font resolver for 公文 rendering.

Fonts are looked up by the names in their `name` table (Chinese and English), never by file name.
Order per role: a font the user chose -> licensed Windows fonts -> 信创 CESI/GB fonts -> free fonts
installed on the system (AR PL UMing/UKai, WenQuanYi ...). Only TrueType (glyf) fonts whose fsType
allows embedding are used; every character is checked against the font's cmap and falls back per
character to the next font of the chain that has it.

No Qt, no database.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from sifasuo_desktop.domain.errors import UserError

# Roles used by the layout engine.
FANGSONG = "fangsong"  # 正文 仿宋
HEITI = "heiti"  # 一级标题 黑体
KAITI = "kaiti"  # 二级标题 楷体
SONGTI = "songti"  # 页码 宋体
XBS = "xiaobiaosong"  # 标题 / 机关标志 小标宋

ROLES = (FANGSONG, HEITI, KAITI, SONGTI, XBS)
ROLE_LABELS = {FANGSONG: "仿宋", HEITI: "黑体", KAITI: "楷体", SONGTI: "宋体", XBS: "小标宋"}

# Candidate family names per role, best first. Matched case-insensitively against every
# family / full / typographic-family name the font carries, in any language.
ROLE_CANDIDATES: dict[str, list[str]] = {
    FANGSONG: [
        "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "方正仿宋简体",
        "CESI仿宋-GB2312", "CESI仿宋-GB18030", "CESI仿宋-GB13000", "CESI_FS_GB2312", "CESI_FS_GB18030",
        "CESI_FS_GB13000", "GB_FS_GB18030", "Zhuque Fangsong", "朱雀仿宋", "Zhuque Fangsong (technical preview)",
        "FandolFang",  # converted to TrueType by scripts/install-fonts.sh (the CFF original cannot be embedded)
        "AR PL UMing CN", "AR PL UKai CN",
    ],
    HEITI: [
        "黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "CESI黑体-GB2312", "CESI黑体-GB18030", "CESI黑体-GB13000",
        "CESI_HT_GB2312", "CESI_HT_GB18030", "CESI_HT_GB13000", "GB_HT_GB18030",
        "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN",
    ],
    KAITI: [
        "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "方正楷体简体",
        "CESI楷体-GB2312", "CESI楷体-GB18030", "CESI楷体-GB13000", "CESI_KT_GB2312", "CESI_KT_GB18030",
        "CESI_KT_GB13000", "GB_KT_GB18030", "LXGW WenKai", "AR PL UKai CN", "AR PL UMing CN",
    ],
    SONGTI: [
        "宋体", "SimSun", "新宋体", "NSimSun", "方正书宋_GBK", "CESI宋体-GB2312", "CESI宋体-GB18030",
        "CESI宋体-GB13000", "CESI_SS_GB2312", "CESI_SS_GB18030", "CESI_SS_GB13000", "GB_ST_GB18030",
        "AR PL UMing CN", "AR PL UKai CN",
    ],
    XBS: [
        "方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", "CESI小标宋-GB2312",
        "CESI小标宋-GB18030", "CESI小标宋-GB13000", "CESI_XBS_GB2312", "CESI_XBS_GB18030", "CESI_XBS_GB13000",
        "GB_XBS_GB18030", "GB_XBS_GBT2312", "CESI_小标宋(GB2312-1980)",
        "Noto Serif SC Bold",  # glyf build from the npm registry (scripts/install-fonts.sh)
        "Sifasuo Title Serif",  # built from Noto Serif CJK SC Bold by `sifasuo docs build-title-font`
        "AR PL UMing CN", "AR PL UKai CN",
    ],
}

# Fonts a 公文 is meant to be printed with (Windows, 方正, CESI/GB 信创 fonts). Anything else is a free stand-in
# and the UI/CLI say so when a document is printed with one.
OFFICIAL_PREFIXES = ("仿宋", "fangsong", "黑体", "simhei", "楷体", "kaiti", "宋体", "simsun", "新宋体", "nsimsun",
                     "方正", "fz", "cesi", "gb_")


def is_official(face: "Face") -> bool:
    return any(n.casefold().startswith(OFFICIAL_PREFIXES) for n in face.info.names)


# Families that are only stand-ins: the XBS role drawn with them gets a synthetic bold stroke.
_STANDIN_FOR_XBS = {"ar pl uming cn", "ar pl ukai cn", "ar pl uming tw", "ar pl ukai tw"}

# Free fonts tried for any character no role font has.
GENERAL_FALLBACK = [
    "AR PL UMing CN", "AR PL UKai CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback",
    "LXGW WenKai", "AR PL UMing TW", "AR PL UMing HK",
]

FONT_EXTS = (".ttf", ".ttc", ".otf", ".otc")


def user_font_dir() -> Path:
    """Fonts the app made or the user dropped in for this program only (scanned first)."""
    env = os.environ.get("SIFASUO_FONT_HOME")
    if env:
        return Path(env)
    from sifasuo_desktop.paths import default_data_dir

    return default_data_dir() / "fonts"


def font_dirs() -> list[Path]:
    """Directories scanned for fonts on this machine (Windows, 信创 Linux, generic Linux, macOS)."""
    dirs: list[Path] = [user_font_dir()]
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [
            Path("/usr/share/fonts/fonts-cesi"),
            Path("/usr/share/fonts/gb-cjk"),
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
        if sys.platform == "darwin":
            dirs += [Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    # free fonts installed with the app (PyInstaller bundle: _internal/resources/fonts) come last
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle) / "resources" / "fonts")
    dirs.append(Path(__file__).resolve().parents[2] / "resources" / "fonts")
    extra = os.environ.get("SIFASUO_FONT_DIRS")
    if extra:
        dirs = [Path(p) for p in extra.split(os.pathsep) if p] + dirs
    return dirs


@dataclass
class FontInfo:
    """One face inside a font file, as found by the scan (nothing loaded yet)."""

    path: str
    index: int
    names: tuple[str, ...]  # all family/full names, original case
    display: str  # best display name (Chinese if present)
    glyf: bool
    fs_type: int

    @property
    def embeddable(self) -> bool:
        # 0x0002 restricted licence; 0x0200 bitmap embedding only. reportlab refuses both.
        return self.glyf and not (self.fs_type & 0x0002) and not (self.fs_type & 0x0200)


def _read_faces(path: str) -> list[FontInfo]:
    from fontTools.ttLib import TTCollection, TTFont

    out: list[FontInfo] = []
    try:
        if path.lower().endswith((".ttc", ".otc")):
            coll = TTCollection(path, lazy=True)
            fonts = list(coll.fonts)
        else:
            fonts = [TTFont(path, lazy=True)]
    except Exception:
        return out
    for i, f in enumerate(fonts):
        try:
            names: list[str] = []
            zh = ""
            en = ""
            if "name" in f:
                for rec in f["name"].names:
                    if rec.nameID not in (1, 4, 16):
                        continue
                    try:
                        s = rec.toUnicode().strip()
                    except Exception:
                        continue
                    if not s:
                        continue
                    if s not in names:
                        names.append(s)
                    if rec.nameID in (1, 16):
                        if rec.platformID == 3 and rec.langID in (0x0804, 0x1004):
                            zh = zh or s
                        elif rec.platformID == 3 and rec.langID == 0x0409:
                            en = en or s
            fs_type = 0
            if "OS/2" in f:
                fs_type = int(getattr(f["OS/2"], "fsType", 0))
            glyf = "glyf" in f.reader.tables if hasattr(f, "reader") else ("glyf" in f)
            out.append(FontInfo(path, i, tuple(names), zh or en or (names[0] if names else Path(path).name),
                                bool(glyf), fs_type))
        except Exception:
            continue
    return out


@dataclass
class Face:
    """A loaded, registered font: reportlab name + coverage."""

    rl_name: str
    info: FontInfo
    cmap: dict  # codepoint -> glyph id (reportlab's parse)
    ascent: float  # em units / 1000
    descent: float

    @property
    def display(self) -> str:
        return self.info.display

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap and self.cmap[ord(ch)] != 0

    def width(self, ch: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(ch, self.rl_name, size)


class FontError(Exception):
    pass


@dataclass
class FallbackUse:
    char: str
    role: str
    face: str  # display name of the face that printed it ("" when no font had it)


class FontResolver:
    """Finds and loads fonts per role. Thread-safe enough for one renderer at a time; cached per process."""

    def __init__(self, preferred: dict[str, str] | None = None, dirs: list[Path] | None = None):
        # preferred: role -> family name or file path chosen by the user
        self.preferred = dict(preferred or {})
        self.dirs = dirs
        self._lock = threading.RLock()
        self._faces_by_name: dict[str, list[FontInfo]] | None = None
        self._loaded: dict[tuple[str, int], Face | None] = {}
        self._chains: dict[str, list[Face]] = {}
        self._char_cache: dict[tuple[str, str], Face | None] = {}

    # ---- scanning -----------------------------------------------------------------------------
    def _scan(self) -> dict[str, list[FontInfo]]:
        with self._lock:
            if self._faces_by_name is not None:
                return self._faces_by_name
            by_name: dict[str, list[FontInfo]] = {}
            seen: set[str] = set()
            for d in self.dirs if self.dirs is not None else font_dirs():
                if not d.is_dir():
                    continue
                for root, _subdirs, files in os.walk(d):
                    for fn in sorted(files):
                        if not fn.lower().endswith(FONT_EXTS):
                            continue
                        p = os.path.realpath(os.path.join(root, fn))
                        if p in seen:
                            continue
                        seen.add(p)
                        for info in _read_faces(p):
                            for n in info.names:
                                by_name.setdefault(n.casefold(), []).append(info)
            self._faces_by_name = by_name
            return by_name

    def find(self, name: str) -> list[FontInfo]:
        """Faces whose name table carries `name` (case-insensitive)."""
        return list(self._scan().get(name.casefold(), []))

    def available_families(self) -> list[str]:
        return sorted({i.display for infos in self._scan().values() for i in infos if i.embeddable})

    # ---- loading --------------------------------------------------------------------------------
    def _load(self, info: FontInfo) -> Face | None:
        key = (info.path, info.index)
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
            face = None
            if info.embeddable:
                from reportlab.pdfbase import pdfmetrics
                from reportlab.pdfbase.ttfonts import TTFError, TTFont

                rl_name = "F" + hashlib.sha1(f"{info.path}#{info.index}".encode()).hexdigest()[:10]
                try:
                    try:
                        tt = pdfmetrics.getFont(rl_name)
                    except KeyError:
                        tt = TTFont(rl_name, info.path, subfontIndex=info.index)
                        pdfmetrics.registerFont(tt)
                    f = tt.face
                    face = Face(rl_name, info, f.charToGlyph, f.ascent / 1000.0, f.descent / 1000.0)
                except (TTFError, OSError, Exception):  # noqa: BLE001 - any broken font is skipped
                    face = None
            self._loaded[key] = face
            return face

    def _face_for_name(self, name: str) -> Face | None:
        if os.sep in name or name.lower().endswith(FONT_EXTS):
            p = name
            idx = 0
            if "#" in name:
                p, _, sidx = name.rpartition("#")
                idx = int(sidx) if sidx.isdigit() else 0
            if not os.path.isfile(p):
                return None
            infos = [i for i in _read_faces(os.path.realpath(p))]
            infos = [i for i in infos if i.index == idx] or infos[:1]
            return self._load(infos[0]) if infos else None
        for info in self.find(name):
            face = self._load(info)
            if face is not None:
                return face
        return None

    def chain(self, role: str) -> list[Face]:
        """Faces tried in order for `role` (primary first, then fallbacks)."""
        with self._lock:
            if role in self._chains:
                return self._chains[role]
            names: list[str] = []
            if self.preferred.get(role):
                names.append(self.preferred[role])
            names += ROLE_CANDIDATES[role]
            names += GENERAL_FALLBACK
            faces: list[Face] = []
            for n in names:
                face = self._face_for_name(n)
                if face is not None and all(face.rl_name != f.rl_name for f in faces):
                    faces.append(face)
            self._chains[role] = faces
            return faces

    def primary(self, role: str) -> Face:
        ch = self.chain(role)
        if not ch:
            raise FontError(
                f"找不到可嵌入的中文 TrueType 字体（{ROLE_LABELS.get(role, role)}）。"
                "请安装仿宋/宋体字体，或在 Linux 上安装 fonts-arphic-uming、fonts-wqy-zenhei。")
        return ch[0]

    def face_for(self, role: str, ch: str) -> tuple[Face, bool]:
        """(face, is_fallback). When no font has the character the primary face is returned
        with is_fallback=True and the caller records the character as missing."""
        key = (role, ch)
        cached = self._char_cache.get(key, False)
        chain = self.chain(role)
        if not chain:
            self.primary(role)  # raises
        if cached is False:
            found = None
            for face in chain:
                if face.has(ch):
                    found = face
                    break
            self._char_cache[key] = found
            cached = found
        if cached is None:
            return chain[0], True
        return cached, cached is not chain[0]

    def synthetic_bold(self, role: str, face: Face) -> bool:
        """True when the 小标宋 role is printed with a light stand-in font (draw with a stroke)."""
        if role != XBS:
            return False
        return any(n.casefold() in _STANDIN_FOR_XBS for n in face.info.names)

    def substitutes(self) -> dict[str, str]:
        """role label -> free stand-in font printing that role (empty when every role has its official font)."""
        out = {}
        for role in ROLES:
            ch = self.chain(role)
            if ch and not is_official(ch[0]):
                out[ROLE_LABELS[role]] = ch[0].display
        return out

    def describe(self) -> dict[str, str]:
        """role label -> primary font display name."""
        out = {}
        for role in ROLES:
            ch = self.chain(role)
            out[ROLE_LABELS[role]] = ch[0].display if ch else "（无）"
        return out


def missing_chars(text: str, resolver: FontResolver | None = None) -> list[str]:
    """Characters of `text` that no usable font on this machine has (they would print as empty boxes),
    in the order they first occur. Whitespace and control characters are ignored."""
    import unicodedata

    resolver = resolver or default_resolver()
    faces: list[Face] = []
    for role in ROLES:
        for face in resolver.chain(role):
            if all(face.rl_name != f.rl_name for f in faces):
                faces.append(face)
    out: list[str] = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if not any(f.has(ch) for f in faces):
            out.append(ch)
    return out


def document_missing_chars(doc, resolver: FontResolver | None = None) -> list[str]:
    """The characters of a document (title, body, tables, 署名, 版记 ...) no installed font can print."""
    from .model import format_cn_date

    text = doc.all_text() + (format_cn_date(doc.date) if getattr(doc, "date", None) else "")
    return missing_chars(text, resolver)


def missing_chars_message(chars: list[str]) -> str:
    shown = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars[:12]) + ("等" if len(chars) > 12 else "")
    return (f"文书中有{len(chars)}个字本机所有字体都没有字形，打印出来是空框：{shown}。"
            "请改用常用字或安装含这些字的字体后再签发；确需签发时请确认。")


class MissingGlyphs(UserError):
    """The issue workflow refuses a document with characters no font has; `chars` names them."""

    def __init__(self, chars: list[str]):
        super().__init__(missing_chars_message(chars))
        self.chars = list(chars)


def check_printable(doc, resolver: FontResolver | None = None) -> None:
    """Refuse (MissingGlyphs, a UserError naming the characters) a document that would print empty boxes."""
    chars = document_missing_chars(doc, resolver)
    if chars:
        raise MissingGlyphs(chars)


_default: FontResolver | None = None
_default_lock = threading.Lock()


def default_resolver(preferred: dict[str, str] | None = None) -> FontResolver:
    """The process-wide resolver (scans once). A different `preferred` mapping gets its own resolver
    that shares nothing but is cached too."""
    global _default
    with _default_lock:
        if not preferred:
            if _default is None:
                _default = FontResolver()
            return _default
        key = tuple(sorted(preferred.items()))
        cache = _custom_resolvers
        if key not in cache:
            base = default_resolver_unlocked()
            r = FontResolver(preferred)
            r._faces_by_name = base._scan()
            cache[key] = r
        return cache[key]


_custom_resolvers: dict[tuple, FontResolver] = {}


def default_resolver_unlocked() -> FontResolver:
    global _default
    if _default is None:
        _default = FontResolver()
    return _default


__all__ = [
    "FANGSONG", "HEITI", "KAITI", "SONGTI", "XBS", "ROLES", "ROLE_LABELS", "FontResolver", "FontInfo", "Face",
    "FontError", "FallbackUse", "default_resolver", "font_dirs", "missing_chars", "document_missing_chars",
    "MissingGlyphs", "check_printable",
]
