from django.db import migrations

# (code, name, owner kind, sensitive, reusable, default validity in months)
TYPES = [
    ("id_card_front", "身份证人像面", "person", True, True, None),
    ("id_card_back", "身份证国徽面", "person", True, True, None),
    ("id_document", "其他有效身份证件", "person", True, True, None),
    ("property_proof", "产权证明", "any", False, True, None),
    ("business_licence", "营业执照", "enterprise", False, True, None),
    ("power_of_attorney", "授权委托书", "any", False, True, 12),
    ("commitment_letter", "承诺书", "any", False, False, None),
    ("application_form", "申请表", "any", False, False, None),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, owner_kind, sensitive, reusable, months in TYPES:
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "owner_kind": owner_kind, "sensitive": sensitive, "reusable": reusable,
                      "default_validity_months": months},
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
