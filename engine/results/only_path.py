"""'Make B the only path': an A/B split replaced so everyone goes the winning arm's way, as a new version."""

from __future__ import annotations

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.journey import Journey
from engine.journey_store import StoreError, find_row, save_draft
from engine.runtime.publish import PublishResult, changed_nodes, publish
from storage.models import JourneyVersion

ARMS = ("a", "b")


def only_path(journey: Journey, split_id: str, arm: str) -> Journey:
    """A copy of `journey` without the split `split_id`: what led into it leads to where `arm` went, and the
    steps only the other arms reached are gone."""
    if arm not in ARMS:
        raise StoreError("bad_arm", f"choose arm a or b, not '{arm}'")
    copy = journey.copy()
    if split_id not in copy.nodes or copy.node(split_id).kind != "split.random":
        raise StoreError("not_a_split", f"'{split_id}' is not an A/B split of this journey")
    before = _reachable(copy)
    chosen = copy.edges_from(split_id, arm)
    incoming = copy.edges_into(split_id)
    copy.remove_node(split_id)
    if chosen:
        target, target_port = chosen[0].target, chosen[0].target_port
        for edge in incoming:
            copy.connect(edge.source, edge.source_port, target, target_port)
    after = _reachable(copy)
    for node_id in sorted(before - after):  # only the other arms led there (scraps never reached stay)
        if node_id in copy.nodes:
            copy.remove_node(node_id)
    return copy


def _reachable(journey: Journey) -> set[str]:
    graph = journey.graph()
    found: set[str] = set()
    for trigger in journey.triggers():
        found |= {trigger.id, *nx.descendants(graph, trigger.id)}
    return found


def publish_only_path(session: Session, ref: str, split_id: str, arm: str, clock: Clock,
                      on_change: str = "stay") -> PublishResult:
    """Make `arm` of the split the only path and publish it as the next version through `publish`.

    Refused while the draft holds changes not yet published (they would go live unseen). Customers already
    on the other arm finish it on the old version unless `on_change` says otherwise."""
    row = find_row(session, ref)
    if row.live_version is None:
        raise StoreError("not_published", f"'{row.name}' has not been published yet; publish it first")
    live = session.scalar(select(JourneyVersion.graph).where(JourneyVersion.journey_id == row.id,
                                                             JourneyVersion.version == row.live_version))
    if live is None or changed_nodes(live, row.draft):
        raise StoreError("draft_changed", f"'{row.name}' has changes that are not published yet; publish or "
                                          "undo them first")
    journey = only_path(Journey.from_dict(row.draft), split_id, arm)
    save_draft(session, journey, clock)
    return publish(session, row.id, clock, on_change=on_change)
