"""Codes waiting for the SMS gateway: sealed in the row, published after commit, swept when
the broker was down (like ``portal.notifications``' outbox).

The plain code never travels in a task message: the task reads the sealed code from the row,
so a task lost with the broker loses nothing, and the sweeper can publish it again. The SMS
backend's idempotency key (``sms-code-<pk>``) keeps a re-published code from going out twice.
"""

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

logger = logging.getLogger(__name__)

# A sealed value starting with this is a notice to send instead of a code (see request_code).
NOTICE_PREFIX = "notice:"


def _fernet() -> Fernet:
    key = hashlib.sha256(f"portal.verification.outbox:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(code: str) -> str:
    return _fernet().encrypt(code.encode()).decode()


def unseal(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def publish_code(sms_code_id: int) -> bool:
    """Publish the delivery task now; False (logged, never raised) when the broker is down."""
    from portal.notifications.queue import publish
    from portal.verification.tasks import deliver_code

    try:
        publish(deliver_code, sms_code_id)
    except Exception as exc:  # the broker's errors vary by transport; all mean "later"
        logger.warning(
            "Broker unavailable (%s: %s); SMS code %s waits for the sweeper", exc.__class__.__name__, exc, sms_code_id
        )
        return False
    return True
