from django.urls import path

from portal.accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("auth/password/reset/", api.PasswordResetView.as_view(), name="api-password-reset"),
    path("auth/password/change/", api.PasswordChangeView.as_view(), name="api-password-change"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/real-name/", api.RealNameView.as_view(), name="api-real-name"),
    path("me/devices/", api.DeviceListView.as_view(), name="api-devices"),
    path("me/devices/<int:pk>/", api.DeviceDetailView.as_view(), name="api-device"),
    path("enterprises/", api.EnterpriseListView.as_view(), name="api-enterprises"),
    path("enterprises/bind/", api.EnterpriseBindView.as_view(), name="api-enterprise-bind"),
    path("enterprises/<int:pk>/", api.EnterpriseDetailView.as_view(), name="api-enterprise-detail"),
    path("enterprise-requests/", api.MembershipRequestListView.as_view(), name="api-membership-requests"),
    path(
        "enterprise-requests/<int:pk>/decision/", api.MembershipDecisionView.as_view(), name="api-membership-decision"
    ),
]
