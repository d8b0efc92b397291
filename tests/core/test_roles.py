import pytest
from django.contrib.auth.models import Group

from portal.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_every_staff_role_exists_with_its_admin_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    manager = Group.objects.get(name=Role.ACCOUNT_MANAGER)
    assert manager.permissions.filter(codename="view_document").exists()
    assert not manager.permissions.filter(codename="view_auditevent").exists()
    assert Group.objects.get(name=Role.SUPERVISOR).permissions.filter(codename="view_auditevent").exists()
