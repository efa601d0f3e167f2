"""The store: SQLAlchemy 2 models, sessions and Alembic migrations. Imports nothing of ours."""

from storage.db import Database, default_db_path, open_database, resolve_url

__all__ = ["Database", "default_db_path", "open_database", "resolve_url"]
