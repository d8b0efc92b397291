from django.urls import path

from portal.documents import api

urlpatterns = [
    path("documents/", api.DocumentListCreateApi.as_view(), name="api-documents"),
    path("documents/<int:pk>/", api.DocumentDetailApi.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/file/", api.DocumentFileApi.as_view(), name="api-document-file"),
    path("document-types/", api.DocumentTypeListApi.as_view(), name="api-document-types"),
]
