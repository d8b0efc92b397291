"""Issue 7: the application connected as the tables' owner and could drop the append-only
triggers. The web / worker role that `manage.py grant_app_role` sets up owns nothing: it works
with rows, but cannot drop a trigger, alter the audit table, or rewrite the trails."""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    role, password = f"portal_app_test_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    db = connection.settings_dict
    host, port, name = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
    call_command("grant_app_role", app_url=f"postgres://{role}:{password}@{host}:{port}/{name}")
    conn = psycopg.connect(host=host, port=port, dbname=name, user=role, password=password, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def refused(conn, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        conn.execute(statement)
    return str(exc.value)


def test_the_app_role_works_with_rows_but_cannot_touch_the_audit_tables_structure_or_history(app_role):
    from portal.audit.services import record

    record(actor=None, action="测试", obj=None)
    # Rows: read and append.
    assert app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 1
    app_role.execute(
        "INSERT INTO audit_auditevent (kind, actor_label, action, object_type, object_id, object_label,"
        " changes, params, at) VALUES ('change', '', 'x', '', '', '', '{}', '{}', now())"
    )
    app_role.execute("SELECT count(*) FROM accounts_user").fetchone()
    # The trail itself: no rewriting, no emptying.
    refused(app_role, "UPDATE audit_auditevent SET action = 'forged'")
    refused(app_role, "DELETE FROM audit_auditevent")
    refused(app_role, "TRUNCATE audit_auditevent")
    # Its guard and its structure: only the owner may.
    assert "owner" in refused(app_role, "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
    assert "owner" in refused(app_role, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
    assert "owner" in refused(app_role, "ALTER TABLE audit_auditevent DROP COLUMN action")
    refused(app_role, "CREATE TABLE sneaky (id int)")


def test_the_order_log_and_the_application_history_are_append_only_for_the_app_role(app_role):
    # Every log built on the append-only base is covered, the HV stage log too.
    for table in ("utility_flows_workordertransition", "applications_applicationevent", "utility_flows_hvlog"):
        refused(app_role, f"DELETE FROM {table}")
        refused(app_role, f"TRUNCATE {table}")


def test_granting_again_is_harmless(app_role):
    db = connection.settings_dict
    user = app_role.info.user
    call_command(
        "grant_app_role", app_url=f"postgres://{user}:x@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
