"""Fixtures of the service-account tests (我的户号, 电量电费, 停电信息, import, admin, API):
named people and their accounts, "Alice and her accounts" style. ``street`` (城东区八一路街道)
comes from the catalog's conftest."""

import pytest
from django.test import Client

from applications.models import Region
from tests.factories import (
    AccountBindingFactory,
    EnterpriseFactory,
    ServiceAccountFactory,
    VerifiedUserFactory,
)


@pytest.fixture
def other_street(db):
    return Region.objects.get(code="630104004")  # 城西区胜利路街道


@pytest.fixture
def alice(db):
    """A verified resident: 张丽, with her own phone."""
    return VerifiedUserFactory(name="张丽", phone="13912345678")


@pytest.fixture
def bob(db):
    """Another verified customer who must never see Alice's accounts."""
    return VerifiedUserFactory(name="王强", phone="13800001111")


@pytest.fixture
def alice_home(alice, street):
    """Alice's own home account, bound to her by ID match, with peak-valley pricing."""
    account = ServiceAccountFactory(
        holder=alice,
        number="6301000001",
        region=street,
        peak_valley=True,
        registered_phone="13912345678",
        address="八一中路 8 号 3 单元 502 室",
    )
    AccountBindingFactory(user=alice, account=account, via="holder_id")
    return account


@pytest.fixture
def mothers_account(street):
    """An account held by someone else (Alice's mother), registered to the mother's phone."""
    return ServiceAccountFactory(
        number="6301000002",
        holder_name="李秀兰",
        region=street,
        registered_phone="13698761234",
        address="八一中路 12 号 1 单元 101 室",
    )


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="青海高原制造有限公司")


@pytest.fixture
def logged_in(client):
    def _login(user) -> Client:
        client.force_login(user)
        return client

    return _login
