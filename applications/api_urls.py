"""API routes of applications/ (included under /api/v1/)."""

from django.urls import path

from applications.accounts import api as accounts_api
from applications.api import views as api_applications

# --- 我的户号, 电量电费, 停电信息 (applications/accounts/api.py) ------------------------------------
urlpatterns = [
    path("service-accounts/", accounts_api.AccountListApi.as_view(), name="service-accounts"),
    path("service-accounts/bind/", accounts_api.AccountBindApi.as_view(), name="service-accounts-bind"),
    path("service-accounts/bind-code/", accounts_api.AccountBindCodeApi.as_view(), name="service-accounts-bind-code"),
    path("service-accounts/<str:number>/", accounts_api.AccountDetailApi.as_view(), name="service-account"),
    path(
        "service-accounts/<str:number>/binding/",
        accounts_api.AccountBindingApi.as_view(),
        name="service-account-binding",
    ),
    path("service-accounts/<str:number>/bills/", accounts_api.BillListApi.as_view(), name="service-account-bills"),
    path("outage-watches/", accounts_api.OutageWatchListApi.as_view(), name="outage-watches"),
    path("outage-watches/code/", accounts_api.OutageWatchCodeApi.as_view(), name="outage-watches-code"),
    path("outage-watches/<str:number>/", accounts_api.OutageWatchApi.as_view(), name="outage-watch"),
    path("outages/", accounts_api.OutageListApi.as_view(), name="outages"),
]

# --- applications (catalog, drafts, submission) -------------------------------------------------
urlpatterns += [
    path("catalog/", api_applications.CatalogList.as_view(), name="api-catalog"),
    path("catalog/<slug:code>/", api_applications.CatalogDetail.as_view(), name="api-catalog-detail"),
    path("applications/", api_applications.ApplicationListCreate.as_view(), name="api-applications"),
    path("applications/<int:pk>/", api_applications.ApplicationDetail.as_view(), name="api-application"),
    path(
        "applications/<int:pk>/steps/<slug:step>/",
        api_applications.ApplicationStep.as_view(),
        name="api-application-step",
    ),
    path(
        "applications/<int:pk>/documents/<slug:rule_key>/",
        api_applications.ApplicationDocumentUpload.as_view(),
        name="api-application-document",
    ),
    path(
        "applications/<int:pk>/sms-code/",
        api_applications.ApplicationSmsCode.as_view(),
        name="api-application-sms-code",
    ),
    path("applications/<int:pk>/submit/", api_applications.ApplicationSubmit.as_view(), name="api-application-submit"),
    path(
        "applications/<int:pk>/withdraw/",
        api_applications.ApplicationWithdraw.as_view(),
        name="api-application-withdraw",
    ),
    path(
        "applications/<int:pk>/smart-payment/",
        api_applications.ApplicationSmartPayment.as_view(),
        name="api-application-smart-payment",
    ),
]
