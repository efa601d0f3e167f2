"""Membership tiers and points (issue #15 §3): the owner's tier ladder, each customer's computed tier,
and the points grants journeys ask for (sent by the runner to Cafe24, or listed for the owner).

A change of tier is not a table of its own: it is a shop event (`shop_events`, kind `tier_changed`,
payload from/to/direction), written once per change by engine/customers/tiers.recompute_tiers.

Revision ID: 0017_tiers_points
Revises: 0016_coupon_sources
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = '0017_tiers_points'
down_revision: str | None = '0016_coupon_sources'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'tier_rules',
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('min_spent', sa.Integer(), nullable=False),
        sa.Column('min_orders', sa.Integer(), nullable=False),
        sa.Column('shop_grade', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('position'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'customer_tiers',
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.String(length=40), nullable=False),
        sa.Column('since', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('customer_id'),
    )
    op.create_index(op.f('ix_customer_tiers_tier'), 'customer_tiers', ['tier'], unique=False)
    op.create_table(
        'point_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('journey_id', sa.String(length=32), nullable=True),
        sa.Column('enrollment_id', sa.Integer(), nullable=True),
        sa.Column('node_id', sa.String(length=32), nullable=True),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_try_at', UTCDateTime(), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('done_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('enrollment_id', 'node_id'),
    )
    op.create_index(op.f('ix_point_grants_customer_id'), 'point_grants', ['customer_id'], unique=False)
    op.create_index(op.f('ix_point_grants_status'), 'point_grants', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_point_grants_status'), table_name='point_grants')
    op.drop_index(op.f('ix_point_grants_customer_id'), table_name='point_grants')
    op.drop_table('point_grants')
    op.drop_index(op.f('ix_customer_tiers_tier'), table_name='customer_tiers')
    op.drop_table('customer_tiers')
    op.drop_table('tier_rules')
