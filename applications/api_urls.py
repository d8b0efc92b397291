"""API routes of applications/ (included under /api/v1/)."""

from django.urls import path

from applications import api_applications

urlpatterns: list = []

# --- applications (catalog, drafts, submission) -------------------------------------------------
# api_applications.py; kept as one `+=` block so it sits below the account/bill/outage routes.
urlpatterns += [
    path("catalog/", api_applications.CatalogList.as_view(), name="api-catalog"),
    path("catalog/<slug:code>/", api_applications.CatalogDetail.as_view(), name="api-catalog-detail"),
    path("applications/", api_applications.ApplicationListCreate.as_view(), name="api-applications"),
    path("applications/<int:pk>/", api_applications.ApplicationDetail.as_view(), name="api-application"),
    path("applications/<int:pk>/steps/<slug:step>/", api_applications.ApplicationStep.as_view(),
         name="api-application-step"),
    path("applications/<int:pk>/documents/<slug:rule_key>/", api_applications.ApplicationDocumentUpload.as_view(),
         name="api-application-document"),
    path("applications/<int:pk>/sms-code/", api_applications.ApplicationSmsCode.as_view(),
         name="api-application-sms-code"),
    path("applications/<int:pk>/submit/", api_applications.ApplicationSubmit.as_view(), name="api-application-submit"),
    path("applications/<int:pk>/withdraw/", api_applications.ApplicationWithdraw.as_view(),
         name="api-application-withdraw"),
    path("applications/<int:pk>/smart-payment/", api_applications.ApplicationSmartPayment.as_view(),
         name="api-application-smart-payment"),
]
