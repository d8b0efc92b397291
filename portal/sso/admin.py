from django.contrib import admin

from portal.core.admin import ReadOnlyAdminMixin
from portal.sso.models import Consent, GovIdentity, RealNameVerification


@admin.register(GovIdentity)
class GovIdentityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "linked_at", "last_login_at")
    list_filter = ("provider",)
    list_select_related = ("user",)
    search_fields = ("user__phone",)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "text_version", "granted_at", "withdrawn_at")
    list_filter = ("provider", "text_version")
    list_select_related = ("user",)
    search_fields = ("user__phone",)


@admin.register(RealNameVerification)
class RealNameVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "source", "provider", "verified_at")
    list_filter = ("source", "provider")
    list_select_related = ("user",)
