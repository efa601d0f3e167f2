"""Every visible string of the UI has a Korean translation, and the compiled .qm matches the .ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT

I18N = ROOT / "resources" / "i18n"


def tool(name: str) -> str:
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed with PySide6 here")
    return found


def test_every_ui_string_is_translated(tmp_path: Path) -> None:
    ts = tmp_path / "dangol_ko.ts"
    shutil.copy(I18N / "dangol_ko.ts", ts)
    sources = [str(p) for p in sorted((ROOT / "ui").rglob("*.py"))]
    subprocess.run([tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)], check=True,
                   capture_output=True)
    untranslated = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished":
            untranslated.append(message.findtext("source"))
    assert not untranslated, f"add Korean for: {untranslated} (see resources/i18n/README.md)"


def test_compiled_translations_are_current(tmp_path: Path) -> None:
    qm = tmp_path / "dangol_ko.qm"
    subprocess.run([tool("pyside6-lrelease"), str(I18N / "dangol_ko.ts"), "-qm", str(qm)], check=True,
                   capture_output=True)
    assert qm.read_bytes() == (I18N / "dangol_ko.qm").read_bytes(), "run pyside6-lrelease (resources/i18n/README.md)"
