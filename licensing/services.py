"""Writes of licensing: each a function with keyword-only arguments in one transaction, raising
DomainError (with the field it belongs to) for the user."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed, has_transition_perm

from licensing import selectors
from licensing.credit import commitment_route_open
from licensing.models import (
    ACTION_LABELS,
    COMMITMENT_KINDS,
    FULL_KINDS,
    HOLDER_KINDS,
    ONE_FIRM_RULE,
    REVIEW_ACTIONS,
    ApplicationAttachment,
    ApplicationLog,
    AppliedCategory,
    AppState,
    AttachmentRequirement,
    Category,
    Firm,
    KeyPerson,
    Kind,
    LeadRole,
    Licence,
    LicenceApplication,
    LicenceGrant,
    LicenceLevel,
    Nature,
    Route,
    StaffMember,
    StaffStatus,
    SubmitterType,
    expiry_for,
    time_limit,
)
from portal.accounts.models import (
    Enterprise,
    EnterpriseMembership,
    EnterpriseRelation,
    EnterpriseType,
)
from portal.accounts.services import CREDIT_CODE_WARNING, _clean_credit_code, is_legal_representative
from portal.accounts.validators import (
    id_number_problem,
    normalize_id_number,
    uscc_check_passes,
)
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.core.locks import advisory_xact_lock
from portal.core.signals import matter_completed
from portal.core.workdays import add_working_days
from portal.documents.services import request_pdf, store_upload
from portal.notifications.services import notify

# Renewal (延续) opens this many days before expiry and must be filed at least 30 days before.
RENEWAL_OPENS_DAYS = 180
RENEWAL_CLOSES_DAYS = 30


# --- firms ---------------------------------------------------------------------------------


def register_firm(
    *,
    user,
    name: str,
    credit_code: str,
    enterprise_type: str,
    legal_rep_name: str,
    legal_rep_id_number: str,
    registered_address: str,
    contact_name: str,
    contact_mobile: str,
    email: str = "",
    postal_code: str = "",
    parent: Enterprise | None = None,
    region: str = "",
    credit_code_confirmed: bool = False,
) -> Firm:
    """企业注册: an enterprise and its licensing profile, registered by its legal representative,
    whose verified identity must be the one given (the checked route of a first member: a firm's
    membership is an enterprise membership, which reaches the enterprise's electricity accounts).
    Other people join the firm by asking to be bound to the enterprise, approved by its members.
    A credit code failing its GB 32100 check character is kept only when the user confirmed it."""
    if selectors.firm_of(user) is not None:
        raise DomainError(_("您的账号已关联一家承装（修、试）企业"), code="firm_exists")
    code = _clean_credit_code(credit_code)
    check_passed = uscc_check_passes(code)
    if not check_passed and not credit_code_confirmed:
        raise DomainError(_(CREDIT_CODE_WARNING), code="credit_code_unconfirmed", field="credit_code_confirmed")
    if enterprise_type not in EnterpriseType.values:
        raise DomainError(_("请选择企业类型"), field="enterprise_type")
    rep_number = normalize_id_number(legal_rep_id_number)
    problem = id_number_problem("resident_id", rep_number)
    if problem:
        raise DomainError(problem, code="invalid_id_number", field="legal_rep_id_number")
    if not is_legal_representative(
        user, Enterprise(legal_rep_name=legal_rep_name, legal_rep_id_type="resident_id", legal_rep_id_number=rep_number)
    ):
        raise DomainError(
            _(
                "企业注册须由法定代表人本人办理：法定代表人姓名和身份证号码须与您的实名认证信息一致。"
                "其他人员请在企业注册后，通过“我的企业”申请绑定，经企业审核后办理许可业务。"
            ),
            code="legal_representative_only",
            field="legal_rep_id_number",
        )
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=name.strip(),
                credit_code=code,
                credit_code_check_passed=check_passed,
                enterprise_type=enterprise_type,
                legal_rep_name=legal_rep_name.strip(),
                legal_rep_id_number=rep_number,
                registered_address=registered_address.strip(),
                created_by=user,
            )
            firm = Firm.objects.create(
                enterprise=enterprise,
                contact_name=contact_name.strip(),
                contact_mobile=contact_mobile,
                email=email,
                postal_code=postal_code,
                parent=parent,
                region=region,
            )
            EnterpriseMembership.objects.create(
                user=user, enterprise=enterprise, relation=EnterpriseRelation.LEGAL_REPRESENTATIVE
            )
            record(
                actor=user,
                action=gettext_noop("承装（修、试）企业注册"),
                obj=firm,
                subject=user,
                changes={"credit_code": ["", code], "credit_code_check_passed": [None, check_passed]},
            )
    except IntegrityError:
        raise DomainError(_("该统一社会信用代码的企业已登记"), code="enterprise_exists", field="credit_code") from None
    return firm


def update_firm(
    *, firm: Firm, by, contact_name: str, contact_mobile: str, email: str, postal_code: str, parent: Enterprise | None
) -> Firm:
    """企业信息修改: only the contact fields and the parent. Type, legal person, legal
    representative and address change by a registration-item change."""
    with transaction.atomic():
        before = {f: getattr(firm, f) for f in ("contact_name", "contact_mobile", "email", "postal_code")}
        firm.contact_name, firm.contact_mobile, firm.email, firm.postal_code = (
            contact_name,
            contact_mobile,
            email,
            postal_code,
        )
        firm.parent = parent
        firm.save()
        record(
            actor=by,
            action=gettext_noop("修改企业信息"),
            obj=firm,
            changes={k: [v, getattr(firm, k)] for k, v in before.items() if v != getattr(firm, k)},
        )
    return firm


def add_firm_user(*, firm: Firm, by, phone: str) -> EnterpriseMembership:
    """Another registered user acts for the firm (a firm may have several users)."""
    from portal.accounts.models import User

    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        raise DomainError(_("该手机号码尚未注册，请对方先注册账号"), field="phone")
    if selectors.firm_of(user) is not None:
        raise DomainError(_("该用户已关联一家承装（修、试）企业"), field="phone")
    with transaction.atomic():
        membership = EnterpriseMembership.objects.create(
            user=user, enterprise=firm.enterprise, relation=EnterpriseRelation.AGENT
        )
        record(actor=by, action=gettext_noop("添加企业用户"), obj=firm, subject=user)
    return membership


# --- starting an application ---------------------------------------------------------------


def _log(application: LicenceApplication, *, action: str, by, before: str = "", note: str = "") -> None:
    ApplicationLog.objects.create(
        application=application, action=action, from_state=before, to_state=application.state, actor=by, note=note
    )
    record(
        actor=by,
        action=str(ACTION_LABELS.get(action, action)),
        obj=application,
        changes={"state": [before, application.state]} if before != application.state else None,
    )


def renewal_window(licence: Licence) -> tuple:
    return licence.expires_on - timedelta(days=RENEWAL_OPENS_DAYS), licence.expires_on - timedelta(
        days=RENEWAL_CLOSES_DAYS
    )


def start_application(
    *,
    firm: Firm,
    by,
    kind: str,
    levels: dict[str, int] | None = None,
    nature: str = Nature.NEW,
    submitter_type: str = SubmitterType.LEGAL_REP,
    submitter_name: str = "",
    submitter_id_number: str = "",
    route: str = Route.ORDINARY,
    downgrade: bool = False,
    related_firm_name: str = "",
) -> LicenceApplication:
    """Open a draft of ``kind`` (申请类别界面). ``levels`` maps category → LicenceLevel id."""
    if kind not in Kind.values:
        raise DomainError(_("请选择申请类型"), field="kind")
    licence = Licence.objects.filter(firm=firm).prefetch_related("grants__level").first()
    if kind in HOLDER_KINDS and (licence is None or licence.status == Licence.Status.CANCELLED):
        raise DomainError(_("该申请仅限已取得许可证的企业办理"), code="no_licence")
    if kind == Kind.NEW and licence is not None and licence.status != Licence.Status.CANCELLED:
        raise DomainError(_("贵企业已持有许可证，请办理许可事项变更或延续"), code="has_licence")
    if kind == Kind.RENEWAL:
        assert licence is not None  # renewal is a holder's kind, checked above
        opens, closes = renewal_window(licence)
        today = timezone.localdate()
        if not opens <= today <= closes:
            raise DomainError(
                _("许可证延续应在有效期届满前 %(opens)s 天至 %(closes)s 天之间申请（本证可申请期间：%(a)s 至 %(b)s）")
                % {"opens": RENEWAL_OPENS_DAYS, "closes": RENEWAL_CLOSES_DAYS, "a": opens, "b": closes},
                code="renewal_closed",
            )
    if firm.applications.filter(
        state__in=[AppState.DRAFT, AppState.SUBMITTED, AppState.IN_REVIEW, AppState.RETURNED], kind=kind
    ).exists():
        raise DomainError(_("已有一份同类申请正在填报或办理中，请继续办理或先废弃/终止"), code="open_exists")
    if route == Route.COMMITMENT and (kind not in COMMITMENT_KINDS or not commitment_route_open(firm)):
        raise DomainError(_("贵企业当前不符合告知承诺制条件，请选择传统审批流程"), field="route")
    if submitter_type == SubmitterType.DELEGATE or kind in FULL_KINDS:
        if not submitter_name.strip():
            raise DomainError(_("请填写提交人姓名"), field="submitter_name")
        problem = id_number_problem("resident_id", normalize_id_number(submitter_id_number))
        if problem:
            raise DomainError(problem, field="submitter_id_number")
    scheme = selectors.active_scheme()
    chosen: list[tuple[str, LicenceLevel]] = []
    if kind in FULL_KINDS:
        if kind == Kind.RENEWAL and not downgrade:
            chosen = [(g.category, g.level) for g in licence.grants.select_related("level")]  # type: ignore[union-attr]
        else:
            for category, level_id in (levels or {}).items():
                if category not in Category.values or not level_id:
                    continue
                level = LicenceLevel.objects.filter(pk=level_id, scheme=scheme).first()
                if level is None:
                    raise DomainError(_("请选择当前标准中的许可等级"), field=f"level_{category}")
                chosen.append((category, level))
            if not chosen:
                raise DomainError(_("请至少选择一个申请类别及其等级"), field="level_install")
            if kind == Kind.RENEWAL:
                current = {g.category: g.level.rank for g in licence.grants.select_related("level")}  # type: ignore[union-attr]
                for category, level in chosen:
                    if category not in current or level.rank < current[category]:
                        raise DomainError(
                            _("降级延续只能选择原许可类别中不高于原等级的等级"), field=f"level_{category}"
                        )
    if nature in (Nature.AFTER_MERGER, Nature.AFTER_SPLIT) or kind in (Kind.SPLIT, Kind.MERGER):
        if not related_firm_name.strip():
            raise DomainError(_("请填写合并或分立涉及的企业名称"), field="related_firm_name")
    with transaction.atomic():
        application = LicenceApplication.objects.create(
            firm=firm,
            kind=kind,
            scheme=scheme,
            licence=licence,
            nature=nature,
            submitter_type=submitter_type,
            submitter_name=submitter_name.strip(),
            submitter_id_number=normalize_id_number(submitter_id_number),
            route=route,
            downgrade=downgrade,
            related_firm_name=related_firm_name.strip(),
            created_by=by,
        )
        AppliedCategory.objects.bulk_create(
            [AppliedCategory(application=application, category=c, level=lv) for c, lv in chosen]
        )
        if kind == Kind.REGISTRATION_CHANGE:
            ent = firm.enterprise
            application.changes = {
                "name": [ent.name, ent.name],
                "legal_rep_name": [ent.legal_rep_name, ent.legal_rep_name],
                "registered_address": [ent.registered_address, ent.registered_address],
                "enterprise_type": [ent.enterprise_type, ent.enterprise_type],
            }
            application.save(update_fields=["changes"])
        _log(application, action="create", by=by)
    return application


def _editable(application: LicenceApplication) -> None:
    if not application.is_editable:
        raise DomainError(_("申请已提交，当前不能修改"), code="not_editable")


def save_basic(
    *,
    application: LicenceApplication,
    by,
    registered_capital=None,
    matter: str = "",
    changes_after: dict[str, str] | None = None,
) -> LicenceApplication:
    """基本情况 / 申请变更内容 / 注销事项: the application's own fields."""
    _editable(application)
    with transaction.atomic():
        if registered_capital is not None:
            application.registered_capital = registered_capital
        application.matter = matter or application.matter
        if changes_after and application.kind == Kind.REGISTRATION_CHANGE:
            changes = dict(application.changes)
            for key, value in changes_after.items():
                if key in changes and value is not None:
                    value = value.strip()
                    if not value:
                        raise DomainError(_("变更后的内容不能为空"), field=key)
                    changes[key] = [changes[key][0], value]
            application.changes = changes
        application.save()
    return application


def upload_attachment(
    *, application: LicenceApplication, by, requirement: AttachmentRequirement, upload
) -> ApplicationAttachment:
    _editable(application)
    document = store_upload(
        upload=upload,
        doc_type="licensing_attachment",
        uploaded_by=by,
        owner_enterprise=application.firm.enterprise,
        field=f"file_{requirement.code}",
    )
    with transaction.atomic():
        attachment, _created = ApplicationAttachment.objects.update_or_create(
            application=application, requirement=requirement, defaults={"document": document}
        )
    return attachment


def save_lead(*, application: LicenceApplication, by, role: str, data: dict, photo=None) -> KeyPerson:
    """技术负责人 / 安全负责人 (the safety lead with a photo)."""
    _editable(application)
    problem = id_number_problem("resident_id", normalize_id_number(data.get("id_number", "")))
    if problem:
        raise DomainError(problem, field="id_number")
    with transaction.atomic():
        data = {**data, "id_number": normalize_id_number(data["id_number"])}
        if photo is not None:
            data["photo"] = store_upload(
                upload=photo,
                doc_type="licensing_photo",
                uploaded_by=by,
                owner_enterprise=application.firm.enterprise,
                field="photo",
            )
        person, _created = KeyPerson.objects.update_or_create(application=application, role=role, defaults=data)
    return person


def save_row(*, application: LicenceApplication, by, form) -> object:
    """Add or edit a row of a tab (equity, work / training history, achievement): ``form`` is a
    valid ModelForm whose parent is already set."""
    _editable(application)
    with transaction.atomic():
        return form.save()


def delete_row(*, application: LicenceApplication, by, row) -> None:
    _editable(application)
    with transaction.atomic():
        row.delete()


def save_staff(
    *, firm: Firm, by, form, status: str | None = None, change_application=None, application=None
) -> StaffMember:
    """Add or edit a firm's staff member. The database refuses an ID number already on the
    active staff of any firm (this one included), also when two firms save at the same moment.

    A licensed firm's staff are part of its licence: they change only inside an application being
    filled in (a personnel change, an item change, a renewal), where the reviewer sees them."""
    if hasattr(firm, "licence") and (application is None or not application.is_editable):
        raise DomainError(
            _("持证企业的人员变动请通过“人员变更申请”（或正在填报的许可申请）办理"), code="use_personnel_change"
        )
    member = form.instance
    member.firm = firm
    member.id_number = normalize_id_number(member.id_number)
    problem = id_number_problem("resident_id", member.id_number)
    if problem:
        raise DomainError(problem, field="id_number")
    if status:
        member.status = status
    if change_application is not None:
        member.change_application = change_application
    try:
        with transaction.atomic():
            member = form.save()
    except IntegrityError as exc:
        if "licensing_one_firm_per_person" in str(exc):
            raise DomainError(ONE_FIRM_RULE, code="person_on_other_staff", field="id_number") from None
        raise
    return member


def delete_staff(*, firm: Firm, by, member: StaffMember) -> None:
    """Remove a row entered by mistake. Staff of a licensed firm leave by a personnel change."""
    if hasattr(firm, "licence") and member.status == StaffStatus.ACTIVE:
        raise DomainError(_("持证企业的在职人员请通过“人员变更申请”办理离职"), code="use_personnel_change")
    with transaction.atomic():
        member.delete()


# --- personnel change ----------------------------------------------------------------------


def request_offboarding(*, application: LicenceApplication, by, member: StaffMember) -> StaffMember:
    """人员离职申请: the person stays counted until the change is approved."""
    _editable(application)
    if application.kind != Kind.PERSONNEL_CHANGE or member.firm_id != application.firm_id:
        raise DomainError(_("只能为本企业在职人员办理离职"))
    if member.status != StaffStatus.ACTIVE:
        raise DomainError(_("该人员不在在职名单中"))
    with transaction.atomic():
        member.status = StaffStatus.OFFBOARDING
        member.change_application = application
        member.save(update_fields=["status", "change_application"])
    return member


def withdraw_change(*, application: LicenceApplication, by, member: StaffMember) -> None:
    _editable(application)
    with transaction.atomic():
        if member.status == StaffStatus.OFFBOARDING:
            member.status = StaffStatus.ACTIVE
            member.change_application = None
            member.save(update_fields=["status", "change_application"])
        elif member.status == StaffStatus.ONBOARDING:
            member.delete()


# --- material check and submission ---------------------------------------------------------


def material_problems(application: LicenceApplication) -> list[str]:
    """资料提交: every unmet requirement, in words the firm can act on. Empty when complete."""
    problems: list[str] = []
    kind = application.kind
    if kind in FULL_KINDS:
        categories = list(application.categories.select_related("level"))
        if not categories:
            problems.append(_("未选择申请类别及等级"))
        if categories:
            # Staff are the firm's; they must meet the most demanding level applied for.
            top = max((c.level for c in categories), key=lambda lv: (lv.tech_staff_min, lv.skilled_min))
            counts = selectors.staff_counts(application.firm)
            needs = [
                (counts["technical"], top.tech_staff_min, _("电力相关技术人员")),
                (counts["senior"], top.tech_senior_min, _("其中中级及以上职称人员")),
                (counts["skilled"], top.skilled_min, _("电力相关专业技能人员")),
                (counts["electricians"], top.electrician_min, _("其中高压电工")),
            ]
            for have, need, label in needs:
                if have < need:
                    problems.append(
                        _("%(label)s %(have)s 人，%(level)s要求至少 %(need)s 人，还差 %(short)s 人")
                        % {"label": label, "have": have, "need": need, "short": need - have, "level": top.name}
                    )
            for applied in categories:
                level = applied.level
                if level.achievement_min:
                    have = application.achievements.filter(
                        category=applied.category, voltage_kv__gte=level.achievement_min_kv
                    ).count()
                    if have < level.achievement_min:
                        problems.append(
                            _(
                                "%(category)s%(level)s需要规定年限内 %(kv)skV 及以上业绩至少 %(need)s 项，已填 %(have)s 项"
                            )
                            % {
                                "category": applied.get_category_display(),
                                "level": level.name,
                                "kv": level.achievement_min_kv,
                                "need": level.achievement_min,
                                "have": have,
                            }
                        )
        leads = {p.role: p for p in application.leads.prefetch_related("work_history")}
        tech = leads.get(LeadRole.TECHNICAL)
        if tech is None:
            problems.append(_("未填写技术负责人"))
        elif not tech.work_history.all():
            problems.append(_("技术负责人未填写工作经历"))
        safety = leads.get(LeadRole.SAFETY)
        if safety is None:
            problems.append(_("未填写安全负责人"))
        elif not safety.photo_id:
            problems.append(_("安全负责人未上传个人登记照"))
        equity = list(application.equity_rows.all())
        if not equity:
            problems.append(_("未填写股权结构"))
        elif sum(r.ratio for r in equity) > 100:
            problems.append(_("股权结构出资比例合计超过 100%"))
    elif kind == Kind.REGISTRATION_CHANGE:
        if all(before == after for before, after in application.changes.values()):
            problems.append(_("未填写任何变更后的登记事项"))
    elif kind in (Kind.REISSUE, Kind.CANCELLATION):
        if not application.matter.strip():
            problems.append(_("未填写申请事项说明"))
    elif kind == Kind.PERSONNEL_CHANGE:
        if not application.staff_changes.exists():
            problems.append(_("未添加任何入职或离职人员"))
    attached = set(application.attachments.values_list("requirement_id", flat=True))
    for requirement in AttachmentRequirement.objects.all():
        if requirement.required and requirement.applies_to(application) and requirement.pk not in attached:
            problems.append(_("未上传附件：%(name)s") % {"name": requirement.name})
    return problems


def _number(prefix: str, model, field: str) -> str:
    today = timezone.localdate().strftime("%Y%m%d")
    # The row lock on the firm serialises a firm's own submits; numbers across firms are
    # serialised by this advisory lock.
    advisory_xact_lock(f"licensing-{prefix}")
    base = f"{prefix}{today}"
    count = model.objects.filter(**{f"{field}__startswith": base}).count()
    return f"{base}{count + 1:04d}"


def _firm_users(firm: Firm):
    from portal.accounts.models import User

    return User.objects.filter(memberships__enterprise=firm.enterprise_id)


class MaterialsIncomplete(DomainError):
    """资料提交 refused: ``problems`` lists every unmet requirement (the message joins them)."""

    def __init__(self, problems: list[str]):
        super().__init__(_("资料不符合申请要求：") + "；".join(problems), code="materials_incomplete")
        self.problems = problems


def submit(*, application: LicenceApplication, by) -> LicenceApplication:
    """资料提交 → 形审. Refused with the list of unmet requirements while any remains."""
    with transaction.atomic():
        application = LicenceApplication.objects.select_for_update().get(pk=application.pk)
        if not can_proceed(application.submit):
            raise DomainError(_("申请当前不能提交"), code="not_submittable")
        problems = material_problems(application)
        if problems:
            raise MaterialsIncomplete(problems)
        before = application.state
        application.submit()
        if not application.number:
            application.number = _number("XK", LicenceApplication, "number")
        limit = time_limit(application, AppState.SUBMITTED)
        if limit is None:  # the rows are seeded and cannot be deleted in the admin
            raise DomainError(_("未设置形式审查的办理时限，请联系许可审核部门"), code="no_time_limit")
        application.step_due_on = add_working_days(timezone.localdate(), limit)
        application.reason = ""
        application.save()
        _log(application, action="submit", by=by, before=before)
        for user in _firm_users(application.firm):
            notify(
                user,
                "licensing.submitted",
                {"number": application.number, "kind": application.get_kind_display(), "pk": application.pk},
            )
    return application


def abandon(*, application: LicenceApplication, by) -> LicenceApplication:
    """申请废弃: a draft is given up (its staff changes are withdrawn)."""
    with transaction.atomic():
        application = LicenceApplication.objects.select_for_update().get(pk=application.pk)
        if not can_proceed(application.abandon):
            raise DomainError(_("只有填报中的申请可以废弃"), code="not_draft")
        before = application.state
        _release_staff_changes(application)
        application.abandon()
        application.save()
        _log(application, action="abandon", by=by, before=before)
    return application


def terminate(*, application: LicenceApplication, by, reason: str = "") -> LicenceApplication:
    """业务办理终止申请: the firm stops an application in progress."""
    with transaction.atomic():
        application = LicenceApplication.objects.select_for_update().get(pk=application.pk)
        if not can_proceed(application.terminate):
            raise DomainError(_("只有办理中的申请可以终止"), code="not_open")
        before = application.state
        _release_staff_changes(application)
        application.terminate()
        application.step_due_on = None
        application.save()
        _log(application, action="terminate", by=by, before=before, note=reason)
    return application


def _release_staff_changes(application: LicenceApplication) -> None:
    application.staff_changes.filter(status=StaffStatus.ONBOARDING).delete()
    application.staff_changes.filter(status=StaffStatus.OFFBOARDING).update(
        status=StaffStatus.ACTIVE, change_application=None
    )


# --- review ---------------------------------------------------------------------------------


def review(*, application: LicenceApplication, action: str, by, reason: str = "") -> LicenceApplication:
    """A reviewer's step: formal review passed, return for correction, approve or refuse."""
    if action not in REVIEW_ACTIONS:
        raise DomainError(_("未知的审核操作"), code="unknown_action")
    reason = (reason or "").strip()
    with transaction.atomic():
        application = (
            LicenceApplication.objects.select_for_update().select_related("firm__enterprise").get(pk=application.pk)
        )
        method = getattr(application, action)
        if not can_proceed(method):
            raise DomainError(_("申请当前所处环节不能执行该操作"), code="wrong_state")
        if not has_transition_perm(method, by):
            raise DomainError(_("您没有审核许可申请的权限"), code="forbidden")
        if method._django_fsm.get_transition(application.state).custom.get("reason_required") and not reason:
            raise DomainError(_("请填写理由"), field="reason")
        before = application.state
        method()
        application.reviewer = by
        application.reason = reason
        limit = time_limit(application, application.state)
        application.step_due_on = add_working_days(timezone.localdate(), limit) if limit else None
        application.save()
        _log(application, action=action, by=by, before=before, note=reason)
        if application.state == AppState.APPROVED:
            _apply_approval(application, by=by)
        elif application.state == AppState.REFUSED:
            _release_staff_changes(application)
        context = {
            "number": application.number,
            "kind": application.get_kind_display(),
            "pk": application.pk,
            "state": application.get_state_display(),
            "reason": reason,
        }
        for user in _firm_users(application.firm):
            notify(user, "licensing.progress", context)
        if application.state in (AppState.APPROVED, AppState.REFUSED):
            contact = _firm_users(application.firm).order_by("pk").first()
            if contact is not None:
                matter_completed.send(
                    sender=LicenceApplication,
                    matter=application,
                    user=contact,
                    kind="licence_application",
                    title=format_lazy("{} {}", Kind(application.kind).label, application.number),
                    business=application.kind,
                    business_label=Kind(application.kind).label,
                    staff=by,
                    unit=getattr(settings, "LICENSING_OFFICE_NAME", ""),
                )
    return application


def _apply_approval(application: LicenceApplication, *, by) -> None:
    firm = application.firm
    kind = application.kind
    today = timezone.localdate()
    licence = Licence.objects.select_for_update().filter(firm=firm).first()
    ent = firm.enterprise
    if kind == Kind.PERSONNEL_CHANGE:
        application.staff_changes.filter(status=StaffStatus.ONBOARDING).update(status=StaffStatus.ACTIVE)
        application.staff_changes.filter(status=StaffStatus.OFFBOARDING).update(status=StaffStatus.LEFT)
        return
    if kind == Kind.REGISTRATION_CHANGE:
        for key, (_before, after) in application.changes.items():
            setattr(ent, key, after)
        ent.save()
        record(actor=by, action=gettext_noop("登记事项变更生效"), obj=ent, changes=application.changes)
    if kind == Kind.CANCELLATION:
        assert licence is not None  # cancellation is a holder's kind
        licence.status = Licence.Status.CANCELLED
        licence.save()
        return
    grants = [(c.category, c.level) for c in application.categories.select_related("level")]
    if licence is None or licence.status == Licence.Status.CANCELLED:
        if licence is not None:  # a cancelled firm applying anew gets a new number
            licence.delete()
        licence = Licence(firm=firm, number=_licence_number(), issued_on=today, expires_on=expiry_for(today))
    elif kind == Kind.LICENCE_CHANGE:
        licence.issued_on = today  # seed 004: issue date is today, expiry stays
    elif kind == Kind.RENEWAL:
        licence.issued_on = today
        licence.expires_on = expiry_for(licence.expires_on)
    elif kind in (Kind.SPLIT, Kind.MERGER, Kind.NEW):
        licence.issued_on = today
        licence.expires_on = expiry_for(today)
    licence.status = Licence.Status.VALID
    licence.holder_name, licence.legal_rep_name, licence.address = ent.name, ent.legal_rep_name, ent.registered_address
    licence.save()
    if grants and kind in FULL_KINDS:
        licence.grants.all().delete()
        LicenceGrant.objects.bulk_create([LicenceGrant(licence=licence, category=c, level=lv) for c, lv in grants])
    application.licence = licence
    application.save(update_fields=["licence"])
    request_licence_pdf(licence=licence)


def _licence_number() -> str:
    advisory_xact_lock("licensing-licence-number")
    year = timezone.localdate().year
    base = f"{getattr(settings, 'LICENSING_NUMBER_PREFIX', '6')}-{year}-"
    n = Licence.objects.filter(number__startswith=base).count() + 1
    return f"{base}{n:05d}"


def request_licence_pdf(*, licence: Licence):
    """The electronic licence, rendered by the worker; linked to the licence when done."""
    return request_pdf(
        template_name="pdf/licensing_licence.html",
        context={"licence_id": licence.pk},
        context_builder="licensing.pdf.licence_context",
        doc_type="licensing_licence",
        name=f"许可证-{licence.number}",
        owner_enterprise=licence.firm.enterprise,
        on_done="licensing.pdf.licence_rendered",
        on_done_kwargs={"licence_id": licence.pk},
    )


# --- licences over time --------------------------------------------------------------------

REMINDER_DAYS = (90, 60, 30)


def send_expiry_reminders(*, today=None) -> int:
    """90, 60 and 30 days before expiry, each once."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        due = (
            Licence.objects.select_related("firm")
            .filter(status=Licence.Status.VALID, expires_on__lte=today + timedelta(days=days), expires_on__gte=today)
            .exclude(reminded_days__contains=[days])
        )
        for licence in due:
            with transaction.atomic():
                licence.reminded_days = sorted({*licence.reminded_days, days}, reverse=True)
                licence.save(update_fields=["reminded_days"])
                for user in _firm_users(licence.firm):
                    notify(
                        user,
                        "licensing.expiring",
                        {
                            "number": licence.number,
                            "expires_on": licence.expires_on,
                            "days": (licence.expires_on - today).days,
                        },
                    )
            sent += 1
    return sent


def mark_expired(*, today=None) -> int:
    today = today or timezone.localdate()
    with transaction.atomic():
        return Licence.objects.filter(status=Licence.Status.VALID, expires_on__lt=today).update(
            status=Licence.Status.EXPIRED
        )


def check_licence(number: str):
    """The registry lookup the HV mid inspection asks (portal.core.licences)."""
    from portal.core.licences import LicenceCheck, LicenceStatus

    licence = Licence.objects.filter(number=(number or "").strip()).prefetch_related("grants__level").first()
    if licence is None:
        return LicenceCheck(number=number, status=LicenceStatus.UNKNOWN)
    return LicenceCheck(
        number=licence.number,
        status=licence.effective_status,
        holder=licence.holder_name,
        scope=licence.scope_labels(),
        expires_on=licence.expires_on,
    )


def firm_q(user) -> Q:
    return Q(firm__enterprise__memberships__user=user)
