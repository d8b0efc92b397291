from django.urls import path

from portal.signing import api

urlpatterns = [
    path("signatures/", api.SignatureListCreateApi.as_view(), name="api-signatures"),
]
