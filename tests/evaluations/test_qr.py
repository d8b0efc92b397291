"""QR codes: generated in the admin before their link works, PNG / SVG downloads, and the public
review page where an anonymous phone user confirms the number with an SMS code."""

import pytest
from django.urls import reverse

from evaluations.models import QrCode, QrKind, Review, Source
from portal.verification.models import Purpose, SmsCode
from tests.conftest import latest_sms_code
from tests.evaluations.conftest import UNIT, form_data

pytestmark = pytest.mark.django_db

VISITOR = "13912345678"


def test_staff_create_a_code_and_it_has_no_link_until_generated(client, review_admin, service_point):
    client.force_login(review_admin)

    response = client.post(
        reverse("admin:evaluations_qrcode_add"),
        {"kind": "visit", "service_point": service_point.pk, "staff": "", "item": "", "is_active": "on"},
    )
    code = QrCode.objects.get()
    assert response.status_code == 302
    assert code.token is None and not code.is_generated
    page = client.get(reverse("admin:evaluations_qrcode_change", args=[code.pk])).content.decode()
    assert "尚未生成" in page and "生成二维码" in page
    assert client.get(reverse("admin:evaluations_qrcode_image", args=[code.pk, "png"])).status_code == 403

    client.post(reverse("admin:evaluations_qrcode_generate", args=[code.pk]))

    code.refresh_from_db()
    url = reverse("evaluations:qr_review", args=[code.token])
    page = client.get(reverse("admin:evaluations_qrcode_change", args=[code.pk])).content.decode()
    assert url in page and "<svg" in page and "下载 PNG" in page
    png = client.get(reverse("admin:evaluations_qrcode_image", args=[code.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("admin:evaluations_qrcode_image", args=[code.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    # Generating again keeps the printed link valid.
    client.post(reverse("admin:evaluations_qrcode_generate", args=[code.pk]))
    code.refresh_from_db()
    assert reverse("evaluations:qr_review", args=[code.token]) == url


def test_a_visit_code_needs_a_service_point_or_a_staff_member(client, review_admin):
    client.force_login(review_admin)

    response = client.post(
        reverse("admin:evaluations_qrcode_add"),
        {"kind": "visit", "service_point": "", "staff": "", "item": "", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "一次一评请选择服务网点或工作人员" in response.content.decode()
    assert not QrCode.objects.exists()


def test_unknown_or_disabled_codes_answer_404(client, visit_code):
    assert client.get(reverse("evaluations:qr_review", args=["no-such-code"])).status_code == 404
    QrCode.objects.filter(pk=visit_code.pk).update(is_active=False)
    assert client.get(reverse("evaluations:qr_review", args=[visit_code.token])).status_code == 404


def _send_code(client, token: str, phone: str = VISITOR):
    return client.post(reverse("evaluations:qr_send_code", args=[token]), {"phone": phone}, HTTP_HX_REQUEST="true")


def test_an_anonymous_visitor_confirms_the_phone_by_sms_and_reviews_the_service_point(
    client, visit_code, django_capture_on_commit_callbacks
):
    url = reverse("evaluations:qr_review", args=[visit_code.token])
    page = client.get(url).content.decode()
    assert "城东供电营业厅" in page and 'name="phone"' in page and 'name="sms_code"' in page

    with django_capture_on_commit_callbacks(execute=True):
        sent = _send_code(client, visit_code.token)
    assert "验证码已发送至139****5678" in sent.content.decode()
    code = latest_sms_code(VISITOR)

    response = client.post(url, form_data(5, phone=VISITOR, sms_code=code))

    assert "感谢您的评价" in response.content.decode()
    review = Review.objects.get()
    assert review.source == Source.QR_VISIT and review.user is None and review.phone == VISITOR
    assert review.unit == UNIT and review.service_point == visit_code.service_point
    assert SmsCode.objects.get(phone=VISITOR, purpose=Purpose.REVIEW).used_at is not None


def test_a_wrong_code_is_refused_next_to_the_field_and_nothing_is_saved(client, visit_code, send_code):
    send_code(VISITOR, Purpose.REVIEW)

    response = client.post(
        reverse("evaluations:qr_review", args=[visit_code.token]),
        form_data(4, phone=VISITOR, sms_code="000000", comment="窗口人员很耐心"),
    )

    assert "验证码错误" in response.context["form"].errors["sms_code"][0]
    assert "窗口人员很耐心" in response.content.decode()
    assert not Review.objects.exists()


def test_the_code_is_not_even_sent_to_a_phone_that_reviewed_within_five_days(client, visit_code, send_code):
    client.post(
        reverse("evaluations:qr_review", args=[visit_code.token]),
        form_data(5, phone=VISITOR, sms_code=send_code(VISITOR, Purpose.REVIEW)),
    )
    assert Review.objects.count() == 1
    SmsCode.objects.update(created_at=SmsCode.objects.get().created_at.replace(year=2020))  # past the 60 s rule

    answer = _send_code(client, visit_code.token).content.decode()

    assert "5天内已评价过一次" in answer and "起可再次评价" in answer
    assert SmsCode.objects.count() == 1


def test_a_matter_code_rates_its_matter_and_clears_the_to_do(
    client, customer, complete_matter, review_admin, send_code
):
    from evaluations.services import generate_qr_code

    item = complete_matter(customer)
    code = generate_qr_code(qr_code=QrCode.objects.create(kind=QrKind.MATTER, item=item), by=review_admin)

    client.post(
        reverse("evaluations:qr_review", args=[code.token]),
        form_data(5, phone=VISITOR, sms_code=send_code(VISITOR, Purpose.REVIEW)),
    )

    review = Review.objects.get()
    assert review.item == item and review.source == Source.QR_MATTER and review.title == item.title
    client.force_login(customer)
    assert item.title not in client.get(reverse("core:home")).content.decode()


def test_a_logged_in_scanner_reviews_with_the_phone_of_the_account(client, customer, visit_code):
    client.force_login(customer)
    url = reverse("evaluations:qr_review", args=[visit_code.token])
    assert 'name="sms_code"' not in client.get(url).content.decode()

    client.post(url, form_data(5))

    assert Review.objects.get().phone == customer.phone


def test_without_javascript_the_send_button_posts_the_page_and_keeps_what_was_typed(
    client, visit_code, django_capture_on_commit_callbacks
):
    url = reverse("evaluations:qr_review", args=[visit_code.token])

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {**form_data(2, phone=VISITOR, comment="排队太久"), "send_code": "review"})

    content = page.content.decode()
    assert "验证码已发送至139****5678" in content and "排队太久" in content
    assert latest_sms_code(VISITOR) and not Review.objects.exists()
