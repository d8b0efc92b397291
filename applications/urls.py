from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("services/", views.catalog, name="catalog"),
    path("services/<slug:code>/", views.business_detail, name="business"),
    path("services/<slug:code>/start/", views.start, name="start"),
    path("applications/<int:pk>/steps/<slug:step>/", views.step, name="step"),
    path("applications/<int:pk>/steps/<slug:step>/autosave/", views.autosave, name="autosave"),
    path("applications/<int:pk>/account-preview/", views.account_preview, name="account_preview"),
    path("applications/<int:pk>/done/", views.done, name="done"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/smart-payment/", views.smart_payment, name="smart_payment"),
]
