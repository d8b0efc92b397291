"""Role permissions on the account registry (SPEC 1): account managers and inspectors read
accounts, their history, bindings, bills and outage notices; supervisors also publish outage
notices and import accounts from CSV.

"Import" is a permission of its own (not add/change) so that who may load the marketing
system's export is decided apart from who may edit one account. It is created here rather than
in ServiceAccount.Meta.permissions to keep this area's change out of the shared models module."""

from django.db import migrations

from portal.accounts.roles import Role, grant

READ = [
    "applications.view_serviceaccount",
    "applications.view_accountchange",
    "applications.view_accountbinding",
    "applications.view_bill",
    "applications.view_outage",
    "applications.view_outagewatch",
    "applications.view_region",
    "applications.view_smallbusinesspark",
]
PUBLISH_OUTAGES = ["applications.add_outage", "applications.change_outage"]
IMPORT = ("import_serviceaccount", "可从CSV导入用电户号")


def create_import_permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="applications", model="serviceaccount")
    Permission.objects.get_or_create(content_type=content_type, codename=IMPORT[0], defaults={"name": IMPORT[1]})


def grant_roles(apps, schema_editor):
    grant(apps, Role.ACCOUNT_MANAGER, READ)
    grant(apps, Role.INSPECTOR, READ)
    create_import_permission(apps)
    grant(apps, Role.SUPERVISOR, READ + PUBLISH_OUTAGES + [f"applications.{IMPORT[0]}"])


def revoke_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [p.split(".")[1] for p in READ + PUBLISH_OUTAGES] + [IMPORT[0]]
    permissions = Permission.objects.filter(content_type__app_label="applications", codename__in=codenames)
    for group in Group.objects.filter(name__in=[Role.ACCOUNT_MANAGER, Role.INSPECTOR, Role.SUPERVISOR]):
        group.permissions.remove(*permissions)
    Permission.objects.filter(content_type__app_label="applications", codename=IMPORT[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_reference_data"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant_roles, revoke_roles)]
