"""customer_stats.categories dropped (issue #15): a customer's categories are customer_category_stats' rows.

The JSON list repeated, in every customer_stats row, the categories customer_category_stats holds per
customer and category; nothing read it but the runtime's unused `categories` fact. Each post-sync refresh
rewrote it for every touched customer (and the row grew into new pages); the stats refresh now writes only
the figures that changed.

Revision ID: 0019_stats_categories_column
Revises: 0018_order_figure_indexes
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019_stats_categories_column'
down_revision: str | None = '0018_order_figure_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('customer_stats', schema=None) as batch_op:
        batch_op.drop_column('categories')


def downgrade() -> None:
    with op.batch_alter_table('customer_stats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('categories', sa.JSON(), nullable=False, server_default='[]'))
