"""Alembic, run from code: every start upgrades the database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a database newer than this app is refused."""
    from storage.db import StorageError, storage_error

    url = engine.url.render_as_string(hide_password=False)
    script = ScriptDirectory.from_config(alembic_config())
    try:
        current = current_revision(engine)
    except DBAPIError as exc:  # a full disk or a read-only folder is not "not a database"
        failure = storage_error(exc, url) or StorageError(f"the file is not a database this app can read ({exc.orig})",
                                                          "not_a_database")
        raise failure from None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise StorageError(
            f"the database was written by a newer version of this app (revision {current}); update the app"
        )
    if revision == "head" and current == script.get_current_head():
        return
    try:
        command.upgrade(alembic_config(engine), revision)
    except DBAPIError as exc:
        raise storage_error(exc, url) or StorageError(f"could not upgrade the database: {exc.orig}") from None


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
