from django.db import migrations

from portal.accounts.roles import Role, grant

CUSTOMER_DATA = [
    "accounts.view_user",
    "accounts.view_enterprise",
    "accounts.view_enterprisemembership",
    "documents.view_document",
    "documents.view_documenttype",
]


def create_roles(apps, schema_editor):
    grant(apps, Role.ACCOUNT_MANAGER, CUSTOMER_DATA)
    grant(apps, Role.INSPECTOR, CUSTOMER_DATA)
    grant(
        apps,
        Role.SUPERVISOR,
        CUSTOMER_DATA
        + [
            "audit.view_auditevent",
            "accounts.view_loginattempt",
            "core.view_calendaroverride",
            "core.add_calendaroverride",
            "core.change_calendaroverride",
            "core.delete_calendaroverride",
        ],
    )
    grant(apps, Role.LICENSING_REVIEWER, ["accounts.view_enterprise"])
    grant(apps, Role.REVIEW_ADMIN, ["accounts.view_user"])


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=Role.values).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("core", "0001_initial"),
        ("documents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, drop_roles)]
