"""Append-only tables: history that no code path may rewrite or remove.

Three layers, used together by every log of the portal (the audit trail, the work-order log,
the application history, and the next ones):

* ``AppendOnlyModel`` — an abstract model: ``save()`` of an existing row and ``delete()`` raise
  ``TypeError``; its default manager's queryset refuses ``update()`` and ``delete()``.
* ``AppendOnlyTrigger`` — a migration operation that makes PostgreSQL itself refuse UPDATE and
  DELETE (row-level trigger) and TRUNCATE (statement-level trigger) on the model's table, so
  neither a plain ``QuerySet``, raw SQL, nor a careless script can rewrite history:

      operations = [AppendOnlyTrigger("workordertransition")]

* the maintenance door: a migration that must rewrite rows (a data migration to new columns)
  wraps its work in ``with rewriting_history(schema_editor, Model):`` which disables the
  row trigger for the length of that migration's transaction only. TRUNCATE is let through
  only to the table's owner, in a transaction that has run
  ``SET LOCAL portal.truncate_history = 'on'`` (the test suite does this when it empties the
  database between tests); the application's own database role does not own the tables.

On other databases (SQLite for ``make run``) only the ORM layer applies.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import models
from django.db.migrations.operations.base import Operation

TRUNCATE_SETTING = "portal.truncate_history"


class AppendOnlyError(TypeError):
    """Raised by the ORM guard. A ``TypeError`` so that callers already catching it keep working."""


def _refuse(model) -> None:
    raise AppendOnlyError(f"{model._meta.db_table} is append-only")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(self.model)


class AppendOnlyModel(models.Model):
    """Rows are written once. Subclasses keep ``objects = AppendOnlyQuerySet.as_manager()``
    (inherited) or a manager built on a subclass of ``AppendOnlyQuerySet``."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self))


def _names(table: str) -> dict[str, str]:
    return {
        "table": table,
        "func": f"{table}_append_only",
        "row": f"{table}_append_only",
        "stmt": f"{table}_no_truncate",
        "setting": TRUNCATE_SETTING,
    }


def create_sql(table: str) -> str:
    return """
CREATE OR REPLACE FUNCTION {func}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('{setting}', true), '') = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '{table} is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER {row}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {func}();
CREATE OR REPLACE TRIGGER {stmt}
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {func}();
""".format(**_names(table))


def drop_sql(table: str) -> str:
    return """
DROP TRIGGER IF EXISTS {stmt} ON {table};
DROP TRIGGER IF EXISTS {row} ON {table};
DROP FUNCTION IF EXISTS {func}();
""".format(**_names(table))


class AppendOnlyTrigger(Operation):
    """Install (and on reverse, remove) the PostgreSQL guard on a model's table."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create_sql(self._table(app_label, to_state)))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop_sql(self._table(app_label, from_state)))

    def describe(self):
        return f"Make {self.model_name} append-only in PostgreSQL (UPDATE, DELETE, TRUNCATE refused)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_append_only"


@contextmanager
def rewriting_history(schema_editor, model):
    """For data migrations only: let this migration's transaction rewrite rows of ``model``."""
    table = model._meta.db_table
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{table}_append_only"')
    try:
        yield
    finally:
        if postgres:
            schema_editor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{table}_append_only"')


def allow_truncate_sql() -> str:
    """The statement a maintenance transaction (the test suite's flush) runs first."""
    return f"SET LOCAL {TRUNCATE_SETTING} = 'on'"


def append_only_tables() -> list[str]:
    """The tables of every append-only model: the app's database role may not rewrite them."""
    from django.apps import apps

    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel))
