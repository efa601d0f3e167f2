"""'Start with my PC': a login item that runs the background runner (Windows, macOS, Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

LABEL = "kr.dangol.runner"


def command(main_py: Path, db_url: str | None) -> list[str]:
    args = [sys.executable, str(main_py)]
    if db_url:
        args += ["--db", db_url]
    return [*args, "runner"]


def entry_path(platform: str = sys.platform, home: Path | None = None) -> Path:
    home = home or Path.home()
    if platform.startswith("win"):
        appdata = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
        return appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup" / "Dangol runner.cmd"
    if platform == "darwin":
        return home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    config = Path(os.environ.get("XDG_CONFIG_HOME", home / ".config"))
    return config / "autostart" / "dangol-runner.desktop"


def _quote_cmd(arg: str) -> str:
    return f'"{arg}"' if any(ch in arg for ch in ' &()^') else arg


def entry_text(args: list[str], platform: str = sys.platform) -> str:
    if platform.startswith("win"):
        # pythonw would hide the console; `start /min` keeps it out of the way with plain python too.
        return "@echo off\r\nstart \"Dangol runner\" /min " + " ".join(_quote_cmd(a) for a in args) + "\r\n"
    if platform == "darwin":
        items = "\n".join(f"    <string>{_xml(a)}</string>" for a in args)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
            '<plist version="1.0">\n<dict>\n'
            f"  <key>Label</key>\n  <string>{LABEL}</string>\n"
            f"  <key>ProgramArguments</key>\n  <array>\n{items}\n  </array>\n"
            "  <key>RunAtLoad</key>\n  <true/>\n"
            "</dict>\n</plist>\n"
        )
    exec_line = " ".join(_desktop_quote(a) for a in args)
    return (
        "[Desktop Entry]\nType=Application\nName=Dangol runner\nName[ko]=단골여정 실행기\n"
        f"Exec={exec_line}\nX-GNOME-Autostart-enabled=true\nNoDisplay=true\n"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _desktop_quote(arg: str) -> str:
    if all(ch.isalnum() or ch in "/._-:=+," for ch in arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def enable(main_py: Path, db_url: str | None, platform: str = sys.platform, home: Path | None = None) -> Path:
    path = entry_path(platform, home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(entry_text(command(main_py, db_url), platform), encoding="utf-8", newline="")
    tmp.replace(path)
    return path


def disable(platform: str = sys.platform, home: Path | None = None) -> bool:
    path = entry_path(platform, home)
    if path.exists():
        path.unlink()
        return True
    return False


def is_enabled(platform: str = sys.platform, home: Path | None = None) -> bool:
    return entry_path(platform, home).exists()
