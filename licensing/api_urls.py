from django.urls import path

from licensing import api

urlpatterns = [
    path("licensing/applications/", api.ApplicationListApi.as_view(), name="licensing-applications"),
    path("licensing/applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="licensing-application"),
    path(
        "licensing/applications/<int:pk>/submit/",
        api.ApplicationSubmitApi.as_view(),
        name="licensing-application-submit",
    ),
    path(
        "licensing/applications/<int:pk>/achievements/",
        api.ApplicationAchievementsApi.as_view(),
        name="licensing-application-achievements",
    ),
    path(
        "licensing/applications/<int:pk>/achievements/<int:row_id>/",
        api.ApplicationAchievementApi.as_view(),
        name="licensing-application-achievement",
    ),
    path("licensing/staff/", api.StaffListApi.as_view(), name="licensing-staff"),
    path("licensing/staff/<int:pk>/", api.StaffDetailApi.as_view(), name="licensing-staff-member"),
    path("licensing/achievements/", api.AchievementListApi.as_view(), name="licensing-achievements"),
    path("licensing/licence/", api.MyLicenceApi.as_view(), name="licensing-licence"),
    path("licences/verify/", api.VerifyApi.as_view(), name="licences-verify"),
]
