"""When the PC, not the input, is at fault (issue 11, defect 6): a read-only database, a full disk, the
write lock held by another program, a second runner, a writer process whose runner is gone. Each is one
clear line (`error: ...`, exit 2) or one log line, never a traceback, and never SQL values: no
personal data or secret reaches stderr or the runner's log."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.clock import FixedClock
from engine.demo import create_demo_shop
from engine.runtime.lease import status
from engine.runtime.writer import HEADER
from storage.db import SQLITE_PRAGMAS, StorageError, data_dir, open_database
from storage.models import Customer
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX mounts and signals")
NOW = "2026-03-02T10:00"
SECRET_NAME = "홍길동"
SECRET_PHONE = "+821055501234"


def cli(db: str | Path, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "--now", NOW, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The process ended with exit 2 and exactly one `error:` line on stderr holding `words`."""
    err = done.stderr.strip()
    assert done.returncode == 2, (done.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("error: "), err
    assert "not a database" not in err, err  # the old answer to a full or read-only disk
    for word in words:
        assert word in err, (word, err)
    for leak in ("INSERT", "UPDATE", "[parameters", "SQL:", SECRET_NAME, SECRET_PHONE):
        assert leak not in err, (leak, err)
    return err


def small_shop(path: Path) -> None:
    db = open_database(path)
    create_demo_shop(db, seed=3, customers=30, clock=FixedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    db.close()


def setting(path: Path, key: str) -> object:
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row and row[0]
    finally:
        con.close()


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small RAM disk at `folder` (skips the test where this machine does not allow mounting)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (a disk-full or read-only disk cannot be made otherwise)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# --- read-only ------------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", [("config", "set", "shop.name", SECRET_NAME), ("run-once",)], ids=["config set", "run-once"])
def test_a_read_only_database_is_one_line(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """Opened read-only (SQLite's mode=ro: what a file the user may not write gives, also as root)."""
    path = tmp_path / "shop.db"
    small_shop(path)
    before = setting(path, "shop.name")
    done = cli(f"sqlite:///file:{path}?mode=ro&uri=true", *verb)
    one_line(done, "read-only", str(path))
    assert done.stdout == ""
    assert setting(path, "shop.name") == before


def test_a_database_on_a_read_only_disk_is_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "20m") as disk:
        small_shop(disk / "shop.db")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for verb in (("config", "set", "shop.name", SECRET_NAME), ("run-once",)):
            one_line(cli(disk / "shop.db", *verb), str(disk / "shop.db"))


# --- a full disk -----------------------------------------------------------------------------------


def test_a_full_disk_during_demo_is_one_line_not_an_unreadable_database(tmp_path: Path) -> None:
    for size in ("16k", "1m"):  # full while making the tables, full while writing the shop
        with tmpfs(tmp_path / f"disk{size}", size) as disk:
            one_line(cli(disk / "shop.db", "demo", "--customers", "2000"), "full", str(disk / "shop.db"))


def test_a_full_disk_during_a_write_is_one_line_and_keeps_what_was_stored(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "6m") as disk:
        path = disk / "shop.db"
        small_shop(path)
        before = setting(path, "shop.name")
        with open(disk / "filler", "wb") as filler:  # everything else on the disk
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        one_line(cli(path, "config", "set", "shop.name", SECRET_NAME), "full")
        one_line(cli(path, "journey", "create", "--template", "welcome_coupon"), "full")
        (disk / "filler").unlink()
        assert setting(path, "shop.name") == before
        done = cli(path, "journey", "list")
        assert done.returncode == 0 and "no journeys yet" in done.stdout


# --- the write lock held by another program; runners ------------------------------------------------


def runner(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(path), "--now", NOW, "runner"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_running(path: Path, process: subprocess.Popen[str]) -> None:
    db = open_database(path)
    try:
        deadline = time.monotonic() + 30
        while status(db).state != "running":
            assert process.poll() is None and time.monotonic() < deadline, "the runner did not start"
            time.sleep(0.05)
    finally:
        db.close()


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM, and kill -9 if it has not stopped within a minute (never leave a runner behind)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise


def runner_log() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((data_dir() / "logs").glob("runner.log*")))


def test_another_program_holding_the_write_lock(tmp_path: Path) -> None:
    """`config set` and a new runner wait the busy timeout and then say so in one line; a running runner's
    heartbeat that cannot write logs one line and the runner goes on."""
    path = tmp_path / "shop.db"
    small_shop(path)
    first = runner(path)
    try:
        wait_running(path, first)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE settings SET updated_at = updated_at")
        try:
            setting_cli = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), "--db", str(path), "config", "set", "shop.name", SECRET_NAME],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            second = runner(path)
            for process in (setting_cli, second):
                out, err = process.communicate(timeout=60)
                one_line(subprocess.CompletedProcess(process.args, process.returncode, out, err), "busy", str(path))
                assert out == ""  # neither "shop.name = ..." nor "runner started"
            deadline = time.monotonic() + 40  # a heartbeat begins within 10 s and waits 10 s
            while "heartbeat failed" not in runner_log():
                assert time.monotonic() < deadline, runner_log()
                time.sleep(0.2)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert first.poll() is None, "the runner stopped"
        assert cli(path, "config", "set", "rules.ad_cap_per_week", "5").returncode == 0  # the lock is free again
    finally:
        out, err = stop(first)
    assert first.returncode == 0 and err == "", err
    log = runner_log()
    assert "Traceback" not in log and SECRET_NAME not in log
    failed = [line for line in log.splitlines() if "heartbeat failed" in line]
    assert failed and all("busy" in line for line in failed), failed


def test_a_second_runner_is_refused_before_it_says_it_started(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    small_shop(path)
    first = runner(path)
    try:
        wait_running(path, first)
        done = cli(path, "runner")
        one_line(done, "another runner is already running")
        assert done.stdout == ""
    finally:
        stop(first)
    assert first.returncode == 0


# --- the writer process ----------------------------------------------------------------------------


def test_the_writer_process_ends_quietly_when_its_runner_is_gone(tmp_path: Path) -> None:
    """The runner killed (kill -9) while its writer process works: the reply has nowhere to go."""
    path = tmp_path / "shop.db"
    open_database(path).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "engine.runtime.writer"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    assert process.stdin is not None and process.stdout is not None

    def send(request: tuple[object, ...]) -> None:
        body = pickle.dumps(request)
        process.stdin.write(HEADER.pack(len(body)) + body)  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]

    send(("open", str(path), SQLITE_PRAGMAS))
    size = HEADER.unpack(process.stdout.read(HEADER.size))[0]
    assert pickle.loads(process.stdout.read(size)) == ("ok",)
    process.stdout.close()  # the runner is gone: nobody reads the replies any more
    send(("batch", [], 0, [("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
                            ["shop.name", f'"{SECRET_NAME}"', "2026-03-02"])]))
    send(("checkpoint",))
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    err = process.stderr.read().decode()  # type: ignore[union-attr]
    assert err == "", err
    assert setting(path, "shop.name") == f'"{SECRET_NAME}"'  # what it had been sent was still written


# --- no SQL values in an error --------------------------------------------------------------------


def test_a_database_error_never_carries_the_values(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    with db.session() as session:
        session.add(Customer(id=1, name="김하늘", phone="+821011112222", signed_up_at=datetime(2026, 3, 2, tzinfo=UTC)))
    with pytest.raises(Exception) as caught, db.session() as session:
        session.add(Customer(id=1, name=SECRET_NAME, phone=SECRET_PHONE, signed_up_at=datetime(2026, 3, 2, tzinfo=UTC)))
    shown = "".join(traceback.format_exception(caught.value))
    assert "UNIQUE" in shown and SECRET_NAME not in shown and SECRET_PHONE not in shown
    holder = sqlite3.connect(tmp_path / "shop.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        db.engine.dispose()
        with db.engine.connect() as connection:  # a short timeout: the busy timeout would take 10 s
            connection.exec_driver_sql("PRAGMA busy_timeout=100")
        with pytest.raises(StorageError) as busy, db.write_session() as session:
            session.execute(text("UPDATE customers SET name = :name"), {"name": SECRET_NAME})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.value.reason == "busy" and SECRET_NAME not in str(busy.value)
    db.close()
