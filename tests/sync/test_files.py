"""Export files → records: encodings, xlsx, passwords, source detection, grouping, duplicates, rejects."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.sync import UnreadableFile, detect, parse_file
from engine.sync.sources import BY_NAME, header_keys
from tests.sync.files import (
    CAFE24_HEADER,
    MEMBERS_HEADER,
    SMARTSTORE_HEADER,
    cafe24_row,
    encrypt,
    write_csv,
    write_xlsx,
)


def _cafe24_rows() -> list[list[str]]:
    return [
        cafe24_row("20260302-0000011", "20260302-0000011-01", product="수제 딸기잼", price="30,000원",
                   total="42,000", paid="40,000"),
        cafe24_row("20260302-0000011", "20260302-0000011-02", product="유기농 블루베리잼", qty="2", price="6000",
                   total="42,000", paid="40,000"),
        cafe24_row("20260302-0000012", "20260302-0000012-01", member="", name="김손님", email="",
                   phone="01098765432", status="배송중", when="2026.03.02 11:30"),
    ]


@pytest.mark.parametrize("encoding, detected", [("cp949", "cp949"), ("euc_kr", "cp949"), ("utf-8", "utf_8"),
                                                ("utf-8-sig", "utf_8_sig")])
def test_cafe24_csv_in_each_encoding(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "orders.csv", CAFE24_HEADER, _cafe24_rows(), encoding)
    result = parse_file(path)
    assert (result.source, result.kind, result.encoding) == ("cafe24", "orders", detected)
    assert result.rejects == []
    first, guest = result.orders
    assert first.external_id == "20260302-0000011" and first.lines == (2, 3)
    assert [(item.product_name, item.quantity, item.unit_price, item.amount) for item in first.items] == [
        ("수제 딸기잼", 1, 30000, 30000), ("유기농 블루베리잼", 2, 6000, 12000)]
    assert first.items[0].option == "용량=500g" and first.items[0].category == "잼"
    assert (first.status, first.amount, first.customer_external_id) == ("delivered", 40000, "hong01")
    assert first.buyer_phone == "+821012345678" and first.buyer_email == "hong@example.com"
    assert first.ordered_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert guest.customer_external_id is None and guest.buyer_name == "김손님" and guest.buyer_email is None
    assert guest.status == "shipped" and guest.ordered_at == datetime(2026, 3, 2, 2, 30, tzinfo=UTC)


def test_headers_tolerate_spaces_suffixes_and_order(tmp_path: Path) -> None:
    header = ["총 결제금액", "수 량", "주문상태", "상품명", "주문일시", "주문번호", "주문자 ID", "주문자 휴대 전화"]
    rows = [["15,000원", "3", "구매확정", "양말", "20260302", "A-1", "lee****", "010-5555-6666"]]
    result = parse_file(write_csv(tmp_path / "x.csv", header, rows, "cp949"))
    assert result.source == "cafe24"
    (order,) = result.orders
    assert (order.status, order.amount, order.items[0].quantity) == ("confirmed", 15000, 3)
    assert order.customer_external_id is None  # a masked id is no id
    assert order.buyer_phone == "+821055556666"
    assert header_keys("총 결제금액(KRW)") == ("총결제금액krw", "총결제금액")


def test_each_source_is_detected_from_its_headers() -> None:
    assert detect(CAFE24_HEADER).name == "cafe24"  # type: ignore[union-attr]
    assert detect(SMARTSTORE_HEADER).name == "smartstore"  # type: ignore[union-attr]
    assert detect(MEMBERS_HEADER).name == "cafe24_members"  # type: ignore[union-attr]
    imweb = ["주문번호", "품목주문번호", "주문일", "주문상태", "주문자 이름", "주문자 번호", "상품명", "옵션명", "구매수량",
             "품목실결제가", "최종주문금액"]
    assert detect(imweb).name == "imweb"  # type: ignore[union-attr]
    shopify = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Currency",
               "Subtotal", "Total", "Discount Code", "Discount Amount", "Created at", "Lineitem quantity",
               "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name", "Cancelled at", "Phone"]
    assert detect(shopify).name == "shopify"  # type: ignore[union-attr]
    woo = ["Order ID", "Order Date", "Order Status", "Billing First Name", "Billing Last Name", "Billing Email",
           "Billing Phone", "Item Name", "Item SKU", "Quantity", "Item Cost", "Order Total"]
    assert detect(woo).name == "woocommerce"  # type: ignore[union-attr]
    assert detect(["수신거부번호", "수신거부일"]).name == "optout"  # type: ignore[union-attr]
    assert detect(["상품명", "가격", "재고"]) is None


def test_status_tables_cover_only_app_statuses() -> None:
    from engine.customers.stats import COUNTED_STATUSES
    from engine.sync import ORDER_STATUSES

    assert set(COUNTED_STATUSES) <= set(ORDER_STATUSES)
    for source in BY_NAME.values():
        assert set(source.statuses.values()) <= set(ORDER_STATUSES), source.name


def _smartstore_rows() -> list[list[object]]:
    return [
        ["스마트스토어 주문 발주/발송 관리 (다운로드 시각: 2026-03-03 09:00)"],
        ["※ 개인정보 보호를 위해 다운로드한 파일은 안전하게 관리해 주세요."],
        SMARTSTORE_HEADER,
        ["2026030211111101", "2026030211111", "배송완료", "", "2026-03-02 10:01:00", "2026-03-02 10:00:00", "박지민",
         "jimin****", "010-2222-3333", "박지민", "5011", "무선 이어폰", "색상: 흰색", 1, 50000, 5000, 45000],
        ["2026030211111102", "2026030211111", "취소", "취소완료", "2026-03-02 10:01:00", "2026-03-02 10:00:00",
         "박지민", "jimin****", "010-2222-3333", "박지민", "5012", "충전 케이블", None, 2, 10000, 0, 20000],
    ]


def test_smartstore_xlsx_with_instruction_rows(tmp_path: Path) -> None:
    result = parse_file(write_xlsx(tmp_path / "smartstore.xlsx", _smartstore_rows()))
    assert (result.source, result.header_line, result.encoding) == ("smartstore", 3, None)
    (order,) = result.orders
    assert order.lines == (4, 5) and len(order.items) == 2
    assert [item.status for item in order.items] == ["delivered", "cancelled"]
    assert order.status == "delivered" and order.amount == 45000  # the cancelled item is not revenue
    assert order.customer_external_id is None and order.buyer_phone == "+821022223333"


def test_password_protected_xlsx(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", _smartstore_rows())
    locked = encrypt(plain, tmp_path / "locked.xlsx", "1234")
    result = parse_file(locked, password="1234")
    assert result.source == "smartstore" and len(result.orders) == 1
    with pytest.raises(UnreadableFile) as missing:
        parse_file(locked)
    assert missing.value.code == "password_needed" and "password" in str(missing.value)
    with pytest.raises(UnreadableFile) as wrong:
        parse_file(locked, password="0000")
    assert wrong.value.code == "wrong_password" and str(wrong.value) == "locked.xlsx: the password is wrong"


@pytest.mark.parametrize("content, code", [
    (b"", "empty"),
    (b"\r\n\r\n", "empty"),
    (b"PK\x03\x04 this is no zip", "not_a_table"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_table"),
    ("상품명,가격\r\n잼,3000\r\n".encode("cp949"), "unknown_layout"),
])
def test_unreadable_files_are_one_error(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as error:
        parse_file(path)
    assert error.value.code == code
    assert "\n" not in str(error.value) and str(error.value).startswith("bad.csv: ")


def test_a_forced_source_that_does_not_fit_is_unreadable(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", CAFE24_HEADER, _cafe24_rows(), "utf-8")
    with pytest.raises(UnreadableFile) as error:
        parse_file(path, source="shopify")
    assert error.value.code == "unknown_layout"
    assert parse_file(path, source="cafe24").source == "cafe24"


def test_bad_rows_are_rejected_with_line_numbers_and_the_rest_is_read(tmp_path: Path) -> None:
    rows = [
        cafe24_row("A1", "A1-01"),
        cafe24_row("A2", "A2-01", when="어제"),                        # line 3: bad date
        cafe24_row("A3", "A3-01"),
        cafe24_row("A3", "A3-02", qty="두 개"),                          # line 5: bad quantity, takes A3 with it
        cafe24_row("A4", "A4-01", status="알 수 없음"),                   # line 6
        cafe24_row("", "X-01"),                                          # line 7: no order number
        cafe24_row("A5", "A5-01", price="공짜"),                          # line 8
        cafe24_row("A6", "A6-01"),
    ]
    result = parse_file(write_csv(tmp_path / "orders.csv", CAFE24_HEADER, rows, "cp949"))
    assert [order.external_id for order in result.orders] == ["A1", "A6"]
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [
        (3, "bad_date"), (4, "order_rejected"), (5, "bad_quantity"), (6, "unknown_status"), (7, "missing_order_id"),
        (8, "bad_amount")]
    assert result.lines == 8
    # each says which field and which cell (the import window shows them beside the reason)
    assert [(reject.field, reject.value) for reject in result.rejects] == [
        ("ordered_at", "어제"), ("order_id", "A3"), ("quantity", "두 개"), ("status", "알 수 없음"), ("", ""),
        ("unit_price", "공짜")]


def test_duplicate_lines_count_once(tmp_path: Path) -> None:
    rows = [cafe24_row("A1", "A1-01"), cafe24_row("A1", "A1-02", product="잼 2"), cafe24_row("A1", "A1-01"),
            cafe24_row("A2", "A2-01"), cafe24_row("A2", "A2-01", qty="5")]
    result = parse_file(write_csv(tmp_path / "orders.csv", CAFE24_HEADER, rows, "utf-8"))
    assert result.duplicate_lines == 1
    (order,) = result.orders  # A2's item came twice with different values: the order is not taken half
    assert order.external_id == "A1" and len(order.items) == 2
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [(5, "order_rejected"),
                                                                                (6, "conflicting_line")]


def test_shopify_lines_of_one_order(tmp_path: Path) -> None:
    header = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Total",
              "Discount Code", "Discount Amount", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
              "Billing Name", "Cancelled at", "Phone"]
    rows = [["#1001", "kim@example.com", "paid", "2026-03-02 10:05:00 +0900", "fulfilled", "KRW", "55000.00", "WELCOME",
             "5000.00", "2026-03-02 10:00:00 +0900", "1", "Tote bag", "40000.00", "Kim Minsu", "", "+82 10-4444-5555"],
            ["#1001", "", "", "", "", "", "", "", "", "", "2", "Sticker", "10000.00", "", "", ""],
            ["#1002", "lee@example.com", "voided", "", "unfulfilled", "KRW", "9000.00", "", "0.00",
             "2026-03-03 09:00:00 +0900", "1", "Sticker", "9000.00", "Lee", "2026-03-03 10:00:00 +0900", ""]]
    result = parse_file(write_csv(tmp_path / "orders_export.csv", header, rows, "utf-8"))
    assert result.source == "shopify" and result.rejects == []
    first, second = result.orders
    assert (first.status, first.amount, first.discount, first.coupon_code) == ("shipped", 55000, 5000, "WELCOME")
    assert [item.product_name for item in first.items] == ["Tote bag", "Sticker"]
    assert first.buyer_phone == "+821044445555" and first.buyer_email == "kim@example.com"
    assert second.status == "cancelled"


def test_woocommerce_orders(tmp_path: Path) -> None:
    header = ["Order ID", "Order Date", "Order Status", "Billing First Name", "Billing Last Name", "Billing Email",
              "Billing Phone", "Item Name", "Quantity", "Item Cost", "Order Total", "Coupon Code"]
    rows = [["501", "2026-03-02 10:00:00", "completed", "길동", "홍", "hong@example.com", "01012345678", "Jam", "2",
             "15000", "30000", ""],
            ["502", "2026-03-02 11:00:00", "wc-refunded", "Jane", "Doe", "jane@example.com", "", "Jam", "1", "15000",
             "15000", "SPRING"]]
    result = parse_file(write_csv(tmp_path / "woo.csv", header, rows, "utf-8"))
    assert result.source == "woocommerce"
    first, second = result.orders
    assert (first.status, first.buyer_name, first.amount) == ("delivered", "홍길동", 30000)
    assert (second.status, second.buyer_name, second.coupon_code) == ("refunded", "Jane Doe", "SPRING")


def test_cafe24_members_with_consents_and_birthdays(tmp_path: Path) -> None:
    rows = [["hong01", "홍길동", "010-1234-5678", "hong@example.com", "수신", "수신거부", "1990-05-01", "음력",
             "2025-01-02 09:00:00", "VIP"],
            ["kim02", "김철수", "", "", "N", "Y", "", "", "2025-02-03", "일반"],
            ["lee****", "이영희", "010-1111-2222", "", "Y", "Y", "", "", "2025-02-03", "일반"],
            ["park03", "박", "", "", "아마도", "", "", "", "2025-02-03", "일반"],
            ["hong01", "홍길동", "010-1234-5678", "hong@example.com", "수신", "수신거부", "1990-05-01", "음력",
             "2025-01-02 09:00:00", "VIP"]]
    result = parse_file(write_csv(tmp_path / "members.csv", MEMBERS_HEADER, rows, "cp949"))
    assert (result.source, result.kind, result.duplicate_lines) == ("cafe24_members", "members", 1)
    hong, kim = result.customers
    assert (hong.external_id, hong.phone, hong.sms_consent, hong.email_consent) == ("hong01", "+821012345678", True, False)
    assert (hong.birthday, hong.birthday_lunar, hong.grade) == (date(1990, 5, 1), True, "VIP")
    assert hong.signed_up_at == datetime(2025, 1, 2, 0, 0, tzinfo=UTC)
    assert (kim.sms_consent, kim.email_consent, kim.phone, kim.birthday) == (False, True, None, None)
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [(4, "masked_id"), (5, "bad_consent")]
    assert (result.rejects[1].field, result.rejects[1].value) == ("sms_consent", "아마도")


def test_optout_lists_with_and_without_header(tmp_path: Path) -> None:
    with_header = write_csv(tmp_path / "080.csv", ["수신거부번호", "수신거부일"],
                            [["010-1234-5678", "2026-03-01 12:00"], ["01012345678", "2026-03-01 13:00"],
                             ["010-****-0000", ""]], "cp949")
    result = parse_file(with_header)
    assert (result.source, result.kind, result.duplicate_lines) == ("optout", "optout", 1)
    (optout,) = result.optouts
    assert optout.phone == "+821012345678" and optout.at == datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [(4, "bad_contact")]
    bare = write_csv(tmp_path / "list.csv", None, [["010-9999-8888"], ["someone@example.com"]], "utf-8")
    result = parse_file(bare)
    assert result.header_line == 0
    assert [(o.line, o.phone, o.email) for o in result.optouts] == [(1, "+821099998888", None),
                                                                     (2, None, "someone@example.com")]


def test_generic_file_with_a_mapping(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sheet.csv", ["no", "date", "item", "won", "tel"],
                     [["1", "2026-03-02", "잼", "5,000원", "010-1234-5678"]], "cp949")
    with pytest.raises(UnreadableFile):
        parse_file(path)
    result = parse_file(path, mapping={"order_id": "no", "ordered_at": "date", "product_name": "item",
                                       "unit_price": "won", "phone": "tel"})
    (order,) = result.orders
    assert (order.status, order.amount, order.buyer_phone) == ("paid", 5000, "+821012345678")


def test_cp949_only_syllables_and_a_bad_first_line(tmp_path: Path) -> None:
    rows = [cafe24_row("B1", "B1-01", name="뷁똠", qty="0"), cafe24_row("B1", "B1-02"), cafe24_row("B2", "B2-01", name="똠방각하")]
    result = parse_file(write_csv(tmp_path / "orders.csv", CAFE24_HEADER, rows, "cp949"))
    assert result.encoding == "cp949"
    (order,) = result.orders
    assert order.buyer_name == "똠방각하"
    assert [(reject.line, reject.reason_code) for reject in result.rejects] == [(2, "bad_quantity"), (3, "order_rejected")]


def test_an_encoding_change_past_the_sample_is_one_error(tmp_path: Path) -> None:
    ascii_rows = [["Order ID", "Order Date", "Status", "Billing Email", "Item Name", "Quantity", "Order Total"]]
    ascii_rows += [[str(i), "2026-03-02", "completed", "a@example.com", "Jam", "1", "1000"] for i in range(8000)]
    path = tmp_path / "mixed.csv"
    write_csv(path, None, ascii_rows, "utf-8")
    path.write_bytes(path.read_bytes() + "9001,2026-03-02,completed,a@example.com,딸기잼,1,1000\r\n".encode("cp949"))
    with pytest.raises(UnreadableFile) as error:
        parse_file(path)
    assert error.value.code == "encoding" and "not all utf_8" in str(error.value)


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*CAFE24_HEADER, None],
        ["C1", "C1-01", datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 2, 10, 5), "배송중", "kim", "김", None,
         1012345678, "잼", None, "P1", 2, 15000.0, "잼류", 30000, 30000.0],
    ]
    result = parse_file(write_xlsx(tmp_path / "cafe24.xlsx", rows))
    (order,) = result.orders
    assert order.ordered_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert order.paid_at == datetime(2026, 3, 2, 1, 5, tzinfo=UTC)
    assert (order.amount, order.items[0].unit_price, order.items[0].quantity) == (30000, 15000, 2)
    assert order.buyer_phone == "+821012345678"  # the spreadsheet had dropped the leading 0
