"""Email over SMTP against a real server on 127.0.0.1 (aiosmtpd): STARTTLS or SSL with a throw-away
certificate, a login, the ad law in the email itself, one connection for a batch, and every way a server
can fail (a refusal, try-later, a timeout, a connection dropped before a message or after its text):
nothing is sent twice and nothing is lost."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import main
from engine import config
from engine.delivery.adapters.smtp import SmtpChannel
from engine.timeline import timeline
from storage.models import Customer, OutboxMessage
from tests.conftest import ROOT
from tests.reliability.smtp_server import PASSWORD, USER, Server, SilentServer
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

AD = {"is_ad": True, "subject": "{{ customer.first_name }}님, 봄맞이 할인", "lateness": "send_late",
      "body": "{{ customer.name }}님께만 드리는 10% 할인 쿠폰입니다.\n{{ shop.url }}"}
INFO = {"is_ad": False, "subject": "주문 안내", "body": "{{ customer.first_name }}님, 주문이 접수되었습니다.",
        "lateness": "send_late"}


def configure(shop: Shop, server: Server | SilentServer, security: str, password: str = PASSWORD) -> None:
    with shop.db.session() as session:
        config.set_values(session, {
            "email.provider": "smtp", "smtp.host": "127.0.0.1", "smtp.port": str(server.port),
            "smtp.security": security, "smtp.user": USER, "smtp.password": password,
            "email.from": "shop@example.com", "shop.email": "owner@example.com", "shop.url": "https://dangol.example.kr",
        })


@pytest.fixture
def trust(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the default certificate store trust a test server's certificate (as an installed CA would)."""

    def apply(server: Server) -> None:
        if server.cafile:
            monkeypatch.setenv("SSL_CERT_FILE", str(server.cafile))

    return apply


@pytest.fixture
def servers() -> Iterator[list[Any]]:
    made: list[Any] = []
    yield made
    for server in made:
        server.stop()


def start(servers: list[Any], folder: Path, **kwargs: Any) -> Server:
    server = Server(folder, **kwargs)
    servers.append(server)
    return server


def engine_for(shop: Shop) -> Any:
    """The channels as the runner makes them (engine/channels/ from the settings), on the shop's engine."""
    from engine.runtime.run import Engine

    channels = main._channels(shop.db, shop.clock)
    shop.engine = Engine(shop.db, channels)
    return channels


def outbox(shop: Shop) -> list[Any]:
    with shop.db.session() as session:
        return list(session.execute(select(OutboxMessage.customer_id, OutboxMessage.status, OutboxMessage.reason,
                                           OutboxMessage.error, OutboxMessage.provider_id, OutboxMessage.recipient)
                                    .where(OutboxMessage.channel == "email").order_by(OutboxMessage.id)))


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_ad_goes_out_over_tls_with_login_korean_headers_both_parts_and_the_ad_law(
        shop: Shop, tmp_path: Path, servers: list[Any], trust: Any, security: str) -> None:
    server = start(servers, tmp_path, security=security)
    trust(server)
    configure(shop, server, security)
    build(shop, [("message.email", AD), ("message.email", INFO)])
    shop.signup("2026-03-02 09:59", name="김민지")
    engine_for(shop)
    assert shop.run("2026-03-02 10:00")["sent"] == 2
    assert server.mailbox.logins == [USER]  # one connection, one login, for the batch
    ad, info = (item.message for item in server.mailbox.received)
    rows = outbox(shop)
    assert [item.recipients for item in server.mailbox.received] == [[row.recipient] for row in rows]
    assert ad["Subject"] == "(광고) 민지님, 봄맞이 할인"
    assert ad["From"].addresses[0].display_name == "단골상회" and ad["From"].addresses[0].addr_spec == "shop@example.com"
    assert ad["Reply-To"] == "owner@example.com"
    assert ad["List-Unsubscribe"] == "<mailto:owner@example.com?subject=unsubscribe>"
    assert "=?utf-8?" in server.mailbox.received[0].raw.decode("ascii").split("\r\n\r\n")[0]  # RFC 2047 headers
    plain = ad.get_body(preferencelist=("plain",)).get_content()
    html = ad.get_body(preferencelist=("html",)).get_content()
    assert "김민지님께만 드리는 10% 할인 쿠폰입니다." in plain and "보낸 곳: 단골상회" in plain
    assert "수신거부" in plain and "김민지님께만" in html and '<a href="https://dangol.example.kr">' in html
    assert "<hr" in html  # the sender footer set apart
    assert info["Subject"] == "주문 안내" and info["List-Unsubscribe"] is None  # informational: no ad labels
    assert "보낸 곳" not in info.get_body(preferencelist=("plain",)).get_content()
    assert [row.provider_id for row in rows] == server.mailbox.message_ids()  # the Message-ID we keep


def test_one_connection_serves_a_batch_and_is_closed_after_the_pass(shop: Shop, tmp_path: Path,
                                                                    servers: list[Any]) -> None:
    server = start(servers, tmp_path, security="none")
    configure(shop, server, "none")
    build(shop, [("message.email", INFO)])
    for _ in range(6):
        shop.signup("2026-03-02 09:59")
    channels = engine_for(shop)
    assert shop.run("2026-03-02 10:00")["sent"] == 6
    assert len(server.mailbox.received) == 6 and server.mailbox.connections == 1 and len(server.mailbox.logins) == 1
    smtp = channels["email"]
    assert isinstance(smtp, SmtpChannel) and smtp._conn is None  # closed when the pass ended


def test_a_refused_address_fails_that_message_in_plain_korean_and_the_batch_goes_on(
        shop: Shop, tmp_path: Path, servers: list[Any]) -> None:
    server = start(servers, tmp_path, security="none")
    configure(shop, server, "none")
    build(shop, [("message.email", INFO)])
    customers = [shop.signup("2026-03-02 09:59") for _ in range(3)]
    with shop.db.session() as session:
        refused = session.get(Customer, customers[1]).email
    server.mailbox.refuse.add(refused)
    engine_for(shop)
    summary = shop.run("2026-03-02 10:00")
    rows = outbox(shop)
    assert [row.status for row in rows] == ["sent", "failed", "sent"], rows
    failed = rows[1]
    assert failed.reason == "smtp_refused" and "받는 사람 주소를 거절했습니다" in failed.error and "550" in failed.error
    assert refused not in failed.error  # the address is not repeated
    assert summary["failed"] == 1 and len(server.mailbox.received) == 2
    with shop.db.session() as session:
        texts = [entry.text(shop.clock.now().tzinfo, "ko") for entry in timeline(session, failed.customer_id)]  # type: ignore[arg-type]
    assert any("메일 서버가 거절함" in text for text in texts), texts
    shop.run("2026-03-03 10:00")
    assert len(server.mailbox.received) == 2  # a permanent refusal is not tried again


def test_try_later_answers_and_a_silent_server_are_retried_with_backoff_and_sent_once(
        shop: Shop, tmp_path: Path, servers: list[Any]) -> None:
    silent = SilentServer()
    servers.append(silent)
    configure(shop, silent, "none")
    build(shop, [("message.email", INFO)])
    customer = shop.signup("2026-03-02 09:59")
    channels = engine_for(shop)
    smtp = channels["email"]
    smtp.settings = dataclasses.replace(smtp.settings, timeout=0.5)
    summary = shop.run("2026-03-02 10:00")
    assert summary["sent"] == 0 and summary["retried"] == 1
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", "timeout") and "응답하지 않습니다" in row.error
    # the server comes back, greylisting first
    server = start(servers, tmp_path, security="none")
    server.mailbox.busy.add(row.recipient)
    smtp.settings = dataclasses.replace(smtp.settings, port=server.port)
    assert shop.run("2026-03-02 10:00:30")["sent"] == 0  # not before the backoff
    assert shop.run("2026-03-02 10:01")["retried"] == 1
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", "smtp_busy") and "451" in row.error
    server.mailbox.busy.clear()
    assert shop.run("2026-03-02 10:06")["sent"] == 1
    shop.run("2026-03-02 11:00")
    assert len(server.mailbox.received) == 1 and outbox(shop)[0].status == "sent"
    assert customer


def test_a_connection_dropped_mid_batch_before_a_message_loses_nothing_and_sends_nothing_twice(
        shop: Shop, tmp_path: Path, servers: list[Any]) -> None:
    server = start(servers, tmp_path, security="none")
    server.mailbox.drop_at_mail.update({1, 4})  # the first MAIL of all, and the 4th (on a reused connection)
    configure(shop, server, "none")
    build(shop, [("message.email", INFO)])
    for _ in range(6):
        shop.signup("2026-03-02 09:59")
    engine_for(shop)
    first = shop.run("2026-03-02 10:00")
    assert first["sent"] == 5 and first["retried"] == 1  # a drop on a fresh connection: tried again later
    assert shop.run("2026-03-02 10:01")["sent"] == 1
    ids = Counter(server.mailbox.message_ids())
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert {row.status for row in outbox(shop)} == {"sent"}
    assert sorted(row.provider_id for row in outbox(shop)) == sorted(ids)


def test_a_connection_dropped_after_the_text_holds_that_message_for_review_never_resends_it(
        shop: Shop, tmp_path: Path, servers: list[Any]) -> None:
    server = start(servers, tmp_path, security="none")
    server.mailbox.drop_after_data.add(2)  # the server keeps the 2nd email but never says so
    configure(shop, server, "none")
    build(shop, [("message.email", INFO)])
    for _ in range(4):
        shop.signup("2026-03-02 09:59")
    engine_for(shop)
    summary = shop.run("2026-03-02 10:00")
    assert summary["sent"] == 3 and summary["held"] == 1
    for when in ("2026-03-02 10:30", "2026-03-03 10:00"):
        shop.run(when)
    rows = outbox(shop)
    assert [row.status for row in rows] == ["sent", "held", "sent", "sent"]
    assert rows[1].reason == "ambiguous_send" and "확인" in rows[1].error
    ids = Counter(server.mailbox.message_ids())
    assert len(server.mailbox.received) == 4 and set(ids.values()) == {1}  # each once, the held one included


def test_a_wrong_password_keeps_the_messages_queued_and_says_so(shop: Shop, tmp_path: Path,
                                                                 servers: list[Any], trust: Any) -> None:
    server = start(servers, tmp_path, security="starttls")
    trust(server)
    configure(shop, server, "starttls", password="wrong")
    build(shop, [("message.email", INFO)])
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    assert shop.run("2026-03-02 10:00")["retried"] == 1
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", "smtp_login") and "비밀번호" in row.error and "wrong" not in row.error


def test_a_plain_connection_is_refused_for_a_server_on_another_machine(shop: Shop) -> None:
    with shop.db.session() as session, pytest.raises(config.ConfigError) as caught:
        config.set_values(session, {"smtp.host": "smtp.gmail.com", "smtp.security": "none"})
    assert caught.value.key in {"smtp.security", "smtp.host"} and "localhost" in str(caught.value)
    with shop.db.session() as session:
        config.set_values(session, {"smtp.host": "localhost", "smtp.security": "none"})


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_channel_test_and_send_test_on_the_command_line(shop: Shop, tmp_path: Path, servers: list[Any]) -> None:
    server = start(servers, tmp_path, security="starttls")
    configure(shop, server, "starttls")
    dbfile = shop.db.url.removeprefix("sqlite:///")
    env = {"SSL_CERT_FILE": str(server.cafile)}
    done = cli("--db", dbfile, "channel", "test", "email", env=env)
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.strip().splitlines()) == 1
    assert done.stdout.startswith("ok: connected to SMTP 127.0.0.1:") and "logged in" in done.stdout
    assert PASSWORD not in done.stdout and USER not in done.stdout and server.mailbox.received == []
    done = cli("--db", dbfile, "channel", "send-test", "email", "me@example.com", env=env)
    assert done.returncode == 0 and done.stdout.startswith("ok: Email: test message sent"), done.stderr
    assert "me@example.com" not in done.stdout
    (test,) = server.mailbox.received
    assert test.recipients == ["me@example.com"] and "테스트" in str(test.message["Subject"])
    # without the certificate trusted, and with the server gone: one line, exit 2, no secret
    done = cli("--db", dbfile, "channel", "test", "email")
    assert done.returncode == 2 and done.stderr.startswith("error: email:") and "인증서" in done.stderr
    server.stop()
    servers.remove(server)
    done = cli("--db", dbfile, "channel", "send-test", "email", "me@example.com", env=env)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert PASSWORD not in done.stderr and "me@example.com" not in done.stderr
    done = cli("--db", dbfile, "channel", "test", "fax")
    assert done.returncode == 2 and "unknown channel 'fax'" in done.stderr
