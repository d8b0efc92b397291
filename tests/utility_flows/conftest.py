import pytest

from portal.accounts.roles import Role
from tests.factories import StaffFactory


@pytest.fixture
def manager():
    """王芳, an account manager (客户经理)."""
    return StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])


@pytest.fixture
def other_manager():
    return StaffFactory(name="刘洋", roles=[Role.ACCOUNT_MANAGER])


@pytest.fixture
def supervisor():
    return StaffFactory(name="陈静", roles=[Role.SUPERVISOR])


@pytest.fixture
def inspector():
    return StaffFactory(name="杨磊", roles=[Role.INSPECTOR])
