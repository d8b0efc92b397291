"""Staff roles of SPEC 1. Each is a Django group (created by a data migration) whose name is
the role's Chinese title; later apps grant their permissions to these groups in their own
migrations with ``grant``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "客户经理", _("客户经理")
    INSPECTOR = "用电检查人员", _("用电检查人员")
    SUPERVISOR = "营销主管", _("营销主管")
    LICENSING_REVIEWER = "许可审核人员", _("许可审核人员")
    REVIEW_ADMIN = "好差评管理员", _("好差评管理员")


def grant(apps, role: str, perms: list[str]) -> None:
    """For data migrations: give ``role`` the permissions ``["app_label.codename", ...]``.

    Permissions are normally created after all migrations ran; create them now so a fresh
    database gets the grants in the same ``migrate``."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions() skips.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=role)
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def user_has_role(user, role: str) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=role).exists())
