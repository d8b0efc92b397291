"""Named people and matters for the review tests: 马丽 the customer, 王芳 the account manager of
城东供电中心, 陈静 the supervisor, 孙佳琪 the review administrator."""

import pytest

from evaluations.models import Level, QrCode, QrKind, ServicePoint
from portal.accounts.roles import Role
from portal.core.signals import matter_completed
from tests.factories import ApplicationFactory, StaffFactory, VerifiedUserFactory

UNIT = "国网西宁供电公司城东供电中心"
GOOD = {
    "level": Level.SATISFIED,
    "ratings": {"overall": 5, "efficiency": 4, "guidance": 5, "convenience": 4, "usability": 5},
}


def form_data(level: int = Level.SATISFIED, **extra) -> dict:
    data = {
        "level": str(level),
        "overall": "5",
        "efficiency": "4",
        "guidance": "5",
        "convenience": "4",
        "usability": "5",
        "comment": "",
        "bad_reason": "",
        "bad_reason_text": "",
    }
    data.update({k: str(v) for k, v in extra.items()})
    return data


@pytest.fixture
def customer():
    return VerifiedUserFactory(name="马丽", phone="13800138001")


@pytest.fixture
def manager():
    return StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])


@pytest.fixture
def supervisor():
    return StaffFactory(name="陈静", roles=[Role.SUPERVISOR])


@pytest.fixture
def review_admin():
    return StaffFactory(name="孙佳琪", roles=[Role.REVIEW_ADMIN])


@pytest.fixture
def complete_matter(manager):
    """Complete an application of ``user`` the way utility_flows does: by the platform signal."""

    def _complete_item(user, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        from evaluations.models import ReviewItem

        application = ApplicationFactory(
            applicant=user, business_code=kwargs.pop("business_code", "residential_new"), state="completed"
        )
        matter_completed.send(
            sender=type(application),
            matter=application,
            user=user,
            kind="application",
            title=f"个人新装 {application.number}",
            business=application.business_code,
            business_label="个人新装",
            staff=kwargs.pop("staff", manager),
            unit=kwargs.pop("unit", UNIT),
        )
        return ReviewItem.objects.get(
            content_type=ContentType.objects.get_for_model(application), object_id=str(application.pk)
        )

    return _complete_item


@pytest.fixture
def service_point():
    return ServicePoint.objects.create(name="城东供电营业厅", unit=UNIT, address="西宁市城东区八一中路 8 号")


@pytest.fixture
def visit_code(service_point, review_admin):
    from evaluations.services import generate_qr_code

    code = QrCode.objects.create(kind=QrKind.VISIT, service_point=service_point)
    return generate_qr_code(qr_code=code, by=review_admin)
