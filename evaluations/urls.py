from django.urls import path

from evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("reviews/", views.mine, name="mine"),
    path("reviews/matters/<int:pk>/", views.matter_review, name="matter_review"),
    path("reviews/feedback/<str:token>/", views.feedback, name="feedback"),
    path("reviews/statistics/", views.public_statistics, name="statistics"),
    # The link a printed QR code carries (short: it is drawn into the code).
    path("r/<str:token>/", views.qr_review, name="qr_review"),
    path("r/<str:token>/send-code/", views.qr_send_code, name="qr_send_code"),
]
