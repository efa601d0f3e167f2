"""Journeys have size limits wherever they enter, and checking one costs time linear in its size (issue 11, 7)."""

from __future__ import annotations

import copy
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import Journey, JourneyError, validate
from engine.journey.limits import LIMITS, Limits
from storage.db import Database, open_database
from storage.models import Journey as JourneyRow
from tests.cli.test_cli import cli


def chain(count: int, body: str = "{{ customer.name }}님, {{ order.amount }}원 주문 고마워요") -> dict[str, Any]:
    """An order trigger and then `count - 1` nodes in a line: waits and messages (every third one)."""
    nodes: list[dict[str, Any]] = [{"id": "t", "kind": "trigger.order_placed", "params": {}, "position": [0, 0]}]
    edges: list[dict[str, Any]] = []
    previous = "t"
    for index in range(count - 1):
        if index % 3 == 0:
            kind, params = "message.sms", {"body": body, "is_ad": False}
        else:
            kind, params = "wait.duration", {"duration": 60}
        node_id = f"n{index}"
        nodes.append({"id": node_id, "kind": kind, "params": params, "position": [index * 200, 0]})
        edges.append({"id": f"e{index}", "source": previous, "source_port": "out", "target": node_id,
                      "target_port": "in"})
        previous = node_id
    return {"schema_version": 1, "id": "c0ffee00c0ffee00c0ffee00c0ffee00", "name": "긴 여정", "settings": {},
            "nodes": nodes, "edges": edges}


def _over_the_limits() -> dict[str, tuple[str, str]]:
    """Files that break one limit each: (file text, words the refusal must contain)."""
    long_body = chain(5)
    long_body["nodes"][1]["params"]["body"] = "가" * (LIMITS.text_chars + 1)
    deep = chain(5)
    deep["nodes"][1]["params"]["body"] = json.loads("[" * 20 + "]" * 20)
    long_name = chain(5)
    long_name["name"] = "이름" * LIMITS.name_chars
    return {
        "file size": (" " * (LIMITS.file_bytes + 1) + json.dumps(chain(5)), "5,000,000"),
        "nodes": (json.dumps(chain(LIMITS.nodes + 1)), "500"),
        "template": (json.dumps(long_body, ensure_ascii=False), "node n0: body is too long"),
        "nesting": (json.dumps(deep), "too deeply"),
        "parser depth": ("[" * 100_000 + "]" * 100_000, "too deeply"),
        "name": (json.dumps(long_name, ensure_ascii=False), "name is too long"),
    }


@pytest.mark.parametrize("case", list(_over_the_limits()))
def test_a_file_over_a_limit_is_refused_with_one_line_and_nothing_stored(case: str, tmp_path: Path) -> None:
    text, words = _over_the_limits()[case]
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    dbfile = str(tmp_path / "shop.db")
    for verb in ("import", "validate"):
        result = cli("--db", dbfile, "journey", verb, str(path))
        assert result.returncode == 2, (verb, result.stdout, result.stderr[-2000:])
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], (verb, lines[:3])
        assert "limit" in lines[0] and "Traceback" not in result.stderr
    db = open_database(dbfile)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(JourneyRow)) == 0
    finally:
        db.close()


def test_a_file_at_the_limits_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "full.json"
    path.write_text(json.dumps(chain(LIMITS.nodes, body="가" * LIMITS.text_chars), ensure_ascii=False),
                    encoding="utf-8")
    result = cli("--db", str(tmp_path / "shop.db"), "journey", "import", str(path))
    assert result.returncode == 0, result.stderr
    listing = cli("--db", str(tmp_path / "shop.db"), "journey", "list", "--json")
    assert [row["nodes"] for row in json.loads(listing.stdout)] == [LIMITS.nodes]


def test_from_dict_refuses_what_is_over_a_limit_before_building_it() -> None:
    """The database column and the clipboard come through from_dict: the same limits apply there."""
    with pytest.raises(JourneyError) as refused:
        Journey.from_dict(chain(100_000))
    assert refused.value.code == "too_many_nodes"
    data = chain(5)
    data["edges"] += [{"source": "t", "source_port": "out", "target": "n1"}] * LIMITS.edges
    with pytest.raises(JourneyError, match="too_many_edges"):
        Journey.from_dict(data)
    data = chain(5)
    data["settings"] = {"description": "x" * (LIMITS.text_chars + 1)}
    with pytest.raises(JourneyError, match="text_too_long"):
        Journey.from_dict(data)


def test_the_editor_cannot_make_a_journey_that_would_be_refused_when_read_back() -> None:
    journey = Journey.from_dict(chain(LIMITS.nodes))
    before = journey.to_dict()
    with pytest.raises(JourneyError, match="too_many_nodes"):
        journey.add_node("exit")
    with pytest.raises(JourneyError, match="text_too_long"):
        journey.set_param("n0", "body", "x" * (LIMITS.text_chars + 1))
    with pytest.raises(JourneyError, match="text_too_long"):
        journey.rename("x" * (LIMITS.name_chars + 1))
    small = Journey.from_dict(chain(LIMITS.nodes - 2))
    with pytest.raises(JourneyError, match="too_many_nodes"):  # a paste past the limit: all or nothing
        small.paste(small.fragment(["n0", "n1", "n2"]))
    assert len(small) == LIMITS.nodes - 2
    assert journey.to_dict() == before and Journey.from_dict(journey.to_dict()) == journey


def test_a_journey_at_the_limit_validates_well_under_a_second() -> None:
    validate(Journey.from_dict(chain(3)))  # the node kinds' list is read on first use (imports): not timed here
    data = chain(LIMITS.nodes)

    def best(work: Callable[[], object]) -> float:
        """The least CPU time of this thread over three runs, the collector off: the work itself, not how busy
        the machine is (CI runs two workers on two cores) nor a full collection of a worker's heap."""
        timings = []
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                started = time.thread_time()
                work()
                timings.append(time.thread_time() - started)
        finally:
            gc.enable()
        return min(timings)

    issues = validate(Journey.from_dict(data))
    assert not [issue for issue in issues if issue.is_error], issues[:3]
    elapsed = best(lambda: validate(Journey.from_dict(data)))
    # the floor, in the same run: copying the same data, the least any reading of it could cost (≈ 1/17 of the
    # reading and validating on a quiet machine); a slow moment of the machine slows both (CI once took 0.57 s)
    floor = best(lambda: copy.deepcopy(data))
    assert elapsed < 0.5 or elapsed < 50 * floor, \
        f"{elapsed:.2f} s to read and validate {LIMITS.nodes} nodes ({elapsed / floor:.0f}× copying them)"


def _seconds(data: dict[str, Any], limits: Limits) -> float:
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        validate(Journey.from_dict(data, limits))
        return time.perf_counter() - started
    finally:
        gc.enable()


def test_reading_and_validating_grow_linearly_with_the_journey() -> None:
    """Four times the nodes must cost about four times the time; the old code took sixteen and more
    (it looked upstream of every message node, and checked every edge against all the others)."""
    lifted = Limits(nodes=10**6, edges=10**6)
    small, large = chain(1_000), chain(4_000)
    times: dict[int, float] = {1_000: float("inf"), 4_000: float("inf")}
    for _ in range(4):  # interleaved, best of four: a busy machine slows both sizes alike
        times[1_000] = min(times[1_000], _seconds(small, lifted))
        times[4_000] = min(times[4_000], _seconds(large, lifted))
    ratio = times[4_000] / times[1_000]
    assert ratio < 10, f"1,000 nodes {times[1_000]:.3f} s, 4,000 nodes {times[4_000]:.3f} s: grows faster than linear"


def test_journey_list_does_not_load_the_drafts(tmp_path: Path, clock: FixedClock) -> None:
    db: Database = open_database(tmp_path / "shop.db")
    try:
        with db.session() as session:
            for index in range(4):  # four journeys at the limit: about 10 MB of drafts
                data = chain(LIMITS.nodes, body="x" * (LIMITS.text_chars - 100))
                data["id"] = f"{index:032x}"
                store.save_draft(session, Journey.from_dict(data), clock)
        with db.session() as session:
            tracemalloc.start()
            try:
                rows = store.list_journeys(session)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        assert [row.nodes for row in rows] == [LIMITS.nodes] * 4
        assert peak < 2_000_000, f"listing four journeys took {peak:,} bytes: it parsed their drafts"
    finally:
        db.close()
