from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from tests.oidc_provider import crafted

urlpatterns = [
    path("", TemplateView.as_view(template_name="logged_out.html"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("crafted/<str:mode>/.well-known/openid-configuration", crafted.discovery),
    path("crafted/<str:mode>/authorize", crafted.authorize),
    path("crafted/<str:mode>/token", crafted.token),
    path("crafted/<str:mode>/jwks", crafted.jwks),
]
