"""The audit trail is evidence: once written, no code path may rewrite or remove it."""

import pytest
from django.db import DatabaseError, connection, models, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(customer, manager):
    return record(actor=manager, action="修改户名", obj=customer, subject=customer, changes={"name": ["张三", "李四"]})


def _unchanged(event) -> None:
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.changes) == ("修改户名", {"name": ["张三", "李四"]})


def test_saving_an_existing_event_through_the_orm_is_refused(event):
    event.action = "什么也没发生"

    with pytest.raises(TypeError, match="append-only"):
        event.save()
    _unchanged(event)


def test_deleting_an_event_through_the_orm_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    _unchanged(event)


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="什么也没发生")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    _unchanged(event)


def test_postgresql_refuses_an_update_that_bypasses_the_orm_guards(event):
    assert connection.vendor == "postgresql"
    # A plain QuerySet, as a careless script might build, skips the model's own guard.
    plain = models.QuerySet(model=AuditEvent).filter(pk=event.pk)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.update(action="什么也没发生")
    _unchanged(event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = '什么也没发生' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_sql_update_and_delete(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    _unchanged(event)


def test_new_events_can_still_be_appended(event, customer, manager):
    record(actor=manager, action="查看身份证照片", obj=customer, subject=customer)

    assert AuditEvent.objects.filter(subject=customer).count() == 2
