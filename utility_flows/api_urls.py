from django.urls import path

from utility_flows import api

urlpatterns = [
    path("orders/", api.OrderListApi.as_view(), name="api-orders"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="api-order-detail"),
]
