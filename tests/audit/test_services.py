import pytest

from portal.accounts.models import StaffProfile
from portal.audit.models import AuditEvent, AuditKind, mask_ip
from portal.audit.services import actor_label, record, record_access
from tests.factories import resident_id

pytestmark = pytest.mark.django_db


def test_phones_and_id_numbers_in_changes_are_masked_before_they_are_stored(customer, manager):
    old_id, new_id = resident_id(11), resident_id(12, birth="19851120")

    event = record(
        actor=manager,
        action="修改联系人",
        obj=customer,
        subject=customer,
        changes={
            "phone": ["13812345678", "15987654321"],
            "id_number": [old_id, new_id],
            "contact": [{"phone": "13812345678", "note": "白天联系 13812345678"}, None],
            "capacity": [50, 80],
        },
    )

    stored = AuditEvent.objects.get(pk=event.pk).changes
    assert stored["phone"] == ["138****5678", "159****4321"]
    assert stored["id_number"] == [f"{old_id[:6]}********{old_id[-4:]}", f"{new_id[:6]}********{new_id[-4:]}"]
    assert stored["contact"] == [{"phone": "138****5678", "note": "白天联系 138****5678"}, None]
    assert stored["capacity"] == [50, 80]


def test_object_label_never_holds_a_phone_or_id_number_in_clear(customer, manager):
    class Labelled:
        pk = 7

        class _meta:
            label = "accounts.Anything"

        def __str__(self):
            return f"马晓燕 13812345678 {resident_id(5)}"

    event = record_access(actor=manager, what="查看证件号码", obj=Labelled(), subject=customer)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert "13812345678" not in stored.object_label
    assert resident_id(5) not in stored.object_label
    assert "138****5678" in stored.object_label
    assert stored.kind == AuditKind.ACCESS


def test_staff_actor_is_labelled_with_organisation_and_employee_number(manager):
    profile = manager.staff_profile

    assert actor_label(manager) == f"王海涛（{profile.organization} 工号{profile.employee_number}）"


def test_a_very_long_organisation_name_does_not_break_the_write(customer, manager):
    StaffProfile.objects.filter(user=manager).update(organization="国网青海省电力公司" * 11)
    manager.refresh_from_db()

    event = record(actor=manager, action="修改户名", obj=customer, subject=customer)

    assert len(event.actor_label) == 100
    assert AuditEvent.objects.get(pk=event.pk).actor_label.startswith("王海涛（国网青海省电力公司")


def test_system_actor_is_labelled_system(customer):
    assert record(actor=None, action="自动核验", obj=customer, subject=customer).actor_label == "系统"


@pytest.mark.parametrize(
    ("ip", "masked"),
    [
        ("10.20.30.40", "10.20.30.*"),
        ("2001:db8:85a3:12:8a2e:370:7334:1", "2001:db8:85a3:12:*"),
        ("::1", "0:0:0:0:*"),
        (None, ""),
    ],
)
def test_ip_addresses_lose_their_last_part(ip, masked):
    assert mask_ip(ip) == masked


def test_an_event_reads_in_local_time(customer, manager):
    from django.utils import timezone

    event = record(actor=manager, action="修改户名", obj=customer, subject=customer)

    assert str(event).startswith(f"{timezone.localtime(event.at):%Y-%m-%d %H:%M} 王海涛")
