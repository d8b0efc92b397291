from django.db import migrations


def grant_view_any(apps, schema_editor):
    from portal.accounts.roles import Role, grant

    # Account managers and supervisors work across every business; inspectors read only the files
    # of the applications their role handles (applications.access).
    grant(apps, Role.ACCOUNT_MANAGER, ["documents.view_any_document"])
    grant(apps, Role.SUPERVISOR, ["documents.view_any_document"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_signature_type"),
        ("accounts", "0005_membership_request"),
    ]
    operations = [
        migrations.AlterModelOptions(
            name="document",
            options={
                "ordering": ["-created_at"],
                "permissions": [("view_any_document", "可以查看所有客户的证照文件")],
                "verbose_name": "证照文件",
                "verbose_name_plural": "证照文件",
            },
        ),
        migrations.RunPython(grant_view_any, migrations.RunPython.noop),
    ]
