"""Alembic environment for the register database: always run from ap-sheets itself
(`ap_sheets.db.store.upgrade`), on the connection it passes in; no alembic.ini."""

from alembic import context

from ap_sheets.db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
