"""After new shop data: bring the customers it touched current, the one post-sync step every writer takes.

A sync, a file import and the demo write through `shopdata.ShopWriter`, which calls `refresh_customers` with
the customers its writes touched, in the same transaction. What "current" needs, and how it stays cheap:

- customer_stats and customer_category_stats rows of those customers (`stats.refresh_stats`, 10,000 at a
  time, writing only the rows whose figures changed): lifecycle, VIP, the segment counts and every custom
  segment rule read them live in SQL;
- their membership tiers (`tiers.recompute_tiers` for those ids only), with `tier_changed` events;
- nothing else: RFM cut points (`segments.rfm_cuts`) are derived at read time in a few index look-ups and two
  small histograms, and the runtime's cache of them is keyed by the shop data's version (recommend.cached),
  so the first reader after the sync sees the new ones. Custom segment members (`segment_members`) are a
  trigger's last look, compared by the runner on its own schedule, not a copy to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from engine.customers.stats import refresh_stats
from engine.customers.tiers import recompute_tiers


def refresh_customers(session: Session, customer_ids: Iterable[int], now: datetime) -> int:
    """Recompute the stats and tiers of `customer_ids` (the caller commits); returns how many stats rows."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    written = refresh_stats(session, ids, now=now)
    recompute_tiers(session, now, customer_ids=ids)
    return written
