import pytest
from rest_framework.authtoken.models import Token


@pytest.fixture
def api_user(db):
    from tests.factories import VerifiedUserFactory

    return VerifiedUserFactory(name="马晓燕")


@pytest.fixture
def api_token(api_user) -> str:
    return Token.objects.create(user=api_user).key


@pytest.fixture
def openapi(client) -> dict:
    """The schema exactly as the mobile app downloads it."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}:
                yield method.upper(), path, operation
