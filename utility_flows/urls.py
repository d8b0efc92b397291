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
