"""ID photos of someone other than the applicant: the owner an agent acts for, the new holder
of a transfer. They are stored under the applicant's upload but are never reusable, so they can
never stand in for the applicant's own ID photo in a later application (一证通办 reuses only
the person's own documents)."""

from django.db import migrations

# (code, name, owner kind, sensitive, reusable, default validity in months)
DOCUMENT_TYPES = [
    ("other_person_id_front", "他人身份证件人像面", "person", True, False, None),
    ("other_person_id_back", "他人身份证件国徽面", "person", True, False, None),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, owner_kind, sensitive, reusable, months in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "owner_kind": owner_kind, "sensitive": sensitive, "reusable": reusable,
                      "default_validity_months": months},
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in DOCUMENT_TYPES]).delete()


class Migration(migrations.Migration):
    # Numbered 0004 because main has 0003_account_permissions; when merging, point this at
    # ("applications", "0003_account_permissions") so the graph has one leaf.
    dependencies = [("applications", "0003_account_permissions")]
    operations = [migrations.RunPython(seed, unseed)]
