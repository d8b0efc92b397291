"""Real-name verifiers (an adapter at the edge, chosen by ``settings.REAL_NAME_VERIFIER``).

A verifier answers one question: do this name and this ID number belong together? It raises a
DomainError that the user can act on when they do not, or when the answer cannot be had.

- ``LocalVerifier`` (default; development and tests): checks the number's format and check
  digit. It cannot know whether the name matches.
- ``HttpVerifier`` (production): asks the identity service at ``REAL_NAME_VERIFIER_URL``.
  Contract: ``POST`` JSON ``{"name", "id_type", "id_number"}`` with
  ``Authorization: Bearer <REAL_NAME_VERIFIER_KEY>``; the service answers 200 with
  ``{"match": true}`` or ``{"match": false, "reason": "..."}``.
"""

import logging

import requests
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal.accounts.validators import id_number_problem, normalize_id_number
from portal.core.errors import DomainError

logger = logging.getLogger("portal.accounts.verifiers")


class BaseVerifier:
    def verify(self, *, name: str, id_type: str, id_number: str) -> None:
        raise NotImplementedError


class LocalVerifier(BaseVerifier):
    """Format and checksum only (GB 11643 for resident IDs)."""

    def verify(self, *, name: str, id_type: str, id_number: str) -> None:
        problem = id_number_problem(id_type, id_number)
        if problem:
            raise DomainError(problem, code="invalid_id_number", field="id_number")
        if not (name or "").strip():
            raise DomainError(_("请输入姓名"), code="name_required", field="name")


class HttpVerifier(LocalVerifier):
    """The government identity service. A number that fails the local checks is refused
    without a call: there is nothing to ask about."""

    def verify(self, *, name: str, id_type: str, id_number: str) -> None:
        super().verify(name=name, id_type=id_type, id_number=id_number)
        unavailable = DomainError(_("实名认证服务暂时无法使用，请稍后再试"), code="verifier_unavailable")
        if not settings.REAL_NAME_VERIFIER_URL:
            logger.error("REAL_NAME_VERIFIER_URL is not set")
            raise unavailable
        try:
            response = requests.post(
                settings.REAL_NAME_VERIFIER_URL,
                json={"name": name.strip(), "id_type": id_type, "id_number": normalize_id_number(id_number)},
                headers={"Authorization": f"Bearer {settings.REAL_NAME_VERIFIER_KEY}"},
                timeout=getattr(settings, "REAL_NAME_VERIFIER_TIMEOUT", 5.0),
            )
        except requests.RequestException as exc:
            logger.warning("identity service unreachable: %s", exc.__class__.__name__)
            raise unavailable from exc
        if response.status_code != 200:
            logger.warning("identity service answered %s", response.status_code)
            raise unavailable
        try:
            answer = response.json()
        except ValueError:
            logger.warning("identity service answered something that is not JSON")
            raise unavailable from None
        if not isinstance(answer, dict) or answer.get("match") is not True:
            # The service's own reason is for our logs; the user gets advice they can act on.
            logger.info(
                "identity service: no match (%s)",
                str(answer.get("reason", ""))[:100] if isinstance(answer, dict) else "",
            )
            raise DomainError(_("姓名与证件号码不一致，请核对后重新输入"), code="real_name_mismatch")


def get_verifier() -> BaseVerifier:
    return import_string(settings.REAL_NAME_VERIFIER)()
