"""Named fixtures of licensing tests: a firm (an enterprise with its licensing profile and a
user), its staff at given counts, and an application filled to a level's requirements."""

import itertools
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from licensing import services
from licensing.models import (
    Achievement,
    AttachmentRequirement,
    EquityRow,
    Firm,
    KeyPerson,
    LeadRole,
    LicenceLevel,
    RuleScheme,
    StaffKind,
    StaffMember,
    TitleLevel,
    WorkHistory,
)
from portal.accounts.models import EnterpriseMembership
from tests.factories import (
    SMALL_PNG,
    EnterpriseFactory,
    VerifiedUserFactory,
    resident_id,
)

_ids = itertools.count(1)


def unique_id_number() -> str:
    """A valid resident ID number not used before in this run."""
    n = next(_ids)
    return resident_id(n % 1000, birth=f"19{60 + n // 1000 % 40:02d}0{1 + n // 40000 % 9}15")


def make_firm(user=None, **enterprise) -> Firm:
    user = user or VerifiedUserFactory()
    ent = EnterpriseFactory(**enterprise)
    EnterpriseMembership.objects.create(user=user, enterprise=ent, relation="agent")
    return Firm.objects.create(
        enterprise=ent, contact_name=user.name or "联系人", contact_mobile=user.phone, region="630100"
    )


def add_staff(firm, *, technical=0, senior=0, skilled=0, electricians=0):
    rows = [
        StaffMember(
            firm=firm,
            kind=StaffKind.TECHNICAL,
            name=f"技术{i}",
            id_number=unique_id_number(),
            title_level=TitleLevel.SENIOR if i < senior else TitleLevel.JUNIOR,
        )
        for i in range(technical)
    ]
    rows += [
        StaffMember(
            firm=firm,
            kind=StaffKind.SKILLED,
            name=f"技工{i}",
            id_number=unique_id_number(),
            specialty="电工",
            is_hv_electrician=i < electricians,
        )
        for i in range(skilled)
    ]
    StaffMember.objects.bulk_create(rows)


def level(scheme: str, rank: int) -> LicenceLevel:
    return LicenceLevel.objects.get(scheme__code=scheme, rank=rank)


def activate(scheme_code: str) -> RuleScheme:
    RuleScheme.objects.update(is_active=False)
    RuleScheme.objects.filter(code=scheme_code).update(is_active=True)
    return RuleScheme.objects.get(code=scheme_code)


def png(name="scan.png"):
    return SimpleUploadedFile(name, SMALL_PNG, content_type="image/png")


def start_new(firm, levels: dict, **kwargs):
    user = firm.enterprise.memberships.first().user
    return services.start_application(
        firm=firm,
        by=user,
        kind="new",
        levels={c: lv.pk for c, lv in levels.items()},
        submitter_name="赵强",
        submitter_id_number=unique_id_number(),
        **kwargs,
    )


def fill_everything_but_staff(application):
    """Leads with history and photo, equity, attachments and enough achievements."""
    user = application.created_by
    tech = KeyPerson.objects.create(
        application=application,
        role=LeadRole.TECHNICAL,
        name="李工",
        id_number=unique_id_number(),
        mobile="13900000001",
        title_level=TitleLevel.SENIOR,
    )
    WorkHistory.objects.create(
        person=tech,
        start=date(2010, 1, 1),
        employer="青海送变电",
        position="项目经理",
        referee="王五",
        referee_mobile="13900000002",
    )
    services.save_lead(
        application=application,
        by=user,
        role=LeadRole.SAFETY,
        data={
            "name": "周安",
            "id_number": unique_id_number(),
            "mobile": "13900000003",
            "title_level": TitleLevel.INTERMEDIATE,
            "major": "安全工程",
            "years": 8,
        },
        photo=png(),
    )
    EquityRow.objects.create(application=application, holder="赵强", amount=1000, ratio=100)
    for requirement in AttachmentRequirement.objects.all():
        if requirement.required and requirement.applies_to(application):
            services.upload_attachment(application=application, by=user, requirement=requirement, upload=png())
    for applied in application.categories.select_related("level"):
        for i in range(applied.level.achievement_min):
            Achievement.objects.create(
                application=application,
                category=applied.category,
                project=f"工程{i}",
                voltage_kv=max(applied.level.achievement_min_kv, 10),
                client="国网",
                completed_on=date(2024, 6, 1),
                contract_amount=100,
            )


def fill_staff_for(firm, lv: LicenceLevel):
    add_staff(
        firm,
        technical=lv.tech_staff_min,
        senior=lv.tech_senior_min,
        skilled=lv.skilled_min,
        electricians=lv.electrician_min,
    )


def licensed_firm(name: str = "青海宏源电力安装工程有限公司", levels: dict | None = None):
    """A contractor firm licensed the way a real one is: its application filled, submitted and
    approved by a licensing reviewer (周敏) through the services. Returns the issued Licence."""
    from licensing.models import Licence
    from portal.accounts.roles import Role
    from tests.factories import StaffFactory

    activate("2020")
    firm = make_firm(name=name)
    levels = levels or {"install": level("2020", 4), "repair": level("2020", 5)}
    application = start_new(firm, levels)
    fill_everything_but_staff(application)
    fill_staff_for(firm, max(levels.values(), key=lambda lv: lv.tech_staff_min))
    services.submit(application=application, by=application.created_by)
    reviewer = StaffFactory(name="周敏", roles=[Role.LICENSING_REVIEWER])
    services.review(application=application, action="pass_formal_review", by=reviewer)
    services.review(application=application, action="approve", by=reviewer)
    return Licence.objects.get(firm=firm)
