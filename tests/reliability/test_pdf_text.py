"""The PDF report's text layer (ui/pdf_text.py): Qt's character maps read and written back, and a page of Korean
text drawn the way the dashboard draws its report copies out with its spaces, digits and punctuation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QLocale, QPointF
from PySide6.QtGui import QFont, QPainter, QPdfWriter

from ui.pdf_text import fix_spaces, plain, read_map, write_map

KOREAN = "단골여정 리포트 2026-10-31 ~ 2026-11-29 (30일), 재구매 고객 매출: 1,234원. Revenue 12"
ENGLISH = "Dangol report 2026-10-31 ~ 2026-11-29 (30 days), before: ₩26,152,800 · 62.5%"
GARBLED = re.compile(r"[\x00-\x08\x0b-\x1f]")


def test_a_map_in_each_of_qts_forms_is_read_and_written_back() -> None:
    cmap = """/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfrange
<0000> <0000> <0000>
<0001> <0003> [<0032> <0009> <B9E4> ]
<0005> <0007> <0041>
endbfrange
1 beginbfchar
<0009> <C6D0>
endbfchar
endcmap
"""
    mapping = read_map(cmap)
    assert mapping == {0: "\x00", 1: "2", 2: "\t", 3: "매", 5: "A", 6: "B", 7: "C", 9: "원"}  # 4 and 8: left out
    assert read_map(write_map(mapping).decode("ascii")) == mapping
    assert write_map({code: "x" for code in range(250)}).count(b"beginbfchar") == 3  # at most 100 a block


def draw(path: Path, plain_font: bool, text: str) -> None:
    writer = QPdfWriter(str(path))
    painter = QPainter(writer)
    font = QFont("Noto Sans CJK KR")
    font.setPointSize(12)
    painter.setFont(plain(font) if plain_font else font)
    painter.drawText(QPointF(100, 200), text)
    painter.end()


@pytest.mark.parametrize(("language", "text"), [(QLocale.Language.Korean, KOREAN),
                                               (QLocale.Language.English, ENGLISH)])
def test_a_page_copies_out_as_it_reads(qapp, tmp_path: Path, language: QLocale.Language, text: str) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(language))  # as the app runs in that language
    try:
        as_is = tmp_path / "as-is.pdf"
        draw(as_is, plain_font=False, text=text)
        fixed = tmp_path / "fixed.pdf"
        draw(fixed, plain_font=True, text=text)
    finally:
        QLocale.setDefault(before)
    garbled = PdfReader(str(as_is)).pages[0].extract_text()
    if not GARBLED.search(garbled) and "\t" not in garbled:
        return  # this machine's Korean font has no such glyphs (the maps are already right): nothing to show
    assert fix_spaces(fixed) > 0
    copied = PdfReader(str(fixed)).pages[0].extract_text()
    assert not GARBLED.search(copied) and "\t" not in copied
    assert " ".join(copied.split()) == text  # (the reader breaks the line where the Latin run starts)
    assert fix_spaces(fixed) == 0  # a second pass finds nothing left to change
