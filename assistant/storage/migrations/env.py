"""Alembic environment: runs the migrations on the connection `assistant.storage` hands over.

At run time `assistant.storage.migrate.upgrade()` puts an open connection, already inside a transaction
that holds the database's migration lock, in `config.attributes["connection"]`; no alembic.ini is read.

For developers writing a revision (`alembic revision`), an alembic.ini is not shipped either: build a
`Config` in Python (see docs/core-api.md, "Writing a migration").
"""

from __future__ import annotations

from alembic import context

from assistant.storage.migrate import compare_type
from assistant.storage.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the storage migrations run on a connection given by assistant.storage (open_storage), "
        "not from an alembic.ini"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite changes most columns by copying the table: let autogenerate say so
    compare_type=compare_type,
)
with context.begin_transaction():
    context.run_migrations()
