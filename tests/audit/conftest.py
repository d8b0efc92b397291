import pytest


@pytest.fixture
def customer(db):
    from tests.factories import VerifiedUserFactory

    return VerifiedUserFactory(name="马晓燕")


@pytest.fixture
def other_customer(db):
    from tests.factories import VerifiedUserFactory

    return VerifiedUserFactory(name="韩梅")


@pytest.fixture
def manager(db):
    from portal.accounts.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(name="王海涛", roles=[Role.ACCOUNT_MANAGER])


def make_events(*, subject, actor, count: int, action: str = "查看身份证照片", ip: str = "10.20.30.40"):
    """``count`` access events about ``subject``, one minute apart, the newest last."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.audit.models import AuditEvent, AuditKind
    from portal.audit.services import actor_label

    start = timezone.now() - timedelta(minutes=count + 1)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            at=start + timedelta(minutes=i),
            kind=AuditKind.ACCESS,
            actor=actor,
            actor_label=actor_label(actor),
            action=action,
            object_type="accounts.User",
            object_id=str(subject.pk),
            object_label=f"第{i}号材料",
            subject=subject,
            ip=ip,
        )
        for i in range(count)
    )
