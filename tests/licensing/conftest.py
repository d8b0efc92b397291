import pytest

from licensing.models import RuleScheme
from portal.accounts.roles import Role
from tests.factories import StaffFactory
from tests.licensing.helpers import make_firm


@pytest.fixture
def firm(db):
    return make_firm(name="青海宏源电力安装工程有限公司")


@pytest.fixture
def firm_user(firm):
    return firm.enterprise.memberships.first().user


@pytest.fixture
def reviewer(db):
    return StaffFactory(name="周敏", roles=[Role.LICENSING_REVIEWER])


@pytest.fixture(autouse=True)
def _scheme_2020(db):
    """Each test starts with the seeded 2020 scheme active."""
    RuleScheme.objects.update(is_active=False)
    RuleScheme.objects.filter(code="2020").update(is_active=True)
