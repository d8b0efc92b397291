"""API routes of 好差评 (included under /api/v1/)."""

from django.urls import path

from evaluations import api

urlpatterns = [
    path("reviews/", api.MyReviewsApi.as_view(), name="api-reviews"),
    path("reviews/items/", api.PendingItemsApi.as_view(), name="api-review-items"),
    path("reviews/items/<int:pk>/review/", api.MatterReviewApi.as_view(), name="api-review-item-review"),
    path("reviews/qr/<str:token>/", api.QrReviewApi.as_view(), name="api-review-qr"),
    path("reviews/qr/<str:token>/send-code/", api.QrSendCodeApi.as_view(), name="api-review-qr-send-code"),
    path("reviews/feedback/<str:token>/", api.FeedbackApi.as_view(), name="api-review-feedback"),
]
