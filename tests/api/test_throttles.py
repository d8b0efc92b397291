"""Issue 7: the API throttles are applied, and a Redis outage never answers 500 (they fall back
to a count local to the process). Redis here is the test's own server, stopped by the test."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, UserFactory, VerifiedUserFactory
from tests.redis_server import own_redis  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def rates(settings):
    def _set(**rates):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**current, **rates}}

    return _set


def test_the_default_user_rate_applies_to_every_endpoint(rates):
    rates(user="3/min")
    client = token_client(UserFactory())
    answers = [client.get(f"{API}/me/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_account_bind_probes_are_throttled_per_user(rates):
    rates(account_lookup="5/min")
    client = token_client(VerifiedUserFactory())
    answers = [
        client.post(f"{API}/service-accounts/bind/", {"number": f"63000000{i:02d}"}, format="json").status_code
        for i in range(7)
    ]
    assert 429 in answers and answers.index(429) == 5


def test_outage_watch_probes_and_their_codes_are_throttled_per_user(rates):
    rates(account_lookup="5/min")
    for url, answer in ((f"{API}/outage-watches/", 400), (f"{API}/outage-watches/code/", 202)):
        client = token_client(VerifiedUserFactory())
        answers = [client.post(url, {"number": f"63000000{i:02d}"}, format="json").status_code for i in range(6)]
        assert answers == [answer] * 5 + [429], url


@pytest.fixture
def redis_cache(settings, own_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "throttle_fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t-fallback"},
    }
    from django.core.cache import caches

    caches["throttle_fallback"].clear()
    return own_redis


def test_with_redis_down_codes_and_log_in_answer_and_throttles_still_count(redis_cache, rates):
    user = UserFactory(phone="13812341234")
    client = APIClient()
    assert (
        client.post(
            f"{API}/auth/login/", {"phone": user.phone, "password": DEFAULT_PASSWORD}, format="json"
        ).status_code
        == 200
    )
    redis_cache.stop()

    login = client.post(f"{API}/auth/login/", {"phone": user.phone, "password": DEFAULT_PASSWORD}, format="json")
    code = client.post(f"{API}/sms-codes/", {"phone": "13812345678", "purpose": "register"}, format="json")
    me = token_client(user).get(f"{API}/me/")
    assert (login.status_code, code.status_code, me.status_code) == (200, 202, 200)

    # The limit still holds, counted in the process while Redis is away.
    rates(auth="3/min")
    answers = [
        client.post(f"{API}/auth/login/", {"phone": user.phone, "password": "wrong"}, format="json").status_code
        for _ in range(5)
    ]
    assert 500 not in answers and 429 in answers
