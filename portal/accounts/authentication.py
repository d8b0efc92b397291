"""``Authorization: Token <key>`` with tokens that expire and can be revoked per device."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ExpiringTokenAuthentication(TokenAuthentication):
    """Our per-device tokens (portal.accounts.models.ApiToken), sliding expiry with a hard cap.
    A DRF ``authtoken`` token (issued before this existed) is honoured until API_TOKEN_MAX_AGE
    after its creation, then refused."""

    def authenticate_credentials(self, key):
        from portal.accounts.models import ApiToken

        now = timezone.now()
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is not None:
            if token.expires_at <= now:
                token.delete()
                raise exceptions.AuthenticationFailed(_("登录已过期，请重新登录"))
            if not token.user.is_active:
                raise exceptions.AuthenticationFailed(_("账号已停用"))
            # Write at most every few minutes, not on every request.
            if now - token.last_used_at > timedelta(minutes=5):
                token.last_used_at = now
                token.expires_at = min(now + settings.API_TOKEN_IDLE, token.created_at + settings.API_TOKEN_MAX_AGE)
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, expires_at=token.expires_at)
            return token.user, token
        user, legacy = super().authenticate_credentials(key)
        if legacy.created + settings.API_TOKEN_MAX_AGE <= now:
            legacy.delete()
            raise exceptions.AuthenticationFailed(_("登录已过期，请重新登录"))
        return user, legacy
