#!/usr/bin/env python3
"""Dangol (단골여정): the desktop app, the background runner and the command-line verbs.

`python main.py` opens the app; `python main.py VERB …` runs one verb (see --help).
Exit codes: 0 done; 1 done with rejected input (reported); 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
# the fields of a generic file's column mapping (= engine.sync.generic.FIELD_NAMES, not imported for --help)
_GENERIC_FIELDS = ("order_id", "ordered_at", "amount", "status", "member_id", "buyer_name", "phone", "email",
                   "product_name", "option", "quantity", "unit_price", "item_amount", "category", "coupon_code",
                   "discount", "paid_at")


class UsageError(Exception):
    """Bad arguments or unreadable input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `python main.py {self._verb()}--help`)")

    def _verb(self) -> str:
        parts = self.prog.split()[1:]
        return " ".join(parts) + " " if parts else ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="Dangol (단골여정): customer journeys for small online shops.")
    parser.add_argument("--db", help="database file or SQLAlchemy URL (default: the shop database in your data folder)")
    parser.add_argument("--now", type=_instant,
                        help="act as if it were this time (ISO 8601, shop time when no zone is given)")
    parser.add_argument("--demo", action="store_true", help="open the app on the demo shop (made on first use)")
    verbs = parser.add_subparsers(dest="verb", parser_class=_Parser, metavar="VERB")

    demo = verbs.add_parser("demo", help="fill the database with the demo shop")
    demo.add_argument("--seed", type=int, default=7, help="random seed (the same seed makes the same shop)")
    demo.add_argument("--customers", type=int, default=2000, help="number of customers (default 2000)")
    demo.add_argument("--replace", action="store_true", help="delete the shop data already there first")

    journey = verbs.add_parser("journey", help="list, show, export, import or validate journeys")
    jverbs = journey.add_subparsers(dest="journey_verb", parser_class=_Parser, metavar="ACTION", required=True)
    jlist = jverbs.add_parser("list", help="the journeys in the database")
    jlist.add_argument("--json", action="store_true", help="print JSON")
    jshow = jverbs.add_parser("show", help="one journey as JSON")
    jshow.add_argument("id", help="journey id, unique id prefix, or name")
    jexport = jverbs.add_parser("export", help="write a journey to a file")
    jexport.add_argument("id")
    jexport.add_argument("file", type=Path)
    jimport = jverbs.add_parser("import", help="add a journey file as a new draft")
    jimport.add_argument("file", type=Path)
    jcreate = jverbs.add_parser("create", help="make a new draft from a gallery template")
    jcreate.add_argument("--template", required=True, help="template id (see `templates`)")
    jcreate.add_argument("--name", help="name of the new journey")
    jcreate.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a template setting")
    jpublish = jverbs.add_parser("publish", help="publish the draft as a new live version")
    jpublish.add_argument("id")
    jpublish.add_argument("--waiting", choices=("stay", "move", "exit"), default="stay",
                          help="customers waiting in the old version: stay on it, move to the new one, or exit")
    jpublish.add_argument("--backfill-daily", type=int, metavar="N",
                          help="a segment-entered journey: also let in those in the segment now, N a day")
    jenrol = jverbs.add_parser("enrol", help="add customers to a live journey that starts 'added by hand'")
    jenrol.add_argument("id")
    jenrol.add_argument("--customers", nargs="+", default=[], metavar="CUSTOMER",
                        help="customer ids, phone numbers, emails, member ids or names")
    jenrol.add_argument("--segment", metavar="SEGMENT",
                        help="everyone in this segment now: new, active, at_risk, lapsed, vip, rfm:<group> "
                             "(champions, loyal, …) or custom:<id> (a saved segment)")
    jpause = jverbs.add_parser("pause", help="stop new entries and hold messages")
    jpause.add_argument("id")
    jresume = jverbs.add_parser("resume", help="undo pause")
    jresume.add_argument("id")
    jresults = jverbs.add_parser("results", help="sent, skipped, conversions, revenue, ROI, A/B and holdout")
    jresults.add_argument("id", help="journey id, unique id prefix, or name")
    jresults.add_argument("--days", type=int, metavar="N", help="only the last N days (default: since the start)")
    jresults.add_argument("--any-touch", action="store_true",
                          help="count every order after one of its messages, not only those it touched last")
    jresults.add_argument("--json", action="store_true", help="print the figures as JSON")
    jvalidate = jverbs.add_parser("validate", help="check a journey file and list its problems")
    jvalidate.add_argument("file", type=Path)
    jvalidate.add_argument("--json", action="store_true", help="print the problems as JSON")

    tpl = verbs.add_parser("templates", help="the journey template gallery")
    tpl.add_argument("--json", action="store_true", help="print JSON")

    once = verbs.add_parser("run-once", help="one engine pass at --now; prints a JSON summary")
    once.add_argument("--no-send", action="store_true", help="advance journeys but deliver nothing")

    sim = verbs.add_parser("simulate", help="replay a journey on the stored history, sending nothing; JSON")
    sim.add_argument("id", help="journey id, unique id prefix, or name")
    sim.add_argument("--from", dest="start", help="start (ISO date or time; default: 30 days before --now)")
    sim.add_argument("--to", dest="end", help="end (default: --now)")

    report = verbs.add_parser("report", help="the shop's KPIs for a period beside the period before (text, JSON or CSV)")
    report.add_argument("--from", dest="start", metavar="DATE",
                        help="first shop day (YYYY-MM-DD; default: 29 days before --to)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last shop day, included (default: today)")
    report_format = report.add_mutually_exclusive_group()
    report_format.add_argument("--json", action="store_true", help="print every KPI as JSON")
    report_format.add_argument("--csv", action="store_true", help="print CSV (safe to open in a spreadsheet)")

    runner = verbs.add_parser("runner", help="run journeys in the background until stopped (Ctrl+C)")
    runner.add_argument("--max-ticks", type=int, help=argparse.SUPPRESS)
    autostart = verbs.add_parser("autostart", help="start the runner when this PC starts")
    autostart.add_argument("state", choices=("on", "off", "status"))

    imp = verbs.add_parser("import", help="bring in a shop's export file (orders, members, opt-outs); JSON summary")
    imp.add_argument("file", help="a Cafe24, SmartStore, imweb, Shopify or WooCommerce export (CSV or xlsx), "
                                  "a Cafe24 member list, a list of opted-out numbers or emails, or the shop's "
                                  "own orders sheet (generic: its columns mapped with --mapping)")
    imp.add_argument("--source", default="auto", choices=("auto", "cafe24", "smartstore", "imweb", "shopify",
                                                            "woocommerce", "cafe24_members", "optout", "generic"),
                     help="which export it is (default: found from the headers, or a saved mapping made for them)")
    imp.add_argument("--password", help="the password of a protected Excel file (SmartStore)")
    imp.add_argument("--mapping", metavar="NAME",
                     help="read a generic orders file with the saved column mapping NAME (with --map: save it as NAME)")
    imp.add_argument("--map", action="append", metavar="FIELD=HEADER",
                     help="one column of a new mapping, e.g. --map order_id=주문번호 --map ordered_at=주문일 "
                          "(fields: " + ", ".join(_GENERIC_FIELDS) + "); saved as --mapping NAME")
    imp.add_argument("--dry-run", action="store_true", help="read and check the file, write nothing")
    imp.add_argument("--rejects", metavar="CSV", help="write every rejected line, with its reason, to this CSV")
    source = verbs.add_parser("source", help="connect the shop's API (Cafe24, Shopify, WooCommerce, Naver) or list them")
    sverbs = source.add_subparsers(dest="source_verb", parser_class=_Parser, metavar="ACTION", required=True)
    slist = sverbs.add_parser("list", help="each shop API: connected or not, last sync, last error")
    slist.add_argument("--json", action="store_true", help="print JSON")
    sconnect = sverbs.add_parser("connect", help="check the credentials with the shop and keep them (keyring)")
    sconnect.add_argument("name", help="cafe24, shopify, woocommerce or naver")
    sconnect.add_argument("values", nargs="*", metavar="FIELD=VALUE",
                          help="the platform's fields (see `source list`), e.g. url=https://myshop.com")
    sdisconnect = sverbs.add_parser("disconnect", help="forget the credentials; what was synced stays")
    sdisconnect.add_argument("name")
    sync = verbs.add_parser("sync", help="bring in what changed at the connected shops now; JSON summary")
    sync.add_argument("name", nargs="?", help="one source (default: every connected one)")
    coupons = verbs.add_parser("coupons", help="pools of coupon codes from the shop's coupon export")
    cpverbs = coupons.add_subparsers(dest="coupons_verb", parser_class=_Parser, metavar="ACTION", required=True)
    cpimport = cpverbs.add_parser("import", help="add the codes of FILE (the shop's coupon export) to POOL")
    cpimport.add_argument("pool", help="the pool's name (the coupon node's 코드 묶음)")
    cpimport.add_argument("file", help="CSV or .xlsx with a 쿠폰번호 / 쿠폰 코드 / code column")
    cplist = cpverbs.add_parser("list", help="each pool: codes, left, taken in the last 7 days, low or not")
    cplist.add_argument("--json", action="store_true", help="print JSON")
    consent = verbs.add_parser("consent", help="customers whose ad consent must be re-confirmed (every 2 years)")
    cnverbs = consent.add_subparsers(dest="consent_verb", parser_class=_Parser, metavar="ACTION", required=True)
    cdue = cnverbs.add_parser("due", help="ad consents two years old (the law asks the shop to tell those customers)")
    cdue.add_argument("--within", type=int, default=0, metavar="DAYS", help="also those due within DAYS")
    cdue.add_argument("--json", action="store_true", help="print JSON")
    late = verbs.add_parser("late", help="messages skipped because the PC was off past their lateness limit")
    lverbs = late.add_subparsers(dest="late_verb", parser_class=_Parser, metavar="ACTION", required=True)
    llist = lverbs.add_parser("list", help="those not seen yet (--all: seen ones too)")
    llist.add_argument("--all", action="store_true", help="also those already seen")
    llist.add_argument("--json", action="store_true", help="print JSON")
    lsend = lverbs.add_parser("send", help="send these after all, at the next pass (consent, quiet hours and caps "
                                           "still apply; never twice)")
    lsend.add_argument("ids", nargs="+", type=int, metavar="ID")
    ldismiss = lverbs.add_parser("dismiss", help="mark these (default: all) as seen; the start-up notice forgets them")
    ldismiss.add_argument("ids", nargs="*", type=int, metavar="ID")
    points = verbs.add_parser("points", help="points (적립금) journeys gave that you give by hand in the shop's admin")
    pverbs = points.add_subparsers(dest="points_verb", parser_class=_Parser, metavar="ACTION", required=True)
    plist = pverbs.add_parser("list", help="the manual points list (적립금 수동 지급 목록)")
    plist.add_argument("--json", action="store_true", help="print JSON")
    pdone = pverbs.add_parser("done", help="mark these grants given")
    pdone.add_argument("ids", nargs="+", type=int, metavar="ID")
    tline = verbs.add_parser("timeline", help="what happened to one customer, and why")
    tline.add_argument("customer", help="customer name, id, phone number, email or member id")
    tline.add_argument("--json", action="store_true", help="print JSON")

    config = verbs.add_parser("config", help="read or change a setting")
    cverbs = config.add_subparsers(dest="config_verb", parser_class=_Parser, metavar="ACTION", required=True)
    cget = cverbs.add_parser("get", help="print one setting")
    cget.add_argument("key")
    cset = cverbs.add_parser("set", help="change one setting (secrets go to the OS keyring)")
    cset.add_argument("key")
    cset.add_argument("value")
    cverbs.add_parser("list", help="every setting and its value")

    channel = verbs.add_parser("channel", help="test a channel's way out (e.g. the SMTP server)")
    chverbs = channel.add_subparsers(dest="channel_verb", parser_class=_Parser, metavar="ACTION", required=True)
    chtest = chverbs.add_parser("test", help="connect (and log in) without sending; one line, exit 0 or 2")
    chtest.add_argument("name", help="sms, kakao or email")
    chsend = chverbs.add_parser("send-test", help="send one test message to ADDRESS (your own); exit 0 or 2")
    chsend.add_argument("name", help="sms, kakao or email")
    chsend.add_argument("address", help="your own email address or phone number")
    return parser


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _instant(text: str) -> Any:
    """--now, checked as the arguments are read (`--now ''` is a mistake, not the real clock)."""
    from engine.clock import parse_instant

    try:
        return parse_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _clock(args: argparse.Namespace) -> Any:
    from engine.clock import FixedClock, SystemClock

    return SystemClock() if args.now is None else FixedClock(args.now)


def _open(args: argparse.Namespace) -> Any:
    from engine import config
    from storage.db import demo_db_path, open_database

    db = open_database(demo_db_path() if args.demo and not args.db else args.db)
    left = config.move_plain_secrets(db)  # an older version kept these in the database
    if left:
        print(f"warning: {', '.join(left)} {'is' if len(left) == 1 else 'are'} still in the database in plain text "
              f"(as an older version stored it): no system keyring works on this PC to move it to; "
              f"{config.KEYRING_FIX}", file=sys.stderr)
    return db


def cmd_gui(args: argparse.Namespace) -> int:
    from storage.db import demo_db_path, open_database

    clock = _clock(args)
    use_demo = args.demo and not args.db
    db = _open(args)
    if args.demo:
        _ensure_demo(db, clock)

    def open_demo() -> Any:
        demo = open_database(demo_db_path())
        _ensure_demo(demo, clock)
        return demo

    from ui.app import run_app

    return run_app(db, clock, is_demo=use_demo, open_demo=None if use_demo else open_demo)


def _ensure_demo(db: Any, clock: Any) -> None:
    """Fill a database with the demo shop unless it already has customers."""
    from engine.demo import create_demo_shop
    from storage.models import Customer

    with db.session() as session:
        empty = session.query(Customer.id).first() is None
    if empty:
        create_demo_shop(db, clock=clock)


def cmd_demo(args: argparse.Namespace) -> int:
    from engine.demo import DemoError, create_demo_shop

    if not 1 <= args.customers <= 1_000_000:
        raise UsageError("--customers must be between 1 and 1,000,000")
    db = _open(args)
    try:
        summary = create_demo_shop(db, seed=args.seed, customers=args.customers, clock=_clock(args), replace=args.replace)
    except DemoError as exc:
        if str(exc) == "not_empty":
            raise UsageError("the database already has customers; add --replace to start it over with the demo") from None
        raise
    _print_json({"database": db.url, **summary.to_json()})
    return EXIT_OK


def cmd_journey(args: argparse.Namespace) -> int:
    from engine import journey_store as store
    from engine.journey import validate

    db = _open(args)
    clock = _clock(args)
    if args.journey_verb == "list":
        with db.session() as session:
            rows = store.list_journeys(session)
        if args.json:
            _print_json([row.to_json() for row in rows])
        elif not rows:
            print("no journeys yet (make one in the app, or `journey import FILE`)")
        else:
            for row in rows:
                version = f"v{row.live_version}" if row.live_version else "-"
                print(f"{row.id}  {row.status:<8} {version:<4} {row.active:>7} in it  {row.name}")
        return EXIT_OK
    if args.journey_verb == "show":
        with db.session() as session:
            row = store.find_row(session, args.id)
            _print_json({"status": row.status, "live_version": row.live_version, "journey": row.draft})
        return EXIT_OK
    if args.journey_verb == "export":
        with db.session() as session:
            journey = store.load(session, args.id)
        store.write_file(journey, args.file)
        print(f"wrote {args.file}")
        return EXIT_OK
    # Writes take the write lock first (they wait their turn behind the runner) and say so after the commit.
    if args.journey_verb == "import":
        with db.write_session() as session:
            row = store.import_journey(session, args.file, clock)
        print(f"imported '{row.name}' as draft {row.id}")
        return EXIT_OK
    if args.journey_verb == "create":
        from engine import gallery

        values = {}
        for item in args.set:
            key, sep, value = item.partition("=")
            if not sep:
                raise UsageError(f"--set needs KEY=VALUE, got '{item}'")
            values[key.strip()] = value
        journey = gallery.instantiate(gallery.template(args.template), name=args.name, values=values)
        with db.write_session() as session:
            row = store.save_draft(session, journey, clock, template_id=args.template)
        print(f"created draft '{row.name}' {row.id}")
        return EXIT_OK
    if args.journey_verb == "publish":
        from engine.runtime.publish import PublishError, publish

        try:
            with db.write_session() as session:
                result = publish(session, args.id, clock, on_change=args.waiting, backfill_daily=args.backfill_daily)
        except PublishError as exc:
            if exc.code == "bad_backfill":
                raise UsageError("--backfill-daily needs a number of 1 or more, and a journey that starts when a "
                                 "customer enters a lifecycle segment (new, active, at risk, lapsed)") from None
            for issue in exc.issues:
                print(_issue_line(issue))
            print(f"not published: fix the {len(exc.issues)} errors above first", file=sys.stderr)
            return EXIT_REJECTED
        for issue in result.warnings:
            print(_issue_line(issue))
        moved = f", {result.moved} moved, {result.exited} exited" if result.moved or result.exited else ""
        print(f"published version {result.version}{moved}")
        return EXIT_OK
    if args.journey_verb == "enrol":
        return _enrol(args, db, clock)
    if args.journey_verb in {"pause", "resume"}:
        from engine.runtime.publish import set_paused

        with db.write_session() as session:
            row = set_paused(session, args.id, clock, args.journey_verb == "pause")
        print(f"'{row.name}' is {row.status}")
        return EXIT_OK
    if args.journey_verb == "results":
        return _results(args, db, clock)
    if args.journey_verb == "validate":
        journey = store.read_file(args.file)
        with db.session() as session:
            issues = validate(journey, _validation_context(session, clock.now()))
        errors = [issue for issue in issues if issue.severity == "error"]
        if args.json:
            _print_json([_issue_json(issue) for issue in issues])
        else:
            for issue in issues:
                print(_issue_line(issue))
            print(f"{len(errors)} errors, {len(issues) - len(errors)} warnings" if issues else "ok: no problems")
        return EXIT_REJECTED if errors else EXIT_OK
    raise UsageError(f"unknown journey action {args.journey_verb}")


def _results(args: argparse.Namespace, db: Any, clock: Any) -> int:
    from engine import config
    from engine.results.journeys import journey_results, report_text

    if args.days is not None and not 1 <= args.days <= 3650:
        raise UsageError("--days must be between 1 and 3650")
    with db.session() as session:
        results = journey_results(session, args.id, clock.now(), days=args.days,
                                  model="any_touch" if args.any_touch else "last_touch")
        lang = str(config.get(session, "ui.language"))
    if args.json:
        _print_json(results.to_json(lang))
    else:
        print(report_text(results, lang))
    return EXIT_OK


def _validation_context(session: Any, now: Any) -> Any:
    from engine.journey_store import validation_context

    return validation_context(session, now)


def _enrol(args: argparse.Namespace, db: Any, clock: Any) -> int:
    from engine.customers.segments import segment_key_problem, segment_query, thresholds
    from engine.journey_store import StoreError
    from engine.runtime.triggers import enrol_by_hand
    from engine.timeline import find_customer

    if not args.customers and not args.segment:
        raise UsageError("say who: --customers ID|PHONE|EMAIL|NAME … and/or --segment NAME")
    ids: set[int] = set()
    unknown: list[str] = []
    with db.session() as session:
        for ref in args.customers:
            try:
                ids.add(find_customer(session, ref).id)
            except StoreError as exc:
                unknown.append(f"{ref}: {exc}")
        if args.segment:
            problem = segment_key_problem(session, args.segment)
            if problem:
                raise UsageError(problem)
            ids.update(session.scalars(segment_query(args.segment, clock.now(), thresholds(session), session)))
    if not ids:
        raise UsageError("nobody to add: " + ("; ".join(unknown) if unknown else f"the segment {args.segment} is empty"))
    counts = enrol_by_hand(db, clock, args.id, sorted(ids))
    _print_json({"entered": counts.entered, "blocked": counts.blocked, "asked": len(ids),
                 "not_found": unknown})
    for line in unknown:
        print(f"not found: {line}", file=sys.stderr)
    return EXIT_REJECTED if unknown else EXIT_OK


def cmd_templates(args: argparse.Namespace) -> int:
    from engine import gallery

    items = gallery.templates()
    if args.json:
        _print_json([item.to_json() for item in items])
    else:
        for item in items:
            print(f"{item.id:<22} {item.title_ko} / {item.title_en}")
    return EXIT_OK


def _build_channels(db: Any, clock: Any = None) -> dict[str, Any]:
    """An adapter for each channel, by the way its provider setting picks (engine/channels/): a folder you can
    open, the owner's webhook, an SMTP server…; ChannelSetupError / ValueError when the settings cannot make one."""
    from engine import channels, config
    from storage.db import data_dir

    now = (clock or _system_clock()).now
    with db.session() as session:
        return channels.build_senders(lambda key: config.get(session, key), data_dir() / "sent", now)


def _channels(db: Any, clock: Any = None) -> dict[str, Any]:
    """_build_channels, its failure as one line (UsageError)."""
    try:
        return _build_channels(db, clock)
    except ValueError as exc:  # ChannelSetupError, or an adapter refusing a value the settings let through
        raise UsageError(str(exc)) from None


def _system_clock() -> Any:
    from engine.clock import SystemClock

    return SystemClock()


def cmd_channel(args: argparse.Namespace) -> int:
    """`channel test NAME` connects (and logs in) without sending; `channel send-test NAME ADDRESS` sends one
    test message. One line either way (no secret, no address); exit 0 when it worked, 2 when it did not."""
    from engine import channels, config
    from storage.db import data_dir

    spec = channels.spec_of(args.name)
    if spec is None or spec.node is None:
        names = ", ".join(s.name for s in channels.CHANNELS if s.node is not None)
        raise UsageError(f"unknown channel '{args.name}'; choose one of {names}")
    db = _open(args)
    clock = _clock(args)
    with db.session() as session:
        get = lambda key: config.get(session, key)  # noqa: E731
        try:
            if args.channel_verb == "test":
                result = channels.check(spec.name, get, data_dir() / "sent", clock.now)
            else:
                result = channels.send_test(spec.name, args.address, get, data_dir() / "sent", clock.now)
        except channels.ChannelSetupError as exc:
            raise UsageError(str(exc)) from None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if not result.ok:
        raise UsageError(f"{spec.name}: {result.en}: {result.ko}")
    print(f"ok: {result.en}")
    return EXIT_OK


def cmd_run_once(args: argparse.Namespace) -> int:
    from engine.runtime.run import Engine

    db = _open(args)
    summary = Engine(db, _channels(db, _clock(args))).run_once(_clock(args), deliver=not args.no_send)
    _print_json(summary)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from engine.clock import parse_instant
    from engine.runtime.simulate import simulate

    db = _open(args)
    now = _clock(args).now()
    try:
        start = parse_instant(args.start) if args.start else now - timedelta(days=30)
        end = parse_instant(args.end) if args.end else now
    except ValueError as exc:
        raise UsageError(f"--from/--to: {exc}") from None
    from engine.runtime.publish import PublishError

    try:
        result = simulate(db, args.id, start, end)
    except PublishError as exc:
        for issue in exc.issues:
            print(_issue_line(issue))
        print(f"not simulated: fix the {len(exc.issues)} errors above first", file=sys.stderr)
        return EXIT_REJECTED
    _print_json(result.to_json())
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from engine import config
    from engine.results.kpis import PeriodError, build_report, default_period, parse_day
    from engine.results.render import text_report, write_csv

    try:
        first = parse_day(args.start, "--from") if args.start is not None else None
        last = parse_day(args.end, "--to") if args.end is not None else None
    except PeriodError as exc:
        raise UsageError(str(exc)) from None
    db = _open(args)
    with db.session() as session:
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        lang = str(config.get(session, "ui.language"))  # the app's language, as the GUI shows it
    try:
        period = default_period(_clock(args).now().astimezone(zone).date(), first, last)
    except PeriodError as exc:
        raise UsageError(str(exc)) from None
    report = build_report(db, period)
    if args.json:
        _print_json(report.to_json())
    elif args.csv:
        write_csv(sys.stdout, report, lang)
    else:
        print(text_report(report, lang))
    return EXIT_OK


def cmd_runner(args: argparse.Namespace) -> int:
    from engine.customers.stats import refresh_stats
    from engine.runtime.lease import LeaseHeld
    from engine.runtime.runner import Runner, setup_logging

    db = _open(args)
    clock = _clock(args)
    path = setup_logging()

    def nightly() -> None:
        from engine.customers.tiers import recompute_tiers

        with db.write_session() as session:
            refresh_stats(session, now=clock.now())
            recompute_tiers(session, clock.now())  # the window moved a day: tiers up and down

    def sync() -> None:
        from engine.sync.api.run import sync_due

        sync_due(db, clock, stop=runner.stopping)

    runner = Runner(db, clock, _channels(db, clock), nightly=nightly, sync=sync,
                    rebuild=lambda: _build_channels(db, clock))  # a provider changed in Settings: no restart
    try:  # "started" only once the lease is ours: a second runner is refused before it says anything
        return runner.run(max_ticks=args.max_ticks,
                          on_started=lambda: print(f"runner started; log: {path}; stop with Ctrl+C", flush=True))
    except LeaseHeld as exc:
        raise UsageError(str(exc)) from None


def cmd_autostart(args: argparse.Namespace) -> int:
    from engine.runtime import autostart

    if args.state == "on":
        path = autostart.enable(Path(__file__).resolve(), args.db and _open(args).url)
        print(f"the runner will start with this PC ({path})")
    elif args.state == "off":
        print("autostart removed" if autostart.disable() else "autostart was not on")
    else:
        print("on" if autostart.is_enabled() else "off")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from engine import config
    from engine.sync import UnreadableFile
    from engine.sync.generic import MappingError
    from engine.sync.load import import_file, write_rejects

    if not Path(args.file).is_file():
        raise UsageError(f"no file '{args.file}'")
    db = _open(args)
    with db.session() as session:
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
    mapping, save_as = _import_mapping(args, db)
    try:
        summary = import_file(db, args.file, _clock(args).now(), source=args.source, password=args.password,
                              mapping=mapping, save_as=save_as, dry_run=args.dry_run, zone=zone)
    except UnreadableFile as exc:
        if exc.code in ("unknown_layout", "mapping_needed") and exc.header is not None:
            from engine.sync.generic import shown_headers

            raise UsageError(
                f"{Path(args.file).name}: the columns are not those of a known shop export and no saved mapping "
                "fits them; give --mapping NAME (a saved one, or a new one with --map field=Header …) or map them "
                f"in the app's import window (File → Import a shop file); its columns: {shown_headers(exc.header)}"
            ) from None
        raise UsageError(exc.message) from None
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    if args.rejects:
        write_rejects(summary.rejects, args.rejects)
    _print_json(summary.to_json())
    return EXIT_REJECTED if summary.rejects else EXIT_OK


def cmd_source(args: argparse.Namespace) -> int:
    from engine.sync.api import SyncError, connector_class
    from engine.sync.api.run import connect, disconnect, statuses

    db = _open(args)
    try:
        if args.source_verb == "list":
            found = statuses(db)
            if args.json:
                _print_json([status.to_json() for status in found])
                return EXIT_OK
            for status in found:
                cls = connector_class(status.name)
                fields = " ".join(f"{item.key}=…" for item in cls.fields)
                state = "connected" if status.connected else "not connected"
                last = status.last_synced_at.isoformat(timespec="minutes") if status.last_synced_at else "never"
                error = f"; last error: {status.last_error}" if status.last_error else ""
                print(f"{status.name}: {state}; last sync {last}{error}  (connect: {fields})")
            return EXIT_OK
        if args.source_verb == "connect":
            values = {}
            for item in args.values:
                key, sep, value = item.partition("=")
                if not sep or not key:
                    raise UsageError(f"expected FIELD=VALUE, got '{item}'")
                values[key.strip()] = value
            line = connect(db, args.name, values, _clock(args).now())
            print(f"{args.name} connected ({line}); credentials saved to the system keyring")
            return EXIT_OK
        print(f"{args.name} disconnected" if disconnect(db, args.name) else f"{args.name} was not connected")
        return EXIT_OK
    except SyncError as exc:
        raise UsageError(str(exc)) from None


def cmd_sync(args: argparse.Namespace) -> int:
    from engine.sync.api import SyncError
    from engine.sync.api.run import statuses, sync_source

    db = _open(args)
    names = [args.name] if args.name else [status.name for status in statuses(db) if status.connected]
    if not names:
        raise UsageError("no shop is connected; connect one with `python main.py source connect NAME FIELD=VALUE …`")
    clock = _clock(args)
    summaries = []
    try:
        for name in names:
            summaries.append(sync_source(db, name, clock))
    except SyncError as exc:
        raise UsageError(str(exc)) from None
    _print_json([summary.to_json() for summary in summaries])
    failed = [summary for summary in summaries if summary.status != "ok"]
    for summary in failed:
        print(f"error: {summary.source}: {summary.error}", file=sys.stderr)
    return EXIT_USAGE if failed else EXIT_OK


def _import_mapping(args: argparse.Namespace, db: Any) -> tuple[Any, str | None]:
    """The column mapping `--mapping NAME` names (a saved one), or the one `--map` gives (saved as NAME)."""
    from engine.sync.generic import GenericMapping, MappingError, check_name, parse_map_args
    from engine.sync.mappings import get_mapping, list_mappings

    if args.map and not args.mapping:
        raise UsageError("--map needs --mapping NAME: the name to save the mapping under")
    if not args.mapping:
        return None, None
    if args.source not in ("auto", "generic"):
        raise UsageError(f"--mapping is for a generic orders file, not --source {args.source}")
    try:
        name = check_name(args.mapping)
        if args.map:
            return GenericMapping(name=name, fields=parse_map_args(args.map)), name
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    with db.session() as session:
        mapping = get_mapping(session, name)
        if mapping is None:
            names = [saved.name for saved in list_mappings(session)]
            raise UsageError(f"no saved column mapping '{name}' ("
                             + (f"saved: {', '.join(names)}" if names else "none saved yet")
                             + "); make one with --map field=Header … or in the app's import window")
    return mapping, None


def cmd_consent(args: argparse.Namespace) -> int:
    from engine.customers.consents import reconfirmation_due

    if not 0 <= args.within <= 3650:
        raise UsageError("--within must be between 0 and 3,650 days")
    db = _open(args)
    with db.session() as session:
        due = reconfirmation_due(session, _clock(args).now(), within_days=args.within)
    if args.json:
        _print_json([item.to_json() for item in due])
        return EXIT_OK
    for item in due:
        print(f"{item.customer_id}\t{item.name}\t{item.channel}\tagreed or last told {item.since:%Y-%m-%d}"
              f"\tdue {item.due_on:%Y-%m-%d}")
    print(f"{len(due)} ad consent(s) due for re-confirmation"
          + (f" within {args.within} days" if args.within else ""), file=sys.stderr)
    return EXIT_OK


def cmd_coupons(args: argparse.Namespace) -> int:
    from engine.coupons import CouponError, import_pool, pools, read_codes

    db = _open(args)
    now = _clock(args).now()
    if args.coupons_verb == "import":
        try:
            result = import_pool(db, args.pool, read_codes(args.file), now)
        except CouponError as exc:
            raise UsageError(str(exc)) from None
        _print_json({"pool": result.pool, "added": result.added, "already": result.already})
        return EXIT_OK
    with db.session() as session:
        found = pools(session, now)
    if args.json:
        _print_json([item.to_json() for item in found])
        return EXIT_OK
    for item in found:
        print(f"{item.pool}\t{item.left}/{item.total} left\t{item.used_week} taken in 7 days"
              + ("\tLOW" if item.low else ""))
    print(f"{len(found)} pool(s)", file=sys.stderr)
    return EXIT_OK


def cmd_late(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from engine import config
    from engine.delivery.late import dismiss_late, late_messages, send_late

    db = _open(args)
    if args.late_verb == "send":
        with db.write_session() as session:
            count = send_late(session, args.ids, _clock(args).now())
        print(f"{count} late message(s) queued again; they go at the next pass under the other rules"
              + (f" ({len(args.ids) - count} not skipped for lateness, left as they are)" if count < len(args.ids) else ""))
        return EXIT_OK
    if args.late_verb == "dismiss":
        with db.write_session() as session:
            count = dismiss_late(session, args.ids or None)
        print(f"{count} late message(s) marked as seen")
        return EXIT_OK
    with db.session() as session:
        items = late_messages(session, include_seen=args.all)
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
    if args.json:
        _print_json([item.to_json() for item in items])
        return EXIT_OK
    for item in items:
        print(f"{item.id}\t{item.due_at.astimezone(zone):%Y-%m-%d %H:%M}\t{item.customer}\t{item.journey}\t"
              f"{item.channel}\t{item.preview()}" + ("\t(seen)" if item.seen else ""))
    print(f"{len(items)} message(s) skipped as too late", file=sys.stderr)
    return EXIT_OK


def cmd_points(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from engine import config
    from engine.customers.points import manual_list, mark_done

    db = _open(args)
    if args.points_verb == "done":
        with db.write_session() as session:
            done = mark_done(session, args.ids, _clock(args).now())
        missing = sorted(set(args.ids) - set(done))
        print(f"{len(done)} grant(s) marked given")
        if missing:
            print(f"error: not on the manual points list: {', '.join(map(str, missing))}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_OK
    with db.session() as session:
        items = manual_list(session)
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
    if args.json:
        _print_json([{"id": g.id, "customer_id": g.customer_id, "name": g.name, "member_id": g.member_id,
                      "amount": g.amount, "reason": g.reason, "created_at": g.created_at.isoformat(),
                      "note": g.error} for g in items])
        return EXIT_OK
    for g in items:
        print(f"{g.id}\t{g.created_at.astimezone(zone):%Y-%m-%d %H:%M}\t{g.name}\t{g.member_id}\t{g.amount:,}\t{g.reason}"
              + (f"\t{g.error}" if g.error else ""))
    print(f"{len(items)} grant(s) to give by hand", file=sys.stderr)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from engine import config
    from engine.timeline import find_customer, timeline

    db = _open(args)
    with db.session() as session:
        customer = find_customer(session, args.customer)
        entries = timeline(session, customer.id)
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        lang = str(config.get(session, "ui.language"))  # the app's language, as the GUI shows it
        if args.json:
            _print_json({"customer": {"id": customer.id, "name": customer.name},
                         "entries": [entry.to_json() for entry in entries]})
        else:
            print(f"{customer.name} (#{customer.id})")
            for entry in entries:
                print("  " + entry.text(zone, lang))
            if not entries:
                print("  " + ("아직 없음" if lang == "ko" else "nothing yet"))
    return EXIT_OK


def _issue_json(issue: Any) -> dict[str, Any]:
    return {
        "node": issue.node_id,
        "severity": issue.severity,
        "code": issue.code,
        "field": issue.field,
        "params": dict(issue.params),
    }


def _issue_line(issue: Any) -> str:
    where = f"node {issue.node_id}" if issue.node_id else "journey"
    field = f".{issue.field}" if issue.field else ""
    params = ", ".join(f"{k}={v}" for k, v in dict(issue.params).items())
    return f"{issue.severity}: {where}{field}: {issue.code}" + (f" ({params})" if params else "")


def cmd_config(args: argparse.Namespace) -> int:
    from engine import config

    db = _open(args)
    if args.config_verb == "set":  # the write lock first; the value is shown once it is stored
        with db.write_session() as session:
            value = config.set_value(session, args.key, args.value)
        secret = "(saved to the system keyring)" if value else "(not set)"
        print(f"{args.key} = {secret if config.spec(args.key).secret else _show(value)}")
        return EXIT_OK
    with db.session() as session:
        if args.config_verb == "get":
            item = config.spec(args.key)
            value = config.get(session, args.key)
            print(("(set)" if value else "(not set)") if item.secret else _show(value))
        else:
            for key, value in config.all_values(session).items():
                print(f"{key} = {_show(value)}")
    return EXIT_OK


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


VERBS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "demo": cmd_demo,
    "journey": cmd_journey,
    "config": cmd_config,
    "templates": cmd_templates,
    "run-once": cmd_run_once,
    "timeline": cmd_timeline,
    "late": cmd_late,
    "points": cmd_points,
    "coupons": cmd_coupons,
    "import": cmd_import,
    "source": cmd_source,
    "consent": cmd_consent,
    "sync": cmd_sync,
    "runner": cmd_runner,
    "simulate": cmd_simulate,
    "report": cmd_report,
    "autostart": cmd_autostart,
    "channel": cmd_channel,
}


def _user_errors() -> tuple[type[BaseException], ...]:
    from engine.config import ConfigError
    from engine.journey import JourneyError
    from engine.journey_store import StoreError
    from storage.db import StorageError

    return (UsageError, StorageError, ConfigError, StoreError, JourneyError)


def _environment_error(exc: Exception, args: argparse.Namespace | None) -> str | None:
    """One line for a failure of the PC rather than of the input (the database busy, read-only or on a full
    disk; a file that cannot be written), without SQL or its values; None for a programming error."""
    import errno

    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        from storage.db import demo_db_path, resolve_url, storage_error

        db = getattr(args, "db", None) or (demo_db_path() if getattr(args, "demo", False) else None)
        failure = storage_error(exc, resolve_url(db))
        return str(failure) if failure is not None else None
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f" {exc.filename}" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"the disk is full (writing{where}); free some space and try again"
        if exc.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
            return f"cannot write{where}: {exc.strerror} (a read-only folder or disk?)"
        return f"{exc.strerror or type(exc).__name__}{':' + where if where else ''}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args: argparse.Namespace | None = None
    try:
        args = parser.parse_args(argv)
        return VERBS[args.verb](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            message = str(exc) if not hasattr(exc, "code") or str(exc) else getattr(exc, "code", "")
            print(f"error: {message}", file=sys.stderr)
            return EXIT_USAGE
        line = _environment_error(exc, args)
        if line is not None:
            print(f"error: {line}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
