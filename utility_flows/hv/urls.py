from django.urls import path

from utility_flows.hv import views

# Included into the utility_flows namespace (names start with hv_).
urlpatterns = [
    path("hv/", views.orders, name="hv_orders"),
    path("hv/<int:pk>/", views.order, name="hv_order"),
    path("hv/<int:pk>/survey/", views.survey, name="hv_survey"),
    path("hv/<int:pk>/submit/<slug:kind>/", views.submit, name="hv_submit"),
    path("hv/<int:pk>/documents/<slug:kind>/", views.sign, name="hv_sign"),
]
