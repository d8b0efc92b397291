from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import validate_mainland_mobile
from portal.core.masking import mask_id_number, mask_phone


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU_PERMIT = "hk_macau_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    MILITARY_OFFICER = "military_officer", _("军官证")
    HOUSEHOLD_REGISTER = "household_register", _("户口簿")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, phone: str, password: str | None, **extra):
        if not phone:
            raise ValueError("A user needs a phone number")
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a customer, a firm's user, or utility staff. Keyed by the
    mainland mobile number they registered with."""

    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        validators=[validate_mainland_mobile],
        error_messages={"unique": _("该手机号码已注册")},
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    real_name_verified_at = models.DateTimeField(_("实名认证时间"), null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_staff = models.BooleanField(_("员工"), default=False, help_text=_("可以登录供电服务管理后台"))
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("view_full_id_number", _("可以查看完整证件号码"))]
        constraints = [
            # One verified identity belongs to one portal account.
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=Q(real_name_verified_at__isnull=False),
                name="one_account_per_verified_identity",
                violation_error_message=_("该证件已被其他账号实名认证"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('未实名用户')} ({self.masked_phone})"

    @property
    def is_real_name_verified(self) -> bool:
        return self.real_name_verified_at is not None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def get_full_name(self) -> str:
        return self.name or self.masked_phone

    def get_short_name(self) -> str:
        return self.get_full_name()


class StaffProfile(models.Model):
    """What a customer sees of the utility's staff member who serves them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("用户"))
    employee_number = models.CharField(_("工号"), max_length=20, unique=True)
    organization = models.CharField(_("所属单位"), max_length=100)
    title = models.CharField(_("岗位"), max_length=50, blank=True)
    service_motto = models.CharField(_("服务宣言"), max_length=100, blank=True)
    # Shown on the account manager's card of the customer's HV order (SPEC 4.2 stage 3).
    photo = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("照片"),
    )

    class Meta:
        verbose_name = _("员工资料")
        verbose_name_plural = _("员工资料")

    def __str__(self) -> str:
        return f"{self.user.name} {self.employee_number}"


class EnterpriseType(models.TextChoices):
    LIMITED_LIABILITY = "limited_liability", _("有限责任公司")
    JOINT_STOCK = "joint_stock", _("股份有限公司")
    STATE_OWNED = "state_owned", _("国有企业")
    COLLECTIVE = "collective", _("集体企业")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("个人独资企业")
    PARTNERSHIP = "partnership", _("合伙企业")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    SOCIAL_ORGANIZATION = "social_organization", _("社会团体")
    OTHER = "other", _("其他")


class Enterprise(models.Model):
    """A legal entity that holds electricity accounts and applies through its people."""

    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        error_messages={"unique": _("该统一社会信用代码的企业已登记，请选择绑定")},
    )
    # GB 32100 check character result, kept so staff can see which codes need a second look.
    credit_code_check_passed = models.BooleanField(_("信用代码校验通过"), default=True)
    enterprise_type = models.CharField(_("企业类型"), max_length=30, choices=EnterpriseType.choices)
    legal_rep_name = models.CharField(_("法定代表人姓名"), max_length=50)
    legal_rep_id_type = models.CharField(
        _("法定代表人证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    legal_rep_id_number = models.CharField(_("法定代表人证件号码"), max_length=32)
    registered_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseRelation(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_rep", _("法人代表")
    AGENT = "agent", _("经办人")


class EnterpriseMembership(models.Model):
    """How a user acts for an enterprise: as its legal representative (recognised from the
    real-name identity) or as an agent holding a power of attorney."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("企业")
    )
    relation = models.CharField(_("与企业的关系"), max_length=20, choices=EnterpriseRelation.choices)
    # The agent's authority; kept (PROTECT) as long as the binding it proves.
    power_of_attorney = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("授权委托书"),
    )
    created_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业绑定")
        verbose_name_plural = _("企业绑定")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="one_membership_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise} ({self.get_relation_display()})"


class LoginAttempt(models.Model):
    """Every log-in attempt, kept for rate limiting (per phone and per IP) and for audit."""

    phone = models.CharField(_("手机号码"), max_length=20, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"))
    method = models.CharField(_("方式"), max_length=20)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [models.Index(fields=["ip", "at"])]


class MembershipRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")


class MembershipRequest(models.Model):
    """An agent's request to act for an enterprise. It grants nothing: only an approval (by the
    legal representative or a member of the enterprise, or by staff who reviewed the power of
    attorney) creates the EnterpriseMembership that documents, accounts and bills look at."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="membership_requests", verbose_name=_("申请人")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="membership_requests", verbose_name=_("企业")
    )
    power_of_attorney = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("授权委托书"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MembershipRequestStatus.choices, default=MembershipRequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业绑定申请")
        verbose_name_plural = _("企业绑定申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "enterprise"], condition=Q(status="pending"), name="one_pending_request_per_enterprise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise} ({self.get_status_display()})"


class ApiToken(models.Model):
    """One signed-in device of the mobile app (or an integration). Only a hash of the key is kept;
    the token expires when unused for API_TOKEN_IDLE and at the latest API_TOKEN_MAX_AGE after it
    was issued, and the user can revoke it from the list of devices in account settings."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("设备"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(_("登录IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-last_used_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.label or '—'}"
