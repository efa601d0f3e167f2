"""The text layer of a PDF Qt wrote, made to copy out right: every space a space.

Qt's PDF writer embeds each font as a subset (a TrueType font whose glyph numbers are the PDF's character codes)
with a map back to characters (ToUnicode), made by looking each glyph up in the font's own character map. Two
kinds of glyph come out wrong with a CJK font such as Noto Sans CJK:
- the space: the font draws the tab and the space with one glyph and Qt keeps the lowest character, so every
  space in the report copied out as a tab;
- a glyph the font's shaping put in place of another (between two Hangul words, Noto CJK's `calt` swaps the
  space for a narrower one): no character reaches it, so Qt leaves it out of the map and a copy or search
  meets a control character where the space was.
`fix_spaces` rewrites each map: a tab becomes a space, and a glyph left out of it that draws nothing but
moves the pen (what a space is) becomes a space. Every other glyph keeps what Qt gave it.

The same swap hits digits and punctuation: under a Korean locale the font's `locl` feature, and after a Latin
word its `calt`, put in glyphs no character reaches, and "2026-10-31" copied out as control characters. Those
are avoided where the report is drawn: `plain_shaping` turns the two features off in every font of the widgets
(and chart items) being printed, and puts the fonts back afterwards. The page looks the same.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsView, QWidget

SWAPPING_FEATURES = ("locl", "calt")  # the OpenType features that draw glyphs no character reaches


def plain(font: QFont) -> QFont:
    """`font` without the features that swap glyphs (see the module's note)."""
    changed = QFont(font)
    for tag in SWAPPING_FEATURES:
        changed.setFeature(QFont.Tag(tag), 0)
    return changed


@contextlib.contextmanager
def plain_shaping(root: QWidget) -> Iterator[None]:
    """While printing `root`: every widget under it, and every item of every chart (QGraphicsView) under it, drawn
    with `plain` fonts; each font put back as it was afterwards (a font a widget inherited is inherited again)."""
    widgets: list[tuple[QWidget, QFont, bool]] = []
    items: list[tuple[Any, QFont]] = []
    axes: list[tuple[Any, Any]] = []
    try:
        for widget in [root, *root.findChildren(QWidget)]:
            widgets.append((widget, QFont(widget.font()), widget.testAttribute(Qt.WidgetAttribute.WA_SetFont)))
            widget.setFont(plain(widget.font()))
        for view in root.findChildren(QGraphicsView):
            for item in view.scene().items() if view.scene() is not None else ():
                if callable(getattr(item, "font", None)) and callable(getattr(item, "setFont", None)):
                    items.append((item, QFont(item.font())))
                    item.setFont(plain(item.font()))
                style = getattr(item, "style", None)  # a pyqtgraph axis draws its ticks in its own font
                if isinstance(style, dict) and isinstance(style.get("tickFont"), QFont):
                    axes.append((item, style["tickFont"]))
                    item.setStyle(tickFont=plain(style["tickFont"]))
        yield
    finally:
        for axis, tick_font in axes:
            axis.setStyle(tickFont=tick_font)
        for item, font in items:
            item.setFont(font)
        # twice, children first and then parents first: a widget that passes its font on by hand (a combo box
        # to its popup, a window of its own) has had it set again by the time the second round comes
        for restoring in (reversed(widgets), widgets):
            for widget, font, explicit in restoring:
                widget.setFont(font if explicit else QFont())  # an empty font: inherit again
        for widget in [root, *root.findChildren(QWidget)]:  # anything made meanwhile keeps its font, unswapped
            if any(QFont.Tag(tag) in widget.font().featureTags() for tag in SWAPPING_FEATURES):
                font = QFont(widget.font())
                for tag in SWAPPING_FEATURES:
                    font.unsetFeature(QFont.Tag(tag))
                widget.setFont(font)

_CODE = re.compile(r"<([0-9A-Fa-f]+)>")


def read_map(text: str) -> dict[int, str]:
    """A ToUnicode CMap's glyph → characters (bfchar and bfrange, with or without a list of destinations)."""
    found: dict[int, str] = {}
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.endswith(("beginbfrange", "beginbfchar")):
            section = stripped.split()[-1]
            continue
        if stripped.startswith(("endbfrange", "endbfchar")):
            section = ""
            continue
        codes = _CODE.findall(stripped)
        if section == "beginbfchar" and len(codes) >= 2:
            found[int(codes[0], 16)] = _chars(codes[1])
        elif section == "beginbfrange" and len(codes) >= 3:
            first, last = int(codes[0], 16), int(codes[1], 16)
            if "[" in stripped:  # one destination each
                for offset, code in enumerate(codes[2:2 + last - first + 1]):
                    found[first + offset] = _chars(code)
            else:  # consecutive characters from the first destination
                start = int(codes[2], 16)
                for offset in range(last - first + 1):
                    found[first + offset] = chr(start + offset)
    return found


def _chars(hex_text: str) -> str:
    units = bytes.fromhex(hex_text)
    return units.decode("utf-16-be", errors="replace")


def write_map(mapping: dict[int, str]) -> bytes:
    """A ToUnicode CMap for `mapping`, in bfchar blocks of at most 100 entries (the format's limit)."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    entries = sorted(mapping.items())
    for block in range(0, len(entries), 100):
        chunk = entries[block:block + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")


def fix_spaces(path: str | Path) -> int:
    """Rewrite the character maps of the PDF at `path` (see the module's note); the number of glyphs whose
    character changed. The pages, fonts and pictures are copied unchanged."""
    from pypdf import PdfReader, PdfWriter
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QRawFont

    writer = PdfWriter(clone_from=PdfReader(str(path)))
    done: set[int] = set()
    changed = 0
    for page in writer.pages:
        fonts: Any = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if id(font) in done or "/ToUnicode" not in font or "/DescendantFonts" not in font:
                continue
            done.add(id(font))
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            program = descriptor.get_object().get("/FontFile2") if descriptor is not None else None
            if program is None:
                continue
            raw = QRawFont(QByteArray(program.get_object().get_data()), 12)
            if not raw.isValid():
                continue
            stream = font["/ToUnicode"].get_object()
            mapping = read_map(stream.get_data().decode("latin-1"))
            fixed = dict(mapping)
            for code, text in mapping.items():
                if text == "\t":
                    fixed[code] = " "
            glyphs = _glyph_count(program.get_object().get_data())
            for code in range(1, glyphs):
                if code not in fixed and raw.pathForGlyph(code).isEmpty() \
                        and raw.advancesForGlyphIndexes([code])[0].x() > 0:
                    fixed[code] = " "
            if fixed != mapping:
                changed += sum(1 for code in fixed if fixed[code] != mapping.get(code))
                stream.set_data(write_map(fixed))
    if changed:
        with open(path, "wb") as out:
            writer.write(out)
    return changed


def _glyph_count(font: bytes) -> int:
    """numGlyphs from a TrueType font's maxp table (0 when it has none)."""
    tables = int.from_bytes(font[4:6], "big")
    for index in range(tables):
        entry = font[12 + 16 * index: 28 + 16 * index]
        if entry[:4] == b"maxp":
            offset = int.from_bytes(entry[8:12], "big")
            return int.from_bytes(font[offset + 4:offset + 6], "big")
    return 0
