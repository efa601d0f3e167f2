"""Runtime: the single-runner lease, scan cursors, and an index for frequency caps.

Revision ID: 0003_runtime
Revises: 0002_journeys
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base


revision: str = '0003_runtime'
down_revision: str | None = '0002_journeys'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cursors',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cursors'))
    )
    op.create_table('runner_lease',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('started_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('heartbeat_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_runner_lease'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap_policy', sa.String(length=12), nullable=False,
                                      server_default='reschedule'))
        batch_op.create_index('ix_outbox_customer_sent', ['customer_id', 'is_ad', 'sent_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_customer_sent')
        batch_op.drop_column('cap_policy')

    op.drop_table('runner_lease')
    op.drop_table('cursors')
