from django.urls import path

from portal.audit import api

urlpatterns = [
    path("me/access-log/", api.MyAccessLogApi.as_view(), name="audit-my-access-log"),
]
