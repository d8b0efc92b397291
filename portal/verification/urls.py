from django.urls import path

from portal.verification import views

app_name = "verification"
urlpatterns = [
    path("sms/send-code/", views.send_code, name="send_code"),
    path("dev/sms/", views.dev_sms, name="dev_sms"),
]
