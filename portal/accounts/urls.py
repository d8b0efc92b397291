from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/change/", views.password_change, name="password_change"),
    path("me/", views.me, name="me"),
    path("me/devices/<int:pk>/revoke/", views.device_revoke, name="device_revoke"),
    path("real-name/", views.real_name, name="real_name"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/register/", views.enterprise_register, name="enterprise_register"),
    path("enterprises/bind/", views.enterprise_bind, name="enterprise_bind"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/requests/<int:pk>/decide/", views.enterprise_request_decide, name="enterprise_request_decide"),
]
