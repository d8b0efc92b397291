from django.urls import path

from utility_flows import api

urlpatterns = [
    path("orders/", api.OrderListApi.as_view(), name="api-orders"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="api-order-detail"),
]

# The HV e-assistant (SPEC 4.2–4.4).
from utility_flows.hv.api_urls import urlpatterns as hv_urlpatterns  # noqa: E402

urlpatterns += hv_urlpatterns
