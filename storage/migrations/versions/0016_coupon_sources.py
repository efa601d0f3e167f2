"""Coupon code sources (issue #15 §3): pools of imported codes, a shared code, codes issued by the shop.

`coupon_codes`: one row per code of a pool the owner imported (unique per pool), taken by one customer.
`coupons`: a code is unique per customer only (a shared code is one row per customer), plus the source,
pool, status (`wanted` until a pool/shop code is obtained), the placeholder the held messages carry, the
tries and the shop's reference.

Revision ID: 0016_coupon_sources
Revises: 0015_custom_segments
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = '0016_coupon_sources'
down_revision: str | None = '0015_custom_segments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WANTED = sa.text("status = 'wanted'")


def upgrade() -> None:
    op.create_table('coupon_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool', sa.String(length=60), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('imported_at', storage.models.base.UTCDateTime(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', storage.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_coupon_codes_customer_id_customers'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_codes')),
    sa.UniqueConstraint('pool', 'code', name='uq_coupon_codes_pool_code'),
    )
    op.create_index('ix_coupon_codes_free', 'coupon_codes', ['pool', 'customer_id'])
    with op.batch_alter_table('coupons', recreate='always') as batch_op:
        batch_op.drop_constraint('uq_coupons_code', type_='unique')
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='auto', nullable=False))
        batch_op.add_column(sa.Column('pool', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='issued', nullable=False))
        batch_op.add_column(sa.Column('pending_key', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('error', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('shop_ref', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint('uq_coupons_code_customer', ['code', 'customer_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_coupons_pending_key'), ['pending_key'])
        batch_op.create_index('ix_coupons_code', ['code'])
    op.create_index('ix_coupons_wanted', 'coupons', ['status'], sqlite_where=WANTED, postgresql_where=WANTED)


def downgrade() -> None:
    op.drop_index('ix_coupons_wanted', table_name='coupons')
    with op.batch_alter_table('coupons', recreate='always') as batch_op:
        batch_op.drop_index('ix_coupons_code')
        batch_op.drop_constraint(batch_op.f('uq_coupons_pending_key'), type_='unique')
        batch_op.drop_constraint('uq_coupons_code_customer', type_='unique')
        for name in ('shop_ref', 'error', 'attempts', 'pending_key', 'status', 'pool', 'source'):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint('uq_coupons_code', ['code'])
    op.drop_index('ix_coupon_codes_free', table_name='coupon_codes')
    op.drop_table('coupon_codes')
