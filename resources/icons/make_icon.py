"""Draw the application icon (no font needed) and write PNG + Windows .ico.

Run: python resources/icons/make_icon.py   (needs Pillow; output is committed, so this
only has to be re-run when the drawing changes).

The picture: a blue rounded tile, a white ledger book with ruled lines and a red
round seal — 台账 + 监督 without relying on a CJK font being installed.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
APP_ID = "cn.gov.sifasuo.desktop"
SIZES = (16, 24, 32, 48, 64, 128, 256)

BLUE = (31, 78, 156, 255)
WHITE = (255, 255, 255, 255)
LINE = (120, 144, 190, 255)
RED = (200, 30, 30, 255)


def draw(size: int = 1024) -> Image.Image:
    s = size / 256.0
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * s, 8 * s, 248 * s, 248 * s], radius=44 * s, fill=BLUE)
    # ledger book: a white page with a darker spine
    d.rounded_rectangle([58 * s, 40 * s, 198 * s, 214 * s], radius=10 * s, fill=WHITE)
    d.rectangle([58 * s, 40 * s, 76 * s, 214 * s], fill=(214, 223, 240, 255))
    for i in range(6):
        y = (74 + i * 22) * s
        d.rectangle([90 * s, y, 182 * s, y + 7 * s], fill=LINE)
    # red seal, partly over the page corner
    d.ellipse([138 * s, 138 * s, 232 * s, 232 * s], fill=RED)
    d.ellipse([150 * s, 150 * s, 220 * s, 220 * s], outline=WHITE, width=max(1, int(6 * s)))
    # a five-pointed star in the seal
    import math

    cx, cy, r_out, r_in = 185 * s, 186 * s, 24 * s, 10 * s
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(pts, fill=WHITE)
    return img


def main() -> None:
    big = draw(1024)
    for px in (256, 48):
        big.resize((px, px), Image.LANCZOS).save(HERE / f"{APP_ID}-{px}.png", optimize=True)
    big.resize((256, 256), Image.LANCZOS).save(
        HERE / "sifasuo.ico", sizes=[(n, n) for n in SIZES]
    )


if __name__ == "__main__":
    main()
