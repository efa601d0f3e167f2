"""Start and stop the background runner as its own process (it keeps running when the app closes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil

from engine.runtime.lease import status
from storage.db import Database

MAIN_PY = Path(__file__).resolve().parent.parent / "main.py"


class RunnerControl:
    def __init__(self, db: Database) -> None:
        self.db = db

    def command(self) -> list[str]:
        return [sys.executable, str(MAIN_PY), "--db", self.db.url, "runner"]

    def start(self) -> subprocess.Popen[bytes]:
        """Launch a runner detached from the app; a second one would exit by itself (the lease)."""
        options: dict[str, object] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                                      "stderr": subprocess.DEVNULL, "cwd": str(MAIN_PY.parent)}
        if sys.platform == "win32":
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS  # type: ignore[attr-defined]
        else:
            options["start_new_session"] = True
        return subprocess.Popen(self.command(), **options)  # type: ignore[call-overload,no-any-return]

    def stop(self) -> bool:
        """Ask the runner on this PC to stop (SIGTERM: it finishes the current step and releases its lease)."""
        state = status(self.db)
        if state.state != "running" or state.pid is None:
            return False
        try:
            process = psutil.Process(state.pid)
            process.terminate()
        except psutil.Error:
            return False
        return True
