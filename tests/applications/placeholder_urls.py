"""The portal's URLs plus stand-ins for names not merged into this branch (see placeholders.py)."""

from portal.urls import urlpatterns as portal_urlpatterns
from tests.applications.placeholders import stand_in_patterns

urlpatterns = [*stand_in_patterns(), *portal_urlpatterns]
