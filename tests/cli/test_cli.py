"""The command-line contract: every verb's happy path and its bad-input path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import main
from engine.journey import Journey
from tests.conftest import ROOT


def _journey_dict(journey_id: str = "a1b2c3d4e5f60718293a4b5c6d7e8f90", *, body: str = "{{ customer.name }}님, 가입을 환영해요!") -> dict[str, Any]:
    return {
        "schema_version": 1,
        "id": journey_id,
        "name": "가입 환영",
        "settings": {"reentry": "never", "reentry_days": 0, "priority": 0, "exclusion_group": "", "description": ""},
        "nodes": [
            {"id": "n1", "kind": "trigger.signed_up", "params": {}, "position": [0.0, 0.0]},
            {"id": "n2", "kind": "message.sms", "params": {"body": body, "is_ad": False}, "position": [260.0, 0.0]},
            {"id": "n3", "kind": "exit", "params": {}, "position": [520.0, 0.0]},
        ],
        "edges": [
            {"id": "e1", "source": "n1", "source_port": "out", "target": "n2", "target_port": "in"},
            {"id": "e2", "source": "n2", "source_port": "out", "target": "n3", "target_port": "in"},
        ],
    }


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


@pytest.fixture
def dbfile(tmp_path: Path) -> str:
    return str(tmp_path / "shop.db")


@pytest.fixture
def journey_file(tmp_path: Path) -> Path:
    path = tmp_path / "welcome.json"
    path.write_text(json.dumps(_journey_dict(), ensure_ascii=False), encoding="utf-8")
    return path


def test_demo_fills_a_database(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "--now", "2026-03-02T10:00", "demo", "--customers", "300")
    assert code == 0
    summary = json.loads(out)
    assert summary["customers"] == 300 and summary["orders"] > 300


def test_demo_refuses_a_shop_that_already_has_customers(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    assert run(capsys, "--db", dbfile, "demo", "--customers", "50")[0] == 0
    code, out, err = run(capsys, "--db", dbfile, "demo", "--customers", "50")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--replace" in err
    assert run(capsys, "--db", dbfile, "demo", "--customers", "60", "--replace")[0] == 0


def test_demo_bad_count(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, _, err = run(capsys, "--db", dbfile, "demo", "--customers", "0")
    assert code == 2 and "--customers" in err


def test_journey_import_list_show_export(capsys: pytest.CaptureFixture[str], dbfile: str, journey_file: Path,
                                         tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "journey", "import", str(journey_file))
    assert code == 0 and "가입 환영" in out
    code, out, _ = run(capsys, "--db", dbfile, "journey", "list", "--json")
    listed = json.loads(out)
    assert [(j["name"], j["status"], j["nodes"]) for j in listed] == [("가입 환영", "draft", 3)]
    journey_id = listed[0]["id"]
    code, out, _ = run(capsys, "--db", dbfile, "journey", "show", journey_id[:8])
    assert code == 0 and json.loads(out)["journey"]["nodes"][1]["kind"] == "message.sms"
    exported = tmp_path / "out.json"
    assert run(capsys, "--db", dbfile, "journey", "export", journey_id, str(exported))[0] == 0
    # the export spells out every default, so a later release changing a default cannot change this journey
    assert Journey.from_dict(json.loads(exported.read_text(encoding="utf-8"))) == Journey.from_dict(
        json.loads(journey_file.read_text(encoding="utf-8")))
    # Importing the same file again never overwrites: it becomes a second draft with a fresh id.
    assert run(capsys, "--db", dbfile, "journey", "import", str(journey_file))[0] == 0
    ids = {j["id"] for j in json.loads(run(capsys, "--db", dbfile, "journey", "list", "--json")[1])}
    assert len(ids) == 2


def test_journey_list_plain_and_empty(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "journey", "list")
    assert code == 0 and "no journeys" in out


def test_journey_show_unknown_id(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, out, err = run(capsys, "--db", dbfile, "journey", "show", "doesnotexist")
    assert code == 2 and out == "" and err.startswith("error: no journey") and err.count("\n") == 1


def test_journey_export_to_an_unwritable_place(capsys: pytest.CaptureFixture[str], dbfile: str,
                                               journey_file: Path, tmp_path: Path) -> None:
    run(capsys, "--db", dbfile, "journey", "import", str(journey_file))
    journey_id = json.loads(run(capsys, "--db", dbfile, "journey", "list", "--json")[1])[0]["id"]
    code, _, err = run(capsys, "--db", dbfile, "journey", "export", journey_id, str(tmp_path / "no" / "dir" / "x.json"))
    assert code == 2 and "cannot write" in err


def test_validate_clean_file(capsys: pytest.CaptureFixture[str], dbfile: str, journey_file: Path) -> None:
    code, out, _ = run(capsys, "--db", dbfile, "journey", "validate", str(journey_file))
    assert code == 0 and "ok" in out


def test_validate_reports_problems_with_exit_1(capsys: pytest.CaptureFixture[str], dbfile: str,
                                               tmp_path: Path) -> None:
    data = _journey_dict(body="{{ customer.nmae }}님 안녕하세요")
    del data["edges"][1]
    data["nodes"].append({"id": "n4", "kind": "wait.duration", "params": {"duration": 60}, "position": [0.0, 200.0]})
    path = tmp_path / "problems.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "--db", dbfile, "journey", "validate", str(path), "--json")
    assert code == 1
    codes = {(issue["node"], issue["code"]) for issue in json.loads(out)}
    assert ("n2", "unknown_variable") in codes and ("n4", "unreachable") in codes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{ this is not json", "not valid JSON at line 1"),
        ('{"schema_version": 1, "nodes": "many"}', "not a journey file"),
        ('[1, 2, 3]', "not a journey file"),
        ('{"schema_version": 99, "id": "x", "name": "n", "nodes": [], "edges": []}', "not a journey file"),
    ],
)
def test_validate_broken_files_print_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], dbfile: str,
                                                          tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--db", dbfile, "journey", "validate", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err


def test_validate_missing_and_binary_files(capsys: pytest.CaptureFixture[str], dbfile: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--db", dbfile, "journey", "validate", str(tmp_path / "nope.json"))
    assert code == 2 and "no such file" in err
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    code, _, err = run(capsys, "--db", dbfile, "journey", "validate", str(binary))
    assert code == 2 and "UTF-8" in err


def test_config_set_get_list(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    assert run(capsys, "--db", dbfile, "config", "set", "shop.name", "단골상점")[0] == 0
    assert run(capsys, "--db", dbfile, "config", "get", "shop.name")[1].strip() == "단골상점"
    assert run(capsys, "--db", dbfile, "config", "set", "segments.at_risk_days", "60")[0] == 0
    assert run(capsys, "--db", dbfile, "config", "get", "segments.at_risk_days")[1].strip() == "60"
    assert run(capsys, "--db", dbfile, "config", "get", "rules.quiet_start")[1].strip() == "21:00"
    listing = run(capsys, "--db", dbfile, "config", "list")[1]
    assert "shop.name = 단골상점" in listing and "smtp.password = (not set)" in listing  # a secret: set or not


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("segments.at_risk_days", "ninety", "whole number"),
        ("segments.at_risk_days", "2", "from 7"),
        ("rules.quiet_start", "25:00", "time like 21:00"),
        ("shop.timezone", "Mars/Base", "time zone"),
        ("no.such.key", "1", "unknown setting"),
    ],
)
def test_config_bad_values(capsys: pytest.CaptureFixture[str], dbfile: str, key: str, value: str, expected: str) -> None:
    code, out, err = run(capsys, "--db", dbfile, "config", "set", key, value)
    assert code == 2 and out == "" and expected in err and err.count("\n") == 1


def test_bad_now_and_bad_verb(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    code, _, err = run(capsys, "--db", dbfile, "--now", "yesterday", "journey", "list")
    assert code == 2 and "ISO 8601" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and err.count("\n") == 1 and "--help" in err


def test_real_process_exit_codes_and_no_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ nope", encoding="utf-8")
    done = cli("--db", str(tmp_path / "s.db"), "journey", "validate", str(broken))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("just text " * 100, encoding="utf-8")
    done = cli("--db", str(not_a_db), "journey", "list")
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    done = cli("--help")
    assert done.returncode == 0 and "journey" in done.stdout
