"""Issue 15 §2: custom segments. A rule tree (AND/OR groups) becomes one SQL WHERE: counted on a hand-built shop,
equal to the members worked out by hand; RFM scores give equal figures equal scores; a segment-entered trigger
on a custom segment lets in exactly those who enter it (and, published with the backfill, those already in);
the CSV export neutralises formula cells."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import config, gallery
from engine import journey_store as store
from engine.customers import custom_segments as cs
from engine.customers.segments import rfm_group, rfm_scores, segment_query, thresholds
from engine.demo.catalogue import SHOP_SETTINGS
from engine.runtime.publish import backfill_offered, publish
from storage.db import Database, open_database
from storage.models import Customer, CustomerTag, Enrollment
from tests.runtime.shop import Shop

PETS = "반려동물"
# "3+ orders in 반려동물 and no order in 60 days"
PET_LAPSED = {"match": "all", "rules": [
    {"field": "category_orders", "category": PETS, "op": "gte", "value": 3},
    {"field": "days_since_last_order", "op": "gte", "value": 60},
]}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "shop.db")
    yield database
    database.close()


def build(shop: Shop) -> dict[str, int]:
    """A hand-built shop at 2026-03-02 10:00 (Seoul)."""
    ids: dict[str, int] = {}
    ids["a"] = shop.signup("2025-01-01 10:00", name="가나")  # 3 pet orders, last 2025-12-01: in
    for day in ("2025-06-01", "2025-09-01", "2025-12-01"):
        shop.order(ids["a"], f"{day} 12:00", category=PETS, product="사료")
    ids["b"] = shop.signup("2025-01-01 10:00", sms=False)  # 3 pet orders, the last 10 days ago: out
    for day in ("2025-06-01", "2025-09-01", "2026-02-20"):
        shop.order(ids["b"], f"{day} 12:00", category=PETS, product="사료")
    ids["c"] = shop.signup("2025-01-01 10:00")  # 2 pet orders and one beauty, long ago: out
    for day, category in (("2025-06-01", PETS), ("2025-09-01", PETS), ("2025-12-01", "뷰티")):
        shop.order(ids["c"], f"{day} 12:00", category=category)
    ids["d"] = shop.signup("2025-01-01 10:00", sms=False)  # 4 pet orders, one cancelled: 3 count, in
    for day, status in (("2025-05-01", "paid"), ("2025-07-01", "cancelled"), ("2025-08-01", "paid"),
                        ("2025-11-01", "confirmed")):
        shop.order(ids["d"], f"{day} 12:00", category=PETS, product="간식", status=status)
    ids["e"] = shop.signup("2025-01-01 10:00")  # never ordered: out
    ids["f"] = shop.signup("2025-01-01 10:00")  # 3 pet orders, last 41 days ago: out now, in on 03-22
    for day in ("2025-06-01", "2025-09-01", "2026-01-20"):
        shop.order(ids["f"], f"{day} 12:00", category=PETS, product="사료")
    with shop.db.session() as session:
        config.set_values(session, SHOP_SETTINGS)  # the ad-law footer the win-back messages need
        session.add(CustomerTag(customer_id=ids["e"], tag="학부모"))
        session.get(Customer, ids["c"]).attributes = {"관심": "패션 관심"}
    return ids


def members(db: Database, tree: dict, now) -> set[int]:
    with db.session() as session:
        limits = thresholds(session)
        found = set(session.scalars(cs.tree_query(session, tree, now, limits)))
        assert cs.count_tree(session, tree, now, limits) == len(found)
        return found


def test_three_pet_orders_and_no_order_in_60_days(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    ids = build(shop)
    now = shop.clock.now()
    assert members(db, PET_LAPSED, now) == {ids["a"], ids["d"]}
    # the same by a period count: no order in the last 60 days (a customer with no order at all qualifies)
    no_recent = {"match": "all", "rules": [
        {"field": "category_orders", "category": PETS, "op": "gte", "value": 3},
        {"field": "order_count", "op": "lt", "value": 1, "days": 60}]}
    assert members(db, no_recent, now) == {ids["a"], ids["d"]}
    assert members(db, {"match": "all", "rules": [{"field": "order_count", "op": "lt", "value": 1, "days": 60}]},
                   now) == {ids["a"], ids["c"], ids["d"], ids["e"]}
    # the kept per-category counts (refresh_stats) agree with counting the order lines themselves
    for count in (1, 2, 3, 4):
        for op in ("gte", "lt", "eq"):
            kept = {"match": "all", "rules": [{"field": "category_orders", "category": PETS, "op": op, "value": count}]}
            raw = {"match": "all", "rules": [{**kept["rules"][0], "days": 3650}]}
            assert members(db, kept, now) == members(db, raw, now), (op, count)
    # 20 days later f's last order is 61 days old
    later = now.replace(month=3, day=22)
    assert members(db, PET_LAPSED, later) == {ids["a"], ids["d"], ids["f"]}


def test_or_groups_tags_consent_fields_and_figures(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    ids = build(shop)
    now = shop.clock.now()
    everyone = set(ids.values())
    tagged = {"match": "all", "rules": [{"field": "has_tag", "op": "has", "value": "학부모"}]}
    assert members(db, tagged, now) == {ids["e"]}
    assert members(db, {"match": "all", "rules": [{"field": "has_tag", "op": "has_not", "value": "학부모"}]},
                   now) == everyone - {ids["e"]}
    no_sms = {"match": "all", "rules": [{"field": "consent_sms", "op": "is_false"}]}
    assert members(db, no_sms, now) == {ids["b"], ids["d"]}
    either = {"match": "any", "rules": [tagged, {"match": "all", "rules": [
        {"field": "consent_sms", "op": "is_false"},
        {"field": "days_since_last_order", "op": "lt", "value": 60}]}]}
    assert members(db, either, now) == {ids["e"], ids["b"]}
    persona = {"match": "all", "rules": [{"field": "customer_field", "name": "관심", "op": "eq", "value": "패션 관심"}]}
    assert members(db, persona, now) == {ids["c"]}
    spent = {"match": "all", "rules": [{"field": "total_spent", "op": "gte", "value": 90_000},
                                       {"field": "aov", "op": "eq", "value": 30_000}]}
    assert members(db, spent, now) == {ids["a"], ids["b"], ids["c"], ids["d"], ids["f"]}
    recent_pet = {"match": "all", "rules": [
        {"field": "category_orders", "category": PETS, "op": "gte", "value": 1, "days": 60}]}
    assert members(db, recent_pet, now) == {ids["b"], ids["f"]}
    assert members(db, {"match": "all", "rules": []}, now) == everyone
    with pytest.raises(cs.RuleError):
        members(db, {"match": "all", "rules": [{"field": "nope", "op": "eq", "value": 1}]}, now)
    with pytest.raises(cs.RuleError):
        members(db, {"match": "all", "rules": [{"field": "order_count", "op": "gte", "value": "many"}]}, now)


def test_rfm_equal_inputs_get_equal_scores_and_every_buyer_one_group(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    twins = []
    for number in range(12):  # six pairs, each pair ordering exactly alike
        customer = shop.signup("2025-01-01 10:00")
        for k in range(number // 2 + 1):
            shop.order(customer, f"2025-{(number // 2) + 2:02d}-{k + 1:02d} 12:00", amount=10_000 * (number // 2 + 1))
        twins.append(customer)
    now = shop.clock.now()
    with db.session() as session:
        limits = thresholds(session)
        scores = rfm_scores(session, now)
        for left, right in zip(twins[::2], twins[1::2], strict=True):
            assert scores[left] == scores[right]
        compiler = cs._Compiler(session, now, limits)
        from storage.models import CustomerStats

        by_sql = {cid: (r, f, m) for cid, r, f, m in session.execute(
            select(CustomerStats.customer_id, compiler.score("r"), compiler.score("f"), compiler.score("m"))
            .where(CustomerStats.order_count > 0))}
        for left, right in zip(twins[::2], twins[1::2], strict=True):
            assert by_sql[left] == by_sql[right]
        assert by_sql == scores  # the SQL scores (cut points) agree with the ranked ones
        groups = cs.rfm_group_counts(session, now, limits)
        assert sum(groups.values()) == len(twins)
        expected: dict[str, int] = {}
        for r, f, _ in scores.values():
            expected[rfm_group(r, f)] = expected.get(rfm_group(r, f), 0) + 1
        assert {k: v for k, v in groups.items() if v} == expected
        for key, count in groups.items():
            assert len(set(session.scalars(segment_query(f"rfm:{key}", now, limits, session)))) == count


def save(db: Database, shop: Shop, name: str = "반려동물 휴면") -> str:
    with db.session() as session:
        return cs.key_of(cs.save_segment(session, name, PET_LAPSED, shop.clock.now()))


def publish_on(db: Database, shop: Shop, key: str, backfill: int | None) -> str:
    journey = gallery.instantiate(gallery.template("winback_90d"))
    journey.triggers()[0].params["segment"] = key
    with db.write_session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock, backfill_daily=backfill)
        assert backfill_offered(store.load(session, journey.id))
    return journey.id


def entered(db: Database, journey_id: str) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey_id)))


def test_the_trigger_lets_in_exactly_those_who_enter_the_custom_segment(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    ids = build(shop)
    key = save(db, shop)
    journey_id = publish_on(db, shop, key, None)
    shop.run("2026-03-02 10:01")
    assert entered(db, journey_id) == set()  # a and d were in at publish: not entrants
    shop.run("2026-03-10 10:00")
    assert entered(db, journey_id) == set()
    shop.run("2026-03-22 13:00")  # f's last order (01-20 12:00) is 61 days old
    assert entered(db, journey_id) == {ids["f"]}
    shop.run("2026-03-23 13:00")
    assert entered(db, journey_id) == {ids["f"]}  # nobody twice
    with db.session() as session:  # the owner deletes the segment: the journey lets nobody in, nothing breaks
        cs.delete_segment(session, int(key.removeprefix("custom:")))
    shop.order(ids["b"], "2026-03-24 12:00", category=PETS)
    shop.run("2026-05-30 13:00")
    assert entered(db, journey_id) == {ids["f"]}


def test_published_with_the_backfill_those_already_in_enter_too(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    ids = build(shop)
    key = save(db, shop)
    journey_id = publish_on(db, shop, key, 1)
    shop.run("2026-03-02 10:01")
    first = entered(db, journey_id)
    assert len(first) == 1 and first <= {ids["a"], ids["d"]}  # the daily cap: one
    shop.run("2026-03-03 10:01")
    assert entered(db, journey_id) == {ids["a"], ids["d"]}
    shop.run("2026-03-22 13:00")
    assert entered(db, journey_id) == {ids["a"], ids["d"], ids["f"]}


def test_the_csv_export_neutralises_formulas(db: Database, tmp_path: Path) -> None:
    shop = Shop(db, tmp_path)
    ids = build(shop)
    with db.session() as session:
        session.get(Customer, ids["a"]).name = '=HYPERLINK("http://evil","x")'
    key = save(db, shop)
    out = tmp_path / "segment.csv"
    with db.session() as session:
        written = cs.export_csv(session, key, shop.clock.now(), thresholds(session), out)
    assert written == 2
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == list(cs.EXPORT_HEADER)
    by_id = {int(row[0]): row for row in rows[1:]}
    assert set(by_id) == {ids["a"], ids["d"]}
    assert by_id[ids["a"]][1].startswith("'=")
    assert not list(tmp_path.glob("*.part"))


def test_a_condition_asks_whether_a_customer_is_in_a_custom_segment(db: Database, tmp_path: Path) -> None:
    from engine.runtime.conditions import condition_holds, needed_facts
    from engine.runtime.facts import load_facts

    shop = Shop(db, tmp_path)
    ids = build(shop)
    key = save(db, shop)
    rules = [{"field": "in_segment", "op": "contains", "value": key}]
    outside = [{"field": "in_segment", "op": "not_contains", "value": key}]
    with db.session() as session:
        facts = load_facts(session, ids.values(), shop.clock.now(), thresholds(session), needed_facts(rules))
    assert {cid for cid in ids.values() if condition_holds({"rules": rules}, facts[cid])} == {ids["a"], ids["d"]}
    assert {cid for cid in ids.values() if condition_holds({"rules": outside}, facts[cid])} == \
        set(ids.values()) - {ids["a"], ids["d"]}


def test_the_migration_fills_the_category_counts_of_the_orders_already_there(tmp_path: Path) -> None:
    """A shop upgraded from 0012 counts "3+ orders in 반려동물" at once, as refresh_stats would keep it."""
    from sqlalchemy import text

    from engine.customers.stats import refresh_stats
    from storage.db import make_engine, resolve_url
    from storage.migrate import upgrade
    from storage.models import CustomerCategoryStats

    engine = make_engine(resolve_url(tmp_path / "old.db"))
    upgrade(engine, "0012_split_steps_index")
    stamp = "'2025-01-01 00:00:00'"
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO customers (id, source, external_id, name, is_guest, attributes, "
                                f"created_at, updated_at) VALUES (1, 'm', 'c1', '가', 0, '{{}}', {stamp}, {stamp})"))
        for number, (status, category) in enumerate((("paid", PETS), ("confirmed", PETS), ("cancelled", PETS),
                                                     ("paid", "뷰티"), ("delivered", PETS)), start=1):
            at = f"'2025-0{number}-02 03:00:00'"
            connection.execute(text(
                "INSERT INTO orders (id, source, external_id, customer_id, status, amount, discount, ordered_at,"
                f" created_at, updated_at) VALUES ({number}, 'm', 'o{number}', 1, '{status}', 1000, 0, {at}, {at}, {at})"))
            for line in range(2):  # two lines of the category: still one order
                connection.execute(text(
                    "INSERT INTO order_items (order_id, product_name, category, quantity, unit_price, amount)"
                    f" VALUES ({number}, 'p{line}', '{category}', 1, 500, 500)"))
    engine.dispose()
    db = open_database(tmp_path / "old.db")
    try:
        def kept() -> set[tuple]:
            with db.session() as session:
                return {(row.customer_id, row.category, row.order_count, row.last_order_at)
                        for row in session.scalars(select(CustomerCategoryStats))}

        migrated = kept()
        assert {(c, cat, n) for c, cat, n, _ in migrated} == {(1, PETS, 3), (1, "뷰티", 1)}
        with db.session() as session:
            refresh_stats(session, [1])
        assert kept() == migrated
    finally:
        db.close()
