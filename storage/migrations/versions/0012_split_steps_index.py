"""A small index of the A/B split steps, for the journey results (issue #16).

`ix_step_log_splits` (journey_id, customer_id, at, node_id, reason) WHERE event = 'split': the arms of a
journey are counted from it alone, and each order after a placement finds its customer's placements in it
(the A/B and holdout figures of a journey with 100,000 customers in well under a second). Only split steps
are in it, so every other step the runner writes never touches it.

Revision ID: 0012_split_steps_index
Revises: 0009_channel_providers
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_split_steps_index'
down_revision: str | None = '0009_channel_providers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPLIT = sa.text("event = 'split'")


def upgrade() -> None:
    op.create_index('ix_step_log_splits', 'step_log', ['journey_id', 'customer_id', 'at', 'node_id', 'reason'],
                    sqlite_where=SPLIT, postgresql_where=SPLIT)


def downgrade() -> None:
    op.drop_index('ix_step_log_splits', table_name='step_log')
