from django.urls import path

from utility_flows.hv import api

urlpatterns = [
    path("hv/orders/", api.HVOrderListApi.as_view(), name="api-hv-orders"),
    path("hv/orders/<int:pk>/", api.HVOrderDetailApi.as_view(), name="api-hv-order"),
    path("hv/orders/<int:pk>/survey/", api.HVSurveyApi.as_view(), name="api-hv-survey"),
    path("hv/orders/<int:pk>/submissions/<slug:kind>/", api.HVSubmitApi.as_view(), name="api-hv-submit"),
    path("hv/orders/<int:pk>/documents/<slug:kind>/sign/", api.HVSignApi.as_view(), name="api-hv-sign"),
    path("hv/orders/<int:pk>/contract/scan/", api.HVContractScanApi.as_view(), name="api-hv-contract-scan"),
    path("hv/orders/<int:pk>/contract/seal-preview/", api.HVSealPreviewApi.as_view(), name="api-hv-seal-preview"),
    path("hv/orders/<int:pk>/contract/seal-confirm/", api.HVSealConfirmApi.as_view(), name="api-hv-seal-confirm"),
    path("hv/orders/<int:pk>/chat/messages/", api.ChatMessagesApi.as_view(), name="api-hv-chat-messages"),
    path("hv/orders/<int:pk>/chat/invites/", api.ChatInviteApi.as_view(), name="api-hv-chat-invites"),
    path("hv/chats/", api.ChatListApi.as_view(), name="api-hv-chats"),
    path("hv/chat/join/<str:token>/", api.ChatJoinApi.as_view(), name="api-hv-chat-join"),
    path("seals/", api.SealListApi.as_view(), name="api-seals"),
    path("seals/<int:pk>/cancel/", api.SealCancelApi.as_view(), name="api-seal-cancel"),
]
