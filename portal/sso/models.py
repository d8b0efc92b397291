"""Government single sign-on (SPEC 2, last item): who arrived from which provider, what they
agreed to, and where a real-name verification came from. No tokens are kept here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GovIdentity(models.Model):
    """A government identity (the provider's ``sub``) linked to a portal account. Removed when
    the consent is withdrawn; the account stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gov_identities", verbose_name=_("用户")
    )
    provider = models.CharField(_("身份提供方"), max_length=50)
    subject = models.CharField(_("政务服务网用户标识"), max_length=255)
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)
    last_login_at = models.DateTimeField(_("最近登录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政务服务网身份")
        verbose_name_plural = _("政务服务网身份")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_link_per_gov_identity"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_gov_identity_per_user_and_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user}"


class Consent(models.Model):
    """The user's 同意 on our consent page: who, when, through which provider, which claims, and
    which version of the text they read. Kept after withdrawal (``withdrawn_at``) as evidence."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sso_consents", verbose_name=_("用户")
    )
    provider = models.CharField(_("身份提供方"), max_length=50)
    claims = models.JSONField(_("授权的信息"), default=list)
    text_version = models.CharField(_("授权说明版本"), max_length=20)
    granted_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_user_and_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.provider} {self.text_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RealNameSource(models.TextChoices):
    GOV_SSO = "gov_sso", _("政务服务网实名认证")


class RealNameVerification(models.Model):
    """Where an account's real-name verification came from, when not from our own 实名认证
    page: the government portal verified the person upstream."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="real_name_source", verbose_name=_("用户")
    )
    source = models.CharField(_("认证来源"), max_length=20, choices=RealNameSource.choices)
    provider = models.CharField(_("身份提供方"), max_length=50)
    verified_at = models.DateTimeField(_("认证时间"), default=timezone.now)

    class Meta:
        verbose_name = _("实名认证来源")
        verbose_name_plural = _("实名认证来源")

    def __str__(self) -> str:
        return f"{self.user} {self.get_source_display()}"
