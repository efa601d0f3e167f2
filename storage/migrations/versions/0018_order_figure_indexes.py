"""Covering indexes for a customer's order figures (issue #15): the post-sync refresh and the tier pass.

- `ix_orders_customer_figures` (customer_id, ordered_at, status, amount) replaces
  `ix_orders_customer_ordered` (customer_id, ordered_at), its first two columns: a customer's counted orders,
  their sum and their last one (customer_stats, the 12-month window of the tiers) are read from the index
  alone, without looking each order up;
- `ix_order_items_order_category` (order_id, category) replaces `ix_order_items_order_id`: a customer's
  categories (customer_category_stats) are read from it alone;
- `ix_customer_stats_orders` (order_count) and `ix_customer_stats_spent_orders` (total_spent, order_count): the
  RFM cut points of frequency and money (engine/customers/segments.rfm_cuts) are histograms read in index
  order, not sorted, every time the shop data changes.

Revision ID: 0018_order_figure_indexes
Revises: 0017_tiers_points
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0018_order_figure_indexes'
down_revision: str | None = '0017_tiers_points'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_orders_customer_figures', 'orders', ['customer_id', 'ordered_at', 'status', 'amount'],
                    unique=False)
    op.drop_index('ix_orders_customer_ordered', table_name='orders')
    op.create_index('ix_order_items_order_category', 'order_items', ['order_id', 'category'], unique=False)
    op.drop_index('ix_order_items_order_id', table_name='order_items')
    op.create_index('ix_customer_stats_orders', 'customer_stats', ['order_count'], unique=False)
    op.create_index('ix_customer_stats_spent_orders', 'customer_stats', ['total_spent', 'order_count'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_customer_stats_spent_orders', table_name='customer_stats')
    op.drop_index('ix_customer_stats_orders', table_name='customer_stats')
    op.create_index('ix_order_items_order_id', 'order_items', ['order_id'], unique=False)
    op.drop_index('ix_order_items_order_category', table_name='order_items')
    op.create_index('ix_orders_customer_ordered', 'orders', ['customer_id', 'ordered_at'], unique=False)
    op.drop_index('ix_orders_customer_figures', table_name='orders')
