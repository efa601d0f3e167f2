"""Translations: the code's strings are English; Korean (the default) comes from resources/i18n/dangol_ko.qm."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = {"ko": "한국어", "en": "English"}

_installed: list[QTranslator] = []


def install_language(app: QCoreApplication, lang: str) -> bool:
    """Switch the application's translators to `lang` ("ko" or "en"); True when the files loaded."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Korean if lang == "ko" else QLocale.Language.English,
                               QLocale.Country.SouthKorea if lang == "ko" else QLocale.Country.UnitedStates))
    if lang == "en":
        return True
    ours = QTranslator(app)
    loaded = ours.load(str(I18N_DIR / f"dangol_{lang}.qm"))
    if loaded:
        app.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator(app)  # Qt's own dialogs (OK / Cancel …)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return loaded
