"""Review on the django-fsm machine, licences issued and updated, the electronic licence, the
registry lookup the HV inspection asks, expiry reminders."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from licensing import services
from licensing.models import (
    AppState,
    Licence,
    LicenceApplication,
    LicenceLevel,
    StaffMember,
    StaffStatus,
)
from portal.core.errors import DomainError
from portal.core.licences import check_contractor_licence
from portal.core.signals import matter_completed
from portal.notifications.models import Notification
from tests.factories import StaffFactory
from tests.licensing.helpers import (
    add_staff,
    fill_everything_but_staff,
    fill_staff_for,
    make_firm,
    start_new,
)


def lv(rank, scheme="2020"):
    return LicenceLevel.objects.get(scheme__code=scheme, rank=rank)


def submitted(firm, levels=None):
    levels = levels or {"install": lv(5)}
    application = start_new(firm, levels)
    fill_everything_but_staff(application)
    if not firm.staff.exists():
        fill_staff_for(firm, max((v for v in levels.values()), key=lambda x: x.tech_staff_min))
    return services.submit(application=application, by=application.created_by)


def licensed(firm, reviewer, capture, levels=None):
    application = submitted(firm, levels)
    services.review(application=application, action="pass_formal_review", by=reviewer)
    with capture(execute=True):
        services.review(application=application, action="approve", by=reviewer)
    return Licence.objects.get(firm=firm)


def test_approval_issues_a_licence_for_six_years_with_a_pdf_and_qr(
    db, reviewer, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://yingye.example.cn"
    firm = make_firm(name="青海宏源电力安装工程有限公司")
    completed = []
    matter_completed.connect(lambda **kw: completed.append(kw), weak=False, dispatch_uid="t-licensing")
    try:
        licence = licensed(firm, reviewer, django_capture_on_commit_callbacks, {"install": lv(5), "test": lv(5)})
    finally:
        matter_completed.disconnect(dispatch_uid="t-licensing")
    today = timezone.localdate()
    assert licence.status == "valid" and licence.issued_on == today
    assert licence.expires_on == today.replace(year=today.year + 6)
    assert sorted(licence.scope_labels()) == ["承装五级", "承试五级"]
    assert completed and completed[0]["kind"] == "licence_application" and completed[0]["staff"] == reviewer
    licence.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(licence.document.file.read())).pages)
    assert "承装（修、试）电力设施许可证" in text and licence.number in text and "青海宏源电力安装工程有限公司" in text
    assert f"https://yingye.example.cn/licensing/verify/?number={licence.number}" in text
    check = check_contractor_licence(licence.number)
    assert check.is_valid and check.holder == "青海宏源电力安装工程有限公司" and "承装五级" in check.scope
    application = LicenceApplication.objects.get(firm=firm)
    assert [e.action for e in application.log.all()] == ["create", "submit", "pass_formal_review", "approve"]
    assert Notification.objects.filter(user=application.created_by, event="licensing.progress").count() == 2


def test_a_return_for_correction_needs_a_reason_and_the_firm_resubmits(db, reviewer):
    application = submitted(make_firm())
    with pytest.raises(DomainError) as exc:
        services.review(application=application, action="return_for_correction", by=reviewer)
    assert exc.value.field == "reason"
    services.review(application=application, action="return_for_correction", by=reviewer, reason="股权证明不清晰")
    application.refresh_from_db()
    assert application.state == AppState.RETURNED and application.is_editable
    services.submit(application=application, by=application.created_by)
    application.refresh_from_db()
    assert application.state == AppState.SUBMITTED


def test_refusal_keeps_the_reasons_and_no_licence_is_issued(db, reviewer):
    application = submitted(make_firm())
    services.review(application=application, action="refuse", by=reviewer, reason="技术负责人资格不符")
    application.refresh_from_db()
    assert application.state == AppState.REFUSED and application.reason == "技术负责人资格不符"
    assert not Licence.objects.filter(firm=application.firm).exists()


def test_only_licensing_reviewers_review(db):
    application = submitted(make_firm())
    manager = StaffFactory(roles=["客户经理"])
    with pytest.raises(DomainError) as exc:
        services.review(application=application, action="pass_formal_review", by=manager)
    assert exc.value.code == "forbidden"


def test_steps_have_working_day_limits_and_late_ones_are_flagged(db, reviewer):
    application = submitted(make_firm())
    assert application.step_due_on > timezone.localdate()
    LicenceApplication.objects.filter(pk=application.pk).update(step_due_on=timezone.localdate() - timedelta(days=1))
    application.refresh_from_db()
    assert application.is_late


def test_licence_change_keeps_number_and_expiry(db, reviewer, django_capture_on_commit_callbacks):
    firm = make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    Licence.objects.filter(pk=licence.pk).update(expires_on=licence.expires_on - timedelta(days=400))
    licence.refresh_from_db()
    add_staff(firm, technical=5, skilled=10, electricians=5)
    change = services.start_application(
        firm=firm,
        by=firm.enterprise.memberships.first().user,
        kind="licence_change",
        levels={"install": lv(4).pk},
        submitter_name="赵强",
        submitter_id_number=licence.firm.enterprise.legal_rep_id_number,
    )
    fill_everything_but_staff(change)
    services.submit(application=change, by=change.created_by)
    services.review(application=change, action="pass_formal_review", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.review(application=change, action="approve", by=reviewer)
    after = Licence.objects.get(pk=licence.pk)
    assert after.number == licence.number and after.expires_on == licence.expires_on
    assert after.scope_labels() == ["承装四级"]


def test_renewal_opens_ahead_of_expiry_and_may_downgrade(db, reviewer, django_capture_on_commit_callbacks):
    firm = make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks, {"install": lv(4)})
    user = firm.enterprise.memberships.first().user
    with pytest.raises(DomainError) as exc:
        services.start_application(
            firm=firm,
            by=user,
            kind="renewal",
            submitter_name="赵强",
            submitter_id_number=firm.enterprise.legal_rep_id_number,
        )
    assert exc.value.code == "renewal_closed"
    Licence.objects.filter(pk=licence.pk).update(expires_on=timezone.localdate() + timedelta(days=29))
    with pytest.raises(DomainError):  # fewer than 30 days left: too late
        services.start_application(
            firm=firm,
            by=user,
            kind="renewal",
            submitter_name="赵强",
            submitter_id_number=firm.enterprise.legal_rep_id_number,
        )
    expiry = timezone.localdate() + timedelta(days=30)
    Licence.objects.filter(pk=licence.pk).update(expires_on=expiry)
    with pytest.raises(DomainError):  # a downgrade cannot go up
        services.start_application(
            firm=firm,
            by=user,
            kind="renewal",
            downgrade=True,
            levels={"install": lv(3).pk},
            submitter_name="赵强",
            submitter_id_number=firm.enterprise.legal_rep_id_number,
        )
    renewal = services.start_application(
        firm=firm,
        by=user,
        kind="renewal",
        downgrade=True,
        levels={"install": lv(5).pk},
        submitter_name="赵强",
        submitter_id_number=firm.enterprise.legal_rep_id_number,
    )
    fill_everything_but_staff(renewal)
    services.submit(application=renewal, by=user)
    services.review(application=renewal, action="pass_formal_review", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.review(application=renewal, action="approve", by=reviewer)
    licence.refresh_from_db()
    assert licence.scope_labels() == ["承装五级"]
    assert licence.expires_on == expiry.replace(year=expiry.year + 6)


def test_registration_change_shows_before_and_after_and_keeps_the_number(
    db, reviewer, django_capture_on_commit_callbacks
):
    firm = make_firm(name="旧名称电力有限公司")
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    user = firm.enterprise.memberships.first().user
    change = services.start_application(firm=firm, by=user, kind="registration_change")
    assert change.changes["name"] == ["旧名称电力有限公司", "旧名称电力有限公司"]
    assert "未填写任何变更后的登记事项" in services.material_problems(change)
    services.save_basic(application=change, by=user, changes_after={"name": "新名称电力有限公司"})
    fill_everything_but_staff(change)
    services.submit(application=change, by=user)
    services.review(application=change, action="pass_formal_review", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.review(application=change, action="approve", by=reviewer)
    firm.enterprise.refresh_from_db()
    licence.refresh_from_db()
    assert firm.enterprise.name == "新名称电力有限公司" and licence.holder_name == "新名称电力有限公司"
    assert Licence.objects.get(firm=firm).number == licence.number


def test_cancellation_makes_the_registry_say_cancelled(db, reviewer, django_capture_on_commit_callbacks, client):
    firm = make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    user = firm.enterprise.memberships.first().user
    cancel = services.start_application(firm=firm, by=user, kind="cancellation")
    services.save_basic(application=cancel, by=user, matter="企业停业，申请注销许可证")
    fill_everything_but_staff(cancel)
    services.submit(application=cancel, by=user)
    services.review(application=cancel, action="pass_formal_review", by=reviewer)
    services.review(application=cancel, action="approve", by=reviewer)
    answer = client.get("/api/v1/licences/verify/", {"number": licence.number}).json()
    assert (
        answer["status"] == "cancelled" and answer["valid"] is False and answer["message"] == "该许可证已注销，不再有效"
    )
    page = client.get("/licensing/verify/", {"number": licence.number}).content.decode()
    assert "该许可证已注销，不再有效" in page


def test_personnel_change_onboards_and_offboards_after_review(db, reviewer, django_capture_on_commit_callbacks):
    firm = make_firm()
    licensed(firm, reviewer, django_capture_on_commit_callbacks)
    user = firm.enterprise.memberships.first().user
    leaving = firm.staff.filter(kind="skilled").first()
    change = services.start_application(firm=firm, by=user, kind="personnel_change")
    services.request_offboarding(application=change, by=user, member=leaving)
    newcomer = StaffMember.objects.create(
        firm=firm,
        kind="skilled",
        name="新电工",
        id_number="630102199001010012",
        status=StaffStatus.ONBOARDING,
        change_application=change,
    )
    assert services.material_problems(change) == []
    services.submit(application=change, by=user)
    services.review(application=change, action="pass_formal_review", by=reviewer)
    services.review(application=change, action="approve", by=reviewer)
    leaving.refresh_from_db()
    newcomer.refresh_from_db()
    assert leaving.status == StaffStatus.LEFT and newcomer.status == StaffStatus.ACTIVE


def test_abandon_a_draft_and_terminate_an_application_in_progress(db):
    firm = make_firm()
    draft = start_new(firm, {"install": lv(5)})
    services.abandon(application=draft, by=draft.created_by)
    draft.refresh_from_db()
    assert draft.state == AppState.ABANDONED
    application = submitted(firm)
    with pytest.raises(DomainError):
        services.abandon(application=application, by=application.created_by)
    services.terminate(application=application, by=application.created_by)
    application.refresh_from_db()
    assert application.state == AppState.TERMINATED


def test_expiry_reminders_at_90_60_30_days_once_each_and_expired_marked(
    db, reviewer, django_capture_on_commit_callbacks
):
    firm = make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    Licence.objects.filter(pk=licence.pk).update(expires_on=today + timedelta(days=89))
    assert services.send_expiry_reminders() == 1
    assert services.send_expiry_reminders() == 0
    user = firm.enterprise.memberships.first().user
    assert Notification.objects.filter(user=user, event="licensing.expiring").count() == 1
    Licence.objects.filter(pk=licence.pk).update(expires_on=today + timedelta(days=30))
    assert services.send_expiry_reminders() == 2  # the 60 and the 30 day reminders
    Licence.objects.filter(pk=licence.pk).update(expires_on=today - timedelta(days=1))
    assert services.mark_expired() == 1
    assert check_contractor_licence(licence.number).status == "expired"


def test_unknown_numbers_say_so(db, client):
    answer = client.get("/api/v1/licences/verify/", {"number": "6-3-2099-99999"}).json()
    assert answer["status"] == "unknown" and answer["message"] == "查无此证"
    assert "查无此证" in client.get("/licensing/verify/", {"number": "6-3-2099-99999"}).content.decode()


def test_commitment_route_follows_credit_and_region(db, settings):
    from licensing.credit import commitment_route_open

    firm = make_firm()
    assert commitment_route_open(firm)
    settings.LICENSING_CREDIT_LOCAL_RESULTS = {firm.enterprise.credit_code: "bad"}
    assert not commitment_route_open(firm)
    with pytest.raises(DomainError) as exc:
        start_new(firm, {"install": lv(5)}, route="commitment")
    assert exc.value.field == "route"
    settings.LICENSING_CREDIT_LOCAL_RESULTS = {}
    settings.LICENSING_COMMITMENT_REGIONS = ["632200"]
    assert not commitment_route_open(firm)
    settings.LICENSING_COMMITMENT_REGIONS = ["630100"]
    application = start_new(firm, {"install": lv(5)}, route="commitment")
    assert any("告知承诺书" in p for p in services.material_problems(application))


def test_switching_the_scheme_in_data_changes_what_new_applications_need(db):
    from tests.licensing.helpers import activate

    activate("2025")
    firm = make_firm()
    with pytest.raises(DomainError):
        start_new(firm, {"install": lv(5)})  # a 2020 level is not of the active scheme
    application = start_new(firm, {"install": lv(3, "2025")})
    assert application.scheme.code == "2025"


def test_the_beat_task_reminds_and_expires(db, reviewer, django_capture_on_commit_callbacks):
    from licensing.tasks import licence_expiry

    firm = make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    Licence.objects.filter(pk=licence.pk).update(expires_on=timezone.localdate() - timedelta(days=3))
    assert licence_expiry.delay().get() == {"reminded": 0, "expired": 1}
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED


def test_the_firm_reads_its_own_licence_through_the_api(db, reviewer, django_capture_on_commit_callbacks, client):
    firm, other = make_firm(), make_firm()
    licence = licensed(firm, reviewer, django_capture_on_commit_callbacks)
    client.force_login(other.enterprise.memberships.first().user)
    assert client.get("/api/v1/licensing/licence/").status_code == 404
    client.force_login(firm.enterprise.memberships.first().user)
    answer = client.get("/api/v1/licensing/licence/").json()
    assert answer["number"] == licence.number and answer["scope"] == ["承装五级"] and answer["pdf_url"]
    assert client.get(answer["pdf_url"]).status_code == 200


def test_the_commitment_route_has_shorter_review_limits(db):
    from portal.core.workdays import add_working_days

    firm = make_firm()
    application = start_new(firm, {"install": lv(5)}, route="commitment")
    fill_everything_but_staff(application)
    fill_staff_for(firm, lv(5))
    application = services.submit(application=application, by=application.created_by)
    assert application.step_due_on == add_working_days(timezone.localdate(), 2)
