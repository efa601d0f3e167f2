"""The runner notices a settings change and makes its channels again, without a restart: started with the file
way, `config set` (a separate process, the CLI) switches Brand Messages to NHN Cloud, and the next message
reaches the local NHN server; a key changed in the keyring alone is noticed too; settings it cannot make
channels from keep the previous ways and say why in the log.

A real runner (APScheduler thread, lease, SQLite file), a real CLI subprocess, a pytest-httpserver."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

import main
from engine import config
from engine.delivery.adapters import nhn
from engine.delivery.adapters.file import FileChannel
from engine.runtime import runner as runner_module
from engine.runtime.runner import Runner
from storage.models import OutboxMessage
from tests.conftest import ROOT
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

APP, SECRET, SENDER_KEY = "app-kakao-2", "secret-kakao-9", "c" * 40
BRAND_PATH = f"/brand-message/v1.0/appkeys/{APP}/freestyle-messages"
BRAND = {"is_ad": True, "body": "{{ customer.first_name }}님께만 드리는 봄 신상품 소식", "lateness": "send_late"}


class Fake:
    def __init__(self, server: HTTPServer) -> None:
        self.requests: list[dict[str, Any]] = []
        self.secrets: list[str] = []
        server.expect_request(BRAND_PATH, method="POST").respond_with_handler(self._send)

    def _send(self, request: Request) -> Response:
        self.secrets.append(str(request.headers.get("X-Secret-Key")))
        if request.headers.get("X-Secret-Key") != SECRET:
            data: dict[str, Any] = {"header": {"isSuccessful": False, "resultCode": -1001,
                                               "resultMessage": "Invalid secretKey."}}
        else:
            payload = request.get_json()
            self.requests.append(payload)
            data = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                    "message": {"requestId": "from-the-fake", "sendResults": [
                        {"recipientSeq": seq, "recipientNo": item["recipientNo"], "resultCode": 0,
                         "resultMessage": "SUCCESS"} for seq, item in enumerate(payload["recipientList"], start=1)]}}
        return Response(json.dumps(data), content_type="application/json")


@pytest.fixture
def fake(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Fake:
    monkeypatch.setattr(nhn, "KAKAO_URL", httpserver.url_for("/").rstrip("/"))
    return Fake(httpserver)


def cli(dbfile: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", dbfile, *args], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def outbox(shop: Shop) -> list[Any]:
    with shop.db.session() as session:
        return list(session.execute(select(OutboxMessage.customer_id, OutboxMessage.status, OutboxMessage.provider_id,
                                           OutboxMessage.reason)
                                    .where(OutboxMessage.channel == "kakao_brand").order_by(OutboxMessage.id)))


def wait_for(check: Any, seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_provider_chosen_with_config_set_is_used_by_the_running_runner_without_a_restart(
        shop: Shop, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "TICK_MAX", timedelta(seconds=1))  # a tick a second, not a minute
    dbfile = shop.db.url.removeprefix("sqlite:///")
    with shop.db.session() as session:  # NHN's keys are there; Brand Messages still go to the folder
        config.set_values(session, {"kakao.nhn_app_key": APP, "kakao.nhn_secret_key": SECRET,
                                    "kakao.nhn_sender_key": SENDER_KEY})
    build(shop, [("message.kakao_brand", BRAND)])
    first = shop.signup("2026-03-02 09:59", kakao=True)
    channels = main._channels(shop.db, shop.clock)
    assert isinstance(channels["kakao_brand"], FileChannel)
    runner = Runner(shop.db, shop.clock, channels, rebuild=lambda: main._build_channels(shop.db, shop.clock))
    thread = threading.Thread(target=runner.run, kwargs={"install_signals": False}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: [row.status for row in outbox(shop)] == ["sent"])
        assert fake.requests == []  # the first went to the folder
        cli(dbfile, "config", "set", "kakao_brand.provider", "nhn")  # another process, as the settings page would
        second = shop.signup("2026-03-02 09:59", kakao=True)
        wait_for(lambda: len(outbox(shop)) == 2 and outbox(shop)[1].status == "sent")
        (request,) = fake.requests  # the next message reached the NHN server, with no restart
        assert request["content"].startswith("(광고)") and request["senderKey"] == SENDER_KEY
        rows = {row.customer_id: row for row in outbox(shop)}
        assert rows[second].provider_id.startswith("from-the-fake") and not rows[first].provider_id.startswith("from")
        # a key changed in the keyring alone (no plain setting) is noticed as well
        cli(dbfile, "config", "set", "kakao.nhn_secret_key", "a-new-wrong-secret")
        third = shop.signup("2026-03-02 09:59", kakao=True)
        wait_for(lambda: len(outbox(shop)) == 3 and outbox(shop)[2].reason == "nhn_login")
        assert fake.secrets[-1] == "a-new-wrong-secret" and outbox(shop)[2].customer_id == third
    finally:
        runner.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_settings_the_channels_cannot_be_made_from_keep_the_previous_ways_and_say_why(
        shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    channels = main._channels(shop.db, shop.clock)
    runner = Runner(shop.db, shop.clock, channels, rebuild=lambda: main._build_channels(shop.db, shop.clock))
    assert runner.refresh_channels() is False  # nothing changed: not made again (one cheap query)
    with shop.db.session() as session:
        config.set_value(session, "kakao_brand.provider", "nhn")  # but no NHN keys
    with caplog.at_level(logging.ERROR, logger="dangol.runner"):
        assert runner.refresh_channels() is False
    assert runner.engine.channels is channels
    assert "kakao_brand.provider is nhn but kakao.nhn_app_key" in caplog.text
    with shop.db.session() as session:
        config.set_values(session, {"kakao.nhn_app_key": APP, "kakao.nhn_secret_key": SECRET,
                                    "kakao.nhn_sender_key": SENDER_KEY})
    assert runner.refresh_channels() is True
    assert isinstance(runner.engine.channels["kakao_brand"], nhn.NhnBrandMessage)
