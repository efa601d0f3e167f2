"""AlimTalk, lawful by construction: an ad is refused at validation, the body must read as the template Kakao
approved (saying where it does not), the template's code and text are required, and the message row carries
the template and the SMS fallback to the provider."""

from __future__ import annotations

from engine.channels.kakao import alimtalk_mismatch, routing_line
from engine.delivery.adapters.textapi import parse_alimtalk
from engine.journey import Journey, ValidationContext, validate

SHOP = ValidationContext({"name": "단골상회", "contact": "02-123-4567", "optout_number": "080-123-4567"})
APPROVED = "#{고객명}님, 주문하신 상품이 발송되었습니다.\n배송 조회: #{링크}"
BODY = "{{ customer.first_name }}님, 주문하신 상품이 발송되었습니다.\n배송 조회: {{ shop.url }}"


def journey(**params: object) -> Journey:
    j = Journey(name="배송 안내")
    j.add_node("trigger.signed_up", node_id="t")
    j.add_node("message.kakao", {"template_code": "TPL_SHIP", "template_text": APPROVED, "body": BODY, **params},
               node_id="m")
    j.add_node("exit", node_id="x")
    j.connect("t", "out", "m")
    j.connect("m", "out", "x")
    return j


def errors(j: Journey) -> dict[str, str]:
    return {issue.code: issue.message("ko") for issue in validate(j, SHOP) if issue.is_error}


def test_a_body_written_with_our_variables_that_reads_as_the_approved_text_passes() -> None:
    assert errors(journey()) == {}


def test_an_ad_can_never_go_out_as_alimtalk() -> None:
    found = errors(journey(is_ad=True, body="(광고) 할인 쿠폰"))
    assert "alimtalk_ad" in found and "정보성" in found["alimtalk_ad"] and "브랜드 메시지" in found["alimtalk_ad"]


def test_a_text_that_differs_from_the_approved_template_says_where() -> None:
    found = errors(journey(body=BODY.replace("배송 조회", "배송조회")))
    assert set(found) == {"alimtalk_mismatch"}
    text = found["alimtalk_mismatch"]
    assert "2번째 줄의 ' 조회: ' 자리에 '조회:" in text and "{" not in text  # the first character that differs


def test_the_template_code_and_text_are_required() -> None:
    found = [issue for issue in validate(journey(template_code="", template_text=""), SHOP) if issue.is_error]
    assert {(issue.code, issue.field) for issue in found} == {("missing_param", "template_code"),
                                                              ("missing_param", "template_text")}


def test_the_comparison_itself() -> None:
    assert alimtalk_mismatch(APPROVED, "민지님, 주문하신 상품이 발송되었습니다.\r\n배송 조회: https://x.kr  ") is None
    assert alimtalk_mismatch("#{a}님 안녕", "님 안녕") is None  # a variable may come out empty
    assert alimtalk_mismatch(APPROVED, "민지님, 주문하신 상품이 발송되었습니다.") == (1, "\n배송 조회: ", "(끝)")
    assert alimtalk_mismatch("주문 안내\n#{a}", "주문안내\nx") == (1, " 안내\n", "안내\nx")
    assert alimtalk_mismatch("안내 #{a}.", "안내 x. 덧붙임") == (1, "(끝)", " 덧붙임")


def test_the_message_row_carries_the_template_and_the_fallback() -> None:
    assert parse_alimtalk(routing_line({"template_code": " TPL_SHIP ", "fallback_sms": True})) == ("TPL_SHIP", True)
    assert parse_alimtalk(routing_line({"template_code": "TPL_SHIP", "fallback_sms": False})) == ("TPL_SHIP", False)
    assert routing_line({"template_code": "TPL", "is_ad": True}) == ""
    assert parse_alimtalk("") == ("", True)
