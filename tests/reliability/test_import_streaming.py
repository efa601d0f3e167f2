"""A large export file streams from the parser to the writer: each order is handed over once its last line
is read, so the file is never held whole, and what is stored is exactly what `parse_file` (the preview) says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from engine.sync.load import import_file
from engine.sync.parse import parse_file, stream_file
from storage.db import open_database
from storage.models import Order, OrderItem
from tests.sync.files import CAFE24_HEADER, cafe24_row, write_csv

NOW = datetime(2026, 3, 2, 3, tzinfo=UTC)


def interleaved(path: Path) -> Path:
    """Orders whose lines are not adjacent, a duplicate line after its order went on, a bad line late in an
    order (which takes its earlier lines with it), and an order whose only line is the file's last."""
    rows = [
        cafe24_row("A", "A-01", product="잼"),                        # 2
        cafe24_row("B", "B-01", member="kim02", phone="010-2222-3333", email="kim@example.com"),  # 3
        cafe24_row("A", "A-02", product="꿀", price="15,000원"),      # 4
        cafe24_row("C", "C-01", member="lee03", phone="010-4444-5555", email="lee@example.com"),  # 5
        cafe24_row("C", "C-02", member="lee03", qty="many"),          # 6: bad, so C is not taken
        cafe24_row("A", "A-01", product="잼"),                        # 7: a duplicate of line 2
        cafe24_row("B", "B-02", product="빵", member="kim02", phone="010-2222-3333", email="kim@example.com"),  # 8
        cafe24_row("D", "D-01", member="park04", phone="010-6666-7777", email="park@example.com"),  # 9
    ]
    return write_csv(path, CAFE24_HEADER, rows, "cp949")


def test_an_order_is_handed_over_once_its_last_line_is_read(tmp_path: Path) -> None:
    result, orders = stream_file(interleaved(tmp_path / "orders.csv"))
    first = next(orders)
    assert first.external_id == "A" and first.lines == (2, 4)
    assert result.lines < 8  # the file is not read to its end before A goes to the writer
    rest = list(orders)
    assert [order.external_id for order in rest] == ["B", "D"]
    assert result.lines == 8 and result.duplicate_lines == 1
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [
        (5, "order_rejected"), (6, "bad_quantity")]


def test_a_streamed_import_stores_what_the_preview_shows(tmp_path: Path) -> None:
    file = interleaved(tmp_path / "orders.csv")
    preview = parse_file(file)
    assert [order.external_id for order in preview.orders] == ["A", "B", "D"]  # the file's order
    db = open_database(tmp_path / "shop.db")
    summary = import_file(db, file, NOW)
    assert summary.orders == 3 and summary.lines == 8 and summary.duplicate_lines == 1
    assert [(r.line, r.reason_code) for r in summary.rejects] == [(r.line, r.reason_code) for r in preview.rejects]
    with db.sessions() as session:
        stored = {external: (amount, sorted(
            session.scalars(select(OrderItem.external_id).where(OrderItem.order_id == oid))))
            for oid, external, amount in session.execute(select(Order.id, Order.external_id, Order.amount))}
    assert stored == {order.external_id: (order.amount, sorted(item.external_id for item in order.items))
                      for order in preview.orders}
    again = import_file(db, file, NOW)
    assert again.written is not None and again.written.orders_created == again.written.orders_updated == 0
