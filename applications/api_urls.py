from django.urls import path

from applications.accounts import api as accounts_api

# --- 我的户号, 电量电费, 停电信息 (applications/accounts/api.py) ------------------------------------
urlpatterns = [
    path("service-accounts/", accounts_api.AccountListApi.as_view(), name="service-accounts"),
    path("service-accounts/bind/", accounts_api.AccountBindApi.as_view(), name="service-accounts-bind"),
    path("service-accounts/bind-code/", accounts_api.AccountBindCodeApi.as_view(), name="service-accounts-bind-code"),
    path("service-accounts/<str:number>/", accounts_api.AccountDetailApi.as_view(), name="service-account"),
    path("service-accounts/<str:number>/binding/", accounts_api.AccountBindingApi.as_view(), name="service-account-binding"),
    path("service-accounts/<str:number>/bills/", accounts_api.BillListApi.as_view(), name="service-account-bills"),
    path("outage-watches/", accounts_api.OutageWatchListApi.as_view(), name="outage-watches"),
    path("outage-watches/<str:number>/", accounts_api.OutageWatchApi.as_view(), name="outage-watch"),
    path("outages/", accounts_api.OutageListApi.as_view(), name="outages"),
]

# --- applications (catalog, drafts, submission) -------------------------------------------------
# Added by the catalog API's engineer.
