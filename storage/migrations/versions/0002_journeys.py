"""Journeys and the runtime: versions, enrollments, step log, outbox, coupons.

Revision ID: 0002_journeys
Revises: 0001_shop_data
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = '0002_journeys'
down_revision: str | None = '0001_shop_data'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('journeys',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('template_id', sa.String(length=80), nullable=True),
    sa.Column('live_version', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journeys'))
    )

    op.create_table('journey_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('graph', sa.JSON(), nullable=False),
    sa.Column('published_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_journey_versions_journey_id_journeys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_versions')),
    sa.UniqueConstraint('journey_id', 'version', name=op.f('uq_journey_versions_journey_id_version'))
    )

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idem_key', sa.String(length=200), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('journey_id', sa.String(length=32), nullable=True),
    sa.Column('node_id', sa.String(length=32), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('is_ad', sa.Boolean(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('not_before', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('due_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('lateness', sa.String(length=20), nullable=False),
    sa.Column('lateness_hours', sa.Integer(), nullable=False),
    sa.Column('lease_until', storage.models.base.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('provider_id', sa.String(length=120), nullable=True),
    sa.Column('cost_won', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('sent_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_outbox_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_outbox_journey_id_journeys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idem_key', name=op.f('uq_outbox_idem_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_outbox_due', ['status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_journey_id'), ['journey_id'], unique=False)

    op.create_table('step_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.String(length=32), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=32), nullable=True),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_step_log_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_step_log_journey_id_journeys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_log'))
    )
    with op.batch_alter_table('step_log', schema=None) as batch_op:
        batch_op.create_index('ix_step_log_customer_at', ['customer_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_log_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index('ix_step_log_journey_node', ['journey_id', 'node_id', 'event'], unique=False)

    op.create_table('coupons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.String(length=32), nullable=True),
    sa.Column('node_id', sa.String(length=32), nullable=True),
    sa.Column('discount_type', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('issued_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.Column('redeemed_order_id', sa.Integer(), nullable=True),
    sa.Column('redeemed_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_coupons_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_coupons_journey_id_journeys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['redeemed_order_id'], ['orders.id'], name=op.f('fk_coupons_redeemed_order_id_orders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupons')),
    sa.UniqueConstraint('code', name=op.f('uq_coupons_code'))
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupons_customer_id'), ['customer_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.String(length=32), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('wake_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('arm', sa.String(length=10), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('entered_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('ended_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_enrollments_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journeys.id'], name=op.f('fk_enrollments_journey_id_journeys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['journey_versions.id'], name=op.f('fk_enrollments_version_id_journey_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_enrollments_dedupe_key'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index('ix_enrollments_customer', ['customer_id', 'journey_id'], unique=False)
        batch_op.create_index('ix_enrollments_due', ['status', 'wake_at'], unique=False)
        batch_op.create_index('ix_enrollments_journey_node', ['journey_id', 'status', 'node_id'], unique=False)


def downgrade() -> None:
    op.drop_table('enrollments')
    op.drop_table('coupons')
    op.drop_table('step_log')
    op.drop_table('outbox')
    op.drop_table('journey_versions')
    op.drop_table('journeys')
