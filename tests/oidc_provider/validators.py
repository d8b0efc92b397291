import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


def test_users() -> dict[str, dict]:
    return {u["username"]: u for u in json.loads(os.environ.get("OIDC_PROVIDER_USERS", "[]"))}


class GovValidator(OAuth2Validator):
    """Claims as the government portal names them: ``name``, ``id_card``, ``phone_number``."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "id_card": "profile",
        "phone_number": "phone",
        "phone_number_verified": "phone",
    }

    def get_additional_claims(self, request):
        user = test_users().get(request.user.username, {})
        return {
            "name": user.get("name", ""),
            "id_card": user.get("id_card", ""),
            "phone_number": user.get("phone_number", ""),
            "phone_number_verified": user.get("phone_number_verified", True),
        }
