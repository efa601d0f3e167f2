"""Two indexes the runner paid for on every step and message but no query used.

`step_log.enrollment_id` was never looked up; `outbox.customer_id` repeats the first column of
`ix_outbox_customer_sent`, which serves the same lookups (frequency caps, deleting a customer).
Each was a write to a random page per row: a tenth of a busy tick's disk writes.

Revision ID: 0005_lean_runtime_indexes
Revises: 0004_outbox_claims
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0005_lean_runtime_indexes'
down_revision: str | None = '0004_outbox_claims'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_step_log_enrollment_id', table_name='step_log')
    op.drop_index('ix_outbox_customer_id', table_name='outbox')


def downgrade() -> None:
    op.create_index('ix_outbox_customer_id', 'outbox', ['customer_id'])
    op.create_index('ix_step_log_enrollment_id', 'step_log', ['enrollment_id'])
