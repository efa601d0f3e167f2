"""Tags (personas such as 학부모, 패션 관심): set on a list of customers at once, or from a CSV of (who, tag).

A CSV row names the customer by phone, email or id (the first column; a header row is optional) and the tag
(the second). Nothing is written unless the whole file reads: an unreadable file raises TagFileError.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine.customers.phone import normalize_phone
from storage.models import Customer, CustomerTag

MAX_TAG = 80


class TagFileError(ValueError):
    """A tag CSV that cannot be read (not UTF-8, no rows, a tag too long)."""


def clean_tag(tag: str) -> str:
    text = " ".join(str(tag).split())
    if not text:
        raise ValueError("a tag cannot be empty")
    if len(text) > MAX_TAG:
        raise ValueError(f"a tag is at most {MAX_TAG} characters")
    return text


def add_tag(session: Session, customer_ids: Iterable[int], tag: str, now: datetime) -> int:
    """Tag these customers (those who have it already keep it); returns how many got it newly."""
    tag = clean_tag(tag)
    ids = sorted(set(customer_ids))
    added = 0
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        have = set(session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag == tag,
                                                                         CustomerTag.customer_id.in_(chunk))))
        new = [{"customer_id": cid, "tag": tag, "added_at": now} for cid in chunk if cid not in have]
        if new:
            session.execute(insert(CustomerTag), new)
            added += len(new)
    return added


def remove_tag(session: Session, customer_ids: Iterable[int], tag: str) -> None:
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 900):
        session.execute(delete(CustomerTag).where(CustomerTag.tag == tag,
                                                  CustomerTag.customer_id.in_(ids[start : start + 900])))


@dataclass
class TagImport:
    tagged: int = 0  # rows that added a tag
    already: int = 0  # rows whose customer had the tag
    unknown: list[str] = field(default_factory=list)  # row numbers whose customer was not found


def _find(session: Session, who: str) -> int | None:
    who = who.strip()
    if not who:
        return None
    if "@" in who:
        return session.scalar(select(Customer.id).where(Customer.email == who).limit(1))
    phone = normalize_phone(who)
    if phone:
        found = session.scalar(select(Customer.id).where(Customer.phone == phone).limit(1))
        if found is not None:
            return found
    if who.isdigit():
        return session.scalar(select(Customer.id).where(Customer.id == int(who)))
    return None


def import_tags(session: Session, path: Path, now: datetime) -> TagImport:
    """Read (phone|email|id, tag) rows and tag those customers."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TagFileError(f"cannot read {path.name}: {exc.__class__.__name__}") from None
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if rows and rows[0] and rows[0][0].strip().lower() in {"phone", "email", "id", "customer", "고객", "전화번호",
                                                            "이메일"}:
        rows = rows[1:]
    if not rows:
        raise TagFileError(f"{path.name} has no rows of (phone|email|id, tag)")
    pairs: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise TagFileError(f"row {number}: two columns expected (customer, tag)")
        try:
            pairs.append((number, row[0], clean_tag(row[1])))
        except ValueError as exc:
            raise TagFileError(f"row {number}: {exc}") from None
    result = TagImport()
    for number, who, tag in pairs:
        customer_id = _find(session, who)
        if customer_id is None:
            result.unknown.append(str(number))
            continue
        if add_tag(session, [customer_id], tag, now):
            result.tagged += 1
        else:
            result.already += 1
    return result
