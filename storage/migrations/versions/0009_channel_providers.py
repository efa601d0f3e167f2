"""Each channel picks its own way out: `email.provider`, `sms.provider`, `kakao.provider` replace the one
`delivery.mode` (file or webhook) all channels shared.

A shop that sent by webhook keeps sending every channel by webhook; one that sent to files keeps that (the
default). `sms.provider` used to hold a provider name no code read (solapi, aligo, nhn, or empty): it now
says how text messages really go out, so it takes the old mode's value too.

Revision ID: 0009_channel_providers
Revises: 0008_sync_cursor_text
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_channel_providers'
down_revision: str | None = '0008_sync_cursor_text'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROVIDERS = ('email.provider', 'sms.provider', 'kakao.provider')
SETTINGS = sa.table('settings', sa.column('key', sa.String), sa.column('value', sa.JSON),
                    sa.column('updated_at', sa.DateTime))


def _value(raw: object) -> object:
    return json.loads(raw) if isinstance(raw, str) else raw


def upgrade() -> None:
    bind = op.get_bind()
    row = bind.execute(sa.select(SETTINGS.c.value, SETTINGS.c.updated_at)
                       .where(SETTINGS.c.key == 'delivery.mode')).first()
    mode = _value(row[0]) if row is not None else None
    if mode not in ('file', 'webhook'):
        mode = None
    old_sms = bind.execute(sa.select(SETTINGS.c.value).where(SETTINGS.c.key == 'sms.provider')).scalar()
    if mode is None and old_sms is None:
        return
    bind.execute(sa.delete(SETTINGS).where(SETTINGS.c.key.in_(('delivery.mode', 'sms.provider'))))
    if mode is not None:
        keys = [key for key in PROVIDERS if key == 'sms.provider' or bind.execute(
            sa.select(SETTINGS.c.key).where(SETTINGS.c.key == key)).first() is None]
        bind.execute(sa.insert(SETTINGS), [{'key': key, 'value': mode, 'updated_at': row[1]} for key in keys])


def downgrade() -> None:
    bind = op.get_bind()
    mode = _value(bind.execute(sa.select(SETTINGS.c.value).where(SETTINGS.c.key == 'email.provider')).scalar())
    bind.execute(sa.delete(SETTINGS).where(SETTINGS.c.key.in_(PROVIDERS)))
    if mode == 'webhook':
        bind.execute(sa.insert(SETTINGS), [{'key': 'delivery.mode', 'value': 'webhook', 'updated_at': sa.func.now()}])
