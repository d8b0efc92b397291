from django.urls import path

from utility_flows.hv import chat_views, views

# Included into the utility_flows namespace (names start with hv_).
urlpatterns = [
    path("hv/", views.orders, name="hv_orders"),
    path("hv/<int:pk>/", views.order, name="hv_order"),
    path("hv/<int:pk>/survey/", views.survey, name="hv_survey"),
    path("hv/<int:pk>/submit/<slug:kind>/", views.submit, name="hv_submit"),
    path("hv/<int:pk>/documents/<slug:kind>/", views.sign, name="hv_sign"),
    path("hv/chats/", chat_views.chats, name="hv_chats"),
    path("hv/<int:pk>/chat/", chat_views.room, name="hv_chat"),
    path("hv/<int:pk>/chat/messages/", chat_views.poll, name="hv_chat_poll"),
    path("hv/<int:pk>/chat/send/", chat_views.send, name="hv_chat_send"),
    path("hv/<int:pk>/chat/invite/", chat_views.invite, name="hv_chat_invite"),
    path("hv/chat/join/<str:token>/", chat_views.join, name="hv_chat_join"),
]
