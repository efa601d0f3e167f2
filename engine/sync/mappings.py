"""Saved column mappings of generic files, kept in the `settings` table under `import.mapping.<name>`.

The value is `{"fields": {our field: header}, "headers": [the file's headers], "signature": [normalized
headers, sorted], "saved_at": ISO time}`; a file is read with the newest mapping whose signature is that of
its headers (engine/sync/generic `find`). These keys are outside the settings catalogue (engine/config),
so `config get|set|list` neither shows nor changes them. Why the settings table: docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sync.generic import GenericMapping, check_fields, check_name, headers_of, signature
from storage.models import Setting

PREFIX = "import.mapping."


def _key(name: str) -> str:
    return PREFIX + name


def _mapping(name: str, value: Any) -> GenericMapping | None:
    if not isinstance(value, dict) or not isinstance(value.get("fields"), dict):
        return None  # not ours, or damaged: ignored rather than breaking every import
    fields = {str(k): str(h) for k, h in value["fields"].items() if isinstance(h, str) and h}
    headers = tuple(str(h) for h in value.get("headers") or ())
    stored = value.get("signature")
    sig = tuple(str(s) for s in stored) if isinstance(stored, list) else signature(headers)
    return GenericMapping(name=name, fields=fields, headers=headers, saved_at=str(value.get("saved_at") or ""),
                          signature=sig)


def list_mappings(session: Session) -> list[GenericMapping]:
    """Every saved mapping, by name."""
    rows = session.scalars(select(Setting).where(Setting.key.startswith(PREFIX, autoescape=True))
                           .order_by(Setting.key))
    found = (_mapping(row.key[len(PREFIX):], row.value) for row in rows)
    return [mapping for mapping in found if mapping is not None]


def get_mapping(session: Session, name: str) -> GenericMapping | None:
    row = session.get(Setting, _key(" ".join(name.split())))
    return _mapping(row.key[len(PREFIX):], row.value) if row is not None else None


def save_mapping(session: Session, name: str, fields: dict[str, str], header: Sequence[object],
                 now: datetime) -> GenericMapping:
    """Store (or replace) the mapping `name` made for the header row `header`; raises MappingError for a bad
    name or an unusable mapping. The caller commits."""
    clean_name = check_name(name)
    clean = check_fields(fields)
    headers = headers_of(header)
    mapping = GenericMapping(name=clean_name, fields=clean, headers=tuple(headers), saved_at=now.isoformat())
    value = {"fields": clean, "headers": headers, "signature": list(mapping.signature), "saved_at": mapping.saved_at}
    row = session.get(Setting, _key(clean_name))
    if row is None:
        session.add(Setting(key=_key(clean_name), value=value))
    else:
        row.value = value
    return mapping
