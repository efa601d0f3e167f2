"""A keyring backend for tests: a JSON file in the test's own DANGOL_HOME.

tests/conftest.py selects it (PYTHON_KEYRING_BACKEND), so every test, and every process a test starts,
has a real keyring that keeps what it is given, private to that test; the user's keyring is never touched.
A test that needs a PC without a keyring installs `keyring.backends.fail.Keyring` itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def path() -> Path:
        return Path(os.environ["DANGOL_HOME"]) / "test-keyring.json"

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path().read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(scratch, path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not set")
        self._save(entries)
