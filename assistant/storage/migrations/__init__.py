"""Alembic migrations of the storage, run by `assistant.storage` at open (see `migrate.py`)."""
