"""A column a file lacks reads as empty, even when the file has unmapped columns after the mapped ones.

The orders loop reads a missing column at a fixed index past the last mapped column; on a line longer than
that (a Cafe24 export with more columns after the last one we read) it read a real cell instead: paid_at
read the delivery note and the order was rejected as a bad date, or the total read another amount."""

from __future__ import annotations

from pathlib import Path

from engine.sync import parse_file
from tests.sync.files import CAFE24_HEADER, cafe24_row, write_csv


def test_a_missing_column_is_not_read_from_an_unmapped_one(tmp_path: Path) -> None:
    drop = CAFE24_HEADER.index("결제일시(입금확인일)")
    header = [h for i, h in enumerate(CAFE24_HEADER) if i != drop] + ["배송메시지", "수령인"]
    rows = [[c for i, c in enumerate(cafe24_row("20260302-0000001", "20260302-0000001-01")) if i != drop]
            + ["문 앞에 놓아 주세요", "홍길동"]]
    result = parse_file(write_csv(tmp_path / "orders.csv", header, rows, "cp949"))
    assert result.rejects == []
    (order,) = result.orders
    assert order.paid_at is None and order.amount == 30000


def test_generic_status_column_absent_reads_paid(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ["no", "date", "tel", "won", "state"],
                     [["1", "2026-03-01", "010-1234-5678", "1000", "배송중"]], "utf-8")
    result = parse_file(path, mapping={"order_id": "no", "ordered_at": "date", "phone": "tel", "amount": "won"})
    assert result.rejects == [] and [order.status for order in result.orders] == ["paid"]
