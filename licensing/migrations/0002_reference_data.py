"""Reference data of licensing (SPEC §5, seed 004), idempotent (tests replay it after a flush):

* the 2020 five-level scheme with its staffing minimums (active) and the 2025 three-level
  scheme, both editable in the admin; switching the active scheme needs no code change;
* the attachments each application kind asks for, some with a downloadable template;
* the document types licensing stores, and the licensing reviewers' permissions.
"""

from django.db import migrations

from portal.accounts.roles import Role, grant

# (rank, name, voltage scope, technical staff, of them intermediate+, skilled, of them HV
# electricians, achievements per category, their minimum kV). Copied here on purpose: a
# migration must not change when code does.
SCHEMES = {
    "2020": ("2020年版（五级）", True, [
        (1, "一级", "所有电压等级", 50, 30, 60, 30, 2, 220),
        (2, "二级", "220千伏及以下", 30, 15, 30, 15, 2, 110),
        (3, "三级", "110千伏及以下", 15, 5, 20, 10, 2, 35),
        (4, "四级", "35千伏及以下", 10, 0, 15, 8, 0, 0),
        (5, "五级", "10千伏及以下", 5, 0, 5, 3, 0, 0),
    ]),
    # The 2025 revision has three levels. Its minimums below are this portal's starting values;
    # the licensing office checks and edits them in the admin before switching.
    "2025": ("2025年版（三级）", False, [
        (1, "一级", "所有电压等级", 30, 15, 40, 20, 2, 220),
        (2, "二级", "220千伏及以下", 15, 5, 20, 10, 2, 35),
        (3, "三级", "35千伏及以下", 5, 0, 5, 3, 0, 0),
    ]),
}

FULL = ["new", "licence_change", "renewal", "split", "merger"]
# (code, name, kinds, required, only_for, template, order)
REQUIREMENTS = [
    ("legal_statement", "法定代表人声明", FULL, True, "", "legal_statement.pdf", 10),
    ("delegation", "授权委托书", FULL, True, "delegate", "delegation.pdf", 20),
    ("merger_proof", "合并证明文件", FULL, True, "after_merger", "", 30),
    ("split_proof", "分立证明文件", FULL, True, "after_split", "", 40),
    ("business_licence", "营业执照副本", FULL + ["registration_change"], True, "", "", 50),
    ("safety_system", "安全生产管理制度文件", FULL, True, "", "safety_system.pdf", 60),
    ("equipment_list", "施工机具设备清单", FULL, True, "", "equipment_list.pdf", 70),
    ("commitment_letter", "告知承诺书", FULL, True, "commitment", "commitment_letter.pdf", 80),
    ("change_proof", "登记事项变更证明材料", ["registration_change"], True, "", "", 90),
    ("reissue_statement", "补（换）证申请说明", ["reissue"], True, "", "", 100),
    ("cancellation_statement", "注销申请书", ["cancellation"], True, "", "", 110),
    ("personnel_proof", "人员劳动合同及社保证明", ["personnel_change"], False, "", "", 120),
]

DOCUMENT_TYPES = [
    # (code, name, owner kind, sensitive, customer upload)
    ("licensing_attachment", "许可申请附件", "enterprise", False, True),
    ("licensing_photo", "负责人登记照", "enterprise", True, True),
    ("licensing_licence", "承装（修、试）电力设施许可证", "enterprise", False, False),
]

REVIEWER_PERMS = [
    "licensing.view_licenceapplication", "licensing.change_licenceapplication",
    "licensing.review_licenceapplication",
    "licensing.view_firm", "licensing.view_staffmember", "licensing.view_licence", "licensing.change_licence",
    "licensing.view_licencegrant", "licensing.view_rulescheme", "licensing.change_rulescheme",
    "licensing.view_licencelevel", "licensing.change_licencelevel", "licensing.view_attachmentrequirement",
    "licensing.change_attachmentrequirement", "licensing.view_applicationlog",
    "documents.view_document",
]


def seed(apps, schema_editor):
    RuleScheme = apps.get_model("licensing", "RuleScheme")
    LicenceLevel = apps.get_model("licensing", "LicenceLevel")
    Requirement = apps.get_model("licensing", "AttachmentRequirement")
    DocumentType = apps.get_model("documents", "DocumentType")
    any_active = RuleScheme.objects.filter(is_active=True).exists()
    for code, (name, active, levels) in SCHEMES.items():
        scheme, created = RuleScheme.objects.get_or_create(
            code=code, defaults={"name": name, "is_active": active and not any_active}
        )
        for rank, level_name, scope, tech, senior, skilled, electricians, ach, kv in levels:
            LicenceLevel.objects.get_or_create(
                scheme=scheme, rank=rank,
                defaults={"name": level_name, "voltage_scope": scope, "tech_staff_min": tech, "tech_senior_min": senior,
                          "skilled_min": skilled, "electrician_min": electricians, "achievement_min": ach,
                          "achievement_min_kv": kv},
            )
    for code, name, kinds, required, only_for, template, order in REQUIREMENTS:
        Requirement.objects.get_or_create(
            code=code, defaults={"name": name, "kinds": kinds, "required": required, "only_for": only_for,
                                 "template": template, "order": order},
        )
    for code, name, owner_kind, sensitive, upload in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "owner_kind": owner_kind, "sensitive": sensitive, "reusable": False,
                                 "customer_upload": upload},
        )
    grant(apps, Role.LICENSING_REVIEWER, REVIEWER_PERMS)


def unseed(apps, schema_editor):
    apps.get_model("licensing", "RuleScheme").objects.filter(code__in=SCHEMES).delete()
    apps.get_model("licensing", "AttachmentRequirement").objects.filter(code__in=[r[0] for r in REQUIREMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0001_initial"),
        ("documents", "0004_signature_type"),
        ("accounts", "0004_grant_full_id_number"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
