"""Bring a shop's export file into the store: parse it (engine/sync/parse), write what it holds through
the one shop-data API (engine/shopdata) in one transaction, and say what happened.

A bad line never stops the file and never half-writes an order: it is a reject with its line number
and reason; the rest is written in one transaction, so `kill -9` during an import leaves the database
as it was before. Importing the same or an overlapping file again changes nothing twice.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.shopdata import ConsentIn, CustomerIn, OptOutIn, ShopWriter, WriteCounts
from engine.sync.generic import GenericMapping, MappingError, check_name
from engine.sync.mappings import list_mappings, save_mapping
from engine.sync.parse import parse_file, stream_file
from engine.sync.records import ParsedCustomer, ParseResult, Reject
from engine.sync.values import SEOUL
from storage.db import Database
from storage.models import SyncState

# a member list and the orders of the same shop name members by the same id: one customer
PLATFORM = {"cafe24_members": "cafe24"}

REJECTS_SHOWN = 50  # rejects listed in the JSON summary; all of them go to the rejects CSV


@dataclass
class ImportSummary:
    file: str
    source: str
    kind: str
    encoding: str | None
    lines: int
    duplicate_lines: int
    orders: int
    customers: int
    optouts: int
    rejects: list[Reject]
    written: WriteCounts | None = None  # None: a dry run
    dry_run: bool = False
    mapping: str | None = None          # the column mapping a generic file was read with
    mapping_saved: bool = False         # ... and saved (under that name) with this import
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "source": self.source, "kind": self.kind, "encoding": self.encoding,
            "lines": self.lines, "duplicate_lines": self.duplicate_lines, "orders": self.orders,
            "customers": self.customers, "optouts": self.optouts, "rejected": len(self.rejects),
            "rejects": [{"line": r.line, "reason": r.reason_code, "message": r.message}
                        for r in self.rejects[:REJECTS_SHOWN]],
            "mapping": self.mapping, "mapping_saved": self.mapping_saved, "dry_run": self.dry_run,
            "written": self.written.to_json() if self.written is not None else None,
        }


def import_file(db: Database, path: str | Path, now: datetime, *, source: str = "auto",
                password: str | None = None, mapping: GenericMapping | Mapping[str, str] | None = None,
                save_as: str | None = None, dry_run: bool = False, zone: tzinfo = SEOUL) -> ImportSummary:
    """Parse `path` and (unless `dry_run`) write it; raises `UnreadableFile` for a file that cannot be read.

    `mapping` reads it as a generic file; without one, a saved mapping made for the file's headers is used
    (`auto`, `generic`). `save_as` saves `mapping` under that name with the import, in its transaction
    (raises `MappingError` for a bad name before anything is read)."""
    file = Path(path)
    if save_as is not None:
        save_as = check_name(save_as)
        if mapping is None:
            raise MappingError("there is no mapping to save")
    saved: list[GenericMapping] = []
    if mapping is None and source in ("auto", "generic"):
        with db.session() as session:
            saved = list_mappings(session)
    if dry_run:
        result = parse_file(file, source=source, password=password, mapping=mapping, saved=saved, zone=zone)
        summary = _summary(file, result, len(result.orders), dry_run=True)
        summary.mapping = result.mapping or save_as
        return summary
    # orders stream from the parser to the writer as the file is read (a large file is never held whole);
    # (a CSV is read once through before the transaction opens; anything raised later rolls it all back)
    result, orders = stream_file(file, source=source, password=password, mapping=mapping, saved=saved, zone=zone)
    # a file's consents are as of when it was exported: never newer than an opt-out recorded after that
    exported = min(datetime.fromtimestamp(file.stat().st_mtime, UTC), now)
    with db.write_session() as session:
        writer = ShopWriter(session, now)
        with writer:
            count = 0
            for order in orders:
                writer.order(order)  # a ParsedOrder is an OrderRecord: no copy per order
                count += 1
            _write(writer, result, exported, now)
        summary = _summary(file, result, count)
        summary.written = writer.counts
        summary.mapping = result.mapping
        if save_as is not None and mapping is not None:
            fields = mapping.fields if isinstance(mapping, GenericMapping) else mapping
            summary.mapping = save_mapping(session, save_as, dict(fields), result.header, now).name
            summary.mapping_saved = True
        _record_sync(session, summary, exported)
    return summary


def _summary(file: Path, result: ParseResult, orders: int, *, dry_run: bool = False) -> ImportSummary:
    return ImportSummary(str(file), result.source, result.kind, result.encoding, result.lines,
                         result.duplicate_lines, orders, len(result.customers), len(result.optouts),
                         result.rejects, dry_run=dry_run)


def _record_sync(session: Session, summary: ImportSummary, exported: datetime) -> None:
    """The shop's data is as fresh as the file's export: the main window's "last sync" and the runner read it."""
    key = f"file:{summary.source}"
    state = session.get(SyncState, key) or SyncState(source=key)
    state.last_synced_at = exported
    state.last_status = "rejects" if summary.rejects else "ok"
    state.last_error = None
    state.details = {"file": Path(summary.file).name, "orders": summary.orders, "customers": summary.customers,
                     "optouts": summary.optouts, "rejected": len(summary.rejects)}
    session.add(state)


def _write(writer: ShopWriter, result: ParseResult, exported: datetime, now: datetime) -> None:
    """What a members or opt-out file holds (an orders file's orders were written as they streamed)."""
    for customer in result.customers:
        platform = PLATFORM.get(customer.source, customer.source)
        writer.customer(_customer(customer, platform))
        for channel, granted in (("sms", customer.sms_consent), ("email", customer.email_consent)):
            if granted is not None:
                writer.consent(ConsentIn(platform, customer.external_id, channel, granted, exported))
    for optout in result.optouts:
        writer.optout(OptOutIn(at=min(optout.at or now, now), phone=optout.phone, email=optout.email,
                               source="optout_file"))


def _customer(customer: ParsedCustomer, platform: str) -> CustomerIn:
    attributes = {"birthday_lunar": True} if customer.birthday_lunar else None
    return CustomerIn(source=platform, external_id=customer.external_id, name=customer.name or "",
                      email=customer.email, phone=customer.phone, birthday=customer.birthday,
                      grade=customer.grade, signed_up_at=customer.signed_up_at, attributes=attributes)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A value a spreadsheet will show as text, never run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_rejects(rejects: list[Reject], path: str | Path) -> None:
    """All rejects as a CSV an owner opens in Excel (UTF-8 with BOM): line, reason, message."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["줄", "사유", "설명"])
        for reject in rejects:
            out.writerow([reject.line, _cell(reject.reason_code), _cell(reject.message)])
