from django.urls import path

from portal.notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="notifications-list"),
    path("notifications/read-all/", api.NotificationReadAllApi.as_view(), name="notifications-read-all"),
    path("notifications/unread-count/", api.UnreadCountApi.as_view(), name="notifications-unread-count"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="notifications-read"),
    path("notification-preferences/", api.NotificationPreferencesApi.as_view(), name="notification-preferences"),
]
