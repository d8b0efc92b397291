from django.urls import path

from portal.signing import views

app_name = "signing"
urlpatterns = [
    path("my-signature/", views.my_signature, name="my_signature"),
]

# Electronic seals (SPEC 4.3).
from portal.signing import seal_views  # noqa: E402

urlpatterns += [
    path("seals/", seal_views.my_seals, name="seals"),
    path("seals/<int:pk>/cancel/", seal_views.cancel, name="seal_cancel"),
]
