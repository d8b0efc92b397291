"""Writes of the HV e-assistant (SPEC 4.2). The admin, the customer pages and the API call these.

Each stage change is one transaction: the transition (``ConcurrentTransitionMixin`` makes the
second of two people pressing the same button fail), the log row, the audit row, the customer's
notification (inbox + SMS outbox) and, for pushes, the PDF request the worker renders.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from portal.audit.history import Notice, write_history
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.core.licences import LicenceStatus, check_contractor_licence
from portal.notifications.services import notify
from utility_flows.hv.clock import due_on
from utility_flows.hv.models import (
    CUSTOMER_TRANSITIONS,
    STAGES,
    UTILITY_TRANSITIONS,
    BasicCharge,
    HVLog,
    HVProcess,
    HVStage,
    PushedDocument,
    Side,
    Submission,
    SubmissionFile,
    SurveyBooking,
    transition_meta,
)
from utility_flows.models import WorkOrder

# Large-industry tariff (大工业用电) applies from 315 kVA: those customers choose the basic charge.
LARGE_INDUSTRY_KVA = Decimal(315)


def _stale() -> DomainError:
    return DomainError(_("该环节已被他人办理，请刷新页面查看最新进度"), code="concurrent")


def _log(process: HVProcess, *, name: str, side: str, from_stage: str, by, reason: str = "") -> HVLog:
    return HVLog.objects.create(
        process=process,
        name=name,
        side=side,
        from_stage=from_stage,
        to_stage=process.stage,
        by=by,
        reason=reason[:1000],
    )


def stage_label(process: HVProcess) -> str:
    for number, _code, _side, label in STAGES:
        if number == process.number:
            return str(label)
    return str(process.get_stage_display())


def _notice(process: HVProcess, step: str, reason: str = "") -> Notice:
    order = process.order
    return Notice(
        order.customer,
        "hv.progress",
        {
            "pk": order.pk,
            "business": str(order.business.name),
            "number": order.number or "",
            "step": step,
            "reason": (_("说明：%(reason)s") % {"reason": reason}) if reason else "",
        },
    )


def _notify(process: HVProcess, step: str, reason: str = "") -> None:
    notice = _notice(process, step, reason)
    notify(notice.user, notice.event, dict(notice.context))


def start_process(*, order: WorkOrder, by) -> HVProcess:
    """Stage 2: the accepted HV application's formal order gets its e-assistant process
    (called by ``accept_application`` in its transaction)."""
    process = HVProcess(order=order, stage=HVStage.CONFIRMED, stage_at=timezone.now())
    process.due_on = due_on(process)
    process.save()
    _log(process, name="accept", side=Side.UTILITY, from_stage="", by=by)
    return process


def is_large_industry(process: HVProcess) -> bool:
    capacity = process.order.application.capacity
    return capacity is not None and capacity >= LARGE_INDUSTRY_KVA


def available(process: HVProcess, user, *, side: str | None = None) -> list[tuple[str, str, bool]]:
    """[(name, label, reason required)] the user may run now, optionally of one side only."""
    result = []
    for t in process.get_available_user_stage_transitions(user):  # type: ignore[attr-defined]  # added by FSMField
        if side is not None and t.custom["side"] != side:
            continue
        result.append((t.name, str(t.custom["label"]), bool(t.custom.get("reason_required"))))
    return result


def advance(
    *,
    process: HVProcess,
    transition: str,
    by,
    reason: str = "",
    expected_stage: str | None = None,
    before_save=None,
    after_save=None,
) -> HVProcess:
    """Run one transition of the HV machine with its checks, log, audit and notification.
    ``before_save(process)`` / ``after_save(process)`` do what the stage means (fields, files,
    PDFs) inside the same transaction."""
    reason = (reason or "").strip()
    if transition not in UTILITY_TRANSITIONS + CUSTOMER_TRANSITIONS:
        raise DomainError(_("没有这个操作"), code="unknown_transition", field="transition")
    meta = transition_meta(transition)
    if expected_stage is not None and process.stage != expected_stage:
        raise _stale()
    method = getattr(process, transition)
    if not can_proceed(method):
        raise DomainError(
            _("当前环节为“%(stage)s”，不能%(action)s")
            % {"stage": stage_label(process), "action": meta.custom["label"]},
            code="not_allowed",
            field="transition",
        )
    if not has_transition_perm(method, by):
        if meta.custom["side"] == Side.CUSTOMER:
            raise DomainError(_("此环节须由客户本人办理"), code="forbidden")
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    if meta.custom.get("reason_required") and not reason:
        raise DomainError(_("请填写原因或整改意见"), code="reason_required", field="reason")
    if process.suspended_at is not None:
        raise DomainError(_("工单已暂停，恢复后才能继续办理"), code="suspended")
    from_stage = process.stage
    try:
        with transaction.atomic():
            method()
            process.stage_at = timezone.now()
            if before_save is not None:
                before_save(process)
            process.due_on = due_on(process)
            # UPDATE ... WHERE stage = <the stage this object was loaded in>: if someone moved
            # the order meanwhile no row matches and ConcurrentTransition is raised.
            process.save()
            # The order's own clock (backoffice queues, 进度查询) follows the HV stage's.
            WorkOrder.objects.filter(pk=process.order_id).update(
                step_due_on=process.due_on, step_started_at=process.stage_at
            )
            if after_save is not None:
                after_save(process)
            document = meta.custom.get("document")
            if document:
                push_document(
                    process=process, kind=document, by=by, outcome=reason, passed=not meta.custom.get("reason_required")
                )
            if process.stage == HVStage.ARCHIVED:
                _archive_order(process, by)
            # One history (portal.audit.history): the HV log entry, the audit row and the
            # customer's notice (inbox + SMS outbox) commit together or not at all.
            write_history(
                actor=by,
                action=meta.custom["label"],
                obj=process.order,
                subject=process.order.customer,
                changes={"stage": [from_stage, process.stage]},
                entry=HVLog(
                    process=process,
                    name=transition,
                    side=meta.custom["side"],
                    from_stage=from_stage,
                    to_stage=process.stage,
                    by=by,
                    reason=reason[:1000],
                ),
                notices=[_notice(process, str(meta.custom["label"]), reason)],
            )
    except ConcurrentTransition:
        process.refresh_from_db()
        raise _stale() from None
    except Exception:
        # The transaction rolled back; the object in memory must not keep the new stage.
        process.refresh_from_db()
        raise
    return process


def _archive_order(process: HVProcess, by) -> None:
    """Stage 20 closes the work order through its declared flow (utility_flows.flows.hv_eassistant):
    the order log, the application's completion and the customer's notice."""
    from utility_flows.services import advance as advance_order

    order = process.order
    order.hv = process
    advance_order(order=order, transition="archive", by=by)


# --- utility side -------------------------------------------------------------------------------------


def take(*, process: HVProcess, by, expected_visit_at: datetime | None, expected_stage: str | None = None) -> HVProcess:
    """Stage 3 客户经理接单, with the expected visit time the customer sees on the manager's card."""
    if expected_visit_at is None:
        raise DomainError(_("请填写预计上门服务时间"), code="required", field="expected_visit_at")
    if expected_visit_at < timezone.now():
        raise DomainError(_("预计上门服务时间不能早于现在"), code="past", field="expected_visit_at")

    def before(p):
        p.expected_visit_at = expected_visit_at

    return advance(
        process=process,
        transition="take",
        by=by,
        expected_stage=expected_stage,
        before_save=before,
        reason=_("预计上门服务时间 %(t)s") % {"t": timezone.localtime(expected_visit_at).strftime("%Y-%m-%d %H:%M")},
    )


def mark_not_needed(*, process: HVProcess, by, design: bool, mid: bool, reason: str) -> HVProcess:
    """The account manager marks stages 8–10 (design review) and/or 11–13 (mid inspection) not
    needed for this order, before they start."""
    from utility_flows.hv.models import is_handler

    reason = (reason or "").strip()
    if not is_handler(process, by):
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    if not (design or mid):
        raise DomainError(_("请选择无需办理的环节"), code="required", field="design")
    if not reason:
        raise DomainError(_("请填写原因"), code="reason_required", field="reason")
    with transaction.atomic():
        locked = HVProcess.objects.select_for_update().get(pk=process.pk)
        if design and locked.number >= 8:
            raise DomainError(_("设计文件审查环节已开始，不能再标记无需办理"), code="too_late", field="design")
        if mid and locked.number >= 11 and locked.stage != HVStage.DESIGN_REWORK:
            raise DomainError(_("中间检查环节已开始，不能再标记无需办理"), code="too_late", field="mid")
        parts = []
        if design:
            locked.design_needed = False
            parts.append(_("设计文件审查（第8–10环节）"))
        if mid:
            locked.mid_needed = False
            parts.append(_("中间检查（第11–13环节）"))
        HVProcess.objects.filter(pk=locked.pk).update(design_needed=locked.design_needed, mid_needed=locked.mid_needed)
        text = "、".join(str(p) for p in parts) + "：" + reason
        _log(locked, name="mark_not_needed", side=Side.UTILITY, from_stage=locked.stage, by=by, reason=text)
        record(
            actor=by,
            action=_("标记环节无需办理"),
            obj=locked.order,
            subject=locked.order.customer,
            changes={"design_needed": [True, locked.design_needed], "mid_needed": [True, locked.mid_needed]},
        )
        _notify(locked, _("部分环节无需办理"), text)
    process.refresh_from_db()
    return process


def settle_fees(*, process: HVProcess, by) -> HVProcess:
    """Stage 19 needs the business fees settled (SPEC 4.2)."""
    from utility_flows.hv.models import is_handler

    if not is_handler(process, by):
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    with transaction.atomic():
        updated = HVProcess.objects.filter(pk=process.pk, fees_settled=False).update(fees_settled=True)
        if updated:
            _log(process, name="fees_settled", side=Side.UTILITY, from_stage=process.stage, by=by)
            record(actor=by, action=_("确认业务费用已结清"), obj=process.order, subject=process.order.customer)
    process.refresh_from_db()
    return process


def push_document(*, process: HVProcess, kind: str, by, outcome: str = "", passed: bool = True) -> PushedDocument:
    """Ask the worker to render a pushed document (PDF) of the order; linked when done."""
    from portal.documents.services import request_pdf

    pushed = PushedDocument.objects.create(
        process=process, kind=kind, outcome=outcome[:500], passed=passed, pushed_by=by
    )
    order = process.order
    enterprise = order.application.enterprise
    render = request_pdf(
        template_name=f"utility_flows/hv/pdf/{kind}.html",
        context={"pushed_id": pushed.pk},
        context_builder="utility_flows.hv.documents.pdf_context",
        doc_type="hv_pushed",
        name=f"{PushedDocument.Kind(kind).label}-{order.number}",
        owner_user=order.customer if enterprise is None else None,
        owner_enterprise=enterprise,
        on_done="utility_flows.hv.documents.pushed_rendered",
        on_done_kwargs={"pushed_id": pushed.pk},
    )
    PushedDocument.objects.filter(pk=pushed.pk).update(render=render)
    pushed.render = render
    return pushed


# --- customer side ------------------------------------------------------------------------------------


def _check_survey_time(survey_at: datetime | None) -> None:
    if survey_at is None:
        raise DomainError(_("请选择意向勘察时间"), code="required", field="survey_at")
    if survey_at <= timezone.now():
        raise DomainError(_("意向勘察时间须晚于现在"), code="past", field="survey_at")


def book_survey(
    *, process: HVProcess, by, survey_at: datetime, note: str = "", expected_stage: str | None = None
) -> HVProcess:
    """Stage 4 预约勘察时间."""
    _check_survey_time(survey_at)

    def before(p):
        p.survey_at = survey_at

    def after(p):
        SurveyBooking.objects.create(process=p, survey_at=survey_at, note=(note or "")[:200], by=by)

    when = timezone.localtime(survey_at).strftime("%Y-%m-%d %H:%M")
    return advance(
        process=process,
        transition="book_survey",
        by=by,
        expected_stage=expected_stage,
        before_save=before,
        after_save=after,
        reason=_("意向勘察时间 %(t)s") % {"t": when},
    )


def change_survey(*, process: HVProcess, by, survey_at: datetime, note: str = "") -> HVProcess:
    """勘察时间变更: before the survey is dispatched the customer may move it; every booking is kept."""
    from utility_flows.hv.models import is_customer

    if not is_customer(process, by):
        raise DomainError(_("此环节须由客户本人办理"), code="forbidden")
    _check_survey_time(survey_at)
    with transaction.atomic():
        locked = HVProcess.objects.select_for_update().select_related("order").get(pk=process.pk)
        if locked.stage != HVStage.SURVEY_BOOKED:
            raise DomainError(
                _("勘察已派工，不能再变更勘察时间，请联系客户经理"), code="not_allowed", field="survey_at"
            )
        old = timezone.localtime(locked.survey_at).strftime("%Y-%m-%d %H:%M") if locked.survey_at else "—"
        new = timezone.localtime(survey_at).strftime("%Y-%m-%d %H:%M")
        HVProcess.objects.filter(pk=locked.pk).update(survey_at=survey_at)
        SurveyBooking.objects.create(process=locked, survey_at=survey_at, note=(note or "")[:200], by=by)
        text = f"{old} → {new}" + (f"：{note}" if note else "")
        _log(locked, name="change_survey", side=Side.CUSTOMER, from_stage=locked.stage, by=by, reason=text)
        record(actor=by, action=_("勘察时间变更"), obj=locked.order, subject=by, changes={"survey_at": [old, new]})
        if locked.order.assignee_id:
            notify(
                locked.order.assignee,
                "hv.survey_changed",
                {
                    "pk": locked.order.pk,
                    "number": locked.order.number or "",
                    "old": old,
                    "new": new,
                },
            )
    process.refresh_from_db()
    return process


SUBMISSION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Submission.Kind.DESIGN: ("submit_design",),
    Submission.Kind.MID: ("request_mid",),
    Submission.Kind.COMPLETION: ("request_completion", "request_reinspection"),
}


def submission_transition(process: HVProcess, kind: str) -> str | None:
    for name in SUBMISSION_TRANSITIONS[kind]:
        if can_proceed(getattr(process, name)):
            return name
    return None


def _json(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def submit_stage(
    *,
    process: HVProcess,
    kind: str,
    by,
    data: dict,
    files: dict,
    signature: str = "",
    expected_stage: str | None = None,
) -> Submission:
    """Stages 8, 11 and 14: keep the customer's fields and files and move the order on.
    ``data`` is the form's cleaned data without the files; ``files`` maps field → upload."""
    from portal.documents.services import store_upload
    from portal.signing.services import save_signature

    name = submission_transition(process, kind)
    if name is None:
        meta = transition_meta(SUBMISSION_TRANSITIONS[kind][0])
        raise DomainError(
            _("当前环节为“%(stage)s”，不能%(action)s")
            % {"stage": stage_label(process), "action": meta.custom["label"]},
            code="not_allowed",
        )
    licence = None
    if kind == Submission.Kind.MID:
        licence = check_contractor_licence(data.get("licence_number", ""))
        if licence.status not in (LicenceStatus.VALID, LicenceStatus.NOT_CHECKED):
            raise DomainError(
                _("承装（修、试）电力设施许可证 %(n)s 核验结果：%(s)s，请核对后重新填写")
                % {"n": licence.number, "s": LicenceStatus(licence.status).label},
                code="licence_invalid",
                field="licence_number",
            )
    if kind == Submission.Kind.COMPLETION and is_large_industry(process):
        if not data.get("basic_charge"):
            raise DomainError(_("请选择基本电费计收方式"), code="required", field="basic_charge")
        if data.get("basic_charge") == BasicCharge.CONTRACT_DEMAND and not data.get("demand_kw"):
            raise DomainError(_("按合同最大需量计收时须填写需量值"), code="required", field="demand_kw")
    enterprise = process.order.application.enterprise
    holder: dict[str, Any] = (
        {"owner_enterprise": enterprise} if enterprise is not None else {"owner_user": process.order.customer}
    )
    clean = {k: _json(v) for k, v in data.items() if v not in (None, "")}
    box: dict = {}

    def before(p):
        if data.get("intended_connection_on"):
            p.intended_connection_on = data["intended_connection_on"]
        if kind == Submission.Kind.COMPLETION and data.get("basic_charge"):
            p.basic_charge = data["basic_charge"]
            p.demand_kw = data.get("demand_kw") if data["basic_charge"] == BasicCharge.CONTRACT_DEMAND else None

    def after(p):
        submission = Submission.objects.create(
            process=p,
            kind=kind,
            data=clean,
            by=by,
            licence_status=licence.status if licence else "",
            licence_detail=(
                {
                    "holder": licence.holder,
                    "scope": list(licence.scope),
                    "expires_on": licence.expires_on.isoformat() if licence.expires_on else "",
                }
                if licence and licence.is_valid
                else {}
            ),
        )
        for field, upload in files.items():
            if upload is None:
                continue
            document = store_upload(upload=upload, doc_type="hv_submission", uploaded_by=by, field=field, **holder)
            SubmissionFile.objects.create(submission=submission, field=field, document=document)
        if signature:
            sig = save_signature(user=by, data_url=signature)
            submission.data = {**submission.data, "signature_id": sig.pk}
            Submission.objects.filter(pk=submission.pk).update(data=submission.data)
        box["submission"] = submission
        # Seed 001 FAQ 6: the design / construction contact is invited to the order chat.
        from utility_flows.hv.chat import invite_contact

        contact = {"design": ("design_phone", "design"), "completion": ("construction_phone", "construction")}
        if kind in contact and data.get(contact[kind][0]):
            invite_contact(process=p, phone=data[contact[kind][0]], role=contact[kind][1], by=by)

    reason = ""
    if licence is not None:
        reason = _("许可证 %(n)s：%(s)s") % {"n": licence.number, "s": LicenceStatus(licence.status).label}
    advance(
        process=process,
        transition=name,
        by=by,
        expected_stage=expected_stage,
        before_save=before,
        after_save=after,
        reason=reason,
    )
    return box["submission"]


def last_submission(process: HVProcess, kind: str) -> Submission | None:
    return process.submissions.filter(kind=kind).order_by("-at", "-id").first()


# --- signing ------------------------------------------------------------------------------------------

SIGN_TRANSITIONS: dict[str, str] = {
    PushedDocument.Kind.SUPPLY_PLAN: "sign_plan",
    PushedDocument.Kind.DESIGN_REVIEW: "sign_design",
    PushedDocument.Kind.MID_INSPECTION: "sign_mid",
    PushedDocument.Kind.COMPLETION: "sign_completion",
    PushedDocument.Kind.CONTRACT: "sign_contract",
}


def sign_document(
    *,
    process: HVProcess,
    kind: str,
    by,
    signature: str = "",
    ip: str | None = None,
    expected_stage: str | None = None,
    seal=None,
    saved_signature=None,
) -> PushedDocument:
    """The customer signs a pushed document with the signing pad (and, for the contract, may
    add an electronic seal). The stage moves on at once; the worker writes the signed PDF."""
    from portal.signing.services import save_signature
    from utility_flows.hv.documents import ready_to_sign
    from utility_flows.hv.tasks import make_signed_copy

    transition = SIGN_TRANSITIONS.get(kind)
    if transition is None:
        raise DomainError(_("该文件无需签署"), code="not_signable")
    pushed = ready_to_sign(process, kind)
    box = {}

    def after(p):
        sig = saved_signature or save_signature(user=by, data_url=signature)
        now = timezone.now()
        how = PushedDocument.SignedBy.SEAL if seal is not None else PushedDocument.SignedBy.HANDWRITTEN
        updated = PushedDocument.objects.filter(pk=pushed.pk, signed_at=None).update(
            signed_by=by, signed_at=max(now, sig.created_at), signed_ip=ip, signed_how=how
        )
        if not updated:
            raise _stale()
        seal_id = seal.pk if seal is not None else None
        transaction.on_commit(lambda: make_signed_copy.delay(pushed.pk, seal_id), robust=True)
        box["pushed"] = pushed

    advance(process=process, transition=transition, by=by, expected_stage=expected_stage, after_save=after)
    pushed.refresh_from_db()
    return pushed


def upload_contract_scan(*, process: HVProcess, by, upload, expected_stage: str | None = None) -> PushedDocument:
    """Contract route 2: download, print, stamp, upload the scan (image or PDF) for the account
    manager's review."""
    from portal.documents.services import store_upload
    from utility_flows.hv.documents import ready_to_sign

    pushed = ready_to_sign(process, PushedDocument.Kind.CONTRACT)
    enterprise = process.order.application.enterprise
    holder = {"owner_enterprise": enterprise} if enterprise is not None else {"owner_user": process.order.customer}

    def after(p):
        document = store_upload(upload=upload, doc_type="hv_submission", uploaded_by=by, field="scan", **holder)
        PushedDocument.objects.filter(pk=pushed.pk).update(
            signed=document, signed_sha256=document.sha256, signed_how=PushedDocument.SignedBy.SCAN
        )

    advance(process=process, transition="upload_contract_scan", by=by, expected_stage=expected_stage, after_save=after)
    pushed.refresh_from_db()
    return pushed


def review_contract_scan(
    *, process: HVProcess, by, accept: bool, reason: str = "", ip: str | None = None, expected_stage: str | None = None
) -> PushedDocument:
    """The account manager accepts the stamped scan (the contract is signed) or refuses it with
    the reason (the customer signs or uploads again)."""
    from utility_flows.hv.documents import latest

    pushed = latest(process, PushedDocument.Kind.CONTRACT)
    if pushed is None:
        raise DomainError(_("合同尚未推送"), code="no_contract")

    def after(p):
        if accept:
            PushedDocument.objects.filter(pk=pushed.pk).update(signed_by=p.order.customer, signed_at=timezone.now())
        else:
            PushedDocument.objects.filter(pk=pushed.pk).update(signed=None, signed_sha256="", signed_how="")

    advance(
        process=process,
        transition="accept_contract_scan" if accept else "refuse_contract_scan",
        by=by,
        reason=reason,
        expected_stage=expected_stage,
        after_save=after,
    )
    pushed.refresh_from_db()
    return pushed


REWORK_OF = {"design": "rework_design", "mid": "rework_mid", "completion": "rework_completion"}


def last_rework_reason(process: HVProcess, kind: str) -> str:
    """What the utility asked to rework, shown above the resubmission form."""
    if not process.stage.endswith("_rework") or not process.stage.startswith(kind):
        return ""
    entry = process.log.filter(name=REWORK_OF[kind]).order_by("-at", "-id").first()
    return entry.reason if entry else ""


# --- electronic seal (SPEC 4.3 合同签章) -----------------------------------------------------------------


def preview_seal(*, process: HVProcess, by, seal_id: int, signature: str):
    """Place the chosen seal and the signature on the contract's signing page: a preview, NOT
    binding. Refused for a cancelled seal or one of another enterprise."""
    from portal.signing.seals import usable_seal
    from portal.signing.services import save_signature
    from utility_flows.hv.documents import ready_to_sign
    from utility_flows.hv.models import SealPreview, is_customer

    if not is_customer(process, by):
        raise DomainError(_("此环节须由客户本人办理"), code="forbidden")
    if process.stage != HVStage.CONTRACT_PUSHED:
        raise DomainError(_("当前环节不能合同签章"), code="not_allowed")
    pushed = ready_to_sign(process, PushedDocument.Kind.CONTRACT)
    seal = usable_seal(user=by, pk=seal_id)
    enterprise_id = process.order.application.enterprise_id
    if enterprise_id is not None and seal.enterprise_id != enterprise_id:
        raise DomainError(_("请使用申请企业的印章"), code="wrong_enterprise", field="seal")
    with transaction.atomic():
        sig = save_signature(user=by, data_url=signature)
        return SealPreview.objects.create(document=pushed, seal=seal, signature=sig, by=by)


def confirm_seal(
    *, process: HVProcess, by, preview_id: int, ip: str | None = None, expected_stage: str | None = None
) -> PushedDocument:
    """确认并盖章: the preview becomes binding; the worker writes the sealed PDF."""
    from portal.signing.seals import usable_seal
    from utility_flows.hv.models import SealPreview

    preview = (
        SealPreview.objects.select_related("seal", "signature", "document")
        .filter(pk=preview_id, by=by, document__process=process, confirmed_at=None)
        .first()
    )
    if preview is None:
        raise DomainError(_("请先选择印章并签名预览"), code="no_preview")
    usable_seal(user=by, pk=preview.seal_id)  # cancelled since the preview? refused
    with transaction.atomic():
        pushed = sign_document(
            process=process,
            kind=PushedDocument.Kind.CONTRACT,
            by=by,
            ip=ip,
            expected_stage=expected_stage,
            seal=preview.seal,
            saved_signature=preview.signature,
        )
        SealPreview.objects.filter(pk=preview.pk).update(confirmed_at=timezone.now())
    return pushed


# --- suspend / resume (SPEC 4.5: never without a recorded reason and approver) --------------------------


def _check_approver(approver, by) -> None:
    from portal.accounts.roles import Role
    from utility_flows.models import role_names

    if approver is None:
        raise DomainError(_("请选择批准人"), code="required", field="approver")
    if approver.pk == getattr(by, "pk", None):
        raise DomainError(_("批准人不能是申请人本人"), code="self_approval", field="approver")
    if not (
        approver.is_active and approver.is_staff and (approver.is_superuser or Role.SUPERVISOR in role_names(approver))
    ):
        raise DomainError(_("批准人须为营销主管"), code="bad_approver", field="approver")


def suspend(*, process: HVProcess, by, reason: str, approver) -> HVProcess:
    """暂停: the clock stops; the order cannot move until resumed."""
    from utility_flows.hv.models import Suspension, is_handler

    reason = (reason or "").strip()
    if not is_handler(process, by):
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    if not reason:
        raise DomainError(_("请填写暂停原因"), code="reason_required", field="reason")
    _check_approver(approver, by)
    with transaction.atomic():
        locked = HVProcess.objects.select_for_update().select_related("order").get(pk=process.pk)
        if locked.suspended_at is not None:
            raise DomainError(_("工单已暂停"), code="already_suspended")
        if locked.stage == HVStage.ARCHIVED:
            raise DomainError(_("工单已归档"), code="closed")
        now = timezone.now()
        Suspension.objects.create(
            process=locked,
            stage=locked.stage,
            reason=reason[:500],
            suspended_by=by,
            approver=approver,
            suspended_at=now,
        )
        HVProcess.objects.filter(pk=locked.pk).update(suspended_at=now, due_on=None)
        WorkOrder.objects.filter(pk=locked.order_id).update(step_due_on=None)
        locked.suspended_at = now
        write_history(
            actor=by,
            action=gettext_noop("暂停工单"),
            obj=locked.order,
            subject=locked.order.customer,
            changes={"suspended": ["", reason[:500]]},
            entry=HVLog(
                process=locked,
                name="suspend",
                side=Side.UTILITY,
                from_stage=locked.stage,
                to_stage=locked.stage,
                by=by,
                reason=_("%(reason)s（批准人：%(name)s）") % {"reason": reason, "name": approver.name},
            ),
            notices=[_notice(locked, _("工单暂停"), reason)],
        )
    process.refresh_from_db()
    return process


def resume(*, process: HVProcess, by, reason: str, approver) -> HVProcess:
    """恢复: the clock restarts where it stopped (the paused days do not count)."""
    from utility_flows.hv.models import Suspension, is_handler

    reason = (reason or "").strip()
    if not is_handler(process, by):
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    if not reason:
        raise DomainError(_("请填写恢复说明"), code="reason_required", field="reason")
    _check_approver(approver, by)
    with transaction.atomic():
        locked = HVProcess.objects.select_for_update().select_related("order").get(pk=process.pk)
        if locked.suspended_at is None:
            raise DomainError(_("工单未暂停"), code="not_suspended")
        now = timezone.now()
        Suspension.objects.filter(process=locked, resumed_at=None).update(
            resumed_at=now, resumed_by=by, resume_approver=approver, resume_reason=reason[:500]
        )
        locked.stage_at = locked.stage_at + (now - locked.suspended_at)
        locked.suspended_at = None
        locked.due_on = due_on(locked)
        HVProcess.objects.filter(pk=locked.pk).update(stage_at=locked.stage_at, suspended_at=None, due_on=locked.due_on)
        WorkOrder.objects.filter(pk=locked.order_id).update(step_due_on=locked.due_on, step_started_at=locked.stage_at)
        write_history(
            actor=by,
            action=gettext_noop("恢复工单"),
            obj=locked.order,
            subject=locked.order.customer,
            changes={"suspended": ["", ""]},
            entry=HVLog(
                process=locked,
                name="resume",
                side=Side.UTILITY,
                from_stage=locked.stage,
                to_stage=locked.stage,
                by=by,
                reason=_("%(reason)s（批准人：%(name)s）") % {"reason": reason, "name": approver.name},
            ),
            notices=[_notice(locked, _("工单恢复办理"), reason)],
        )
    process.refresh_from_db()
    return process


def warn_limits(*, today=None) -> tuple[int, int]:
    """Beat, daily: warn the account manager one working day before a stage's limit, and the
    supervisors once it has passed. Each once per stage. Returns (warned, late)."""
    from django.contrib.auth import get_user_model

    from portal.accounts.roles import Role
    from portal.core.workdays import WorkCalendar

    today = today or timezone.localdate()
    calendar = WorkCalendar.around(today)
    tomorrow = calendar.add_working_days(today, 1)
    warned = late = 0
    soon = HVProcess.objects.filter(due_on__gte=today, due_on__lte=tomorrow, suspended_at=None).select_related(
        "order__assignee"
    )
    for process in soon:
        if process.warned_stage == process.stage or process.order.assignee is None:
            continue
        notify(
            process.order.assignee,
            "hv.due_soon",
            {"number": process.order.number or "", "due": process.due_on.isoformat()},
        )
        HVProcess.objects.filter(pk=process.pk).update(warned_stage=process.stage)
        warned += 1
    supervisors = list(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True))
    for process in HVProcess.objects.filter(due_on__lt=today, suspended_at=None).select_related("order__assignee"):
        if process.late_stage == process.stage:
            continue
        for supervisor in supervisors:
            notify(
                supervisor,
                "hv.late",
                {
                    "number": process.order.number or "",
                    "due": process.due_on.isoformat(),
                    "manager": process.order.assignee.name if process.order.assignee else "",
                },
            )
        HVProcess.objects.filter(pk=process.pk).update(late_stage=process.stage)
        late += 1
    return warned, late


def settle_hv_account(step) -> dict | None:
    """Hook of the HV flow's archive (utility_flows.flows.hv_eassistant): open the new account
    (立户) or raise the capacity as the LV flow does, then record what the e-assistant agreed:
    10 kV supply and, for large industry, the basic-charge method and contract demand."""
    from applications.models import BasicCharge as AccountBasicCharge
    from applications.models import ServiceAccount, UsageNature, Voltage
    from utility_flows.hooks import settle_connection_account

    notes = settle_connection_account(step)
    order = step.order
    order.application.refresh_from_db(fields=["service_account"])
    account_id = order.application.service_account_id
    process = getattr(order, "hv", None)
    if account_id is None or process is None:
        return notes
    changes: dict[str, Any] = {"voltage": Voltage.KV10}
    if is_large_industry(process):
        changes.update(usage_nature=UsageNature.LARGE_INDUSTRY, tariff_category=gettext("大工业用电"))
        if process.basic_charge == BasicCharge.CONTRACT_DEMAND:
            changes.update(basic_charge=AccountBasicCharge.DEMAND, contracted_demand=process.demand_kw)
        elif process.basic_charge == BasicCharge.ACTUAL_DEMAND:
            changes.update(basic_charge=AccountBasicCharge.DEMAND)
        elif process.basic_charge == BasicCharge.CAPACITY:
            changes.update(basic_charge=AccountBasicCharge.CAPACITY)
    ServiceAccount.objects.filter(pk=account_id).update(**changes)
    return notes


def set_visit(*, process: HVProcess, by, expected_visit_at) -> HVProcess:
    """The account manager changes the expected visit time shown on the card (logged, customer told)."""
    from utility_flows.hv.models import is_handler

    if not is_handler(process, by):
        raise DomainError(_("您没有办理此工单的权限（需客户经理或营销主管）"), code="forbidden")
    if expected_visit_at is None:
        raise DomainError(_("请填写预计上门服务时间"), code="required", field="expected_visit_at")
    if expected_visit_at < timezone.now():
        raise DomainError(_("预计上门服务时间不能早于现在"), code="past", field="expected_visit_at")
    when = timezone.localtime(expected_visit_at).strftime("%Y-%m-%d %H:%M")
    with transaction.atomic():
        locked = HVProcess.objects.select_for_update().select_related("order").get(pk=process.pk)
        HVProcess.objects.filter(pk=locked.pk).update(expected_visit_at=expected_visit_at)
        write_history(
            actor=by,
            action=gettext_noop("约定上门服务时间"),
            obj=locked.order,
            subject=locked.order.customer,
            changes={"expected_visit_at": ["", when]},
            entry=HVLog(
                process=locked,
                name="set_visit",
                side=Side.UTILITY,
                from_stage=locked.stage,
                to_stage=locked.stage,
                by=by,
                reason=_("预计上门服务时间 %(t)s") % {"t": when},
            ),
            notices=[_notice(locked, _("约定上门服务时间"), when)],
        )
    process.refresh_from_db()
    return process
