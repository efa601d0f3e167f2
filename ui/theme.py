"""Light and dark themes: a Fusion palette plus one small style sheet (resources/styles/app.qss)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

STYLES = Path(__file__).resolve().parent.parent / "resources" / "styles"

LIGHT = {"window": "#f6f7f9", "base": "#ffffff", "text": "#1f2328", "muted": "#6b7280", "accent": "#2f6fed",
         "panel": "#eef1f5", "border": "#d7dce3", "highlight_text": "#ffffff", "disabled": "#a3aab4",
         "outline": "#b9c0ca"}
DARK = {"window": "#1e2126", "base": "#262a30", "text": "#e7e9ec", "muted": "#9aa3ae", "accent": "#5b8ff9",
        "panel": "#2b3037", "border": "#3a4049", "highlight_text": "#ffffff", "disabled": "#6b7380",
        "outline": "#67707d"}


def resolve(theme: str) -> str:
    if theme == "system":
        hints = QGuiApplication.styleHints()
        scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
        return "dark" if scheme is not None and scheme.name == "Dark" else "light"
    return "dark" if theme == "dark" else "light"


def colors(theme: str) -> dict[str, str]:
    return DARK if resolve(theme) == "dark" else LIGHT


def apply_theme(app: QApplication, theme: str) -> None:
    c = colors(theme)
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["window"], QPalette.ColorRole.Base: c["base"],
        QPalette.ColorRole.AlternateBase: c["panel"], QPalette.ColorRole.Text: c["text"],
        QPalette.ColorRole.WindowText: c["text"], QPalette.ColorRole.Button: c["panel"],
        QPalette.ColorRole.ButtonText: c["text"], QPalette.ColorRole.Highlight: c["accent"],
        QPalette.ColorRole.HighlightedText: c["highlight_text"], QPalette.ColorRole.ToolTipBase: c["base"],
        QPalette.ColorRole.ToolTipText: c["text"], QPalette.ColorRole.PlaceholderText: c["muted"],
        QPalette.ColorRole.Mid: c["border"],
        # links in labels (the dashboard's "fix it", "template gallery"): Qt's default dark blue is lost on dark
        QPalette.ColorRole.Link: c["accent"], QPalette.ColorRole.LinkVisited: c["accent"],
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    # Fusion draws field and check-box outlines from these; left unset they vanish on a dark window
    for role in (QPalette.ColorRole.Light, QPalette.ColorRole.Midlight, QPalette.ColorRole.Dark,
                 QPalette.ColorRole.Shadow):
        palette.setColor(role, QColor(c["outline"]))
    # a disabled control must look disabled: greyed text, no accent
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.HighlightedText):
        palette.setColor(disabled, role, QColor(c["disabled"]))
    palette.setColor(disabled, QPalette.ColorRole.Button, QColor(c["window"]))
    palette.setColor(disabled, QPalette.ColorRole.Highlight, QColor(c["border"]))
    app.setPalette(palette)
    sheet = (STYLES / "app.qss").read_text(encoding="utf-8")
    for key, value in c.items():
        sheet = sheet.replace("@" + key, value)
    app.setStyleSheet(sheet)
