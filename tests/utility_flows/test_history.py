"""One history: every step of every declared flow writes its log entry, its audit row and the
customer's notification together; what is stored is codes and data, read back in the reader's
language. These tests kill planted bugs that the rest of the suite let through: a step that
no longer notifies the customer, a transition that writes no audit row, reassignment without
the role check."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from applications import services as application_services
from applications.models import ApplicationEvent
from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.notifications.models import Notification
from tests.factories import ApplicationFactory, ServiceAccountFactory, StaffFactory
from utility_flows import flows, selectors, services
from utility_flows.models import WorkOrderTransition

pytestmark = pytest.mark.django_db

LV_PATH = ["contact", "survey", "reply_plan", "connect", "sign_contract", "archive"]
CHANGE_PATH = ["contact", "check_on_site", "execute", "archive"]


def _lv_order(manager):
    return services.accept_application(application=ApplicationFactory(), by=manager)


@pytest.fixture
def orders(manager):
    account = ServiceAccountFactory()
    return {
        "lv_connection": (_lv_order(manager), LV_PATH),
        "change": (
            services.accept_application(
                application=ApplicationFactory(business_code="peak_valley", service_account=account), by=manager
            ),
            CHANGE_PATH,
        ),
    }


def test_the_paths_used_here_are_every_declared_step_of_both_flows():
    """If a flow gains a step, the tests below must walk it too."""
    declared = {f.code: {t.name for t in f.transitions} for f in flows.all_flows() if f.transitions}
    assert declared["lv_connection"] - {"start_grid_works"} == set(LV_PATH)
    assert declared["change"] - {"check_at_desk"} == set(CHANGE_PATH)


@pytest.mark.parametrize("flow", ["lv_connection", "change"])
def test_every_step_tells_the_customer_in_their_inbox(orders, manager, flow):
    order, path = orders[flow]
    customer = order.customer
    for name in path:
        before = Notification.objects.filter(user=customer).count()
        order = services.advance(order=order, transition=name, by=manager, reason="按约定办理")
        declared = order.declaration.transition(name)
        new = Notification.objects.filter(user=customer).order_by("-id")[:2]
        # The step's own notice; completing the matter also invites a review (review.invited).
        expected = 2 if declared.notify == "order.completed" else 1
        assert Notification.objects.filter(user=customer).count() == before + expected, (
            f"{flow}.{name} did not notify the customer"
        )
        latest = next(n for n in new if n.event == declared.notify)
        if declared.notify == "order.progress":
            with translation.override("zh-hans"):  # notifications speak the site's language
                assert str(order.declaration.state(order.state).label) in latest.title
            assert "按约定办理" in latest.body


@pytest.mark.parametrize("flow", ["lv_connection", "change"])
def test_every_transition_writes_one_audit_row_about_the_customer(orders, manager, flow):
    order, path = orders[flow]
    for name in path:
        before = set(
            AuditEvent.objects.filter(object_type="utility_flows.WorkOrder", object_id=str(order.pk)).values_list(
                "pk", flat=True
            )
        )
        order = services.advance(order=order, transition=name, by=manager)
        new = AuditEvent.objects.filter(object_type="utility_flows.WorkOrder", object_id=str(order.pk)).exclude(
            pk__in=before
        )
        assert new.count() == 1, f"{flow}.{name} wrote {new.count()} audit rows about the order"
        row = new.get()
        assert (row.actor, row.subject) == (manager, order.customer)
        with translation.override("zh-hans"):
            assert row.label == str(order.declaration.transition(name).label)
        assert row.changes["state"][1] == order.state
    # ...and the customer sees every one of them in 数据访问记录
    assert (
        AuditEvent.objects.filter(
            subject=order.customer, object_type="utility_flows.WorkOrder", object_id=str(order.pk)
        ).count()
        == len(path) + 1
    )


def test_log_audit_and_notification_commit_together_or_not_at_all(manager):
    order = _lv_order(manager)

    def counts():
        return (
            WorkOrderTransition.objects.count(),
            AuditEvent.objects.count(),
            Notification.objects.count(),
        )

    before = counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.advance(order=order, transition="contact", by=manager)
        raise RuntimeError("the request failed after the step")
    assert counts() == before


def test_reassignment_is_refused_to_staff_without_the_handler_role(manager, other_manager, inspector):
    order = _lv_order(manager)
    with pytest.raises(DomainError) as refused:
        services.reassign(order=order, to=other_manager, by=inspector, reason="我来安排")
    assert refused.value.code == "forbidden"
    order.refresh_from_db()
    assert order.assignee == manager
    assert not order.transitions.filter(name="reassign").exists()
    customer = StaffFactory(roles=[])
    with pytest.raises(DomainError):
        services.reassign(order=order, to=other_manager, by=customer, reason="我来安排")


def test_reassignment_only_to_a_member_of_the_handler_role(manager, inspector, supervisor):
    order = _lv_order(manager)
    with pytest.raises(DomainError) as refused:
        services.reassign(order=order, to=inspector, by=supervisor, reason="人手不足")
    assert refused.value.code == "bad_assignee"
    order.refresh_from_db()
    assert order.assignee == manager


def test_reassignment_writes_log_audit_and_notification_together(manager, other_manager, supervisor):
    order = _lv_order(manager)
    services.reassign(order=order, to=other_manager, by=supervisor, reason="王芳休假")
    assert order.transitions.filter(name="reassign").count() == 1
    assert AuditEvent.objects.filter(action="改派工单", object_id=str(order.pk), subject=order.customer).count() == 1
    note = Notification.objects.filter(user=order.customer, event="order.reassigned").get()
    assert "刘洋" in note.body


# --- codes, not the writer's language ---------------------------------------------------------------


@override_settings(LANGUAGE_CODE="zh-hans")
def test_staff_using_english_write_codes_the_chinese_customer_reads_in_chinese(manager, other_manager):
    with translation.override("en"):
        order = _lv_order(manager)
        order = services.advance(order=order, transition="contact", by=manager, reason="Called, visit tomorrow")
        services.reassign(order=order, to=other_manager, by=manager, reason="on leave")
        returned = application_services.return_application(
            application=ApplicationFactory(applicant=order.customer), by=manager, reason="照片模糊"
        )

    # Stored: codes (source strings) and the typed text as typed — nothing in English but what was typed.
    actions = set(AuditEvent.objects.filter(subject=order.customer).values_list("action", flat=True))
    assert {"受理申请并生成工单", "已联系客户", "改派工单", "退回补正"} <= actions
    accept = order.transitions.get(name="accept")
    assert accept.comment == "" and accept.data["notes"][0]["code"] == "assigned"
    event = ApplicationEvent.objects.filter(application=returned).order_by("-id").first()
    assert (event.note, event.reason) == ("退回补正", "照片模糊")
    # Notifications are in the site's language, whoever pressed the button.
    progress = Notification.objects.filter(user=order.customer, event="order.progress").get()
    assert "已联系客户" in progress.title and "说明：Called, visit tomorrow" in progress.body

    # Read in Chinese...
    with translation.override("zh-hans"):
        history = selectors.history(order.application)
        assert [e.label for e in AuditEvent.objects.filter(subject=order.customer, action="改派工单")] == ["改派工单"]
        assert any(e.note.startswith("分派给客户经理 王芳") for e in history)
        assert str(event.text) == "退回补正：照片模糊"
    # ...and in English, from the same rows.
    with translation.override("en"):
        assert AuditEvent.objects.filter(action="改派工单").get().label == "Reassign work order"
        assert order.transitions.get(name="contact").label == "Customer contacted"
        assert event.text == "Returned for correction：照片模糊"


def test_a_step_note_is_data_rendered_for_each_reader(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    for name in LV_PATH:
        order = services.advance(order=order, transition=name, by=manager)
    entry = order.transitions.get(name="archive")
    number = order.application.service_account.number
    assert entry.data == {"notes": [{"code": "account_opened", "number": number}]}
    with translation.override("zh-hans"):
        assert entry.reason == f"新户号 {number} 已立户并绑定到客户"
    with translation.override("en"):
        assert entry.reason == f"New service account {number} opened and linked to the customer"


def test_archiving_an_order_sends_matter_completed_once_for_the_reviews_module(manager):
    from portal.core.signals import matter_completed

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    matter_completed.connect(receiver, dispatch_uid="test-matter-completed")
    try:
        order = _lv_order(manager)
        for name in LV_PATH:
            order = services.advance(order=order, transition=name, by=manager)
    finally:
        matter_completed.disconnect(dispatch_uid="test-matter-completed")
    assert len(received) == 1
    assert (received[0]["kind"], received[0]["user"], received[0]["staff"]) == ("application", order.customer, manager)
    assert received[0]["matter"].pk == order.application_id


def test_the_log_list_in_the_backoffice_reads_each_entry_in_the_staff_members_language(client, manager):
    order = _lv_order(manager)
    services.advance(order=order, transition="contact", by=manager, reason="已电话联系")
    client.force_login(manager)
    html = client.get("/admin/utility_flows/workordertransition/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "说明" in html and "分派给客户经理 王芳" in html and "已电话联系" in html
