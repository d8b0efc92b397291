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


@pytest.fixture(autouse=True)
def _urls_with_placeholders(settings):
    settings.ROOT_URLCONF = "tests.utility_flows.urls"


class _LiveApps:
    """The real app registry as a data migration sees it; permissions are re-created by
    post_migrate beforehand, so ``grant`` need not (and must not touch real app configs)."""

    def get_app_configs(self):
        return []

    def get_model(self, *args):
        from django.apps import apps

        return apps.get_model(*args)


def restore_reference_data() -> None:
    """Put back what the data migrations seed (role groups and their permissions, regions,
    time limits) after an earlier transactional test's flush. Not ``serialized_rollback``:
    under Playwright the test can run on a different connection object from the one the
    serialized copy was stored on (nothing is restored), and after a flush by a test without
    it, reloading the copy collides with the content types post_migrate re-created."""
    import importlib

    from django.apps import apps

    from applications.models import Region
    from utility_flows.models import TimeLimit

    if Region.objects.exists() and TimeLimit.objects.filter(business_code="").exists() and apps.get_model(
        "auth", "Group"
    ).objects.filter(name=Role.ACCOUNT_MANAGER, permissions__codename="view_workorder").exists():
        return
    # Content types and permissions first (what post_migrate makes), then the seeded rows.
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    live = _LiveApps()
    importlib.import_module("portal.accounts.migrations.0002_role_groups").create_roles(live, None)
    importlib.import_module("applications.migrations.0002_reference_data").seed(live, None)
    mine = importlib.import_module("utility_flows.migrations.0002_defaults_and_grants")
    mine.seed_time_limits(live)
    mine.grant_roles(live)


@pytest.fixture
def reference_data(transactional_db):
    restore_reference_data()
