"""A channel that writes each delivered message to a folder, so every run can be seen (and tested).

One file per outbox key; sending the same key again finds the file and sends nothing new.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult


class FileChannel:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path_for(self, message: OutgoingMessage) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", message.idem_key)[:80]
        digest = hashlib.sha256(message.idem_key.encode()).hexdigest()[:10]
        return self.folder / message.channel / f"{safe}-{digest}.txt"

    def lookup(self, message: OutgoingMessage) -> SendResult | None:
        """Whether this key was delivered already (settles a send interrupted by a crash)."""
        path = self.path_for(message)
        return SendResult(f"file:{path.name}") if path.exists() else None

    def send(self, message: OutgoingMessage) -> SendResult:
        path = self.path_for(message)
        provider_id = f"file:{path.name}"
        if path.exists():
            return SendResult(provider_id)  # already delivered under this key
        text = (f"to: {message.recipient}\nkind: {message.kind}\nad: {'yes' if message.is_ad else 'no'}\n"
                f"key: {message.idem_key}\nsubject: {message.subject}\n\n{message.body}\n")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(path)
        except OSError as exc:
            raise SendError("write_failed", f"cannot write {path}: {exc.strerror}") from None
        return SendResult(provider_id)
