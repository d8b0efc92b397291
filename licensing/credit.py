"""The credit interface (信用能源接口) that decides whether a firm may take the commitment route
(告知承诺制), an adapter chosen by ``settings.LICENSING_CREDIT_CHECKER``.

- ``LocalCreditChecker`` (default; development and tests): every firm is in good standing
  unless ``settings.LICENSING_CREDIT_LOCAL_RESULTS`` maps its credit code to ``"bad"``.
- ``HttpCreditChecker`` (production): ``POST`` JSON ``{"credit_code", "name"}`` to
  ``LICENSING_CREDIT_URL`` with ``Authorization: Bearer <LICENSING_CREDIT_KEY>``; the service
  answers 200 with ``{"good": true}`` or ``{"good": false, "reason": "..."}``. An unreachable
  service means "not eligible": the firm can always take the ordinary route.
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("licensing.credit")


@dataclass(frozen=True)
class CreditAnswer:
    good: bool
    reason: str = ""


class BaseCreditChecker:
    def check(self, *, credit_code: str, name: str) -> CreditAnswer:
        raise NotImplementedError


class LocalCreditChecker(BaseCreditChecker):
    def check(self, *, credit_code: str, name: str) -> CreditAnswer:
        result = getattr(settings, "LICENSING_CREDIT_LOCAL_RESULTS", {}).get(credit_code, "good")
        return CreditAnswer(good=result == "good", reason="" if result == "good" else str(result))


class HttpCreditChecker(BaseCreditChecker):
    def check(self, *, credit_code: str, name: str) -> CreditAnswer:
        url = getattr(settings, "LICENSING_CREDIT_URL", "")
        if not url:
            logger.error("LICENSING_CREDIT_URL is not set")
            return CreditAnswer(good=False, reason="unavailable")
        try:
            response = requests.post(
                url,
                json={"credit_code": credit_code, "name": name},
                headers={"Authorization": f"Bearer {getattr(settings, 'LICENSING_CREDIT_KEY', '')}"},
                timeout=5,
            )
            answer = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError) as exc:
            logger.warning("credit service unreachable: %s", exc.__class__.__name__)
            return CreditAnswer(good=False, reason="unavailable")
        if not isinstance(answer, dict):
            return CreditAnswer(good=False, reason="unavailable")
        return CreditAnswer(good=answer.get("good") is True, reason=str(answer.get("reason", ""))[:200])


def get_credit_checker() -> BaseCreditChecker:
    return import_string(getattr(settings, "LICENSING_CREDIT_CHECKER", "licensing.credit.LocalCreditChecker"))()


def commitment_route_open(firm) -> bool:
    """An eligible firm (good credit) in an enabled region may choose the commitment route."""
    regions = getattr(settings, "LICENSING_COMMITMENT_REGIONS", [])
    if "*" not in regions and firm.region[:4] not in {r[:4] for r in regions}:
        return False
    return get_credit_checker().check(credit_code=firm.enterprise.credit_code, name=firm.enterprise.name).good
