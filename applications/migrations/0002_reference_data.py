"""Reference data: the service area's districts and streets, registered small-and-micro
enterprise parks, and the document types the businesses ask for (seed 003's lists)."""

from django.db import migrations

REGIONS = {
    ("630100", "西宁市"): {
        ("630102", "城东区"): ["东关大街街道", "清真巷街道", "大众街街道", "周家泉街道", "火车站街道", "八一路街道", "林家崖街道", "乐家湾镇", "韵家口镇"],
        ("630103", "城中区"): ["人民街街道", "南滩街道", "仓门街街道", "礼让街街道", "饮马街街道", "南川东路街道", "南川西路街道", "总寨镇"],
        ("630104", "城西区"): ["西关大街街道", "古城台街道", "虎台街道", "胜利路街道", "兴海路街道", "文汇路街道", "通海路街道", "彭家寨镇"],
        ("630105", "城北区"): ["朝阳街道", "小桥大街街道", "马坊街道", "火车西站街道", "大堡子镇", "廿里铺镇"],
    }
}
PARKS = [("西宁经济技术开发区东川小微企业园", "630102009"), ("城北区生物科技产业园小微企业园", "630105003")]

# (code, name, owner kind, sensitive, reusable, default validity in months)
DOCUMENT_TYPES = [
    ("meter_location_photo", "装表位置照片", "person", False, False, None),
    ("individual_business_licence", "个体工商户营业执照", "person", False, True, None),
    ("org_code_certificate", "组织机构代码证", "enterprise", False, True, None),
    ("institution_certificate", "事业单位法人证书", "enterprise", False, True, None),
    ("social_org_certificate", "社会团体法人登记证书", "enterprise", False, True, None),
    ("religious_venue_certificate", "宗教活动场所登记证", "enterprise", False, True, None),
    ("military_proof", "军队、武警出具的办理用电业务证明", "enterprise", False, True, None),
    ("project_approval", "项目立项批复、核准或备案文件", "enterprise", False, True, None),
    ("security_load_list", "保安负荷设备明细及非电性质安全措施", "enterprise", False, False, None),
    ("emergency_power", "应急电源（含自备发电机组）资料", "enterprise", False, False, None),
    ("mining_licence", "采矿许可证", "enterprise", False, True, None),
    ("safety_production_licence", "安全生产许可证", "enterprise", False, True, None),
    ("government_approval", "政府主管部门批准文件", "enterprise", False, True, None),
    ("tax_registration", "税务登记证", "enterprise", False, True, None),
    ("general_taxpayer_proof", "一般纳税人资格证明", "enterprise", False, True, None),
    ("preferential_tariff_proof", "优待电价资质证明及工艺流程", "enterprise", False, True, None),
    ("demolition_permit", "拆迁许可证或政府拆迁证明", "any", False, False, None),
    ("demolition_list", "拆迁清单（户号、表号、户名、地址）", "any", False, False, None),
    ("name_change_proof", "用电户名称变更证明", "any", False, False, None),
    ("parking_space_proof", "车位产权证明或租赁协议", "person", False, True, None),
    ("supply_contract_info", "新签供用电合同资料", "enterprise", False, False, None),
    ("hv_statement", "高压供电申请说明", "any", False, False, None),
]


def seed(apps, schema_editor):
    Region = apps.get_model("applications", "Region")
    Park = apps.get_model("applications", "SmallBusinessPark")
    DocumentType = apps.get_model("documents", "DocumentType")
    for (city_code, city), districts in REGIONS.items():
        city_obj, _ = Region.objects.update_or_create(code=city_code, defaults={"name": city, "kind": "city"})
        for (district_code, district), streets in districts.items():
            district_obj, _ = Region.objects.update_or_create(
                code=district_code, defaults={"name": district, "kind": "district", "parent": city_obj}
            )
            for i, street in enumerate(streets, start=1):
                Region.objects.update_or_create(
                    code=f"{district_code}{i:03d}", defaults={"name": street, "kind": "street", "parent": district_obj}
                )
    for name, region_code in PARKS:
        Park.objects.update_or_create(name=name, defaults={"region": Region.objects.get(code=region_code)})
    for code, name, owner_kind, sensitive, reusable, months in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "owner_kind": owner_kind, "sensitive": sensitive, "reusable": reusable,
                      "default_validity_months": months},
        )


def unseed(apps, schema_editor):
    apps.get_model("applications", "SmallBusinessPark").objects.all().delete()
    apps.get_model("applications", "Region").objects.filter(kind="street").delete()
    apps.get_model("applications", "Region").objects.filter(kind="district").delete()
    apps.get_model("applications", "Region").objects.all().delete()
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in DOCUMENT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial"), ("documents", "0002_platform_document_types")]
    operations = [migrations.RunPython(seed, unseed)]
