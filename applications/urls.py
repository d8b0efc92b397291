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

# --- 我的户号, 电量电费, 停电信息 (applications/accounts/) ------------------------------------------
from applications.accounts import views as account_views  # noqa: E402

urlpatterns += [
    path("service-accounts/", account_views.accounts, name="accounts"),
    path("service-accounts/bind-code/", account_views.bind_code, name="account_bind_code"),
    path("service-accounts/<str:number>/", account_views.account_detail, name="account_detail"),
    path("service-accounts/<str:number>/unbind/", account_views.account_unbind, name="account_unbind"),
    path("bills/", account_views.bills, name="bills"),
    path("outages/", account_views.outages, name="outages"),
    path("outages/watch-code/", account_views.outage_watch_code, name="outage_watch_code"),
    path("outages/<str:number>/remove/", account_views.outage_watch_remove, name="outage_watch_remove"),
]
