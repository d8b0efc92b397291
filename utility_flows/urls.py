from django.urls import path

from utility_flows import views

app_name = "utility_flows"
urlpatterns = [
    path("records/", views.records, name="records"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/documents/<int:doc_pk>/", views.upload_deferred, name="upload_deferred"),
    path("records/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("progress/", views.progress, name="progress"),
]

# The HV e-assistant's pages (SPEC 4.2).
from utility_flows.hv.urls import urlpatterns as hv_urlpatterns  # noqa: E402

urlpatterns += hv_urlpatterns
