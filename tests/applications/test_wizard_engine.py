"""The application engine (portal.wizard) as applications runs on it: the SMS-confirmed submit
and its double-submit guard, the commitment deadline, and the rules a submit applies (the
low-voltage limit, no withdrawal once accepted). Each test here was checked to fail when the
one-line bug it names is planted."""

import ast
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from applications import services
from applications.models import (
    AbnormalFlag,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationState,
)
from applications.policy import policy_flags
from portal.core.errors import DomainError
from portal.notifications.models import Notification
from portal.verification.models import Purpose, SmsCode
from tests.applications.conftest import complete, photo, upload_missing
from tests.factories import ApplicationFactory, VerifiedUserFactory


def appointment() -> str:
    return f"{timezone.localdate() + timedelta(days=2):%Y-%m-%d}T09:30"


def ready_draft(user, street, *, capacity: str = "8") -> Application:
    """A 个人新装 draft with every step done and every document uploaded: one submit away."""
    application = services.start_application(user=user, business_code="residential_new")
    complete(
        application,
        user,
        "location",
        {
            "street": str(street.pk),
            "address": "八一中路 8 号 3 单元 502 室",
            "capacity": capacity,
            "appointment": appointment(),
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "property", {"property_proof_type": "real_estate_certificate"})
    complete(application, user, "applicant", {})
    upload_missing(application, user)
    return application


# --- the SMS code is spent by the submit -----------------------------------------------------------


@pytest.mark.django_db
def test_one_sms_code_submits_one_application_not_two(street, send_code):
    user = VerifiedUserFactory()
    first, second = ready_draft(user, street), ready_draft(user, street)
    code = send_code(user.phone, Purpose.SUBMIT)

    services.submit_application(application=first, user=user, sms_code=code)
    with pytest.raises(DomainError) as refused:
        services.submit_application(application=second, user=user, sms_code=code)

    assert refused.value.code == "code_used" and refused.value.field == "sms_code"
    assert "已使用" in refused.value.message
    second.refresh_from_db()
    assert second.state == ApplicationState.DRAFT and second.number is None
    assert SmsCode.objects.get(phone=user.phone, purpose=Purpose.SUBMIT).used_at is not None


@pytest.mark.django_db
def test_a_double_submit_of_one_draft_answers_the_same_application_twice(street, send_code):
    user = VerifiedUserFactory()
    application = ready_draft(user, street)
    code = send_code(user.phone, Purpose.SUBMIT)
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/applications/{application.pk}/submit/"

    first = client.post(url, {"sms_code": code}, format="json")
    second = client.post(url, {"sms_code": code}, format="json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["id"] == second.json()["id"] == application.pk
    assert first.json()["number"] == second.json()["number"] is not None
    assert ApplicationEvent.objects.filter(application=application, to_state="submitted").count() == 1


@pytest.mark.django_db
def test_a_wrong_code_counts_even_though_the_submit_fails(street, send_code):
    """The row lock is taken before the code is checked, yet a wrong guess is not forgiven by
    the rollback of the refused submit."""
    user = VerifiedUserFactory()
    application = ready_draft(user, street)
    code = send_code(user.phone, Purpose.SUBMIT)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(DomainError, match="还可以尝试4次"):
        services.submit_application(application=application, user=user, sms_code=wrong)
    assert SmsCode.objects.get(phone=user.phone).failed_attempts == 1
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


CONCURRENT_SUBMITS = 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_submits_all_answer_200_with_one_application(street, send_code):
    """Issue 7: 100 submits of one draft at once, each in its own thread over its own database
    connection (from the pool), as a flaky network's retries would arrive. All answer 200 with
    the same application; it is submitted once, its code spent once, the customer told once."""
    user = VerifiedUserFactory()
    application = ready_draft(user, street)
    code = send_code(user.phone, Purpose.SUBMIT)
    url = f"/api/v1/applications/{application.pk}/submit/"
    start = threading.Barrier(CONCURRENT_SUBMITS)
    answers: list[tuple[int, dict]] = []
    failures: list[BaseException] = []

    def submit_once():
        try:
            client = APIClient()
            client.force_authenticate(user)
            start.wait(timeout=60)
            response = client.post(url, {"sms_code": code}, format="json")
            answers.append((response.status_code, response.json()))
        except BaseException as exc:  # reported below; a thread must not die silently
            failures.append(exc)
        finally:
            connection.close()  # give the connection back to the pool

    threads = [threading.Thread(target=submit_once) for _ in range(CONCURRENT_SUBMITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    statuses = sorted({status for status, _body in answers})
    errors = [body for status, body in answers if status != 200]
    assert (len(answers), statuses, errors[:3]) == (CONCURRENT_SUBMITS, [200], [])
    assert {body["id"] for _status, body in answers} == {application.pk}
    assert {body["state"] for _status, body in answers} == {"submitted"}
    assert len({body["number"] for _status, body in answers}) == 1
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert ApplicationEvent.objects.filter(application=application, to_state="submitted").count() == 1
    assert SmsCode.objects.filter(phone=user.phone, used_at__isnull=False).count() == 1
    assert Notification.objects.filter(user=user, event="application.submitted").count() == 1


# --- the low-voltage limit (seed 002: 160 kW, 300 kW in a registered park) -------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("capacity", "flagged"), [("160", False), ("160.1", True), ("161", True)])
def test_a_low_voltage_request_is_flagged_only_above_160_kw(street, send_code, capacity, flagged):
    user = VerifiedUserFactory()
    application = ready_draft(user, street, capacity=capacity)
    submitted = services.submit_application(
        application=application, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT)
    )
    flags = list(submitted.flags.filter(kind=AbnormalFlag.Kind.LV_OVER_LIMIT))
    assert bool(flags) is flagged
    if flagged:
        assert f"{capacity} 千瓦" in flags[0].detail and "160 千瓦" in flags[0].detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "in_park", "flagged"),
    [
        ("160", False, False),
        ("160.1", False, True),
        ("300", True, False),
        ("300.1", True, True),
    ],
)
def test_the_limit_is_160_kw_outside_a_park_and_300_kw_inside(capacity, in_park, flagged):
    application = ApplicationFactory(business_code="residential_new", capacity=Decimal(capacity))
    answers = {"capacity": capacity, "park": 1 if in_park else None}
    kinds = [kind for kind, _detail in policy_flags(application, answers)]
    assert (AbnormalFlag.Kind.LV_OVER_LIMIT in kinds) is flagged


# --- withdrawal -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ApplicationState.ACCEPTED, ApplicationState.COMPLETED, ApplicationState.REJECTED])
def test_an_application_cannot_be_withdrawn_once_accepted_or_decided(state):
    application = ApplicationFactory(state=state)
    user = application.applicant
    with pytest.raises(DomainError) as refused:
        services.withdraw_application(application=application, user=user)
    assert refused.value.code == "not_withdrawable"
    assert "已受理，不能撤回" in refused.value.message
    application.refresh_from_db()
    assert application.state == state

    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == state


@pytest.mark.django_db
def test_a_submitted_application_can_still_be_withdrawn():
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)
    withdrawn = services.withdraw_application(application=application, user=application.applicant)
    assert withdrawn.state == ApplicationState.WITHDRAWN


# --- the commitment deadline (一证受理: a document promised for later) ------------------------------


@pytest.mark.django_db
def test_a_document_may_be_promised_for_at_most_60_days(street, client):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    complete(
        application,
        user,
        "location",
        {
            "street": str(street.pk),
            "address": "八一中路 8 号",
            "capacity": "8",
            "appointment": appointment(),
            "notice_confirmed": "on",
        },
    )
    today = timezone.localdate()

    too_late = services.save_documents(
        application=application, user=user, uploads={}, deferrals={"property_proof": today + timedelta(days=61)}
    )
    assert too_late == {"property_proof": "承诺补交期限应在明天到 60 天以内"}
    assert not application.documents.exists()

    assert (
        services.save_documents(
            application=application, user=user, uploads={}, deferrals={"property_proof": today + timedelta(days=60)}
        )
        == {}
    )
    promised = application.documents.get(requirement="property_proof")
    assert promised.how == ApplicationDocument.How.DEFERRED
    assert promised.due_on == today + timedelta(days=60)
    assert application.data["deferred"] == {"property_proof": (today + timedelta(days=60)).isoformat()}

    # The page offers no later date than that.
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/steps/documents/").content.decode()
    assert f'max="{today + timedelta(days=60):%Y-%m-%d}"' in page


@pytest.mark.django_db
def test_a_promise_for_today_is_refused(street):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    errors = services.save_documents(
        application=application,
        user=user,
        uploads={"id_front": photo()},
        deferrals={"property_proof": timezone.localdate()},
    )
    assert errors == {"property_proof": "承诺补交期限应在明天到 60 天以内"}


# --- the layering the engine promises ---------------------------------------------------------------


def test_nothing_in_the_platform_imports_applications():
    root = Path(settings.BASE_DIR) / "portal"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] == "applications"]
    assert offenders == []


def test_no_business_module_imports_another():
    root = Path(settings.BASE_DIR) / "applications" / "catalog" / "businesses"
    offenders = []
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("applications.catalog.businesses"):
                if node.module != "applications.catalog.businesses.common":
                    offenders.append(f"{path.name}: {node.module}")
    assert offenders == []
