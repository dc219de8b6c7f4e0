"""Render the application icon from ``resources/app-icon.svg`` into the raster files the platforms need.

    python installer/make_icons.py

writes, next to the SVG:

- ``app-icon.png`` (512 px) and ``app-icon-256.png``: the window icon and the Linux desktop icon;
- ``app-icon.ico``: Windows (executable, installer, shortcuts), 16 to 256 px; sizes below 256 are stored
  as 32-bit DIBs with an alpha channel, 256 as PNG, the layout every Windows version since Vista reads;
- ``app-icon.icns``: macOS, 16 to 1024 px (retina variants included), PNG entries.

The SVG is the source; the raster files are committed so that building needs no renderer. Run this
again after editing the SVG. Rendering goes through Qt's SVG renderer (PySide6 is a dependency of the
app already), so no image library is needed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SVG = RESOURCES / "app-icon.svg"

PNG_SIZES = {"app-icon.png": 512, "app-icon-256.png": 256}
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (OSType, pixel size): PNG-payload entry types of the ICNS format; the @2x types repeat a size.
ICNS_ENTRIES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
                ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))


def render(size: int):
    """The SVG rendered on a transparent ``size`` x ``size`` QImage (ARGB32, not premultiplied)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: Qt cannot read this SVG; fix it and run again")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("Qt could not encode a PNG image")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image) -> bytes:
    """A 32-bit BGRA device-independent bitmap as ICO stores it: header, bottom-up pixels, AND mask."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, 2 * size, 1, 32, 0, 0, 0, 0, 0, 0)
    # Format_ARGB32 keeps each pixel as a native-endian 0xAARRGGBB word: B, G, R, A bytes on little-endian.
    rows = [image.constScanLine(y).tobytes()[: 4 * size] for y in range(size)]
    if sys.byteorder != "little":
        rows = [_swap_words(row) for row in rows]
    mask_row = bytes(((size + 31) // 32) * 4)  # all zero: the alpha channel decides transparency
    return header + b"".join(reversed(rows)) + mask_row * size


def _swap_words(row: bytes) -> bytes:
    return b"".join(row[i:i + 4][::-1] for i in range(0, len(row), 4))


def ico_bytes(images: dict[int, object]) -> bytes:
    payloads = [(size, png_bytes(img) if size >= 256 else dib_bytes(img)) for size, img in images.items()]
    directory = struct.pack("<HHH", 0, 1, len(payloads))
    offset = len(directory) + 16 * len(payloads)
    entries, blobs = [], []
    for size, payload in payloads:
        side = 0 if size >= 256 else size  # a zero byte means 256
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset))
        blobs.append(payload)
        offset += len(payload)
    return directory + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_ENTRIES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    sizes = sorted(set(PNG_SIZES.values()) | set(ICO_SIZES) | {size for _, size in ICNS_ENTRIES})
    images = {size: render(size) for size in sizes}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    written = {name: pngs[size] for name, size in PNG_SIZES.items()}
    written["app-icon.ico"] = ico_bytes({size: images[size] for size in ICO_SIZES})
    written["app-icon.icns"] = icns_bytes(pngs)
    for name, data in written.items():
        (RESOURCES / name).write_bytes(data)
        print(f"wrote {RESOURCES / name} ({len(data):,} bytes)")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
