"""审核时限 are rows (one source of truth): seeded with the values the office works to, edited
by licensing reviewers in the admin, and read by the clocks of the next step that starts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import AppState, LicenceLevel, ReviewTimeLimit
from portal.core.errors import DomainError
from portal.core.workdays import add_working_days
from tests.factories import StaffFactory
from tests.licensing.helpers import fill_everything_but_staff, fill_staff_for, make_firm, start_new


def lv5():
    return LicenceLevel.objects.get(scheme__code="2020", rank=5)


def ready(route="ordinary"):
    firm = make_firm()
    application = start_new(firm, {"install": lv5()}, route=route)
    fill_everything_but_staff(application)
    fill_staff_for(firm, lv5())
    return application


def submit(application):
    return services.submit(application=application, by=application.created_by)


def edit_in_admin(client, route, state, days):
    row = ReviewTimeLimit.objects.get(route=route, state=state)
    response = client.post(
        reverse("admin:licensing_reviewtimelimit_change", args=[row.pk]), {"working_days": days, "note": "局发文调整"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def queue(client, name):
    return client.get(reverse("admin:licensing_licenceapplication_changelist") + f"?queue={name}").content.decode()


def test_the_seeded_limits_are_todays_values(db):
    rows = {(r.route, r.state): r.working_days for r in ReviewTimeLimit.objects.all()}
    assert rows == {
        ("ordinary", "submitted"): 5,
        ("ordinary", "in_review"): 20,
        ("commitment", "submitted"): 2,
        ("commitment", "in_review"): 10,
    }


def test_a_reviewer_edits_a_limit_and_the_next_submitted_application_follows(client, db, reviewer):
    before = submit(ready())
    assert before.step_due_on == add_working_days(timezone.localdate(), 5)
    client.force_login(reviewer)
    page = client.get(reverse("admin:licensing_reviewtimelimit_changelist")).content.decode()
    assert "告知承诺制" in page and "审查中" in page
    edit_in_admin(client, "ordinary", AppState.SUBMITTED, 8)
    after = submit(ready())
    assert after.step_due_on == add_working_days(timezone.localdate(), 8)
    before.refresh_from_db()  # a step already running keeps the due date it started with
    assert before.step_due_on == add_working_days(timezone.localdate(), 5)
    edit_in_admin(client, "commitment", AppState.SUBMITTED, 3)
    commitment = submit(ready(route="commitment"))
    assert commitment.step_due_on == add_working_days(timezone.localdate(), 3)


def test_the_due_list_follows_the_review_limit(client, db, reviewer):
    client.force_login(reviewer)
    slow = submit(ready())
    slow = services.review(application=slow, action="pass_formal_review", by=reviewer)
    assert slow.step_due_on == add_working_days(timezone.localdate(), 20)
    edit_in_admin(client, "ordinary", AppState.IN_REVIEW, 1)
    fast = submit(ready())
    fast = services.review(application=fast, action="pass_formal_review", by=reviewer)
    assert fast.step_due_on == add_working_days(timezone.localdate(), 1)
    due = queue(client, "due")
    assert fast.number in due and slow.number not in due
    assert fast.number not in queue(client, "late")


def test_the_rows_are_the_only_source(db):
    ReviewTimeLimit.objects.filter(route="ordinary", state=AppState.SUBMITTED).delete()
    application = ready()
    with pytest.raises(DomainError) as exc:
        submit(application)
    assert exc.value.code == "no_time_limit"
    application.refresh_from_db()
    assert application.state == AppState.DRAFT


def test_rows_are_edited_never_added_or_deleted_and_only_by_licensing_staff(client, db, reviewer):
    row = ReviewTimeLimit.objects.get(route="ordinary", state=AppState.SUBMITTED)
    client.force_login(reviewer)
    assert client.get(reverse("admin:licensing_reviewtimelimit_add")).status_code == 403
    assert client.get(reverse("admin:licensing_reviewtimelimit_delete", args=[row.pk])).status_code == 403
    response = client.post(reverse("admin:licensing_reviewtimelimit_change", args=[row.pk]), {"working_days": 0})
    assert response.status_code == 200 and ReviewTimeLimit.objects.get(pk=row.pk).working_days == 5
    client.force_login(StaffFactory(roles=["客户经理"]))
    url = reverse("admin:licensing_reviewtimelimit_change", args=[row.pk])
    assert client.post(url, {"working_days": 30}).status_code == 403
    assert ReviewTimeLimit.objects.get(pk=row.pk).working_days == 5
    admin = get_user_model().objects.create_superuser(phone="13700009998", password="x")
    client.force_login(admin)
    edit_in_admin(client, "ordinary", AppState.SUBMITTED, 6)
    assert ReviewTimeLimit.objects.get(pk=row.pk).working_days == 6
