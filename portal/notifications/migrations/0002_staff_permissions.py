from django.db import migrations

from portal.accounts.roles import Role, grant

SEE_WHAT_WAS_SENT = ["notifications.view_notification", "notifications.view_outboxmessage"]


def grant_permissions(apps, schema_editor):
    # Account managers answer "did I get the message?"; supervisors may also resend failed ones.
    grant(apps, Role.ACCOUNT_MANAGER, SEE_WHAT_WAS_SENT)
    grant(apps, Role.SUPERVISOR, SEE_WHAT_WAS_SENT + ["notifications.change_outboxmessage"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
