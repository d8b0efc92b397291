from django.db import migrations

# Types the portal produces itself: not offered in the customer's upload form.
NOT_UPLOADED_BY_CUSTOMERS = ["application_form", "commitment_letter"]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    # A handwritten signature is personal data: staff reading one is logged for its owner.
    DocumentType.objects.update_or_create(
        code="signature",
        defaults={"name": "手写签名", "owner_kind": "person", "sensitive": True, "reusable": False,
                  "customer_upload": False, "description": "在签名板上手写的签名图片"},
    )
    DocumentType.objects.filter(code__in=NOT_UPLOADED_BY_CUSTOMERS).update(customer_upload=False)


def unseed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.filter(code="signature").delete()
    DocumentType.objects.filter(code__in=NOT_UPLOADED_BY_CUSTOMERS).update(customer_upload=True)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_customer_upload_and_pdf_renders")]
    operations = [migrations.RunPython(seed, unseed)]
