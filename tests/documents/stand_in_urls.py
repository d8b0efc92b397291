"""ROOT_URLCONF for this branch's page tests: the real URLs plus stand-ins (see stand_ins)."""

from tests.documents.stand_ins import urlpatterns_with_stand_ins

urlpatterns = urlpatterns_with_stand_ins()
