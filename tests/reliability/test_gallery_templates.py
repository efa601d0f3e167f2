"""Issue 15 §4, the gallery: every template loads with its head (when to use it, what it needs, typed settings),
validates and publishes on the demo shop, and runs through the engine with a fixed clock on a small hand-built
shop: who got which message, and when. The settings' rules are the same for `journey create --set`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import config, gallery
from engine import journey_store as store
from engine.demo.catalogue import SHOP_SETTINGS
from engine.journey.validate import ERROR
from engine.runtime.holiday_dates import holiday_start
from engine.runtime.publish import publish
from storage.db import open_database
from storage.models import Customer, Enrollment, Order, ShopEvent
from tests.conftest import ROOT
from tests.runtime.shop import Shop, at

SEOUL = ZoneInfo("Asia/Seoul")
ALL = [item.id for item in gallery.templates()]


# --- every template: its head, validation, publishing on the demo shop --------------------------------------------


def test_the_gallery_has_at_least_fourteen_templates_with_a_full_head() -> None:
    assert len(ALL) >= 14 and len(set(ALL)) == len(ALL)
    for item in gallery.templates():
        for text in (item.title_ko, item.title_en, item.description_ko, item.description_en, item.when_ko,
                     item.when_en, item.needs_ko, item.needs_en):
            assert text.strip(), item.id
        for field in item.fields():
            # every default is itself a value the form and --set accept
            assert item.parse_value(field.key, field.default) == field.default, (item.id, field.key)
            if field.kind == "number":
                assert field.unit and field.minimum is not None and field.maximum is not None, (item.id, field.key)


@pytest.mark.parametrize("template_id", ALL)
def test_each_template_validates_and_publishes_on_the_demo_shop(shop: Shop, template_id: str) -> None:
    journey = gallery.instantiate(gallery.template(template_id))
    with shop.db.write_session() as session:
        store.save_draft(session, journey, shop.clock, template_id=template_id)
        result = publish(session, journey.id, shop.clock)  # raises PublishError on any error
    assert not [issue for issue in result.warnings if issue.severity == ERROR]
    for node in journey.nodes.values():  # the ad law: every promotional text is marked as an ad
        if node.category == "message" and not node.param("is_ad"):
            assert not any(word in str(node.param("body")) for word in ("쿠폰", "할인", "혜택", "적립")), node.id


def test_settings_read_in_the_owners_units_and_refuse_in_korean() -> None:
    item = gallery.template("first_order_coupon")
    journey = gallery.instantiate(item, values={"wait_days": "10일", "coupon_percent": "15%"})
    assert journey.nodes["ordered_again"].param("timeout") == 10 * 24 * 60  # days → the wait's minutes
    assert journey.nodes["coupon"].param("amount") == 15
    with pytest.raises(gallery.SettingValueError) as caught:
        gallery.instantiate(item, values={"coupon_percent": "150"})
    assert caught.value.message_ko == "'할인율'은(는) 1~100% 사이로 넣으세요 (지금 150%)."
    with pytest.raises(gallery.SettingValueError) as caught:
        gallery.instantiate(item, values={"wait_days": "일주일"})
    assert "숫자를 넣으세요" in caught.value.message_ko and "whole number" in str(caught.value)
    guard = gallery.instantiate(gallery.template("vip_churn_guard"), values={"quiet_days": "60"})
    assert guard.nodes["trigger"].param("rules")[1] == {"field": "days_since_last_order", "op": "gte", "value": 60}
    with pytest.raises(gallery.SettingValueError):
        gallery.instantiate(gallery.template("seasonal_holiday"), values={"holiday": "크리스마스"})
    assert gallery.instantiate(gallery.template("seasonal_holiday"),
                               values={"holiday": "설날"}).nodes["trigger"].param("holiday") == "설날"
    winback = gallery.instantiate(gallery.template("winback_90d"), values={"coupon_days": "21"})
    assert winback.nodes["coupon_a"].param("valid_days") == winback.nodes["coupon_b"].param("valid_days") == 21


def test_the_cli_set_uses_the_same_rules(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "cli.db"), *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT)

    bad = cli("journey", "create", "--template", "cart_abandoned", "--set", "hours=100")
    assert bad.returncode == 2 and bad.stderr.startswith("error: hours must be within 1..72 hours, got 100")
    assert len(bad.stderr.strip().splitlines()) == 1
    good = cli("journey", "create", "--template", "cart_abandoned", "--set", "hours=5", "--set", "min_amount=20,000원")
    assert good.returncode == 0, good.stderr
    journey_id = good.stdout.split()[-1]
    shown = json.loads(cli("journey", "show", journey_id).stdout)
    trigger = next(n for n in shown["journey"]["nodes"] if n["id"] == "trigger")
    assert trigger["params"]["hours"] == 5 and trigger["params"]["min_amount"] == 20_000
    listed = json.loads(cli("templates", "--json").stdout)
    cart = next(t for t in listed if t["id"] == "cart_abandoned")
    assert cart["when_ko"] and cart["needs_ko"]
    assert cart["settings"][0] | {} == {"key": "hours", "label_ko": "주문 없이 기다릴 시간", "label_en": "Hours without an order",
                                        "kind": "number", "unit": "hours", "minimum": 1, "maximum": 72, "default": 3}


# --- a run of each through the engine, on a small hand-built shop ----------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Shop:
    db = open_database(tmp_path / "small.db")
    with db.write_session() as session:
        for key, value in SHOP_SETTINGS.items():
            config.set_value(session, key, value)
    return Shop(db, tmp_path)


def local(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")


def got(shop: Shop, customer_id: int) -> list[tuple[str, str]]:
    """(node, shop time it was due) of each message a customer got."""
    return [(m.node_id or "", local(m.due_at)) for m in shop.messages(customer_id)]


def daily(shop: Shop, first: str, days: int, clock: str = "10:30") -> None:
    start = at(f"{first} 00:00").date()
    for offset in range(days):
        shop.run(f"{(start + timedelta(days=offset)).isoformat()} {clock}")


def status(shop: Shop, customer_id: int, order: str, new: str, when: str) -> None:
    with shop.db.session() as session:
        row = session.scalar(select(Order).where(Order.external_id == order))
        row.status = new
        row.status_changed_at = at(when)
        session.add(ShopEvent(kind="order_status_changed", customer_id=customer_id, occurred_at=at(when), ref=order,
                              payload={"status": new}))


def test_welcome_coupon_right_after_sign_up(small: Shop) -> None:
    small.publish_template("welcome_coupon", {"coupon_amount": "3,000"})
    member = small.signup("2026-03-02 10:30")
    small.run("2026-03-02 10:31")
    [message] = small.messages(member)
    assert (message.node_id, local(message.due_at)) == ("welcome_sms", "2026-03-02 10:30")
    assert "3,000원 할인 쿠폰" in message.body and message.body.startswith("(광고)") and "080-123-4567" in message.body


def test_first_purchase_nudge_only_for_members_who_never_ordered(small: Shop) -> None:
    small.publish_template("first_purchase_nudge")
    buyer = small.signup("2026-03-02 10:10")
    waiting = small.signup("2026-03-02 10:20")
    small.run("2026-03-02 10:30")
    small.order(buyer, "2026-03-03 12:00")
    small.run("2026-03-03 12:05")
    small.run("2026-03-05 10:19")
    assert got(small, waiting) == []
    small.run("2026-03-05 10:25")
    assert got(small, waiting) == [("nudge_sms", "2026-03-05 10:20")] and got(small, buyer) == []


def test_first_order_thanks_then_coupon_after_seven_days(small: Shop) -> None:
    small.publish_template("first_order_coupon")
    once = small.signup("2026-03-01 09:00")
    twice = small.signup("2026-03-01 09:00")
    small.order(once, "2026-03-02 11:00")
    small.order(twice, "2026-03-02 11:00")
    small.run("2026-03-02 11:05")
    small.order(twice, "2026-03-05 15:00")
    small.run("2026-03-05 15:05")
    small.run("2026-03-09 11:05")
    assert got(small, once) == [("thanks", "2026-03-02 11:00"), ("coupon_sms", "2026-03-09 11:00")]
    assert got(small, twice) == [("thanks", "2026-03-02 11:00")]


def test_shipping_notice_when_the_order_ships(small: Shop) -> None:
    small.publish_template("shipping_notice")
    member = small.signup("2026-03-01 09:00", sms=False)  # informational: no ad consent needed
    order = small.order(member, "2026-03-02 09:00")
    status(small, member, order, "shipped", "2026-03-03 14:00")
    small.run("2026-03-03 14:05")
    [message] = small.messages(member)
    assert (message.node_id, local(message.due_at)) == ("shipped_sms", "2026-03-03 14:00")
    assert order in message.body and not message.body.startswith("(광고)")


def test_first_order_onboarding_after_delivery(small: Shop) -> None:
    small.publish_template("first_order_onboarding")
    first = small.signup("2026-03-01 09:00")
    regular = small.signup("2026-03-01 09:00")
    small.order(regular, "2026-02-20 09:00")
    order = small.order(first, "2026-03-02 09:00")
    second = small.order(regular, "2026-03-02 09:00")
    status(small, first, order, "delivered", "2026-03-04 15:00")
    status(small, regular, second, "delivered", "2026-03-04 15:00")  # not a first order: not onboarded
    daily(small, "2026-03-04", 12, clock="16:00")
    # delivered + 3 days, the next 10:00: how-to and survey; no order in 4 more days: the coupon
    assert got(small, first) == [("howto_sms", "2026-03-08 10:00"), ("coupon_sms", "2026-03-12 10:00")]
    assert got(small, regular) == []


def test_cart_abandoned_three_hours_unless_they_ordered(small: Shop) -> None:
    small.publish_template("cart_abandoned")
    left = small.signup("2026-03-01 09:00")
    bought = small.signup("2026-03-01 09:00")
    small.cart(left, "2026-03-02 10:00")
    small.cart(bought, "2026-03-02 10:00")
    small.run("2026-03-02 10:05")
    small.order(bought, "2026-03-02 11:00")
    small.run("2026-03-02 12:59")
    assert got(small, left) == []
    small.run("2026-03-02 13:01")
    assert got(small, left) == [("reminder", "2026-03-02 13:00")] and got(small, bought) == []


def test_replenishment_two_to_three_weeks_after_an_order_in_the_category(small: Shop) -> None:
    small.publish_template("replenishment")
    pet = small.signup("2026-03-01 09:00")
    reordered = small.signup("2026-03-01 09:00")
    beauty = small.signup("2026-03-01 09:00")
    small.order(pet, "2026-03-02 11:00", product="사료 그레인프리 2kg", category="반려동물")
    small.order(reordered, "2026-03-02 11:00", product="무향 배변패드 100매", category="반려동물")
    small.order(beauty, "2026-03-02 11:00", category="뷰티")
    small.run("2026-03-02 11:05")
    small.order(reordered, "2026-03-10 11:00", product="무향 배변패드 100매", category="반려동물")
    small.run("2026-03-10 11:05")
    daily(small, "2026-03-11", 14)
    [(node, due)] = got(small, pet)
    days = (at(due) - at("2026-03-02 11:00")) / timedelta(days=1)
    assert node == "restock_sms" and due == "2026-03-17 10:00" and 14 <= days <= 21
    assert "사료 그레인프리 2kg" in small.messages(pet)[0].body
    assert got(small, beauty) == []
    # a reorder within the 14 days ends the wait: no reminder for what they just bought (the reorder itself does
    # not start a second wait while the first is still running: a customer is in a journey once at a time)
    assert got(small, reordered) == []


def test_cross_sell_ten_days_after_the_order(small: Shop) -> None:
    small.publish_template("cross_sell")
    member = small.signup("2026-03-01 09:00")
    small.order(member, "2026-03-02 11:00", product="강아지 연어 트릿 300g", category="반려동물")
    small.run("2026-03-02 11:05")
    daily(small, "2026-03-03", 12)
    [message] = small.messages(member)
    assert (message.node_id, local(message.due_at)) == ("suggest_sms", "2026-03-13 10:00")
    assert "강아지 연어 트릿 300g 잘 쓰고 계신가요?" in message.body


def test_winback_ab_offers_and_a_holdout_that_gets_nothing(small: Shop) -> None:
    customers = []
    for index in range(120):
        member = small.signup("2025-10-01 09:00")
        small.order(member, f"2025-12-{1 + index % 5:02d} 12:00")  # 90 days old between 1 and 5 March
        customers.append(member)
    small.clock.set(at("2026-02-27 10:00"))
    journey = small.publish_template("winback_90d")
    daily(small, "2026-02-28", 8)
    with small.db.session() as session:
        arms = dict(session.execute(select(Enrollment.customer_id, Enrollment.arm)
                                    .where(Enrollment.journey_id == journey)).all())
    assert set(arms) == set(customers)
    shares = Counter(arms.values())
    assert set(shares) == {"a", "b", "holdout"}
    assert min(shares["a"], shares["b"]) >= 35 and 3 <= shares["holdout"] <= 25, shares
    for member, arm in arms.items():
        nodes = [node for node, _ in got(small, member)]
        if arm == "holdout":
            assert nodes == []
        else:
            assert nodes[0] == f"offer_{arm}"
            body = small.messages(member)[0].body
            assert ("10% 할인" in body) if arm == "a" else ("5,000원" in body)


def test_lapsed_after_a_year(small: Shop) -> None:
    member = small.signup("2024-01-01 09:00")
    small.order(member, "2025-03-03 12:00")
    recent = small.signup("2024-01-01 09:00")
    small.order(recent, "2025-12-01 12:00")
    small.publish_template("lapsed_1y")
    daily(small, "2026-03-02", 5)
    [(node, due)] = got(small, member)
    assert node == "comeback_sms" and due.startswith("2026-03-03") and got(small, recent) == []
    assert "20% 할인 쿠폰" in small.messages(member)[0].body


def test_vip_welcome_when_a_customer_becomes_vip(small: Shop) -> None:
    small.publish_template("vip_welcome")
    member = small.signup("2026-01-01 09:00")
    small.order(member, "2026-01-10 12:00", amount=150_000)
    small.order(member, "2026-02-10 12:00", amount=100_000)
    small.run("2026-03-02 10:05")
    assert got(small, member) == []
    small.order(member, "2026-03-02 12:00", amount=80_000)  # 330,000원 and 3 orders in 6 months
    small.run("2026-03-02 12:05")
    assert [node for node, _ in got(small, member)] == ["vip_sms"]
    assert "VIP 고객님께만 드리는 15% 할인 쿠폰" in small.messages(member)[0].body


def test_vip_churn_guard_on_monday_for_quiet_vips(small: Shop) -> None:
    quiet_vip, busy_vip, quiet_regular = (small.signup("2025-06-01 09:00") for _ in range(3))
    for member, last in ((quiet_vip, "2026-01-10"), (busy_vip, "2026-02-25")):
        for day in ("2025-10-10", "2025-11-10", last):
            small.order(member, f"{day} 12:00", amount=120_000)
    small.order(quiet_regular, "2026-01-10 12:00", amount=20_000)
    small.clock.set(at("2026-03-01 09:00"))  # a Sunday
    small.publish_template("vip_churn_guard")
    daily(small, "2026-03-01", 3)
    assert got(small, quiet_vip) == [("notify", "2026-03-02 10:00"), ("guard_sms", "2026-03-02 10:00")]
    assert got(small, busy_vip) == [] and got(small, quiet_regular) == []


def _birthday(shop: Shop, customer_id: int, born: str, lunar: bool = False) -> None:
    with shop.db.session() as session:
        row = session.get(Customer, customer_id)
        row.birthday = date.fromisoformat(born)
        row.attributes = {"birthday_lunar": True} if lunar else {}


def test_birthday_on_the_day_at_ten_and_lunar_birthdays_on_this_years_solar_day(small: Shop) -> None:
    small.clock.set(at("2026-03-01 09:00"))
    small.publish_template("birthday_coupon")
    solar, lunar, lunar_same_digits = (small.signup("2025-01-01 09:00") for _ in range(3))
    _birthday(small, solar, "1990-03-08")
    _birthday(small, lunar, "1988-01-20", lunar=True)  # 음력 1월 20일 = 양력 2026-03-08 (음력 설날 2026-02-17 + 19)
    _birthday(small, lunar_same_digits, "1990-03-08", lunar=True)  # 음력 3월 8일: not on 양력 3월 8일
    daily(small, "2026-03-01", 10)
    assert got(small, solar) == [("birthday_sms", "2026-03-08 10:00")]
    assert got(small, lunar) == [("birthday_sms", "2026-03-08 10:00")]
    assert got(small, lunar_same_digits) == []
    assert "생일 축하드려요" in small.messages(solar)[0].body


def test_review_request_two_days_after_purchase_confirmation(small: Shop) -> None:
    small.publish_template("review_request")
    member = small.signup("2026-03-01 09:00")
    order = small.order(member, "2026-03-02 09:00", product="린넨 오버핏 셔츠", category="패션")
    status(small, member, order, "confirmed", "2026-03-06 16:00")
    daily(small, "2026-03-06", 5, clock="17:00")
    assert got(small, member) == [("review_sms", "2026-03-09 10:00")]
    assert "린넨 오버핏 셔츠는 마음에 드셨나요?" in small.messages(member)[0].body


def test_seasonal_chuseok_ten_days_before_its_first_day(small: Shop) -> None:
    member = small.signup("2025-01-01 09:00")
    small.clock.set(at("2026-09-01 09:00"))
    small.publish_template("seasonal_holiday")
    daily(small, "2026-09-01", 25)
    first = holiday_start("추석", 2026)
    assert first is not None and first.isoformat() == "2026-09-24"
    assert got(small, member) == [("holiday_sms", "2026-09-14 10:00")]


def test_seasonal_seollal_from_the_lunar_calendar(small: Shop) -> None:
    member = small.signup("2025-01-01 09:00")
    small.clock.set(at("2026-01-20 09:00"))
    small.publish_template("seasonal_holiday", {"holiday": "설날", "days_before": "7"})
    daily(small, "2026-01-20", 30)
    assert got(small, member) == [("holiday_sms", "2026-02-09 10:00")]  # 설날 연휴 첫날 2026-02-16 − 7


def test_family_month_a_week_before_childrens_day(small: Shop) -> None:
    member = small.signup("2025-01-01 09:00")
    small.clock.set(at("2026-04-20 09:00"))
    small.publish_template("family_month")
    daily(small, "2026-04-20", 16)
    assert got(small, member) == [("family_sms", "2026-04-28 10:00")]


def test_consent_renewal_two_years_after_the_consent(small: Shop) -> None:
    member = small.signup("2024-05-10 14:00")
    small.clock.set(at("2026-05-08 09:00"))
    small.publish_template("consent_renewal")
    daily(small, "2026-05-08", 4)
    [message] = small.messages(member)
    assert (message.node_id, local(message.due_at)) == ("notice_sms", "2026-05-10 10:00")
    assert "2024년 5월 10일에" in message.body and not message.body.startswith("(광고)")
