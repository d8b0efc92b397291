"""Contractor licensing (承装（修、试）电力设施许可, SPEC §5, seed 004).

A firm is a portal ``Enterprise`` plus a ``Firm`` profile; its users are the enterprise's
members. Levels and their requirements are data (``RuleScheme`` → ``LicenceLevel``): the 2020
five-level scheme and the 2025 three-level scheme are seeded, the active one is switched in the
admin. Staff belong to the firm (an ID number is on one firm's active staff only, held by a
partial unique constraint); an application carries its categories and levels, leads,
equity rows, attachments and achievements. Review runs on a django-fsm machine.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.accounts.roles import Role
from portal.accounts.validators import validate_mainland_mobile
from portal.core.masking import mask_id_number

LICENCE_VALID_YEARS = 6


class Category(models.TextChoices):
    INSTALL = "install", _("承装")
    REPAIR = "repair", _("承修")
    TEST = "test", _("承试")


class RuleScheme(models.Model):
    """A set of licence levels with their requirements (2020: five levels; 2025: three).
    Exactly one is active; new applications use it."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("当前执行"), default=False)

    class Meta:
        verbose_name = _("许可等级标准")
        verbose_name_plural = _("许可等级标准")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_rule_scheme"),
        ]

    def __str__(self) -> str:
        return self.name


class LicenceLevel(models.Model):
    """One level of a scheme and what a firm needs to hold it (per category)."""

    scheme = models.ForeignKey(RuleScheme, on_delete=models.CASCADE, related_name="levels", verbose_name=_("标准"))
    rank = models.PositiveSmallIntegerField(_("级别"), help_text=_("1 为最高级"))
    name = models.CharField(_("名称"), max_length=20)
    voltage_scope = models.CharField(_("可从事电压等级"), max_length=50)
    tech_staff_min = models.PositiveSmallIntegerField(_("技术人员最少人数"))
    tech_senior_min = models.PositiveSmallIntegerField(_("其中中级及以上职称最少人数"), default=0)
    skilled_min = models.PositiveSmallIntegerField(_("技能人员最少人数"))
    electrician_min = models.PositiveSmallIntegerField(_("其中高压电工最少人数"), default=0)
    achievement_min = models.PositiveSmallIntegerField(
        _("规定年限内业绩最少项数"), default=0, help_text=_("每个申请类别分别计算；0 表示不要求业绩")
    )
    achievement_min_kv = models.PositiveIntegerField(_("业绩最低电压等级（kV）"), default=0)

    class Meta:
        verbose_name = _("许可等级")
        verbose_name_plural = _("许可等级")
        ordering = ["scheme", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "rank"], name="one_level_per_rank")]

    def __str__(self) -> str:
        return f"{self.name}（{self.voltage_scope}）"


class Firm(models.Model):
    """承装（修、试）企业: the enterprise's licensing profile. Firm type, legal person, legal
    representative and registered address live on the Enterprise and change only by a
    registration-item change application."""

    enterprise = models.OneToOneField(
        "accounts.Enterprise", on_delete=models.PROTECT, related_name="licensing_firm", verbose_name=_("企业")
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_mobile = models.CharField(_("联系人手机"), max_length=11, validators=[validate_mainland_mobile])
    email = models.EmailField(_("电子邮箱"), blank=True)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    parent = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上级企业"),
    )
    region = models.CharField(_("所在地区代码"), max_length=6, blank=True, help_text=_("告知承诺制按地区开放"))
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("承装（修、试）企业")
        verbose_name_plural = _("承装（修、试）企业")
        ordering = ["enterprise__name"]

    def __str__(self) -> str:
        return self.enterprise.name


class TitleLevel(models.TextChoices):
    NONE = "none", _("无职称")
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")
    PROFESSOR = "professor", _("正高级")


SENIOR_TITLES = [TitleLevel.INTERMEDIATE, TitleLevel.SENIOR, TitleLevel.PROFESSOR]


class StaffKind(models.TextChoices):
    TECHNICAL = "technical", _("电力相关技术人员")
    SKILLED = "skilled", _("电力相关专业技能人员")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    ONBOARDING = "onboarding", _("入职审批中")
    OFFBOARDING = "offboarding", _("离职审批中")
    LEFT = "left", _("已离职")


# Statuses in which a person is on a firm's staff (the ID number is taken).
ON_STAFF = [StaffStatus.ACTIVE, StaffStatus.ONBOARDING, StaffStatus.OFFBOARDING]
ONE_FIRM_RULE = _("同一身份证号码只能在一家企业的在职人员名单中（该人员已在其他企业或本企业名单中）")


class StaffMember(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="staff", verbose_name=_("企业"))
    kind = models.CharField(_("人员类别"), max_length=10, choices=StaffKind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    title_level = models.CharField(_("职称等级"), max_length=15, choices=TitleLevel.choices, default=TitleLevel.NONE)
    specialty = models.CharField(_("专业/工种"), max_length=50, blank=True)
    is_hv_electrician = models.BooleanField(_("高压电工"), default=False)
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_authority = models.CharField(_("发证机关"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    change_application = models.ForeignKey(
        "LicenceApplication",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_changes",
        verbose_name=_("人员变更申请"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业人员")
        verbose_name_plural = _("企业人员")
        ordering = ["kind", "id"]
        constraints = [
            # Seed 004: "同一个电工的身份证号码只能使用一次". The database holds it, so two firms
            # submitting the same person at the same moment cannot both succeed.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status__in=ON_STAFF),
                name="licensing_one_firm_per_person",
                violation_error_message=ONE_FIRM_RULE,
            ),
        ]
        indexes = [models.Index(fields=["firm", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Licence(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已过期")
        SUSPENDED = "suspended", _("已暂停")
        CANCELLED = "cancelled", _("已注销")

    firm = models.OneToOneField(Firm, on_delete=models.PROTECT, related_name="licence", verbose_name=_("企业"))
    number = models.CharField(_("许可证编号"), max_length=20, unique=True)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    holder_name = models.CharField(_("企业名称"), max_length=100)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=50)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("电子许可证"),
    )
    reminded_days = models.JSONField(_("已发送的到期提醒（天）"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def effective_status(self) -> str:
        if self.status == self.Status.VALID and self.expires_on < timezone.localdate():
            return self.Status.EXPIRED
        return self.status

    def scope_labels(self) -> list[str]:
        return [f"{g.get_category_display()}{g.level.name}" for g in self.grants.all()]


class LicenceGrant(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="grants", verbose_name=_("许可证"))
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    level = models.ForeignKey(LicenceLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("等级"))

    class Meta:
        verbose_name = _("许可类别与等级")
        verbose_name_plural = _("许可类别与等级")
        ordering = ["licence", "category"]
        constraints = [models.UniqueConstraint(fields=["licence", "category"], name="one_grant_per_category")]


class Kind(models.TextChoices):
    NEW = "new", _("许可证新申请")
    REGISTRATION_CHANGE = "registration_change", _("登记事项变更")
    LICENCE_CHANGE = "licence_change", _("许可事项变更")
    RENEWAL = "renewal", _("许可证延续")
    REISSUE = "reissue", _("许可证补（换）证")
    CANCELLATION = "cancellation", _("许可证注销")
    PERSONNEL_CHANGE = "personnel_change", _("人员变更")
    SPLIT = "split", _("分立申请")
    MERGER = "merger", _("合并申请")


# Kinds filled in through the full set of tabs (seed 004: "流程和新申请相同").
FULL_KINDS = [Kind.NEW, Kind.LICENCE_CHANGE, Kind.RENEWAL, Kind.SPLIT, Kind.MERGER]
# Kinds that need a licence the firm already holds.
HOLDER_KINDS = [
    Kind.REGISTRATION_CHANGE,
    Kind.LICENCE_CHANGE,
    Kind.RENEWAL,
    Kind.REISSUE,
    Kind.CANCELLATION,
    Kind.PERSONNEL_CHANGE,
]
# Seed 004 告知承诺制: first applications and changes may take the commitment route.
COMMITMENT_KINDS = [Kind.NEW, Kind.LICENCE_CHANGE, Kind.RENEWAL, Kind.SPLIT, Kind.MERGER]


class Nature(models.TextChoices):
    NEW = "new", _("新申请")
    AFTER_MERGER = "after_merger", _("合并后申请")
    AFTER_SPLIT = "after_split", _("分立后申请")


class SubmitterType(models.TextChoices):
    LEGAL_REP = "legal_rep", _("法定代表人提交")
    DELEGATE = "delegate", _("委托他人提交")


class Route(models.TextChoices):
    ORDINARY = "ordinary", _("传统审批流程")
    COMMITMENT = "commitment", _("告知承诺制")


class AppState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待形式审查")
    IN_REVIEW = "in_review", _("审查中")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("准予许可")
    REFUSED = "refused", _("不予许可")
    ABANDONED = "abandoned", _("已废弃")
    TERMINATED = "terminated", _("已终止")


OPEN_STATES = [AppState.SUBMITTED, AppState.IN_REVIEW, AppState.RETURNED]
REVIEW_STATES = [AppState.SUBMITTED, AppState.IN_REVIEW]


class ReviewTimeLimit(models.Model):
    """审核时限: working days a reviewers' step (形审, 审查 and decision) may take, per route.
    The one source of truth the clocks read: seeded by a data migration, edited in the admin;
    a change applies to the steps that start after it."""

    route = models.CharField(_("审批流程"), max_length=20, choices=Route.choices)
    state = models.CharField(_("环节"), max_length=50, choices=[(s.value, s.label) for s in REVIEW_STATES])
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"), validators=[MinValueValidator(1)])
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("审核时限")
        verbose_name_plural = _("审核时限")
        ordering = ["route", "state"]
        constraints = [models.UniqueConstraint(fields=["route", "state"], name="licensing_review_limit_unique")]

    def __str__(self) -> str:
        return f"{self.get_route_display()} · {self.get_state_display()}"


def time_limit(application, state) -> int | None:
    """Working days of ``state`` on the application's route; None where the step has no clock."""
    return (
        ReviewTimeLimit.objects.filter(route=application.route, state=state)
        .values_list("working_days", flat=True)
        .first()
    )


def may_review(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_licensing_roles", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._licensing_roles = names
    return Role.LICENSING_REVIEWER in names


def _can_review(instance, user) -> bool:
    return may_review(user)


class LicenceApplication(ConcurrentTransitionMixin, models.Model):
    """One application of a firm, of any kind of SPEC §5. Its state changes only by the
    transitions below, called from ``licensing.services``."""

    number = models.CharField(_("申请编号"), max_length=20, unique=True, null=True, blank=True)
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="applications", verbose_name=_("企业"))
    kind = models.CharField(_("申请类型"), max_length=20, choices=Kind.choices)
    scheme = models.ForeignKey(RuleScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("等级标准"))
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("原许可证"),
    )
    nature = models.CharField(_("申请性质"), max_length=15, choices=Nature.choices, default=Nature.NEW)
    submitter_type = models.CharField(
        _("提交类型"), max_length=10, choices=SubmitterType.choices, default=SubmitterType.LEGAL_REP
    )
    submitter_name = models.CharField(_("提交人姓名"), max_length=50, blank=True)
    submitter_id_number = models.CharField(_("提交人身份证号"), max_length=18, blank=True)
    route = models.CharField(_("审批方式"), max_length=10, choices=Route.choices, default=Route.ORDINARY)
    downgrade = models.BooleanField(_("是否降级"), default=False)
    # Registration-item change: {"name": [before, after], ...}; cancellation / reissue: the matter.
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    matter = models.TextField(_("申请事项说明"), blank=True)
    related_firm_name = models.CharField(_("相关企业（合并/分立）"), max_length=100, blank=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = FSMField(_("状态"), default=AppState.DRAFT, choices=AppState.choices, protected=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reason = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    step_due_on = models.DateField(_("本环节时限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("许可申请")
        verbose_name_plural = _("许可申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "step_due_on"]), models.Index(fields=["firm", "state"])]
        permissions = [("review_licenceapplication", _("可以审核许可申请"))]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.state in (AppState.DRAFT, AppState.RETURNED)

    @property
    def is_full(self) -> bool:
        return self.kind in FULL_KINDS

    @property
    def is_late(self) -> bool:
        return bool(self.step_due_on and self.state in REVIEW_STATES and self.step_due_on < timezone.localdate())

    # --- the machine --------------------------------------------------------------------
    @transition(field=state, source=[AppState.DRAFT, AppState.RETURNED], target=AppState.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=AppState.SUBMITTED,
        target=AppState.IN_REVIEW,
        permission=_can_review,
        custom={"label": _("形式审查通过")},
    )
    def pass_formal_review(self):
        pass

    @transition(
        field=state,
        source=REVIEW_STATES,
        target=AppState.RETURNED,
        permission=_can_review,
        custom={"label": _("退回补正"), "reason_required": True},
    )
    def return_for_correction(self):
        pass

    @transition(
        field=state,
        source=AppState.IN_REVIEW,
        target=AppState.APPROVED,
        permission=_can_review,
        custom={"label": _("准予许可")},
    )
    def approve(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=REVIEW_STATES,
        target=AppState.REFUSED,
        permission=_can_review,
        custom={"label": _("不予许可"), "reason_required": True},
    )
    def refuse(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=AppState.DRAFT, target=AppState.ABANDONED)
    def abandon(self):
        pass

    @transition(field=state, source=OPEN_STATES, target=AppState.TERMINATED)
    def terminate(self):
        self.decided_at = timezone.now()


REVIEW_ACTIONS = ["pass_formal_review", "return_for_correction", "approve", "refuse"]


class AppliedCategory(models.Model):
    application = models.ForeignKey(
        LicenceApplication, on_delete=models.CASCADE, related_name="categories", verbose_name=_("申请")
    )
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    level = models.ForeignKey(LicenceLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("等级"))

    class Meta:
        verbose_name = _("申请类别与等级")
        verbose_name_plural = _("申请类别与等级")
        ordering = ["category"]
        constraints = [models.UniqueConstraint(fields=["application", "category"], name="one_level_per_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}{self.level.name}"


class EquityRow(models.Model):
    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="equity_rows")
    holder = models.CharField(_("出资人"), max_length=100)
    amount = models.DecimalField(_("出资额（万元）"), max_digits=12, decimal_places=2)
    ratio = models.DecimalField(_("出资比例（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("股权结构")
        verbose_name_plural = _("股权结构")
        ordering = ["id"]


class AttachmentRequirement(models.Model):
    """An attachment an application kind asks for (data, editable in the admin). ``template``
    names a downloadable template under static/licensing/templates/."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kinds = models.JSONField(_("适用申请类型"), default=list)
    required = models.BooleanField(_("必须提供"), default=True)
    only_for = models.CharField(
        _("仅在以下情形需要"),
        max_length=20,
        blank=True,
        help_text=_("delegate（委托他人提交）、after_merger、after_split、commitment（告知承诺制）；留空表示总是需要"),
    )
    template = models.CharField(_("模板文件"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("申请附件要求")
        verbose_name_plural = _("申请附件要求")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, application: LicenceApplication) -> bool:
        if application.kind not in self.kinds:
            return False
        return {
            "": True,
            "delegate": application.submitter_type == SubmitterType.DELEGATE,
            "after_merger": application.nature == Nature.AFTER_MERGER,
            "after_split": application.nature == Nature.AFTER_SPLIT,
            "commitment": application.route == Route.COMMITMENT,
        }.get(self.only_for, True)


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(AttachmentRequirement, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="one_attachment_per_requirement")
        ]


class LeadRole(models.TextChoices):
    TECHNICAL = "technical", _("技术负责人")
    SAFETY = "safety", _("安全负责人")


class KeyPerson(models.Model):
    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="leads")
    role = models.CharField(_("岗位"), max_length=10, choices=LeadRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    mobile = models.CharField(_("手机号码"), max_length=11, validators=[validate_mainland_mobile])
    title_level = models.CharField(_("职称等级"), max_length=15, choices=TitleLevel.choices, default=TitleLevel.NONE)
    major = models.CharField(_("专业"), max_length=50, blank=True)
    years = models.PositiveSmallIntegerField(_("从业年限"), default=0)
    photo = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("个人登记照"),
    )

    class Meta:
        verbose_name = _("负责人")
        verbose_name_plural = _("负责人")
        constraints = [models.UniqueConstraint(fields=["application", "role"], name="one_lead_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class WorkHistory(models.Model):
    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="work_history")
    start = models.DateField(_("开始时间"))
    end = models.DateField(_("结束时间"), null=True, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100)
    position = models.CharField(_("职务"), max_length=50)
    referee = models.CharField(_("证明人"), max_length=50)
    referee_mobile = models.CharField(_("证明人电话"), max_length=11, validators=[validate_mainland_mobile])

    class Meta:
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        ordering = ["start", "id"]


class TrainingHistory(models.Model):
    person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="training_history")
    start = models.DateField(_("开始时间"))
    end = models.DateField(_("结束时间"), null=True, blank=True)
    organiser = models.CharField(_("培训机构"), max_length=100)
    content = models.CharField(_("培训内容"), max_length=200)

    class Meta:
        verbose_name = _("培训经历")
        verbose_name_plural = _("培训经历")
        ordering = ["start", "id"]


VOLTAGE_CHOICES = [(kv, f"{kv}kV") for kv in (10, 35, 66, 110, 220, 330, 500, 750, 1000)]


class Achievement(models.Model):
    """规定年限内主要业绩: filled separately for install, repair and test."""

    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="achievements")
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    project = models.CharField(_("工程名称"), max_length=200)
    voltage_kv = models.PositiveIntegerField(_("电压等级"), choices=VOLTAGE_CHOICES)
    client = models.CharField(_("建设单位"), max_length=100)
    completed_on = models.DateField(_("竣工日期"))
    contract_amount = models.DecimalField(_("合同金额（万元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("工程业绩")
        verbose_name_plural = _("工程业绩")
        ordering = ["category", "-voltage_kv", "id"]


class ApplicationLog(models.Model):
    """Every step of an application, as codes; labels are rendered when read."""

    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=12, choices=AppState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=AppState.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


ACTION_LABELS = {
    "create": _("创建申请"),
    "submit": _("资料提交"),
    "pass_formal_review": _("形式审查通过"),
    "return_for_correction": _("退回补正"),
    "approve": _("准予许可"),
    "refuse": _("不予许可"),
    "abandon": _("申请废弃"),
    "terminate": _("业务办理终止"),
}


def expiry_for(issued_on: date) -> date:
    try:
        return issued_on.replace(year=issued_on.year + LICENCE_VALID_YEARS)
    except ValueError:  # 29 February
        return issued_on.replace(year=issued_on.year + LICENCE_VALID_YEARS, day=28)
