"""Custom segments: the owner's named rule trees, the member lists their triggers compare, and an index
to count a category's orders.

- `custom_segments` (id, name unique, rules JSON, created_at, updated_at);
- `segment_members` (scope, customer_id): who was in a custom segment at the last look of one reader (a
  journey's segment-entered trigger), so the next look knows who entered;
- `customer_category_stats` (customer_id, category, order_count, last_order_at): each customer's counted
  orders per category, kept current with customer_stats (filled here from the orders there are), so
  "3+ orders in 반려동물" is an index look-up;
- `ix_order_items_category_order` (category, order_id): the same within the last N days reads one category's
  items.

Revision ID: 0015_custom_segments
Revises: 0012_split_steps_index
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015_custom_segments'
down_revision: str | None = '0012_split_steps_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'custom_segments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_segments')),
        sa.UniqueConstraint('name', name=op.f('uq_custom_segments_name')),
    )
    op.create_table(
        'segment_members',
        sa.Column('scope', sa.String(length=160), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE',
                                name=op.f('fk_segment_members_customer_id_customers')),
        sa.PrimaryKeyConstraint('scope', 'customer_id', name=op.f('pk_segment_members')),
    )
    op.create_index('ix_order_items_category_order', 'order_items', ['category', 'order_id'])
    op.create_table(
        'customer_category_stats',
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=200), nullable=False),
        sa.Column('order_count', sa.Integer(), nullable=False),
        sa.Column('last_order_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE',
                                name=op.f('fk_customer_category_stats_customer_id_customers')),
        sa.PrimaryKeyConstraint('customer_id', 'category', name=op.f('pk_customer_category_stats')),
    )
    op.create_index('ix_customer_category_stats_category_orders', 'customer_category_stats',
                    ['category', 'order_count'])
    orders = sa.table('orders', sa.column('id'), sa.column('customer_id'), sa.column('status'),
                      sa.column('ordered_at'))
    items = sa.table('order_items', sa.column('order_id'), sa.column('category'))
    stats = sa.table('customer_category_stats', sa.column('customer_id'), sa.column('category'),
                     sa.column('order_count'), sa.column('last_order_at'))
    counted = (sa.select(orders.c.customer_id, items.c.category, sa.func.count(sa.distinct(orders.c.id)),
                         sa.func.max(orders.c.ordered_at))
               .select_from(orders.join(items, items.c.order_id == orders.c.id))
               .where(orders.c.customer_id.is_not(None), items.c.category.is_not(None),
                      orders.c.status.in_(('paid', 'shipped', 'delivered', 'confirmed')))
               .group_by(orders.c.customer_id, items.c.category))
    op.execute(stats.insert().from_select(['customer_id', 'category', 'order_count', 'last_order_at'], counted))


def downgrade() -> None:
    op.drop_index('ix_customer_category_stats_category_orders', table_name='customer_category_stats')
    op.drop_table('customer_category_stats')
    op.drop_index('ix_order_items_category_order', table_name='order_items')
    op.drop_table('segment_members')
    op.drop_table('custom_segments')
