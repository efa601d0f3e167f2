"""Small export files the sync tests write for themselves (CSV in each encoding, xlsx, encrypted xlsx)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile

CAFE24_HEADER = ["주문번호", "품목별 주문번호", "주문일시", "결제일시(입금확인일)", "주문 상태", "주문자ID", "주문자명",
                 "주문자 이메일", "주문자 휴대전화", "상품명(한국어 쇼핑몰)", "상품옵션", "상품코드", "수량", "판매가",
                 "메인카테고리 이름", "총 주문금액(KRW)", "총 결제금액(KRW)"]
SMARTSTORE_HEADER = ["상품주문번호", "주문번호", "주문상태", "주문세부상태", "결제일", "주문일시", "구매자명", "구매자ID",
                     "구매자연락처", "수취인명", "상품번호", "상품명", "옵션정보", "수량", "상품가격", "상품별 할인액",
                     "상품별 총 주문금액"]
MEMBERS_HEADER = ["아이디", "이름", "휴대전화", "이메일", "SMS 수신여부", "이메일 수신여부", "생년월일", "양력/음력",
                  "가입일", "회원등급"]


def cafe24_row(order: str, item: str, *, when: str = "2026-03-02 10:00:00", status: str = "배송완료",
               member: str = "hong01", name: str = "홍길동", email: str = "hong@example.com",
               phone: str = "010-1234-5678", product: str = "수제 딸기잼", option: str = "용량=500g",
               code: str = "P0001", qty: str = "1", price: str = "30000.00", category: str = "잼",
               total: str = "30,000", paid: str = "30000.00") -> list[str]:
    return [order, item, when, when, status, member, name, email, phone, product, option, code, qty, price,
            category, total, paid]


def write_csv(path: Path, header: Sequence[str] | None, rows: Sequence[Sequence[object]], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def encrypt(plain: Path, target: Path, password: str) -> Path:
    with plain.open("rb") as handle, target.open("wb") as out:
        OOXMLFile(handle).encrypt(password, out)
    return target
