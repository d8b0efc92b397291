"""The catalog pages run a fixed number of queries, however many drafts a customer has."""

import pytest

from applications.models import Application
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


def drafts(user, n):
    Application.objects.bulk_create(
        Application(
            business_code="residential_new",
            applicant=user,
            current_step="location",
            data={"raw": {}, "answers": {}, "done": [], "deferred": {}},
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_all_functions_and_the_materials_page_run_fixed_queries(client, django_assert_max_num_queries, count):
    user = VerifiedUserFactory()
    drafts(user, count)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        catalog = client.get("/services/")
    assert catalog.content.decode().count('class="tile"') == 18
    with django_assert_max_num_queries(7):
        materials = client.get("/services/residential_new/")
    page = materials.content.decode()
    assert page.count("继续办理") == 3  # the three most recent drafts, not all of them
    assert "装表位置照片" in page and "新装时必备" in page
