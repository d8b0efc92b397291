from django.urls import path

from portal.verification import api

urlpatterns = [
    path("sms-codes/", api.SmsCodeRequestView.as_view(), name="api-sms-codes"),
]
