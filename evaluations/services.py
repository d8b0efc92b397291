"""Writes of the reviews module: to-do items, reviews, QR codes, rectification and appeals.

Pages, the admin, the API and the matter_completed receiver all call these; each is one
transaction and raises ``DomainError`` with the field it belongs to.

The five-day rule is the database's: ``Review`` carries ``[submitted_at, next_allowed_at)`` and
an exclusion constraint on PostgreSQL refuses a second overlapping window for the same phone,
so two parallel submits cannot both pass a check made in Python. The check before the insert
only gives the common case its friendly message without an error round trip.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_  # stored in the site's language, translated when read
from django.utils.translation import override

from evaluations.models import (
    BAD_LEVELS,
    REVIEW_WINDOW_DAYS,
    SUB_RATINGS,
    Appeal,
    AppealReason,
    AppealState,
    BadReason,
    CaseState,
    Level,
    QrCode,
    QrKind,
    RectificationCase,
    Review,
    ReviewItem,
    Source,
    new_token,
)
from portal.accounts.roles import Role
from portal.accounts.validators import MAINLAND_MOBILE
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.core.workdays import add_working_days
from portal.notifications.services import notify
from portal.verification.models import SmsCode
from portal.verification.services import consume_code

# The exclusion constraint of migration 0002; its violation means "this phone within 5 days".
WINDOW_CONSTRAINT = "review_one_per_phone_in_window"


def rectification_days() -> int:
    """Working days a unit has to rectify and reply (setting REVIEW_RECTIFICATION_WORKING_DAYS)."""
    return int(getattr(settings, "REVIEW_RECTIFICATION_WORKING_DAYS", 5))


def public_link(path: str) -> str:
    """A link for a text message, absolute on the portal's public address."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}{path}"


def _case_handlers(unit: str) -> list:
    """Who hears of a new case: the review administrators, and the unit's account managers."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(groups__name=Role.REVIEW_ADMIN) | Q(groups__name=Role.ACCOUNT_MANAGER, staff_profile__organization=unit)
        )
        .distinct()
    )


# --- to-do items (一事一评) ----------------------------------------------------------------------


def open_review_item(
    *, matter, user, kind: str, title, business: str = "", business_label="", staff=None, unit: str = ""
) -> ReviewItem:
    """The to-do item of a completed matter, and the invitation to rate it. Idempotent: a matter
    completed twice (re-sent signal) keeps its one item and is not announced again. Names are
    stored in the site's language, whoever's action completed the matter."""
    with override(settings.LANGUAGE_CODE):
        title, business_label = str(title), str(business_label or business)
    content_type = ContentType.objects.get_for_model(matter, for_concrete_model=False)
    with transaction.atomic():
        item, created = ReviewItem.objects.get_or_create(
            content_type=content_type,
            object_id=str(matter.pk),
            defaults={
                "user": user,
                "kind": kind[:40],
                "title": str(title)[:200],
                "business": str(business)[:80],
                "business_label": business_label[:100],
                "staff": staff,
                "unit": str(unit or "")[:100],
            },
        )
        if created:
            notify(user, "review.invited", {"pk": item.pk, "title": item.title})
    return item


# --- reviews ---------------------------------------------------------------------------------


def _format_local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def too_soon_error(next_allowed_at) -> DomainError:
    wait = max(int((next_allowed_at - timezone.now()).total_seconds()), 1)
    return DomainError(
        _("该手机号码%(days)s天内已评价过一次，%(date)s 起可再次评价")
        % {"days": REVIEW_WINDOW_DAYS, "date": _format_local(next_allowed_at)},
        code="review_too_soon",
        field="phone",
        retry_after=wait,
    )


def next_allowed_for(phone: str):
    """When ``phone`` may review again, or None if it may now."""
    return (
        Review.objects.filter(phone=phone, next_allowed_at__gt=timezone.now())
        .order_by("-next_allowed_at")
        .values_list("next_allowed_at", flat=True)
        .first()
    )


def check_phone_may_review(phone: str) -> None:
    if not MAINLAND_MOBILE.match(phone or ""):
        raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
    blocked_until = next_allowed_for(phone)
    if blocked_until is not None:
        raise too_soon_error(blocked_until)


def _validate(*, level: Any, ratings: dict[str, Any], bad_reason: str, bad_reason_text: str, comment: str) -> None:
    if level not in Level.values:
        raise DomainError(_("请选择满意程度"), code="level_required", field="level")
    for name, label in SUB_RATINGS:
        if ratings.get(name) not in range(1, 6):
            raise DomainError(_("请为“%(label)s”打分（1–5星）") % {"label": label}, code="rating_required", field=name)
    if level in BAD_LEVELS:
        if bad_reason not in BadReason.values:
            raise DomainError(_("差评请选择原因类别"), code="bad_reason_required", field="bad_reason")
        if not (bad_reason_text or "").strip():
            raise DomainError(_("差评请说明具体原因"), code="bad_reason_text_required", field="bad_reason_text")
    if len(comment or "") > 500 or len(bad_reason_text or "") > 500:
        raise DomainError(_("内容不能超过500字"), code="too_long", field="comment")


def submit_review(
    *,
    phone: str,
    level: int,
    ratings: dict[str, int],
    comment: str = "",
    bad_reason: str = "",
    bad_reason_text: str = "",
    item: ReviewItem | None = None,
    qr_code: QrCode | None = None,
    user=None,
    sms: SmsCode | None = None,
) -> Review:
    """Store one review of a matter (``item``, by its customer) or of a scanned code
    (``qr_code``, anyone; an anonymous reviewer's phone confirmed by ``sms``, already checked
    by ``check_code``). A bad review opens its rectification case in the same transaction."""
    phone = (phone or "").strip()
    _validate(level=level, ratings=ratings, bad_reason=bad_reason, bad_reason_text=bad_reason_text, comment=comment)
    if level not in BAD_LEVELS:  # reason fields only mean something on a bad review
        bad_reason, bad_reason_text = "", ""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if qr_code is not None:
        if not (qr_code.is_generated and qr_code.is_active):
            raise DomainError(_("该二维码尚未生成或已停用"), code="qr_inactive")
        if qr_code.kind == QrKind.MATTER:
            item = qr_code.item
        source = Source.QR_MATTER if qr_code.kind == QrKind.MATTER else Source.QR_VISIT
    elif item is not None:
        if user is None or item.user_id != user.pk:
            raise DomainError(_("只能评价本人办理的事项"), code="not_yours")
        source = Source.MATTER
    else:
        raise DomainError(_("请通过待办事项或扫描二维码进行评价"), code="nothing_to_review")
    if user is not None and sms is None:
        phone = user.phone  # a logged-in reviewer rates with the phone of their account
    elif sms is None or sms.phone != phone:
        raise DomainError(_("请先获取并填写短信验证码"), code="code_missing", field="sms_code")
    check_phone_may_review(phone)
    if item is not None and Review.objects.filter(item=item).exists():
        raise DomainError(_("该事项已评价，感谢您的参与"), code="already_reviewed")

    now = timezone.now()
    if item is not None:
        title, business, label, unit, staff, point = (
            item.title,
            item.business,
            item.business_label,
            item.unit,
            item.staff,
            None,
        )
    else:
        assert qr_code is not None  # a review is bound to a matter or to a code, never neither
        title, business, label, unit, staff, point = (
            qr_code.target_label,
            "visit",
            N_("窗口服务（一次一评）"),
            qr_code.unit,
            qr_code.staff,
            qr_code.service_point,
        )
    review = Review(
        source=source,
        item=item,
        qr_code=qr_code,
        user=user,
        phone=phone,
        level=level,
        comment=(comment or "").strip(),
        bad_reason=bad_reason,
        bad_reason_text=(bad_reason_text or "").strip(),
        title=title[:200],
        business=business,
        business_label=label,
        unit=unit,
        staff=staff,
        service_point=point,
        submitted_at=now,
        next_allowed_at=now + timedelta(days=REVIEW_WINDOW_DAYS),
        **{name: ratings[name] for name, _label in SUB_RATINGS},
    )
    try:
        with transaction.atomic():
            review.save()
            if sms is not None:
                consume_code(sms)
            if review.is_bad:
                _open_case(review)
            record(
                actor=user,
                action=N_("提交服务评价"),
                obj=review,
                subject=user,
                changes={"level": [None, review.get_level_display()]},
            )
    except IntegrityError as exc:
        if WINDOW_CONSTRAINT in str(exc):
            # A parallel submit from the same phone committed first.
            raise too_soon_error(next_allowed_for(phone) or now + timedelta(days=REVIEW_WINDOW_DAYS)) from None
        if item is not None and Review.objects.filter(item=item).exists():
            raise DomainError(_("该事项已评价，感谢您的参与"), code="already_reviewed") from None
        raise
    return review


# --- QR codes ---------------------------------------------------------------------------------


def generate_qr_code(*, qr_code: QrCode, by) -> QrCode:
    """生成: give the code its link (once; a generated code keeps its link)."""
    with transaction.atomic():
        locked = QrCode.objects.select_for_update().get(pk=qr_code.pk)
        if locked.is_generated:
            return locked
        locked.token = new_token()
        locked.generated_at = timezone.now()
        locked.generated_by = by
        locked.save(update_fields=["token", "generated_at", "generated_by"])
        record(actor=by, action=N_("生成评价二维码"), obj=locked)
    return locked


# --- rectification ----------------------------------------------------------------------------


def _open_case(review: Review) -> RectificationCase:
    deadline = add_working_days(timezone.localdate(review.submitted_at), rectification_days())
    case = RectificationCase.objects.create(review=review, unit=review.unit, deadline=deadline)
    context = {
        "case": case.pk,
        "title": review.title,
        "unit": review.unit or N_("责任单位"),
        "level": review.get_level_display(),
        "deadline": deadline.isoformat(),
    }
    for person in _case_handlers(review.unit):
        notify(person, "review.case_opened", context)
    return case


def _locked_case(case: RectificationCase) -> RectificationCase:
    return RectificationCase.objects.select_for_update().select_related("review").get(pk=case.pk)


def _stale() -> DomainError:
    return DomainError(_("该整改工单已被他人处理，请刷新后再试"), code="stale")


def verify_case(*, case: RectificationCase, note: str, by) -> RectificationCase:
    """核实: record what the unit learned from the reviewer."""
    if not (note or "").strip():
        raise DomainError(_("请填写核实情况"), code="required", field="verification_note")
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.state != CaseState.VERIFYING:
            raise _stale()
        locked.verify()
        locked.verification_note = note.strip()
        locked.verified_at = timezone.now()
        locked.handler = by
        locked.save()
        record(
            actor=by,
            action=N_("核实差评"),
            obj=locked,
            subject=locked.review.user,
            changes={"state": [CaseState.VERIFYING, locked.state]},
        )
    return locked


def reply_case(*, case: RectificationCase, rectification: str, reply: str, by) -> RectificationCase:
    """整改答复: the measures taken and the reply; the reviewer is told and asked if satisfied."""
    errors = [
        (f, m)
        for f, v, m in (
            ("rectification", rectification, _("请填写整改措施")),
            ("reply", reply, _("请填写给评价人的答复")),
        )
        if not (v or "").strip()
    ]
    if errors:
        raise DomainError(errors[0][1], code="required", field=errors[0][0])
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.state not in (CaseState.VERIFYING, CaseState.RECTIFYING):
            raise _stale()
        from_state = locked.state
        locked.answer()
        locked.rectification = rectification.strip()
        locked.reply = reply.strip()
        locked.replied_at = timezone.now()
        locked.handler = by
        locked.save()
        record(
            actor=by,
            action=N_("差评整改答复"),
            obj=locked,
            subject=locked.review.user,
            changes={"state": [from_state, locked.state]},
        )
        _tell_reviewer(locked)
    return locked


def _tell_reviewer(case: RectificationCase) -> None:
    review = case.review
    context = {
        "title": review.title,
        "unit": case.unit or N_("责任单位"),
        "reply": case.reply[:200],
        "token": review.access_token,
    }
    if review.user_id:
        notify(review.user, "review.case_replied", context)
        RectificationCase.objects.filter(pk=case.pk).update(reviewer_notified_at=timezone.now())
    else:
        from evaluations.tasks import text_reviewer

        transaction.on_commit(lambda: text_reviewer.delay(case.pk), robust=True)


def give_feedback(*, review: Review, satisfied: bool, feedback: str = "") -> RectificationCase:
    """The reviewer's answer to the reply. Not satisfied: the supervisors are asked to follow up."""
    with transaction.atomic():
        case = RectificationCase.objects.select_for_update().select_related("review").filter(review=review).first()
        if case is None or case.state != CaseState.REPLIED:
            raise DomainError(_("该评价暂无待确认的整改答复"), code="nothing_to_confirm")
        case.close()
        case.satisfied = bool(satisfied)
        case.feedback = (feedback or "").strip()[:500]
        case.feedback_at = case.closed_at = timezone.now()
        if not satisfied:
            case.escalated_at = timezone.now()
            _escalate(case, why=N_("评价人对整改答复不满意"))
        case.save()
        record(
            actor=review.user,
            action=N_("评价人确认整改结果"),
            obj=case,
            subject=review.user,
            changes={"satisfied": [None, bool(satisfied)]},
        )
    return case


def _escalate(case: RectificationCase, *, why: str) -> None:
    context = {"case": case.pk, "title": case.review.title, "unit": case.unit or N_("责任单位"), "why": why}
    for person in get_user_model().objects.filter(is_active=True, groups__name=Role.SUPERVISOR).distinct():
        notify(person, "review.case_escalated", context)


def flag_overdue_cases(*, today=None) -> int:
    """Cases still open after their deadline: flagged and escalated to the supervisors, once."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        late = list(
            RectificationCase.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("review")
            .filter(state__in=[CaseState.VERIFYING, CaseState.RECTIFYING], deadline__lt=today, overdue_at=None)
        )
        now = timezone.now()
        for case in late:
            RectificationCase.objects.filter(pk=case.pk).update(overdue_at=now, escalated_at=now)
            _escalate(case, why=N_("已超过整改期限 %(date)s") % {"date": case.deadline.isoformat()})
            record(actor=None, action=N_("差评整改超期，已上报主管"), obj=case)
            count += 1
    return count


# --- appeals ----------------------------------------------------------------------------------


def file_appeal(*, review: Review, reason: str, statement: str, by) -> Appeal:
    """申诉 by the unit against a malicious or mistaken review."""
    if reason not in AppealReason.values:
        raise DomainError(_("请选择申诉类型"), code="required", field="reason")
    if not (statement or "").strip():
        raise DomainError(_("请填写申诉理由"), code="required", field="statement")
    with transaction.atomic():
        if Appeal.objects.filter(review=review).exists():
            raise DomainError(_("该评价已提出过申诉"), code="already_appealed")
        appeal = Appeal.objects.create(review=review, reason=reason, statement=statement.strip(), filed_by=by)
        record(actor=by, action=N_("提出差评申诉"), obj=appeal)
        context = {
            "appeal": appeal.pk,
            "title": review.title,
            "unit": review.unit or N_("责任单位"),
            "statement": appeal.statement[:200],
        }
        for person in get_user_model().objects.filter(is_active=True, groups__name=Role.SUPERVISOR).distinct():
            notify(person, "review.appeal_filed", context)
    return appeal


def decide_appeal(*, appeal: Appeal, upheld: bool, note: str, by) -> Appeal:
    """A supervisor's decision; an upheld appeal takes the review out of the statistics."""
    if not (by.is_superuser or by.has_perm("evaluations.decide_appeal")):
        raise DomainError(_("只有营销主管可以审核申诉"), code="forbidden")
    if not (note or "").strip():
        raise DomainError(_("请填写审核意见"), code="required", field="decision_note")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("review").get(pk=appeal.pk)
        if locked.state != AppealState.PENDING:
            raise DomainError(_("该申诉已审核"), code="stale")
        if locked.filed_by_id == by.pk:
            raise DomainError(_("不能审核本人提出的申诉"), code="own_appeal")
        locked.state = AppealState.UPHELD if upheld else AppealState.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = by, timezone.now(), note.strip()
        locked.save()
        if upheld:
            Review.objects.filter(pk=locked.review_id).update(excluded_from_stats=True)
        record(
            actor=by,
            action=N_("审核差评申诉"),
            obj=locked,
            changes={"state": [AppealState.PENDING, locked.state], "excluded_from_stats": [False, bool(upheld)]},
        )
    return locked
