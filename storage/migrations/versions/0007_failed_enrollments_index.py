"""A small index of the enrollments that failed, for the owner's notice and the canvas badges.

`ix_enrollments_failed` (journey_id, version_id, node_id, end_reason) WHERE status = 'failed': a customer
whose message could not be made (a template error) ends there. Failures are rare, so the index is tiny
and a step that does not fail never touches it; the main window asks it every few seconds.

Revision ID: 0007_failed_enrollments_index
Revises: 0006_runner_partial_indexes
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_failed_enrollments_index'
down_revision: str | None = '0006_runner_partial_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAILED = sa.text("status = 'failed'")


def upgrade() -> None:
    op.create_index('ix_enrollments_failed', 'enrollments', ['journey_id', 'version_id', 'node_id', 'end_reason'],
                    sqlite_where=FAILED, postgresql_where=FAILED)


def downgrade() -> None:
    op.drop_index('ix_enrollments_failed', table_name='enrollments')
