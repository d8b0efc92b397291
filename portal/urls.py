from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.core.health import healthz

admin.site.site_header = _("供电服务管理后台")
admin.site.site_title = _("供电服务管理后台")
admin.site.index_title = _("业务管理")

api_v1 = [
    path("", include("portal.accounts.api_urls")),
    path("", include("portal.verification.api_urls")),
    path("", include("portal.notifications.api_urls")),
    path("", include("portal.documents.api_urls")),
    path("", include("portal.signing.api_urls")),
    path("", include("portal.audit.api_urls")),
    path("", include("applications.api_urls")),
    path("", include("utility_flows.api_urls")),
    path("", include("evaluations.api_urls")),
    path("", include("licensing.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("", include("portal.core.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("sso/", include("portal.sso.urls")),
    path("", include("portal.verification.urls")),  # /dev/sms/ and the send-code endpoint
    path("notifications/", include("portal.notifications.urls")),
    path("documents/", include("portal.documents.urls")),
    path("signing/", include("portal.signing.urls")),
    path("my/", include("portal.audit.urls")),
    path("", include("applications.urls")),
    path("", include("utility_flows.urls")),
    path("", include("evaluations.urls")),
    path("licensing/", include("licensing.urls")),
]
