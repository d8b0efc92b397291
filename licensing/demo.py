"""Demo data of licensing, made with the real services: 青海宏源电力安装工程有限公司 (contact 杨志强)
holds a licence; a firm with a draft; an application waiting for review (周敏's queue); a
licence about to expire. Each firm is looked up by its credit code and skipped when present."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from licensing import services
from licensing.models import (
    Achievement,
    AttachmentRequirement,
    EquityRow,
    Firm,
    KeyPerson,
    LeadRole,
    Licence,
    LicenceLevel,
    StaffKind,
    StaffMember,
    TitleLevel,
    WorkHistory,
)
from portal.accounts.models import EnterpriseType, IdType, User
from portal.core.demo import (
    DEMO_PASSWORD,
    DemoContext,
    credit_code,
    demo_step,
    resident_id_number,
)


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "#e8eef4").save(out, "PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def _user(phone: str, name: str, region: str, seq: int) -> User:
    user = User.objects.filter(phone=phone).first() or User(phone=phone)
    user.name = name
    user.id_type, user.id_number = IdType.RESIDENT_ID, resident_id_number(region, date(1983, 3, 3), seq)
    user.real_name_verified_at = user.real_name_verified_at or timezone.now()
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _firm(user: User, *, name: str, code17: str, rep: str, seq: int) -> tuple[Firm, bool]:
    code = credit_code(code17)
    firm = Firm.objects.filter(enterprise__credit_code=code).first()
    if firm is not None:
        return firm, False
    firm = services.register_firm(
        user=user,
        name=name,
        credit_code=code,
        enterprise_type=EnterpriseType.LIMITED_LIABILITY,
        legal_rep_name=rep,
        legal_rep_id_number=user.id_number,  # the legal representative registers the firm
        registered_address="青海省西宁市城东区八一中路 99 号",
        contact_name=user.name,
        contact_mobile=user.phone,
        postal_code="810000",
        region="630100",
    )
    return firm, True


def _staff(firm: Firm, level: LicenceLevel, base: int) -> None:
    rows = [
        StaffMember(
            firm=firm,
            kind=StaffKind.TECHNICAL,
            name=f"技术员{i + 1}",
            id_number=resident_id_number("630121", date(1985, 1, 1) + timedelta(days=base + i), 11),
            title_level=TitleLevel.INTERMEDIATE if i < max(level.tech_senior_min, 2) else TitleLevel.JUNIOR,
            specialty="电气工程",
        )
        for i in range(level.tech_staff_min)
    ]
    rows += [
        StaffMember(
            firm=firm,
            kind=StaffKind.SKILLED,
            name=f"电工{i + 1}",
            id_number=resident_id_number("630122", date(1988, 1, 1) + timedelta(days=base + i), 13),
            specialty="电工",
            is_hv_electrician=i < level.electrician_min,
            certificate_number=f"DG{base + i:06d}",
            certificate_authority="国家能源局西北监管局",
        )
        for i in range(level.skilled_min)
    ]
    StaffMember.objects.bulk_create(rows)


def _fill(application, user: User, seq: int) -> None:
    tech = KeyPerson.objects.create(
        application=application,
        role=LeadRole.TECHNICAL,
        name="马建新",
        id_number=resident_id_number("630102", date(1978, 8, 8), seq),
        mobile="13897100001",
        title_level=TitleLevel.SENIOR,
        major="电力系统",
        years=18,
    )
    WorkHistory.objects.create(
        person=tech,
        start=date(2006, 7, 1),
        end=date(2016, 6, 30),
        employer="青海送变电工程公司",
        position="技术员",
        referee="刘工",
        referee_mobile="13897100002",
    )
    services.save_lead(
        application=application,
        by=user,
        role=LeadRole.SAFETY,
        photo=_png(),
        data={
            "name": "何安平",
            "id_number": resident_id_number("630102", date(1981, 9, 9), seq),
            "mobile": "13897100003",
            "title_level": TitleLevel.INTERMEDIATE,
            "major": "安全工程",
            "years": 12,
        },
    )
    EquityRow.objects.create(application=application, holder="自然人股东", amount=2000, ratio=100)
    for requirement in AttachmentRequirement.objects.all():
        if requirement.required and requirement.applies_to(application):
            services.upload_attachment(application=application, by=user, requirement=requirement, upload=_png())
    for applied in application.categories.select_related("level"):
        for i in range(applied.level.achievement_min):
            Achievement.objects.create(
                application=application,
                category=applied.category,
                project=f"示范工程{i + 1}",
                voltage_kv=max(applied.level.achievement_min_kv, 10),
                client="国网青海省电力公司",
                completed_on=date(2024, 10, 1),
                contract_amount=500,
            )


def _licensed(firm: Firm, user: User, reviewer: User, levels: dict, seq: int) -> Licence:
    application = services.start_application(
        firm=firm,
        by=user,
        kind="new",
        levels={c: lv.pk for c, lv in levels.items()},
        submitter_name=firm.enterprise.legal_rep_name,
        submitter_id_number=firm.enterprise.legal_rep_id_number,
    )
    _fill(application, user, seq)
    services.submit(application=application, by=user)
    services.review(application=application, action="pass_formal_review", by=reviewer)
    services.review(application=application, action="approve", by=reviewer)
    return Licence.objects.get(firm=firm)


@demo_step("licensing", after=["people"])
def licensing(ctx: DemoContext) -> None:
    level = {lv.rank: lv for lv in LicenceLevel.objects.filter(scheme__code="2020")}
    reviewer = ctx.users["licensing_reviewer"]
    contractor = ctx.users["contractor"]

    hongyuan, new = _firm(
        contractor,
        name=ctx.objects.get("contractor_firm_name", "青海宏源电力安装工程有限公司"),
        code17="91630100MA7H00001",
        rep="杨志强",
        seq=501,
    )
    if new:
        _staff(hongyuan, level[4], 0)
        _licensed(hongyuan, contractor, reviewer, {"install": level[4], "repair": level[5]}, 601)
    # The HV demo's mid inspection names this licence (portal.core.licences checks it: 有效).
    ctx.objects["contractor_licence_number"] = (
        Licence.objects.filter(firm=hongyuan).values_list("number", flat=True).first()
    )

    sanjiang_user = _user("18609710021", "韩立军", "630103", 521)
    sanjiang, new = _firm(
        sanjiang_user, name="青海三江电力检修有限公司", code17="91630100MA7J00002", rep="韩立军", seq=502
    )
    if new:
        _staff(sanjiang, level[5], 1000)
        licence = _licensed(sanjiang, sanjiang_user, reviewer, {"repair": level[5]}, 602)
        expires = timezone.localdate() + timedelta(days=75)
        Licence.objects.filter(pk=licence.pk).update(
            expires_on=expires, issued_on=expires.replace(year=expires.year - 6)
        )

    huangshui_user = _user("18609710022", "祁红梅", "630104", 522)
    huangshui, new = _firm(
        huangshui_user, name="青海湟水电力工程有限公司", code17="91630100MA7K00003", rep="祁红梅", seq=503
    )
    if new:
        draft = services.start_application(
            firm=huangshui,
            by=huangshui_user,
            kind="new",
            levels={"install": level[5].pk},
            submitter_name="祁红梅",
            submitter_id_number=huangshui.enterprise.legal_rep_id_number,
        )
        services.save_basic(application=draft, by=huangshui_user, registered_capital=800)
        EquityRow.objects.create(application=draft, holder="祁红梅", amount=800, ratio=100)
        _staff(huangshui, LicenceLevel(tech_staff_min=3, tech_senior_min=0, skilled_min=2, electrician_min=1), 2000)

    qilian_user = _user("18609710023", "李文斌", "630105", 523)
    qilian, new = _firm(
        qilian_user, name="青海祁连输变电工程有限公司", code17="91630100MA7L00004", rep="李文斌", seq=504
    )
    if new:
        _staff(qilian, level[5], 3000)
        application = services.start_application(
            firm=qilian,
            by=qilian_user,
            kind="new",
            levels={"install": level[5].pk, "test": level[5].pk},
            submitter_name="李文斌",
            submitter_id_number=qilian.enterprise.legal_rep_id_number,
        )
        _fill(application, qilian_user, 604)
        services.submit(application=application, by=qilian_user)

    for role, user in (
        ("承装（修、试）企业：许可证即将到期", sanjiang_user),
        ("承装（修、试）企业：新申请草稿", huangshui_user),
        ("承装（修、试）企业：申请待审核", qilian_user),
    ):
        ctx.add_login(role=role, user=user)
    ctx.notes.append(
        f"{hongyuan.enterprise.name}持有承装（修、试）电力设施许可证；许可业务入口 /licensing/，"
        "审核队列在后台“许可申请”。"
    )
