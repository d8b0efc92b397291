"""The review form through the REST API for the mobile app: the same rules as the pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from evaluations.models import Review
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

BODY = {"level": 4, "overall": 5, "efficiency": 4, "guidance": 5, "convenience": 4, "usability": 5}


@pytest.fixture
def api(customer):
    client = APIClient()
    client.force_authenticate(customer)
    return client


def test_the_app_lists_to_dos_and_reviews_a_matter(api, customer, complete_matter):
    item = complete_matter(customer)

    assert [row["id"] for row in api.get(reverse("api-review-items")).json()["results"]] == [item.pk]
    answer = api.post(reverse("api-review-item-review", args=[item.pk]), BODY, format="json")

    assert answer.status_code == 201
    assert answer.json()["level_label"] == "满意" and answer.json()["title"] == item.title
    assert api.get(reverse("api-review-items")).json()["results"] == []
    assert api.get(reverse("api-reviews")).json()["results"][0]["id"] == answer.json()["id"]


def test_a_bad_review_without_reason_is_refused_field_by_field(api, customer, complete_matter):
    item = complete_matter(customer)

    answer = api.post(reverse("api-review-item-review", args=[item.pk]), {**BODY, "level": 1}, format="json")

    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"bad_reason", "bad_reason_text"}
    assert not Review.objects.exists()


def test_a_second_review_within_five_days_is_refused_with_the_date(api, customer, complete_matter):
    first, second = complete_matter(customer), complete_matter(customer)
    api.post(reverse("api-review-item-review", args=[first.pk]), BODY, format="json")

    answer = api.post(reverse("api-review-item-review", args=[second.pk]), BODY, format="json")

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "review_too_soon" and "起可再次评价" in body["detail"]
    assert body["fields"]["phone"] == [body["detail"]] and body["retry_after"] > 4 * 24 * 3600


def test_another_users_item_answers_404(customer, complete_matter):
    item = complete_matter(customer)
    other = APIClient()
    other.force_authenticate(VerifiedUserFactory())

    assert other.post(reverse("api-review-item-review", args=[item.pk]), BODY, format="json").status_code == 404


def test_an_anonymous_app_user_reviews_a_scanned_code_with_an_sms_code(visit_code, django_capture_on_commit_callbacks):
    from tests.conftest import latest_sms_code

    client = APIClient()
    phone = "13912345678"
    info = client.get(reverse("api-review-qr", args=[visit_code.token])).json()
    assert info["title"] == "城东供电营业厅" and info["kind"] == "visit"

    missing = client.post(reverse("api-review-qr", args=[visit_code.token]), {**BODY, "phone": phone}, format="json")
    assert missing.status_code == 400 and "sms_code" in missing.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("api-review-qr-send-code", args=[visit_code.token]), {"phone": phone}, format="json")
    assert sent.status_code == 202 and sent.json()["phone"] == "139****5678"

    answer = client.post(
        reverse("api-review-qr", args=[visit_code.token]),
        {**BODY, "phone": phone, "sms_code": latest_sms_code(phone)},
        format="json",
    )

    assert answer.status_code == 201
    assert Review.objects.get().phone == phone
    again = client.post(reverse("api-review-qr-send-code", args=[visit_code.token]), {"phone": phone}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "review_too_soon"


def test_anonymous_calls_to_personal_lists_answer_401():
    assert APIClient().get(reverse("api-reviews")).status_code == 401


def test_the_reviewer_answers_the_reply_through_the_api(customer, complete_matter, manager):
    from evaluations import services

    item = complete_matter(customer)
    review = services.submit_review(
        phone=customer.phone,
        item=item,
        user=customer,
        level=1,
        ratings=dict.fromkeys(("overall", "efficiency", "guidance", "convenience", "usability"), 1),
        bad_reason="attitude",
        bad_reason_text="态度差",
    )
    services.reply_case(case=review.case, rectification="培训", reply="已培训", by=manager)

    answer = APIClient().post(
        reverse("api-review-feedback", args=[review.access_token]), {"satisfied": True}, format="json"
    )

    assert answer.status_code == 200 and answer.json()["case_state"] == "closed"
