"""Fonts and look per operating system: the system's Korean font on Windows and macOS, Noto elsewhere."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase

KOREAN_FONTS = {
    "win32": ["Malgun Gothic", "맑은 고딕", "Segoe UI"],
    "darwin": ["Apple SD Gothic Neo", "AppleGothic", "Helvetica Neue"],
}
FALLBACK = ["Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Noto Sans CJK JP", "UnDotum", "DejaVu Sans"]


def korean_font(point_size: float = 10.0) -> QFont:
    """The first installed Korean-capable family for this platform, with the others as fallbacks."""
    wanted = KOREAN_FONTS.get(sys.platform, []) + FALLBACK
    installed = set(QFontDatabase.families())
    families = [name for name in wanted if name in installed] or wanted
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(point_size)
    return font
