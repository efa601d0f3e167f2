"""The runtime verbs: templates, journey create/publish/pause/resume, run-once, simulate, timeline,
runner, autostart; each with its bad-input path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run

NOW = "2026-03-02T10:00"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import main

    path = tmp_path_factory.mktemp("cli-demo") / "demo.db"
    assert main.main(["--db", str(path), "--now", NOW, "demo", "--customers", "300"]) == 0
    import sqlite3

    with sqlite3.connect(path) as con:  # fold the write-ahead log in, so copying the file copies everything
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def dbfile(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    copy = tmp_path / "shop.db"
    copy.write_bytes(demo_file.read_bytes())
    capsys.readouterr()
    return str(copy)


def test_templates(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "templates", "--json")
    ids = [item["id"] for item in json.loads(out)]
    assert code == 0 and {"welcome_coupon", "first_order_coupon", "cart_abandoned", "winback_90d"} <= set(ids)
    code, out, _ = run(capsys, "--db", dbfile, "templates")
    assert code == 0 and "가입 환영 쿠폰" in out


def test_create_publish_pause_resume_run(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "create", "--template", "winback_90d",
                       "--name", "돌아와요", "--set", "percent=15", "--set", "won=3,000원")
    assert code == 0 and out.startswith("created draft '돌아와요'")
    journey_id = out.split()[-1]
    code, out, _ = run(capsys, "--db", dbfile, "journey", "show", journey_id)
    nodes = {n["id"]: n for n in json.loads(out)["journey"]["nodes"]}
    assert nodes["coupon_a"]["params"]["amount"] == 15 and nodes["coupon_b"]["params"]["amount"] == 3000
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "publish", journey_id)
    assert code == 0 and "published version 1" in out, out
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "pause", journey_id)
    assert code == 0 and "paused" in out
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "resume", journey_id)
    assert code == 0 and "live" in out
    code, out, _ = run(capsys, "--db", dbfile, "--now", "2026-03-05T10:00", "run-once")
    first = json.loads(out)
    assert code == 0 and {"entered", "advanced", "queued", "sent", "skipped", "held"} <= set(first)
    # everyone who entered was stepped: to the holdout's exit, or a coupon and an SMS (queued, or skipped
    # without consent); which arm each of a few customers lands in depends on the new journey's id
    assert first["entered"] > 0 and first["advanced"] == first["entered"], json.dumps(first)
    assert first["exited"] + first["queued"] + first["skipped"] >= first["entered"], json.dumps(first)
    code, out, _ = run(capsys, "--db", dbfile, "--now", "2026-03-05T10:00", "run-once")
    second = json.loads(out)
    assert second["entered"] == 0 and second["sent"] == 0  # the same pass again sends nothing


def test_create_and_publish_errors(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, _, err = run(capsys, "--db", dbfile, "journey", "create", "--template", "nope")
    assert code == 2 and err.startswith("error: no template 'nope'") and len(err.splitlines()) == 1
    code, _, err = run(capsys, "--db", dbfile, "journey", "create", "--template", "winback_90d", "--set", "percent")
    assert code == 2 and "KEY=VALUE" in err
    code, _, err = run(capsys, "--db", dbfile, "journey", "create", "--template", "winback_90d", "--set", "x=1")
    assert code == 2 and "has no setting 'x'" in err
    code, _, err = run(capsys, "--db", dbfile, "journey", "publish", "nothing-here")
    assert code == 2 and "no journey" in err
    code, out, _ = run(capsys, "--db", dbfile, "config", "set", "shop.name", "")
    code, out, _ = run(capsys, "--db", dbfile, "journey", "create", "--template", "welcome_coupon")
    journey_id = out.split()[-1]
    code, out, err = run(capsys, "--db", dbfile, "journey", "publish", journey_id)
    assert code == 1 and "ad_shop_info" in out and "not published" in err
    code, _, err = run(capsys, "--db", dbfile, "journey", "pause", journey_id)
    assert code == 2 and "has not been published yet" in err


def test_simulate(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "create", "--template", "first_order_coupon")
    journey_id = out.split()[-1]
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "simulate", journey_id, "--from", "2026-02-01",
                       "--to", "2026-02-28")
    result = json.loads(out)
    assert code == 0 and result["entered"] > 0
    assert result["nodes"]["trigger"]["customers"] == result["entered"]
    assert sum(result["messages"].values()) > 0 and result["estimated_cost_won"] > 0
    code, out, _ = run(capsys, "--db", dbfile, "journey", "list", "--json")
    assert json.loads(out)[0]["status"] == "draft"  # the real database is untouched
    code, _, err = run(capsys, "--db", dbfile, "simulate", journey_id, "--from", "2026-02-28", "--to", "2026-02-01")
    assert code == 2 and "--to must be after --from" in err
    code, _, err = run(capsys, "--db", dbfile, "simulate", journey_id, "--from", "yesterday")
    assert code == 2 and err.startswith("error: --from/--to:")


def test_timeline(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "journey", "create", "--template", "winback_90d")
    run(capsys, "--db", dbfile, "--now", NOW, "journey", "publish", out.split()[-1])
    run(capsys, "--db", dbfile, "--now", "2026-03-06T10:00", "run-once")
    import sqlite3

    with sqlite3.connect(dbfile) as con:
        customer_id, phone = con.execute(
            "select c.id, c.phone from step_log s join customers c on c.id = s.customer_id limit 1").fetchone()
    local = "0" + phone[3:]
    code, out, _ = run(capsys, "--db", dbfile, "timeline", f"{local[:3]}-{local[3:7]}-{local[7:]}")
    assert code == 0 and "여정에 들어옴" in out and f"(#{customer_id})" in out  # the app's language: Korean
    code, out, _ = run(capsys, "--db", dbfile, "timeline", str(customer_id), "--json")
    assert json.loads(out)["entries"][0]["event"] == "entered"
    code, _, err = run(capsys, "--db", dbfile, "timeline", "010-0000-0000")
    assert code == 2 and err.startswith("error: no customer")


def test_runner_max_ticks_and_autostart_status(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "--now", NOW, "runner", "--max-ticks", "1")
    assert code == 0 and "runner started" in out
    code, out, _ = run(capsys, "autostart", "status")
    assert code == 0 and out.strip() in {"on", "off"}


def test_webhook_mode_without_url(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    assert run(capsys, "--db", dbfile, "config", "set", "sms.provider", "webhook")[0] == 0
    code, _, err = run(capsys, "--db", dbfile, "run-once")
    assert code == 2 and "delivery.webhook_url is empty" in err
