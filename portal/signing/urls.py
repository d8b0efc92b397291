from django.urls import path

from portal.signing import views

app_name = "signing"
urlpatterns = [
    path("my-signature/", views.my_signature, name="my_signature"),
]
