"""An electrician's ID number is on one firm's active staff only: the database refuses the
second, also when two firms save at the same moment, and the form names the rule."""

import threading

import pytest
from django.db import IntegrityError, connection

from licensing import services
from licensing.forms import SkilledStaffForm
from licensing.models import StaffMember, StaffStatus
from portal.core.errors import DomainError
from tests.licensing.helpers import make_firm, start_new, unique_id_number

RULE = "同一身份证号码只能在一家企业的在职人员名单中"


def _form(id_number):
    return SkilledStaffForm(
        {
            "staff-name": "马电工",
            "staff-id_number": id_number,
            "staff-specialty": "高压电工",
            "staff-is_hv_electrician": "on",
        },
        instance=StaffMember(kind="skilled"),
        prefix="staff",
    )


def test_the_database_refuses_a_second_active_row(db):
    a, b = make_firm(), make_firm()
    number = unique_id_number()
    StaffMember.objects.create(firm=a, kind="skilled", name="马电工", id_number=number)
    with pytest.raises(IntegrityError):
        StaffMember.objects.create(firm=b, kind="skilled", name="马电工", id_number=number)


def test_the_service_says_which_rule_failed_and_a_person_who_left_may_join_another_firm(db):
    a, b = make_firm(), make_firm()
    number = unique_id_number()
    form = _form(number)
    assert form.is_valid()
    member = services.save_staff(firm=a, by=None, form=form)
    form = _form(number)
    assert form.is_valid()
    with pytest.raises(DomainError) as exc:
        services.save_staff(firm=b, by=None, form=form)
    assert RULE in exc.value.message and exc.value.field == "id_number"
    StaffMember.objects.filter(pk=member.pk).update(status=StaffStatus.LEFT)
    form = _form(number)
    assert form.is_valid()
    assert services.save_staff(firm=b, by=None, form=form).firm == b


def test_the_page_shows_the_rule_next_to_the_field_and_keeps_the_input(db, client):
    a, b = make_firm(), make_firm()
    number = unique_id_number()
    StaffMember.objects.create(firm=a, kind="skilled", name="马电工", id_number=number)
    user = b.enterprise.memberships.first().user
    application = start_new(
        b, {"install": __import__("licensing.models").models.LicenceLevel.objects.get(scheme__code="2020", rank=5)}
    )
    client.force_login(user)
    response = client.post(
        f"/licensing/applications/{application.pk}/rows/skilled_staff/add/",
        {"staff-name": "马电工", "staff-id_number": number, "staff-specialty": "电工"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and RULE in page and 'value="马电工"' in page
    assert 'id="field-staff-id_number"' in page


@pytest.mark.django_db(transaction=True)
def test_two_firms_saving_the_same_person_at_the_same_moment_one_wins(django_db_blocker):
    a, b = make_firm(), make_firm()
    number = unique_id_number()
    barrier = threading.Barrier(2)
    results = []

    def save(firm):
        try:
            form = _form(number)
            assert form.is_valid()
            barrier.wait(timeout=10)
            services.save_staff(firm=firm, by=None, form=form)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f,)) for f in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results)[0] == "ok" and RULE in sorted(results)[1], results
    assert StaffMember.objects.filter(id_number=number).count() == 1
