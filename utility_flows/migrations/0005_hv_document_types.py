from django.db import migrations

TYPES = [
    ("hv_submission", "高压办电环节材料", False, True),
    ("hv_pushed", "高压办电推送文件", False, False),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, sensitive, upload in TYPES:
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "sensitive": sensitive, "reusable": False, "customer_upload": upload},
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("utility_flows", "0004_hv_eassistant"),
        ("documents", "0004_signature_type"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
