"""The five-day rule under parallel submits: real requests on their own PostgreSQL connections."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from evaluations.models import Review
from tests.evaluations.conftest import form_data

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 6


def _api_body() -> dict:
    data = form_data()
    return {k: (int(v) if v.isdigit() else v) for k, v in data.items()}


def test_parallel_submits_from_one_phone_accept_exactly_one(customer, complete_matter):
    items = [complete_matter(customer) for _ in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)
    answers: list = [None] * PARALLEL

    def submit(i: int) -> None:
        client = Client()
        client.force_login(customer)
        try:
            barrier.wait(timeout=10)
            answers[i] = client.post(
                reverse("api-review-item-review", args=[items[i].pk]), _api_body(), content_type="application/json"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [400] * (PARALLEL - 1)
    assert Review.objects.filter(phone=customer.phone).count() == 1
    for refused in (a for a in answers if a.status_code == 400):
        body = refused.json()
        assert body["code"] == "review_too_soon"
        assert "起可再次评价" in body["detail"] and body["retry_after"] > 0
