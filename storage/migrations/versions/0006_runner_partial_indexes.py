"""Enrollment indexes a busy tick no longer rewrites, and one outbox index fewer.

- `ix_enrollments_due` (status, wake_at) → (wake_at) WHERE status = 'active': only the enrollments that
  can wake are in it, so it stays small and a customer who leaves a journey just drops out of it.
- `ix_enrollments_journey_node` (journey_id, status, node_id) changed entries twice each time a customer
  moved on (out of one place in the index, into another, each a random page). It becomes
  `ix_enrollments_journey` (journey_id), which a step never changes, and `ix_enrollments_waiting`
  (journey_id, node_id) WHERE status = 'active' for the live "waiting per node" numbers.
- `ix_outbox_enrollment_id`: the one query that used it ("got a message earlier in this journey?")
  goes through the customer, like the frequency caps.
- `ix_outbox_customer_sent` (customer_id, is_ad, sent_at) → `ix_outbox_customer` (customer_id): a
  message's entry no longer moves when it is claimed and again when it is sent (two random pages each
  time); the frequency cap reads the few messages of each customer instead.

Queries that should use a partial index say `status = 'active'` literally (SQLite matches the text of
the condition, not a bound value).

Revision ID: 0006_runner_partial_indexes
Revises: 0005_lean_runtime_indexes
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_runner_partial_indexes'
down_revision: str | None = '0005_lean_runtime_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.drop_index('ix_enrollments_due', table_name='enrollments')
    op.drop_index('ix_enrollments_journey_node', table_name='enrollments')
    op.drop_index('ix_outbox_enrollment_id', table_name='outbox')
    op.drop_index('ix_outbox_customer_sent', table_name='outbox')
    op.create_index('ix_outbox_customer', 'outbox', ['customer_id'])
    op.create_index('ix_enrollments_due', 'enrollments', ['wake_at'], sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index('ix_enrollments_journey', 'enrollments', ['journey_id'])
    op.create_index('ix_enrollments_waiting', 'enrollments', ['journey_id', 'node_id'], sqlite_where=ACTIVE,
                    postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_index('ix_enrollments_waiting', table_name='enrollments')
    op.drop_index('ix_enrollments_journey', table_name='enrollments')
    op.drop_index('ix_enrollments_due', table_name='enrollments')
    op.create_index('ix_outbox_enrollment_id', 'outbox', ['enrollment_id'])
    op.drop_index('ix_outbox_customer', table_name='outbox')
    op.create_index('ix_outbox_customer_sent', 'outbox', ['customer_id', 'is_ad', 'sent_at'])
    op.create_index('ix_enrollments_journey_node', 'enrollments', ['journey_id', 'status', 'node_id'])
    op.create_index('ix_enrollments_due', 'enrollments', ['status', 'wake_at'])
