"""The sync cursor as text of any length (a shop API's resume point is a small JSON object).

On SQLite the (tiny) table is copied by Alembic's batch mode; elsewhere it is one ALTER COLUMN.

Revision ID: 0008_sync_cursor_text
Revises: 0007_failed_enrollments_index
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_sync_cursor_text'
down_revision: str | None = '0007_failed_enrollments_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sync_state') as batch:
        batch.alter_column('cursor', type_=sa.Text(), existing_type=sa.String(200))


def downgrade() -> None:
    with op.batch_alter_table('sync_state') as batch:
        batch.alter_column('cursor', type_=sa.String(200), existing_type=sa.Text())
