"""The reply SMS to an anonymous QR reviewer goes out through a real Celery worker on Redis."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import Level, QrCode, QrKind, RectificationCase, Review, ServicePoint
from evaluations.tasks import text_reviewer
from portal.accounts.roles import Role
from portal.verification.models import SmsMessage
from tests.factories import StaffFactory
from tests.notifications import test_worker as platform_worker

# The platform's fixture: a real `celery -A portal worker` process on our Redis and test database.
celery_worker_process = platform_worker.celery_worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_texts_the_reply_link_to_an_anonymous_reviewer_once(celery_worker_process):
    manager = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
    point = ServicePoint.objects.create(name="城东供电营业厅", unit="国网西宁供电公司城东供电中心")
    code = services.generate_qr_code(qr_code=QrCode.objects.create(kind=QrKind.VISIT, service_point=point), by=manager)
    now = timezone.now()
    review = Review.objects.create(
        source="qr_visit",
        qr_code=code,
        phone="13912345678",
        level=Level.VERY_DISSATISFIED,
        overall=1,
        efficiency=1,
        guidance=1,
        convenience=1,
        usability=1,
        bad_reason="attitude",
        bad_reason_text="态度差",
        title=point.name,
        unit=point.unit,
        submitted_at=now,
        next_allowed_at=now + timedelta(days=5),
    )
    case = services._open_case(review)

    services.reply_case(case=case, rectification="批评教育", reply="已对窗口人员批评教育", by=manager)

    celery_worker_process.wait_until_processed(text_reviewer, 1)
    message = SmsMessage.objects.get(phone="13912345678")
    assert "已对窗口人员批评教育" in message.text
    assert reverse("evaluations:feedback", args=[review.access_token]) in message.text
    assert RectificationCase.objects.get().reviewer_notified_at is not None
    text_reviewer.delay(case.pk)  # a repeated task sends nothing more
    celery_worker_process.wait_until_processed(text_reviewer, 2)
    assert SmsMessage.objects.filter(phone="13912345678").count() == 1
