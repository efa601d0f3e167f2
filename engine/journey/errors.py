"""The one exception of the journey model: a refused edit or an unreadable journey."""

from __future__ import annotations

from typing import Any


class JourneyError(Exception):
    """An edit the model refuses, or data that is not a journey.

    `code` is stable (tests and the UI match on it); `params` say what exactly, for the message.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value}" for key, value in params.items())
        super().__init__(f"{code}: {detail}" if detail else code)
