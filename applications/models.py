from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.core.append_only import AppendOnlyModel
from portal.core.masking import mask_id_number, mask_name, mask_phone
from portal.wizard.models import DEFERRED_HAS_DEADLINE_OTHERS_A_FILE, AbstractDraftDocument


class Region(models.Model):
    """Administrative areas the utility serves: city → district → street (所在地区 / 街道).
    Outage notices and work-order dispatch are by region."""

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道/乡镇")

    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("级别"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        parts, node = [], self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))


class SmallBusinessPark(models.Model):
    """A registered small-and-micro-enterprise park: low voltage up to 300 kW inside it (seed 002)."""

    name = models.CharField(_("园区名称"), max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="parks", verbose_name=_("所在区域"))

    class Meta:
        verbose_name = _("小微企业园区")
        verbose_name_plural = _("小微企业园区")

    def __str__(self) -> str:
        return self.name


class Voltage(models.TextChoices):
    V220 = "220V", "220 V"
    V380 = "380V", "380 V"
    KV10 = "10kV", "10 kV"
    KV35 = "35kV", "35 kV"
    KV110 = "110kV", "110 kV"

    @classmethod
    def is_high(cls, value: str) -> bool:
        return value.endswith("kV")


class CustomerKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    ENTERPRISE = "enterprise", _("企业")


class UsageNature(models.TextChoices):
    RESIDENTIAL = "residential", _("居民生活用电")
    COMMERCIAL = "commercial", _("一般工商业用电")
    LARGE_INDUSTRY = "large_industry", _("大工业用电")
    AGRICULTURE = "agriculture", _("农业生产用电")
    EV_CHARGING = "ev_charging", _("电动汽车充换电")


class BasicCharge(models.TextChoices):
    NONE = "none", _("不执行基本电价")
    CAPACITY = "capacity", _("按容量计费")
    DEMAND = "demand", _("按需量计费")


class AccountStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    PAUSED = "paused", _("暂停")
    REDUCED = "reduced", _("减容")
    CLOSED = "closed", _("已销户")


class ServiceAccountQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AccountStatus.CLOSED)


class ServiceAccount(models.Model):
    """An electricity account (用电户号) as the utility's marketing system holds it."""

    number = models.CharField(_("户号"), max_length=13, unique=True)
    customer_kind = models.CharField(_("客户类别"), max_length=20, choices=CustomerKind.choices)
    holder_name = models.CharField(_("户名"), max_length=100)
    holder_id_type = models.CharField(_("户主证件类型"), max_length=20, blank=True)
    holder_id_number = models.CharField(_("户主证件号码/信用代码"), max_length=32)
    holder_enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_accounts",
        verbose_name=_("户主企业"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("所在街道"))
    address = models.CharField(_("用电地址"), max_length=200)
    voltage = models.CharField(_("供电电压"), max_length=10, choices=Voltage.choices)
    capacity = models.DecimalField(
        _("合同容量"), max_digits=10, decimal_places=1, help_text=_("低压为千瓦(kW)，高压为千伏安(kVA)")
    )
    usage_nature = models.CharField(_("用电性质"), max_length=20, choices=UsageNature.choices)
    tariff_category = models.CharField(_("电价类别"), max_length=50)
    peak_valley = models.BooleanField(_("执行峰谷电价"), default=False)
    basic_charge = models.CharField(
        _("基本电费计费方式"), max_length=10, choices=BasicCharge.choices, default=BasicCharge.NONE
    )
    contracted_demand = models.DecimalField(_("合同需量值(kW)"), max_digits=10, decimal_places=1, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.NORMAL)
    paused_capacity = models.DecimalField(_("暂停/减容容量"), max_digits=10, decimal_places=1, default=Decimal("0"))
    smart_payment = models.BooleanField(_("已签智能交费协议"), default=False)
    registered_phone = models.CharField(_("预留手机号"), max_length=11)
    balance = models.DecimalField(_("账户余额(元)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    vat_invoice_type = models.CharField(_("增值税发票类型"), max_length=10, blank=True)
    vat_name = models.CharField(_("增值税户名"), max_length=100, blank=True)
    vat_credit_code = models.CharField(_("纳税人识别号"), max_length=18, blank=True)
    vat_bank = models.CharField(_("开户银行"), max_length=100, blank=True)
    vat_bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    vat_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    vat_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opened_on = models.DateField(_("立户日期"), default=timezone.localdate)

    objects = ServiceAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("用电户号")
        verbose_name_plural = _("用电户号")
        ordering = ["number"]
        indexes = [models.Index(fields=["region", "address"])]

    def __str__(self) -> str:
        return f"{self.number} {mask_name(self.holder_name)}"

    @property
    def is_high_voltage(self) -> bool:
        return Voltage.is_high(self.voltage)

    @property
    def capacity_unit(self) -> str:
        return "kVA" if self.is_high_voltage else "kW"

    @property
    def masked_holder_id(self) -> str:
        return mask_id_number(self.holder_id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.registered_phone)

    @property
    def peak_valley_line(self) -> str:
        """The status line of seed 000 §14, word for word."""
        if self.peak_valley:
            return str(_("已执行峰谷电价，您当前可取消峰谷电"))
        return str(_("未执行峰谷电价，您当前可开通峰谷电"))


class AccountChange(models.Model):
    """One change to a ServiceAccount, with when it takes effect. A change whose date is still
    ahead waits (applied_at empty) until the daily task applies it."""

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="changes", verbose_name=_("户号")
    )
    field = models.CharField(_("字段"), max_length=50)
    old_value = models.CharField(_("原值"), max_length=200, blank=True)
    new_value = models.CharField(_("新值"), max_length=200, blank=True)
    effective_on = models.DateField(_("生效日期"))
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_changes",
        verbose_name=_("来源申请"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("户号变更记录")
        verbose_name_plural = _("户号变更记录")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["applied_at", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.account.number} {self.field}: {self.old_value} → {self.new_value}"


class AccountBinding(models.Model):
    """A user's link to an account they may act on (their own, or their enterprise's)."""

    class Via(models.TextChoices):
        HOLDER_ID = "holder_id", _("证件信息一致")
        ENTERPRISE = "enterprise", _("企业绑定")
        SMS = "sms", _("预留手机验证")
        CONNECTION = "connection", _("新装立户")
        STAFF = "staff", _("工作人员办理")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_bindings", verbose_name=_("用户")
    )
    account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="bindings", verbose_name=_("户号")
    )
    via = models.CharField(_("绑定方式"), max_length=20, choices=Via.choices)
    created_at = models.DateTimeField(_("绑定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("户号绑定")
        verbose_name_plural = _("户号绑定")
        ordering = ["account__number"]
        constraints = [models.UniqueConstraint(fields=["user", "account"], name="bind_account_once")]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.account.number}"


class Bill(models.Model):
    """One month's electricity bill of an account (电量电费)."""

    account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="bills", verbose_name=_("户号"))
    period = models.DateField(_("账期"), help_text=_("账期所在月的第一天"))
    kwh = models.DecimalField(_("用电量(kWh)"), max_digits=12, decimal_places=1)
    kwh_peak = models.DecimalField(_("峰段电量"), max_digits=12, decimal_places=1, null=True, blank=True)
    kwh_valley = models.DecimalField(_("谷段电量"), max_digits=12, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField(_("电费(元)"), max_digits=12, decimal_places=2)
    due_on = models.DateField(_("缴费截止日"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("电费账单")
        verbose_name_plural = _("电费账单")
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="one_bill_per_month")]

    def __str__(self) -> str:
        return f"{self.account.number} {self.period:%Y-%m}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class Outage(models.Model):
    """A planned or unplanned outage notice (停电信息) for an area."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("计划停电")
        UNPLANNED = "unplanned", _("故障停电")
        TEMPORARY = "temporary", _("临时停电")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="outages", verbose_name=_("停电区域"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("预计恢复时间"))
    scope = models.TextField(_("停电范围"))
    reason = models.CharField(_("停电原因"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("停电信息")
        verbose_name_plural = _("停电信息")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="outage_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.starts_at:%Y-%m-%d %H:%M}"


class OutageWatch(models.Model):
    """An account number a user added (确认添加) to follow the outages of its area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outage_watches", verbose_name=_("用户")
    )
    account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("户号"))
    created_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("停电关注户号")
        verbose_name_plural = _("停电关注户号")
        constraints = [models.UniqueConstraint(fields=["user", "account"], name="watch_account_once")]


# --- applications ----------------------------------------------------------------------------


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回补正")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    COMPLETED = "completed", _("已办结")


class Identity(models.TextChoices):
    OWNER = "owner", _("产权人")
    LEGAL_REPRESENTATIVE = "legal_rep", _("法人代表")
    AGENT = "agent", _("经办人")


class Application(ConcurrentTransitionMixin, models.Model):
    """A customer's application for one business of the catalog, from first draft to the end.

    The form's answers live in ``data`` (per step, as the user typed them, so a draft can be
    resumed exactly); the facts queues and rules need are copied into columns at submit."""

    business_code = models.CharField(_("业务"), max_length=40, db_index=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申请人")
    )
    state = FSMField(_("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices, protected=True)
    number = models.CharField(_("申请编号"), max_length=20, unique=True, null=True, blank=True)
    identity = models.CharField(_("申请人身份"), max_length=10, choices=Identity.choices, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("申请企业"),
    )
    service_account = models.ForeignKey(
        ServiceAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("户号"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("所在区域")
    )
    address = models.CharField(_("用电地址"), max_length=200, blank=True)
    capacity = models.DecimalField(
        _("申请容量"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    contact_phone = models.CharField(_("联系电话"), max_length=11, blank=True, db_index=True)
    data = models.JSONField(_("填写内容"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    current_step = models.CharField(_("当前步骤"), max_length=40, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    reason = models.CharField(_("退回/不予受理原因"), max_length=500, blank=True)
    form_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请表"),
    )
    signature = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("签名")
    )
    commitment_letter = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承诺书"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("业务申请")
        verbose_name_plural = _("业务申请")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "state"]),
            models.Index(fields=["state", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('草稿')} #{self.pk}"

    @property
    def business(self):
        from applications.catalog import registry

        return registry.get(self.business_code)

    @property
    def wizard(self):
        """The declaration the wizard engine (portal.wizard) runs this draft through."""
        return self.business

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)

    @property
    def is_submitted(self) -> bool:
        return self.state == ApplicationState.SUBMITTED

    # Transitions carry only the state change; the services around them do the rest
    # (numbers, logs, notifications) inside one transaction.
    @transition(
        field=state, source=[ApplicationState.DRAFT, ApplicationState.RETURNED], target=ApplicationState.SUBMITTED
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.ACCEPTED)
    def accept(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.RETURNED)
    def return_for_supplement(self, reason: str):
        self.reason = reason

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.REJECTED)
    def reject(self, reason: str):
        self.reason = reason
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED],
        target=ApplicationState.WITHDRAWN,
    )
    def withdraw(self):
        pass

    @transition(field=state, source=ApplicationState.ACCEPTED, target=ApplicationState.COMPLETED)
    def complete(self):
        pass


class ApplicationEvent(AppendOnlyModel):
    """The application's history: every state change, who made it, when and why. Append-only
    (``portal.core.append_only``).

    ``note`` is a code: the untranslated source string of what happened (``gettext_noop``),
    shown in the reader's language; ``reason`` is what the person typed (a return or rejection
    reason), kept as typed."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("申请")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    from_state = models.CharField(_("原状态"), max_length=50, blank=True)
    to_state = models.CharField(_("新状态"), max_length=50)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("申请记录")
        verbose_name_plural = _("申请记录")
        ordering = ["at", "id"]

    @property
    def text(self) -> str:
        """说明 in the reader's language: what happened, and the typed reason."""
        note = gettext(self.note) if self.note else ""
        return "：".join(p for p in (note, self.reason) if p)


class ApplicationDocument(AbstractDraftDocument):
    """A document attached to an application for one of its business's document rules:
    uploaded now, reused from file (一证通办), or deferred under a commitment (一证受理)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("申请")
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="one_document_per_requirement"),
            models.CheckConstraint(
                condition=DEFERRED_HAS_DEADLINE_OTHERS_A_FILE, name="deferred_has_deadline_others_a_file"
            ),
        ]


class AbnormalFlag(models.Model):
    """A reason an application or its order is listed among abnormal orders (SPEC 4.5)."""

    class Kind(models.TextChoices):
        LV_OVER_LIMIT = "lv_over_limit", _("低压容量超出放开标准")
        HV_UNDER_160 = "hv_under_160", _("160千瓦以下申请高压供电")
        ONE_ADDRESS_MANY = "one_address_many", _("一址多户")
        OVERDUE_COMMITMENT = "overdue_commitment", _("承诺补交材料超期")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags", verbose_name=_("申请"))
    kind = models.CharField(_("异常类型"), max_length=30, choices=Kind.choices)
    detail = models.CharField(_("说明"), max_length=300)
    evidence = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("留存证据"),
    )
    created_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolution = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("异常工单标记")
        verbose_name_plural = _("异常工单标记")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_flag_per_kind")]
