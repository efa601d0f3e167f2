"""Outbox claims: which process (host:pid) is sending a row, so a crash is recognised at once.

Revision ID: 0004_outbox_claims
Revises: 0003_runtime
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_outbox_claims'
down_revision: str | None = '0003_runtime'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('claimed_by')
