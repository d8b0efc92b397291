"""The portal's URLs plus stand-ins for names not merged yet (see stand_ins.py)."""

from portal.urls import urlpatterns as portal_urlpatterns
from tests.accounts.stand_ins import stand_in_patterns

urlpatterns = [*stand_in_patterns(), *portal_urlpatterns]
