"""API throttles that never turn a Redis outage into a 500.

DRF's throttles keep their history in the default cache (Redis). When Redis cannot be reached
they fall back to a cache local to the process (``CACHES["throttle_fallback"]``): the limit
still holds per worker process while Redis is away, and nobody is refused because of it.
The login lock-out and the SMS caps live in PostgreSQL and do not depend on this at all.
"""

import logging

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from portal.core.middleware import client_ip

logger = logging.getLogger(__name__)


class FailOpenMixin:
    default_rate: str | None = None

    def get_rate(self):
        # Read at request time (DRF binds THROTTLE_RATES at import), so settings can change it.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope, self.default_rate)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # redis-py's errors, whatever the failure; the cache is down
            logger.warning("Throttle cache unavailable (%s); counting locally", exc.__class__.__name__)
            self.cache = caches["throttle_fallback"]
            try:
                return super().allow_request(request, view)
            except Exception:  # pragma: no cover - a local cache does not fail; never 500 anyway
                logger.exception("Local throttle cache failed; letting the request through")
                return True


class ClientIpMixin:
    """Identify anonymous callers by the client IP behind our trusted proxies."""

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)


class AnonThrottle(FailOpenMixin, ClientIpMixin, AnonRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"], per client IP."""


class UserThrottle(FailOpenMixin, ClientIpMixin, UserRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"], per user (per IP when anonymous)."""


class ScopedIpThrottle(FailOpenMixin, SimpleRateThrottle):
    """Per client IP for one scope; the rate from DEFAULT_THROTTLE_RATES[scope] or ``default_rate``."""

    default_rate = "20/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or self.get_ident(request)}


class ScopedUserThrottle(ScopedIpThrottle):
    """Per user (per IP when anonymous) for one scope."""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            ident = client_ip(request) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AccountLookupThrottle(ScopedUserThrottle):
    """Anything that looks an account number up for someone who may not hold it (binding, its
    code, outage watches): a person binds a few numbers, a prober tries thousands."""

    scope = "account_lookup"
    default_rate = "20/min"
