"""Every log of the portal is evidence: the audit trail, the work-order log and the customer-
visible application history refuse UPDATE, DELETE and TRUNCATE — through the ORM and in
PostgreSQL itself (portal.core.append_only)."""

import pytest
from django.db import DatabaseError, connection, models, transaction

from applications.models import ApplicationEvent
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.core.append_only import AppendOnlyError
from tests.factories import ApplicationFactory, StaffFactory
from utility_flows import services
from utility_flows.models import WorkOrderTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(customer, manager):
    """One row of each log, written the way the services write them."""
    record(actor=manager, action="修改户名", obj=customer, subject=customer)
    order = services.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    services.advance(order=order, transition="contact", by=manager, reason="已电话联系")
    return {
        AuditEvent: AuditEvent.objects.filter(subject=customer).order_by("id").first(),
        WorkOrderTransition: WorkOrderTransition.objects.get(order=order, name="contact"),
        ApplicationEvent: ApplicationEvent.objects.filter(application=order.application).order_by("id").first(),
    }


def _snapshot(model, row):
    return model.objects.filter(pk=row.pk).values().get()


LOGS = [AuditEvent, WorkOrderTransition, ApplicationEvent]


@pytest.mark.parametrize("model", LOGS, ids=lambda m: m._meta.db_table)
def test_the_orm_refuses_to_rewrite_or_remove_a_row(rows, model):
    row = rows[model]
    before = _snapshot(model, row)
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.save()
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.delete()
    with pytest.raises(AppendOnlyError, match="append-only"):
        model.objects.filter(pk=row.pk).update(at=row.at)
    with pytest.raises(AppendOnlyError, match="append-only"):
        model.objects.filter(pk=row.pk).delete()
    assert _snapshot(model, row) == before


@pytest.mark.parametrize("model", LOGS, ids=lambda m: m._meta.db_table)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET at = at WHERE id = %s", "DELETE FROM {table} WHERE id = %s"])
def test_postgresql_refuses_update_and_delete_in_raw_sql(rows, model, statement):
    assert connection.vendor == "postgresql"
    row = rows[model]
    before = _snapshot(model, row)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=model._meta.db_table), [row.pk])
    assert _snapshot(model, row) == before


# TRUNCATE needs the rows committed (no pending constraint checks): transactional tests, whose
# own clean-up then shows the maintenance door works.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", LOGS, ids=lambda m: m._meta.db_table)
def test_postgresql_refuses_truncate(rows, model):
    table = model._meta.db_table
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert model.objects.filter(pk=rows[model].pk).exists()


@pytest.mark.parametrize("model", LOGS, ids=lambda m: m._meta.db_table)
def test_a_plain_queryset_that_skips_the_model_guard_is_still_refused(rows, model):
    row = rows[model]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(model=model).filter(pk=row.pk).update(at=row.at)
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_maintenance_door_needs_the_setting_and_ownership_of_the_table(rows):
    """The test suite's flush opens it (SET LOCAL in its own transaction); a role that does not
    own the table cannot, even with the setting."""
    table = WorkOrderTransition._meta.db_table
    with connection.cursor() as cursor:
        # Roles are cluster-wide: create it once, whoever gets there first.
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE portal_flows_test_app NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {table} TO portal_flows_test_app")
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.truncate_history = 'on'")
        cursor.execute("SET LOCAL ROLE portal_flows_test_app")
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert WorkOrderTransition.objects.filter(pk=rows[WorkOrderTransition].pk).exists()


def test_new_rows_are_still_appended(rows, customer):
    manager = StaffFactory()
    record(actor=manager, action="查看身份证照片", obj=customer, subject=customer)
    assert AuditEvent.objects.filter(subject=customer).count() >= 2
