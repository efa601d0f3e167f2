"""validate(): each issue code it defines is caught, and a good journey has none."""

from __future__ import annotations

import pytest

from engine.journey import MESSAGES, Journey, ValidationContext, validate
from engine.journey.validate import codes

SHOP = ValidationContext({"name": "단골상회", "contact": "02-123-4567", "optout_number": "080-123-4567"})


def base() -> Journey:
    j = Journey(name="환영")
    j.add_node("trigger.signed_up", node_id="t")
    j.add_node("message.sms", {"body": "{{ customer.first_name }}님 환영해요"}, node_id="m")
    j.add_node("exit", node_id="x")
    j.connect("t", "out", "m")
    j.connect("m", "out", "x")
    return j


def test_good_journey_has_no_issues() -> None:
    assert validate(base(), SHOP) == []


def _no_trigger(j: Journey) -> None:
    j.remove_node("t")


def _many(j: Journey) -> None:
    j.add_node("trigger.order_placed", node_id="t2")
    j.connect("t2", "out", "m")


def _trigger_unconnected(j: Journey) -> None:
    j.disconnect(j.edges_from("t")[0].id)


def _unreachable(j: Journey) -> None:
    j.add_node("wait.duration", node_id="lonely")


def _missing(j: Journey) -> None:
    j.set_param("m", "body", "  ")


def _bad_param(j: Journey) -> None:
    j.add_node("wait.duration", {"duration": -5}, node_id="w")
    j.disconnect(j.edges_from("m")[0].id)
    j.connect("m", "out", "w")
    j.connect("w", "out", "x")


def _unknown_param(j: Journey) -> None:
    j.nodes["m"].params["colour"] = "red"  # as a newer file might carry


def _branch(j: Journey) -> None:
    j.add_node("condition", {"rules": [{"field": "order_count", "op": "gte", "value": 2}]}, node_id="c")
    j.disconnect(j.edges_from("t")[0].id)
    j.connect("t", "out", "c")
    j.connect("c", "yes", "m")


def _split_total(j: Journey) -> None:
    j.add_node("split.random", {"a_percent": 50, "b_percent": 30}, node_id="s")
    j.disconnect(j.edges_from("t")[0].id)
    j.connect("t", "out", "s")
    j.connect("s", "a", "m")
    j.connect("s", "b", "x")


def _bad_rule(j: Journey) -> None:
    _branch(j)
    j.set_param("c", "rules", [{"field": "shoe_size", "op": "eq", "value": 5}])


def _syntax(j: Journey) -> None:
    j.set_param("m", "body", "{{ customer.first_name }님")


def _variable(j: Journey) -> None:
    j.set_param("m", "body", "{{ customer.frist_name }}님")


def _coupon_without_coupon(j: Journey) -> None:
    j.set_param("m", "body", "쿠폰 {{ coupon.code }}")


def _filter(j: Journey) -> None:
    j.set_param("m", "body", "{{ customer.name | shout }}")


def _unsupported(j: Journey) -> None:
    j.set_param("m", "body", "{% macro m() %}안녕{% endmacro %}{{ m() }}")


def _private(j: Journey) -> None:
    j.set_param("m", "body", "{{ customer['__class__'] }}")


def _cannot_render(j: Journey) -> None:
    j.set_param("m", "body", "{{ customer.name.nope }}님")


def _ad(j: Journey) -> None:
    j.set_param("m", "is_ad", True)


def _promo(j: Journey) -> None:
    j.set_param("m", "body", "첫 구매 10% 할인 쿠폰을 드려요")  # tried as a new user would: sent as "informational"


def _kakao(j: Journey, **params: object) -> None:
    """The message node as an AlimTalk: template code, approved text, the body written with our variables."""
    j.remove_node("m")
    j.add_node("message.kakao", {"template_code": "TPL_WELCOME", "template_text": "#{이름}님, 가입을 환영합니다.",
                                 "body": "{{ customer.first_name }}님, 가입을 환영합니다.", **params}, node_id="m")
    j.connect("t", "out", "m")
    j.connect("m", "out", "x")


def _alimtalk_ad(j: Journey) -> None:
    _kakao(j, is_ad=True)


def _alimtalk_mismatch(j: Journey) -> None:
    _kakao(j, body="{{ customer.first_name }}님, 가입을 진심으로 환영합니다.")


def _brand_not_ad(j: Journey) -> None:
    """A Kakao Brand Message marked informational (it is always an ad)."""
    j.remove_node("m")
    j.add_node("message.kakao_brand", {"is_ad": False, "body": "{{ customer.first_name }}님, 새 상품이 나왔어요."},
               node_id="m")
    j.connect("t", "out", "m")
    j.connect("m", "out", "x")


def _bad_setting(j: Journey) -> None:
    j.set_setting("reentry", "sometimes")


def _empty_name(j: Journey) -> None:
    j.rename(" ")


def _renewal_never(j: Journey) -> None:
    j.remove_node("t")
    j.add_node("trigger.date", {"date_kind": "consent_renewal"}, node_id="t")
    j.connect("t", "out", "m")  # the journey's default re-entry is "never": told once, never again


def _cycle(j: Journey) -> None:
    j._graph.add_edge("x", "t")  # bypass the API: the model refuses cycles, validate still guards


def _coupon(**params: object):  # type: ignore[no-untyped-def]
    def change(j: Journey) -> None:
        j.add_node("action.coupon", {"amount": 10, **params}, node_id="k")
        j.disconnect(j.edges_from("t")[0].id)
        j.connect("t", "out", "k")
        j.connect("k", "out", "m")

    change.__name__ = "_coupon_" + "_".join(str(v) or "blank" for v in params.values())
    return change


POOLS = ValidationContext(dict(SHOP.shop_settings), coupon_pools={"low": (3, True)})

CASES = [
    (_coupon(code_source="pool", pool=""), SHOP, "coupon_no_pool", "error"),
    (_coupon(code_source="shared", shared_code=""), SHOP, "coupon_no_shared", "error"),
    (_coupon(code_source="pool", pool="none"), POOLS, "coupon_pool_empty", "warning"),
    (_coupon(code_source="pool", pool="low"), POOLS, "coupon_pool_low", "warning"),
    (_no_trigger, SHOP, "no_trigger", "error"),
    (_many, SHOP, "many_triggers", "error"),
    (_trigger_unconnected, SHOP, "trigger_unconnected", "error"),
    (_unreachable, SHOP, "unreachable", "error"),
    (_missing, SHOP, "missing_param", "error"),
    (_bad_param, SHOP, "bad_param", "error"),
    (_unknown_param, SHOP, "unknown_param", "warning"),
    (_branch, SHOP, "branch_unconnected", "warning"),
    (_split_total, SHOP, "split_total", "error"),
    (_bad_rule, SHOP, "bad_rule", "error"),
    (_syntax, SHOP, "template_syntax", "error"),
    (_variable, SHOP, "unknown_variable", "error"),
    (_coupon_without_coupon, SHOP, "unknown_variable", "error"),
    (_filter, SHOP, "unknown_filter", "error"),
    (_unsupported, SHOP, "template_unsupported", "error"),
    (_private, SHOP, "unsafe_template", "error"),
    (_cannot_render, SHOP, "render_failed", "error"),
    (_ad, ValidationContext({"name": "", "contact": "", "optout_number": "080"}), "ad_shop_info", "error"),
    (_ad, ValidationContext({"name": "단골", "contact": "02", "optout_number": ""}), "ad_optout_missing", "error"),
    (_promo, SHOP, "promo_not_ad", "error"),
    (_alimtalk_ad, SHOP, "alimtalk_ad", "error"),
    (_alimtalk_mismatch, SHOP, "alimtalk_mismatch", "error"),
    (_brand_not_ad, SHOP, "brand_not_ad", "error"),
    (_bad_setting, SHOP, "bad_setting", "error"),
    (_empty_name, SHOP, "empty_name", "warning"),
    (_renewal_never, SHOP, "renewal_reentry", "warning"),
    (_cycle, SHOP, "cycle", "error"),
]


@pytest.mark.parametrize(("change", "context", "code", "severity"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_code_is_caught(change, context, code, severity) -> None:
    j = base()
    change(j)
    issues = validate(j, context)
    assert code in codes(issues)
    issue = next(i for i in issues if i.code == code)
    assert issue.severity == severity
    assert issue.message("ko") and issue.message("en")
    assert "{" not in issue.message("ko")  # every placeholder filled


def test_every_code_is_tested_and_has_texts() -> None:
    assert {case[2] for case in CASES} == set(MESSAGES)


def test_errors_come_first() -> None:
    j = base()
    _branch(j)
    _unreachable(j)
    issues = validate(j, SHOP)
    severities = [i.severity for i in issues]
    assert severities == sorted(severities, key=lambda s: s != "error")


def test_coupon_variables_allowed_after_a_coupon_node() -> None:
    j = base()
    j.add_node("action.coupon", node_id="k")
    j.disconnect(j.edges_from("t")[0].id)
    j.connect("t", "out", "k")
    j.connect("k", "out", "m")
    j.set_param("m", "body", "{{ customer.first_name }}님 쿠폰 {{ coupon.code }} ({{ coupon.expires_at }})")
    j.set_param("m", "is_ad", True)  # a coupon is an ad
    assert validate(j, SHOP) == []


def test_order_variables_only_after_order_trigger() -> None:
    j = base()
    j.set_param("m", "body", "주문 {{ order.id }}")
    assert "unknown_variable" in codes(validate(j, SHOP))
    j2 = Journey.from_dict({**j.to_dict(), "nodes": [
        {**n, "kind": "trigger.order_placed", "params": {}} if n["id"] == "t" else n for n in j.to_dict()["nodes"]]})
    assert validate(j2, SHOP) == []


def test_loop_variables_inside_templates_are_fine() -> None:
    j = base()
    j.set_param("m", "body", "{% for item in customer.name %}{{ item }}{% endfor %}님")
    assert validate(j, SHOP) == []


def test_unused_split_arm_needs_no_edge() -> None:
    j = base()
    j.add_node("split.random", {"a_percent": 50, "b_percent": 50, "holdout_percent": 0}, node_id="s")
    j.add_node("exit", node_id="x2")
    j.disconnect(j.edges_from("t")[0].id)
    j.connect("t", "out", "s")
    j.connect("s", "a", "m")
    j.connect("s", "b", "x2")
    assert validate(j, SHOP) == []


@pytest.mark.parametrize(("body", "is_ad", "blocked"), [
    ("첫 구매 10% 할인 쿠폰을 드려요", False, True),
    ("적립금 3,000원이 곧 사라져요", False, True),
    ("주말 특가 이벤트! 무료배송", False, True),
    ("{% if customer.name %}{{ customer.name }}님, {% endif %}주문하신 상품이 출발했습니다", False, False),  # `{% %}` is not a %
    ("{{ customer.name }}님, 주문이 접수되었습니다", False, False),
    ("첫 구매 10% 할인 쿠폰을 드려요", True, False),  # marked as an ad: the ad rules apply instead
])
def test_a_promotional_text_cannot_go_out_as_informational(body: str, is_ad: bool, blocked: bool) -> None:
    j = base()
    j.set_param("m", "body", body)
    j.set_param("m", "is_ad", is_ad)
    issues = validate(j, SHOP)
    assert ("promo_not_ad" in codes(issues)) is blocked
    if blocked:
        issue = next(i for i in issues if i.code == "promo_not_ad")
        assert issue.field == "is_ad" and "광고성 메시지" in issue.message("ko")


def test_a_coupon_variable_names_the_path_that_lacks_the_coupon() -> None:
    j = base()
    j.add_node("action.coupon", node_id="k")
    j.disconnect(j.edges_from("t")[0].id)
    j.connect("t", "out", "k")
    j.connect("k", "out", "m")
    j.set_param("m", "body", "{{ customer.first_name }}님 쿠폰 {{ coupon.code }}")
    j.set_param("m", "is_ad", True)
    assert validate(j, SHOP) == []
    j.disconnect(j.edges_from("k")[0].id)  # the link deleted: the coupon node no longer leads here
    issue = next(i for i in validate(j, SHOP) if i.code == "unknown_variable")
    assert "이어지지 않습니다" in issue.message("ko") and "(k)" in issue.message("ko")
    # a condition whose "no" side skips the coupon: that path is named (the old code accepted it)
    j.disconnect(j.edges_from("t")[0].id)
    j.add_node("condition", node_id="c")
    j.connect("t", "out", "c")
    j.connect("c", "yes", "k")
    j.connect("k", "out", "m")
    j.connect("c", "no", "m")
    issue = next(i for i in validate(j, SHOP) if i.code == "unknown_variable")
    assert "거치지 않고" in issue.message("ko") and "조건 → 이 메시지" in issue.message("ko")
