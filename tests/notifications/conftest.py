import pytest

from tests.factories import UserFactory


@pytest.fixture
def alice(db):
    """A customer with a phone (as everyone has) and an e-mail address."""
    return UserFactory(name="张丽", phone="13912345678", email="zhangli@example.com")


@pytest.fixture
def bob(db):
    """A customer without an e-mail address."""
    return UserFactory(name="王强", phone="13800001111")
