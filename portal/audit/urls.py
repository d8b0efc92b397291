from django.urls import path

from portal.audit import views

app_name = "audit"
urlpatterns = [
    path("access-log/", views.my_access_log, name="my_access_log"),
]
