"""A shop's own orders sheet (the `generic` source): the suggested mapping, statuses, saving a mapping by name
and finding it again from the headers, and the CLI's answers (`import FILE --mapping NAME --map field=Header`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.shopdata import CustomerIn, ShopWriter
from engine.sync import UnreadableFile, parse_file
from engine.sync.generic import FIELD_NAMES, STATUS_WORDS, GenericMapping, problems, suggest
from engine.sync.mappings import PREFIX, list_mappings
from main import _GENERIC_FIELDS, main
from storage.db import open_database
from storage.models import Customer, CustomerStats, Order, OrderItem, Setting, ShopEvent
from tests.conftest import ROOT
from tests.runtime.shop import at
from tests.sync.files import write_csv, write_xlsx

NOW = "2026-03-02T12:00"
HEADER = ["주문번호", "주문일", "고객명", "연락처", "이메일", "상품", "수량", "금액", "상태"]
ROWS = [
    ["1001", "2026-03-01 10:00", "홍길동", "010-1234-5678", "hong@example.com", "딸기잼", "2", "45,000원", "결제완료"],
    ["1001", "2026-03-01 10:00", "홍길동", "010-1234-5678", "hong@example.com", "꿀", "1", "45,000원", "결제완료"],
    ["1002", "2026.03.01 14:30", "김손님", "01099998888", "", "쿠키", "1", "12000", "배송완료"],
    ["1003", "2026-03-02", "메일만", "", "only@example.com", "잼", "1", "5,000", "취소"],
    ["1004", "2026-03-02", "박모름", "010-5555-6666", "", "잼", "1", "5000", "완료"],  # "done": which? not guessed
    ["1005", "어제쯤", "최날짜", "010-7777-8888", "", "잼", "1", "5000", "결제완료"],
]
MAP_ARGS = ["--map", "order_id=주문번호", "--map", "ordered_at=주문일", "--map", "buyer_name=고객명",
            "--map", "phone=연락처", "--map", "email=이메일", "--map", "product_name=상품", "--map", "quantity=수량",
            "--map", "amount=금액", "--map", "status=상태"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["--now", NOW, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else {}), err


def sheet(path: Path, encoding: str = "utf-8", order: list[int] | None = None) -> Path:
    columns = order or list(range(len(HEADER)))
    return write_csv(path, [HEADER[i] for i in columns], [[row[i] for i in columns] for row in ROWS], encoding)


def stored(dbfile: Path) -> dict[str, object]:
    db = open_database(dbfile)
    with db.session() as session:
        orders = session.execute(select(Order.external_id, Order.amount, Order.status, Order.customer_id, Order.source)
                                 .order_by(Order.external_id)).all()
        items = session.execute(select(Order.external_id, OrderItem.product_name, OrderItem.quantity)
                                .join(Order, OrderItem.order_id == Order.id)
                                .order_by(Order.external_id, OrderItem.product_name)).all()
        customers = session.execute(select(Customer.id, Customer.external_id, Customer.phone, Customer.email,
                                           Customer.is_guest).order_by(Customer.id)).all()
        revenue = session.scalar(select(func.sum(CustomerStats.total_spent)))
        events = session.scalar(select(func.count()).select_from(ShopEvent))
        mappings = [mapping.name for mapping in list_mappings(session)]
    db.close()
    return {"orders": [tuple(o) for o in orders], "items": [tuple(i) for i in items],
            "customers": [tuple(c) for c in customers], "revenue": revenue, "events": events, "mappings": mappings}


# --- the suggested mapping ----------------------------------------------------------------------------

def test_a_mapping_is_suggested_from_korean_headers() -> None:
    assert suggest(HEADER) == {"order_id": "주문번호", "ordered_at": "주문일", "amount": "금액", "status": "상태",
                               "buyer_name": "고객명", "phone": "연락처", "email": "이메일",
                               "product_name": "상품", "quantity": "수량"}
    # words inside longer headers, bracketed suffixes and spaces
    assert suggest(["주문 번호", "주문일시(KST)", "주문자 연락처", "쿠폰 할인금액", "사용 쿠폰", "회원 ID", "배송지",
                    "결제일", "판매가", "옵션정보", "카테고리"]) == {
        "order_id": "주문 번호", "ordered_at": "주문일시(KST)", "member_id": "회원 ID", "phone": "주문자 연락처",
        "option": "옵션정보", "unit_price": "판매가", "category": "카테고리", "coupon_code": "사용 쿠폰",
        "discount": "쿠폰 할인금액", "paid_at": "결제일"}


def test_a_mapping_is_suggested_from_english_headers() -> None:
    header = ["Order No", "Date", "Customer Name", "Phone", "Email", "Product", "Qty", "Total", "Status",
              "Paid Date", "Unit Price", "Coupon Code", "Discount", "Customer ID", "Variant", "Line Total"]
    assert suggest(header) == {
        "order_id": "Order No", "ordered_at": "Date", "amount": "Total", "status": "Status",
        "member_id": "Customer ID", "buyer_name": "Customer Name", "phone": "Phone", "email": "Email",
        "product_name": "Product", "option": "Variant", "quantity": "Qty", "unit_price": "Unit Price",
        "item_amount": "Line Total", "coupon_code": "Coupon Code", "discount": "Discount", "paid_at": "Paid Date"}
    assert problems(suggest(["Product", "Price"])) == ["order_id", "ordered_at", "customer"]


def test_the_cli_lists_the_same_fields_as_the_engine() -> None:
    assert _GENERIC_FIELDS == FIELD_NAMES


# --- statuses ----------------------------------------------------------------------------------------

def test_status_words_and_an_unknown_status_is_a_reject_not_a_guess(tmp_path: Path) -> None:
    words = [(word, canonical) for canonical, some in STATUS_WORDS.items() for word in some]
    words += [("결제 완료", "paid"), ("Shipped", "shipped"), ("paid", "paid"), ("CANCELLED", "cancelled")]
    rows = [[str(n), "2026-03-01", "010-1234-5678", "1000", word] for n, (word, _) in enumerate(words)]
    rows.append(["999", "2026-03-01", "010-1234-5678", "1000", "완료"])
    path = write_csv(tmp_path / "s.csv", ["no", "date", "tel", "won", "state"], rows, "utf-8")
    result = parse_file(path, mapping={"order_id": "no", "ordered_at": "date", "phone": "tel", "amount": "won",
                                       "status": "state"})
    assert [(order.raw_status, order.status) for order in result.orders] == words
    (reject,) = result.rejects
    assert (reject.line, reject.reason_code) == (len(rows) + 1, "unknown_status") and "'완료'" in reject.message
    # no status column: the sheet lists paid orders; an empty status cell in a status column is a reject
    plain = parse_file(path, mapping={"order_id": "no", "ordered_at": "date", "phone": "tel", "amount": "won"})
    assert {order.status for order in plain.orders} == {"paid"} and not plain.rejects


# --- importing through the CLI -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_a_generic_csv_is_imported_with_a_new_mapping_and_found_again_from_its_headers(
        tmp_path: Path, capsys, encoding: str) -> None:
    dbfile = tmp_path / "shop.db"
    db = open_database(dbfile)
    with db.write_session() as session, ShopWriter(session, at("2026-02-01 09:00")) as writer:
        writer.customer(CustomerIn("cafe24", "old77", name="김손님", phone="010-9999-8888"))
    db.close()
    file = sheet(tmp_path / "주문내역.csv", encoding)
    code, summary, err = run(capsys, "--db", str(dbfile), "import", str(file), "--mapping", "내 주문 엑셀", *MAP_ARGS)
    assert code == 1, err  # done, with rejected lines
    assert (summary["source"], summary["mapping"], summary["mapping_saved"]) == ("generic", "내 주문 엑셀", True)
    assert summary["encoding"] == ("cp949" if encoding == "cp949" else "utf_8")
    assert [(r["line"], r["reason"]) for r in summary["rejects"]] == [(6, "unknown_status"), (7, "bad_date")]
    first = stored(dbfile)
    orders = {o[0]: o for o in first["orders"]}
    assert {key: (o[1], o[2], o[4]) for key, o in orders.items()} == {
        "1001": (45000, "paid", "generic"), "1002": (12000, "delivered", "generic"),
        "1003": (5000, "cancelled", "generic")}
    assert first["items"] == [("1001", "꿀", 1), ("1001", "딸기잼", 2), ("1002", "쿠키", 1), ("1003", "잼", 1)]
    customers = {c[0]: c for c in first["customers"]}
    assert customers[orders["1002"][3]][1] == "old77"  # the guest matched the shop's customer by phone
    assert customers[orders["1001"][3]][2:] == ("+821012345678", "hong@example.com", True)
    assert customers[orders["1003"][3]][3] == "only@example.com"  # a guest known by email only
    assert len(customers) == 3  # the rejected orders made nobody
    assert first["revenue"] == 45000 + 12000  # a cancelled order is no revenue
    assert first["mappings"] == ["내 주문 엑셀"]

    # the same file again, without --mapping: the saved mapping is found from the headers; nothing changes
    code, again, err = run(capsys, "--db", str(dbfile), "import", str(file))
    assert code == 1, err
    assert (again["mapping"], again["mapping_saved"], again["source"]) == ("내 주문 엑셀", False, "generic")
    assert again["written"]["orders_created"] == 0 and again["written"]["orders_updated"] == 0
    assert again["written"]["events"] == 0 and again["written"]["unchanged"] == 3
    assert stored(dbfile) == first
    # the same columns in another order (and as xlsx): the same mapping, the same orders
    order = [8, 7, 6, 5, 4, 3, 2, 1, 0]
    book = write_xlsx(tmp_path / "다른순서.xlsx", [[HEADER[i] for i in order]] + [[row[i] for i in order] for row in ROWS])
    for other in (sheet(tmp_path / "다른순서.csv", encoding, order), book):
        code, moved, err = run(capsys, "--db", str(dbfile), "import", str(other))
        assert code == 1 and moved["mapping"] == "내 주문 엑셀" and moved["written"]["unchanged"] == 3, err
    assert stored(dbfile) == first
    # --source generic finds it too, and --mapping NAME names it
    for args in (["--source", "generic"], ["--mapping", "내 주문 엑셀"]):
        code, named, err = run(capsys, "--db", str(dbfile), "import", str(file), *args)
        assert code == 1 and named["mapping"] == "내 주문 엑셀" and named["written"]["unchanged"] == 3, err


def test_a_sheet_without_products_or_prices(tmp_path: Path, capsys) -> None:
    """Only the required fields: each order is its amount, without items; a lone item costs its order."""
    path = write_csv(tmp_path / "min.csv", ["주문번호", "주문일", "휴대폰", "결제금액"],
                     [["A1", "2026-03-01", "010-1234-5678", "30,000"], ["A2", "2026-03-01", "010-2222-3333", "7000"]],
                     "cp949")
    dbfile = tmp_path / "shop.db"
    code, summary, err = run(capsys, "--db", str(dbfile), "import", str(path), "--mapping", "최소",
                             "--map", "order_id=주문번호", "--map", "ordered_at=주문일", "--map", "phone=휴대폰",
                             "--map", "amount=결제금액")
    assert code == 0 and summary["kind"] == "orders" and summary["orders"] == 2, err
    data = stored(dbfile)
    assert [(o[0], o[1], o[2]) for o in data["orders"]] == [("A1", 30000, "paid"), ("A2", 7000, "paid")]
    assert data["items"] == [] and data["revenue"] == 37000
    with_product = write_csv(tmp_path / "one.csv", ["no", "date", "tel", "won", "item", "qty"],
                             [["B1", "2026-03-01", "010-1234-5678", "9,000", "잼", "3"]], "utf-8")
    result = parse_file(with_product, mapping={"order_id": "no", "ordered_at": "date", "phone": "tel",
                                               "amount": "won", "product_name": "item", "quantity": "qty"})
    (item,) = result.orders[0].items
    assert (item.quantity, item.unit_price, item.amount) == (3, 3000, 9000)


def test_a_small_orders_sheet_with_a_phone_is_not_an_optout_list(tmp_path: Path, capsys) -> None:
    """Four columns, one of them phones: before, it was read as an opt-out list and every buyer opted out."""
    path = write_csv(tmp_path / "four.csv", ["주문번호", "주문일", "연락처", "금액"],
                     [["1", "2026-03-01", "010-1234-5678", "1000"]], "utf-8")
    with pytest.raises(UnreadableFile) as caught:
        parse_file(path)
    assert caught.value.code == "unknown_layout" and caught.value.header == ["주문번호", "주문일", "연락처", "금액"]
    code, _, err = run(capsys, "--db", str(tmp_path / "shop.db"), "import", str(path))
    assert code == 2 and "--mapping" in err


def test_cli_errors_are_one_line_and_write_nothing(tmp_path: Path, capsys) -> None:
    dbfile = tmp_path / "shop.db"
    file = sheet(tmp_path / "sheet.csv", "cp949")

    def fails(*args: str) -> str:
        code, summary, err = run(capsys, "--db", str(dbfile), "import", str(file), *args)
        assert code == 2 and not summary and err.startswith("error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err
        return err

    err = fails()  # an unknown layout and no mapping saved: the way out, and the headers it saw
    assert "--mapping NAME" in err and "import window" in err
    assert "its columns: 주문번호, 주문일, 고객명, 연락처, 이메일, 상품, 수량, 금액, 상태" in err
    assert "its columns" in fails("--source", "generic")
    assert "no saved column mapping '없는것' (none saved yet)" in fails("--mapping", "없는것")
    assert "--map needs --mapping NAME" in fails("--map", "order_id=주문번호")
    assert "no column for an amount" in fails("--mapping", "x", "--map", "order_id=주문번호",
                                                "--map", "ordered_at=주문일", "--map", "phone=연락처")
    assert "unknown field 'price'" in fails("--mapping", "x", "--map", "price=금액")
    assert "field=Header" in fails("--mapping", "x", "--map", "주문번호")
    assert "the column '고객명' is given for buyer_name and ordered_at" in fails(
        "--mapping", "x", *MAP_ARGS[4:], "--map", "ordered_at=고객명", "--map", "order_id=주문번호")
    err = fails("--mapping", "x", *MAP_ARGS[:-2], "--map", "status=주문상태")  # a column the file lacks
    assert "no column '주문상태'" in err and "status" in err
    assert "not --source cafe24" in fails("--source", "cafe24", "--mapping", "x")
    assert "at most 60 characters" in fails("--mapping", "x" * 61, *MAP_ARGS)
    data = stored(dbfile)
    assert data["orders"] == [] and data["mappings"] == [] and data["events"] == 0
    # a dry run reads with the new mapping and saves nothing
    code, summary, err = run(capsys, "--db", str(dbfile), "import", str(file), "--mapping", "x", *MAP_ARGS,
                             "--dry-run")
    assert code == 1 and summary["orders"] == 3 and summary["mapping"] == "x" and not summary["mapping_saved"], err
    assert stored(dbfile)["mappings"] == []
    # once saved, a wrong name lists the saved ones
    run(capsys, "--db", str(dbfile), "import", str(file), "--mapping", "저장됨", *MAP_ARGS)
    assert "(saved: 저장됨)" in fails("--mapping", "다른이름")


def test_saved_mappings_live_outside_the_settings_catalogue(tmp_path: Path, capsys) -> None:
    dbfile = tmp_path / "shop.db"
    run(capsys, "--db", str(dbfile), "import", str(sheet(tmp_path / "s.csv")), "--mapping", "m1", *MAP_ARGS)
    db = open_database(dbfile)
    with db.session() as session:
        row = session.get(Setting, PREFIX + "m1")
        assert row is not None and row.value["fields"]["order_id"] == "주문번호"
        assert row.value["headers"] == HEADER and row.value["saved_at"].startswith("2026-03-02")
    db.close()
    code = main(["--db", str(dbfile), "config", "list"])
    out, _ = capsys.readouterr()
    assert code == 0 and "import.mapping" not in out
    code = main(["--db", str(dbfile), "config", "get", PREFIX + "m1"])
    assert code == 2 and capsys.readouterr().err.startswith("error: ")
    # saving again under the same name replaces it; a newer mapping for the same headers wins
    run(capsys, "--now", "2026-03-03T12:00", "--db", str(dbfile), "import", str(sheet(tmp_path / "s.csv")),
        "--mapping", "m2", *MAP_ARGS[:-2])
    db = open_database(dbfile)
    with db.session() as session:
        saved = list_mappings(session)
    db.close()
    assert [m.name for m in saved] == ["m1", "m2"]
    from engine.sync.generic import find

    found = find(saved, list(reversed(HEADER)))
    assert isinstance(found, GenericMapping) and found.name == "m2" and "status" not in found.fields


def test_the_unknown_layout_line_from_a_real_process(tmp_path: Path) -> None:
    file = sheet(tmp_path / "sheet.csv", "cp949")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "shop.db"), "import",
                           str(file)], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert "its columns: 주문번호" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "shop.db"), "--now", NOW,
                           "import", str(file), "--mapping", "시트", *MAP_ARGS], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert done.returncode == 1 and json.loads(done.stdout)["mapping"] == "시트", done.stderr
