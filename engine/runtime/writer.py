"""The runner's writer process: commits planned batches while the runner steps the next ones.

A busy pass is two kinds of work: Python (reading facts, stepping, rendering, planning SQL) and SQLite
(writing rows and index entries). In one process the two share the GIL: the writing thread waits for
it around every statement while the stepping thread holds it. Here the writing runs in a process of
its own, which imports nothing but the standard library: the runner sends each batch as planned
statements (SQL text and plain values, pickled), the process runs them in one short write
transaction and answers whether the guard held.

The guard is the same as the writer thread's: every enrollment update checks that the row is still as
it was read; if another writer changed one meanwhile, the batch is rolled back and the runner does it
again under the lock. So a batch commits whole or not at all, and a crash of either process loses
nothing and does nothing twice. The process ends when the runner closes its input (also when the
runner is killed: it then reads the end of its input, or finds its reply pipe closed, and ends quietly).

Frames: 4-byte big-endian length, then a pickle. Requests: ("open", path, pragmas),
("batch", guarded, expected, inserts), ("checkpoint",). Replies: ("ok", changed_rows, write_ms) or
("error", message).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parents[2]  # the folder holding the engine package
log = logging.getLogger("dangol.runner")
HEADER = struct.Struct(">I")

Statement = tuple[str, list[Any]]


# --- the process ------------------------------------------------------------------------------------


def _read(stream: BinaryIO) -> Any:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError
    size = HEADER.unpack(header)[0]
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return pickle.loads(body)


def _write(stream: BinaryIO, value: Any) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


def _run(connection: sqlite3.Connection, statements: list[Statement]) -> int:
    changed = 0
    for sql, params in statements:
        changed += connection.execute(sql, params).rowcount
    return changed


def _batch(connection: sqlite3.Connection, guarded: list[Statement], expected: int,
           inserts: list[Statement]) -> tuple[Any, ...]:
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    try:
        matched = _run(connection, guarded)
        if matched != expected:  # a row changed since it was read: leave the whole batch
            connection.execute("ROLLBACK")
            return ("ok", False, (time.perf_counter() - started) * 1000)
        _run(connection, inserts)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return ("ok", True, (time.perf_counter() - started) * 1000)


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    # Ctrl+C in a terminal reaches the whole process group: the runner stops the pass and closes this
    # process's input; a batch in hand is finished, not cut off
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection: sqlite3.Connection | None = None
    while True:
        try:
            request = _read(source)
        except EOFError:
            break
        try:
            kind = request[0]
            if kind == "open":
                _, path, pragmas = request
                connection = sqlite3.connect(path, isolation_level=None, timeout=30)
                for pragma in pragmas:
                    connection.execute(pragma)
                connection.execute("PRAGMA wal_autocheckpoint=0")  # the runner checkpoints, outside the lock
                reply: tuple[Any, ...] = ("ok",)
            elif kind == "batch" and connection is not None:
                reply = _batch(connection, request[1], request[2], request[3])
            elif kind == "checkpoint" and connection is not None:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                reply = ("ok",)
            else:
                reply = ("error", f"unexpected request {kind!r}")
        except Exception as exc:  # the runner raises it; the process goes on serving
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            _write(sink, reply)
        except OSError:  # the runner is gone (killed): what was committed stays, and nobody is left to tell
            _silence(sink)
            break
    if connection is not None:
        connection.close()


def _silence(sink: BinaryIO) -> None:
    """Point the process's output at nothing, so Python's own flush at exit finds no broken pipe to report."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sink.fileno())


# --- the runner's side ----------------------------------------------------------------------------


class WriterError(RuntimeError):
    """The writer process could not start, or failed a batch for a reason other than the guard."""


class WriterProcess:
    """A writer process for one pass: `submit` sends a batch and returns a future (True: committed,
    False: a row had changed, redo it locked). Replies come back in order, read by a small thread."""

    unavailable = False  # set once a process could not start: later passes write in a thread at once

    def __init__(self, path: str, pragmas: tuple[str, ...]) -> None:
        if getattr(sys, "frozen", False):  # a packaged app: sys.executable is the app, not Python
            WriterProcess.unavailable = True
            raise WriterError("a packaged app has no Python interpreter to start a writer process with")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        try:
            self.process = subprocess.Popen([sys.executable, "-m", "engine.runtime.writer"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, env=env, creationflags=flags)
        except OSError as exc:
            WriterProcess.unavailable = True
            raise WriterError(f"cannot start the writer process: {exc}") from exc
        self.write_ms: list[float] = []  # each committed batch's write transaction
        self._waiting: deque[Future[Any]] = deque()
        self._lock = threading.Lock()
        self._ended = False
        # frames go out from a thread of their own: a pipe holds 64 KB, a batch is ~150 KB, and the runner
        # must not stand still while the process finishes the batch before
        self._frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send, name="dangol-writer-frames", daemon=True)
        self._reader = threading.Thread(target=self._replies, name="dangol-writer-replies", daemon=True)
        self._sender.start()
        self._reader.start()
        try:
            self._call(("open", path, pragmas)).result(timeout=60)
        except BaseException as exc:
            WriterProcess.unavailable = True
            self.close(discard=True)
            raise WriterError(f"the writer process did not open the database: {exc}") from exc

    def _call(self, request: tuple[Any, ...]) -> Future[Any]:
        body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        future: Future[Any] = Future()
        with self._lock:
            if self._ended:
                raise WriterError("the writer process has ended")
            self._waiting.append(future)
            self._frames.put(HEADER.pack(len(body)) + body)
        return future

    def _send(self) -> None:
        stream = self.process.stdin
        while (frame := self._frames.get()) is not None:
            try:
                stream.write(frame)  # type: ignore[union-attr]
                stream.flush()  # type: ignore[union-attr]
            except OSError:
                break  # the process ended: the reply reader fails what is waiting
        with contextlib.suppress(OSError):
            stream.close()  # type: ignore[union-attr]

    def _replies(self) -> None:
        try:
            while True:
                try:
                    reply = _read(self.process.stdout)  # type: ignore[arg-type]
                except (EOFError, OSError, pickle.UnpicklingError):
                    return
                with self._lock:
                    future = self._waiting.popleft() if self._waiting else None
                if future is None:
                    continue
                if reply[0] == "ok":
                    future.set_result(reply)
                else:
                    future.set_exception(WriterError(str(reply[1])))
        finally:  # whatever ended the replies, nothing may wait for one forever
            with self._lock:
                self._ended = True
                left = list(self._waiting)
                self._waiting.clear()
            for future in left:
                future.set_exception(WriterError("the writer process ended"))

    def submit(self, guarded: list[Statement], expected: int, inserts: list[Statement]) -> Future[bool]:
        done: Future[bool] = Future()

        def settle(reply: Future[Any]) -> None:
            try:
                _, committed, write_ms = reply.result()
            except Exception as exc:
                done.set_exception(exc)
                return
            if committed:
                self.write_ms.append(float(write_ms))
            done.set_result(bool(committed))

        self._call(("batch", guarded, expected, inserts)).add_done_callback(settle)
        return done

    def checkpoint(self) -> None:
        def logged(reply: Future[Any]) -> None:
            if reply.exception() is not None:
                log.warning("checkpoint failed: %s", reply.exception())

        self._call(("checkpoint",)).add_done_callback(logged)

    def close(self, discard: bool = False) -> None:
        """Let the process finish what it was sent (with `discard`: only what it has already read), then
        end it: closing its input ends it."""
        if discard:
            with contextlib.suppress(queue.Empty):
                while True:
                    self._frames.get_nowait()
        self._frames.put(None)
        self._sender.join(timeout=30)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
