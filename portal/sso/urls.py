from django.urls import path

from portal.sso import views

app_name = "sso"
urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("logout/", views.logout, name="logout"),
    path("my/", views.my_consents, name="my_consents"),
    path("my/<str:provider_name>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:provider_name>/start/", views.start, name="start"),
    path("<str:provider_name>/callback/", views.callback, name="callback"),
    path("<str:provider_name>/logged-out/", views.logged_out, name="logged_out"),
]
