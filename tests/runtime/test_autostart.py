"""'Start with my PC': the Windows Startup entry, the macOS LaunchAgent and the XDG autostart file."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.runtime import autostart


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_enable_and_disable(platform: str, tmp_path: Path) -> None:
    main_py = tmp_path / "my app" / "main.py"
    assert not autostart.is_enabled(platform, home=tmp_path)
    path = autostart.enable(main_py, "sqlite:///C:/가게/shop.db", platform, home=tmp_path)
    text = path.read_bytes().decode("utf-8")  # as written, line endings included
    assert autostart.is_enabled(platform, home=tmp_path)
    assert "runner" in text and "shop.db" in text and "my app" in text
    if platform == "win32":
        assert path.name.endswith(".cmd") and text.endswith("\r\n") and '"' in text  # the space is quoted
    elif platform == "darwin":
        assert "<key>RunAtLoad</key>" in text and "<string>runner</string>" in text
    else:
        assert text.startswith("[Desktop Entry]") and "Exec=" in text
    assert autostart.disable(platform, home=tmp_path)
    assert not autostart.is_enabled(platform, home=tmp_path) and not autostart.disable(platform, home=tmp_path)
