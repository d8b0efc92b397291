from django.db import migrations

from portal.accounts.roles import Role, grant


def grant_full_id_number(apps, schema_editor):
    # Account managers compare the applicant's ID with the documents they accept; the other
    # roles work with the masked number.
    grant(apps, Role.ACCOUNT_MANAGER, ["accounts.view_full_id_number"])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="accounts", codename="view_full_id_number").first()
    if perm is not None:
        for group in Group.objects.filter(name=Role.ACCOUNT_MANAGER):
            group.permissions.remove(perm)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_membership_power_of_attorney")]
    operations = [migrations.RunPython(grant_full_id_number, revoke)]
