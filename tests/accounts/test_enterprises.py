"""Registering and binding enterprises: GB 32100 warn-and-confirm, legal representative or agent."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.accounts.models import Enterprise, EnterpriseMembership, EnterpriseRelation, IdType, MembershipRequest
from portal.audit.models import AuditEvent
from portal.documents.models import Document
from tests.factories import EnterpriseFactory, UserFactory, VerifiedUserFactory, credit_code, resident_id

pytestmark = pytest.mark.django_db


def attorney_letter(name: str = "授权委托书.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def bad_check_code() -> str:
    good = credit_code(77)
    return good[:17] + ("0" if good[17] != "0" else "1")


@pytest.fixture
def legal_rep(client):
    user = VerifiedUserFactory(name="赵强", id_number=resident_id(300, birth="19750612"))
    client.force_login(user)
    return user


def register_form(**data) -> dict:
    return {
        "name": "青海高原光伏有限公司",
        "credit_code": credit_code(77),
        "enterprise_type": "limited_liability",
        "legal_rep_name": "赵强",
        "legal_rep_id_type": IdType.RESIDENT_ID,
        "legal_rep_id_number": resident_id(300, birth="19750612"),
        "registered_address": "西宁市城北区",
        **data,
    }


class TestRegisterEnterprise:
    def test_the_legal_representative_registers_without_a_power_of_attorney(self, client, legal_rep):
        response = client.post(reverse("accounts:enterprise_register"), register_form())
        assert response.url == reverse("accounts:enterprises")
        membership = EnterpriseMembership.objects.get(user=legal_rep)
        assert membership.relation == EnterpriseRelation.LEGAL_REPRESENTATIVE
        assert membership.power_of_attorney is None
        assert membership.enterprise.credit_code_check_passed
        assert AuditEvent.objects.filter(action="登记企业", subject=legal_rep).exists()

    def test_someone_else_registers_as_agent_and_must_upload_a_power_of_attorney(self, client):
        agent = VerifiedUserFactory(name="王芳")
        client.force_login(agent)
        html = client.post(reverse("accounts:enterprise_register"), register_form()).content.decode()
        assert "将作为经办人办理，请上传法定代表人签署的授权委托书" in html
        assert (
            'id="field-power_of_attorney"' in html
            and "has-error" in html.split('id="field-power_of_attorney"')[0][-40:]
        )
        assert 'value="青海高原光伏有限公司"' in html
        assert not Enterprise.objects.exists()

        response = client.post(
            reverse("accounts:enterprise_register"), register_form(power_of_attorney=attorney_letter())
        )
        assert response.status_code == 302
        # Nobody is bound to a new enterprise yet: staff review the power of attorney first.
        assert not EnterpriseMembership.objects.filter(user=agent).exists()
        request = MembershipRequest.objects.get(user=agent)
        assert request.status == "pending"
        document = request.power_of_attorney
        assert document.doc_type.code == "power_of_attorney"
        assert document.owner_enterprise == request.enterprise and document.uploaded_by == agent

    def test_a_file_that_is_not_an_image_or_pdf_is_refused_on_the_file_input(self, client):
        client.force_login(VerifiedUserFactory())
        fake = SimpleUploadedFile("委托书.pdf", b"MZ\x90\x00" + b"\x00" * 100)
        html = client.post(
            reverse("accounts:enterprise_register"), register_form(power_of_attorney=fake)
        ).content.decode()
        field = html.split('id="field-power_of_attorney"')[1].split("</div>\n</div>")[0]
        assert "只能上传 JPG、PNG 图片或 PDF 文件" in field
        assert "请重新选择要上传的文件" in html
        assert not Enterprise.objects.exists() and not Document.objects.exists()

    def test_a_malformed_credit_code_is_an_error(self, client, legal_rep):
        html = client.post(
            reverse("accounts:enterprise_register"), register_form(credit_code="91630100MA7IOSVZ11")
        ).content.decode()
        assert "统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、S、V、Z）" in html
        assert not Enterprise.objects.exists()

    def test_a_failing_check_character_is_a_warning_that_needs_confirmation(self, client, legal_rep):
        code = bad_check_code()
        html = client.post(reverse("accounts:enterprise_register"), register_form(credit_code=code)).content.decode()
        assert 'data-testid="credit-code-warning"' in html
        assert "校验位与计算结果不符" in html
        assert "我已核对，信用代码无误" in html
        assert f'value="{code}"' in html
        assert not Enterprise.objects.exists()

        response = client.post(
            reverse("accounts:enterprise_register"), register_form(credit_code=code, credit_code_confirmed="on")
        )
        assert response.status_code == 302
        enterprise = Enterprise.objects.get()
        assert enterprise.credit_code == code and enterprise.credit_code_check_passed is False

    def test_a_passing_code_never_shows_the_confirmation(self, client, legal_rep):
        html = client.post(reverse("accounts:enterprise_register"), register_form(legal_rep_name="")).content.decode()
        assert "我已核对，信用代码无误" not in html

    def test_the_legal_representatives_id_is_checked_like_a_real_name(self, client, legal_rep):
        html = client.post(
            reverse("accounts:enterprise_register"), register_form(legal_rep_id_number="63010219750612")
        ).content.decode()
        assert "身份证号码应为18位" in html

    def test_a_registered_credit_code_points_to_binding(self, client, legal_rep):
        EnterpriseFactory(credit_code=credit_code(77))
        html = client.post(reverse("accounts:enterprise_register"), register_form()).content.decode()
        assert "该统一社会信用代码的企业已登记，请选择绑定" in html
        assert f"{reverse('accounts:enterprise_bind')}?credit_code={credit_code(77)}" in html

    def test_real_name_verification_comes_first(self, client):
        client.force_login(UserFactory())
        response = client.get(reverse("accounts:enterprise_register"))
        assert response.url == f"{reverse('accounts:real_name')}?next=%2Faccounts%2Fenterprises%2Fregister%2F"

    def test_applicant_name_and_phone_are_read_only_and_ignored_when_posted(self, client, legal_rep):
        html = client.get(reverse("accounts:enterprise_register")).content.decode()
        assert (
            f'name="applicant_name" value="{legal_rep.name}" aria-describedby="id_applicant_name_helptext" readonly'
            in html
        )
        assert (
            f'name="applicant_phone" value="{legal_rep.phone}" aria-describedby="id_applicant_phone_helptext" readonly'
            in html
        )
        client.post(
            reverse("accounts:enterprise_register"), register_form(applicant_name="别人", applicant_phone="13900000000")
        )
        assert EnterpriseMembership.objects.get().relation == EnterpriseRelation.LEGAL_REPRESENTATIVE


class TestBindEnterprise:
    def test_the_legal_representative_binds_by_credit_code(self, client, legal_rep):
        enterprise = EnterpriseFactory(legal_rep_name="赵强", legal_rep_id_number=legal_rep.id_number)
        response = client.post(reverse("accounts:enterprise_bind"), {"credit_code": enterprise.credit_code.lower()})
        assert response.status_code == 302
        membership = EnterpriseMembership.objects.get(user=legal_rep, enterprise=enterprise)
        assert membership.relation == EnterpriseRelation.LEGAL_REPRESENTATIVE
        assert AuditEvent.objects.filter(action="绑定企业", subject=legal_rep).exists()

    def test_the_same_number_with_another_name_is_an_agent(self, client, legal_rep):
        enterprise = EnterpriseFactory(legal_rep_name="赵刚", legal_rep_id_number=legal_rep.id_number)
        html = client.post(
            reverse("accounts:enterprise_bind"), {"credit_code": enterprise.credit_code}
        ).content.decode()
        assert "请上传法定代表人签署的授权委托书" in html

    def test_an_agent_binds_with_a_power_of_attorney(self, client):
        agent = VerifiedUserFactory()
        client.force_login(agent)
        enterprise = EnterpriseFactory()
        client.post(
            reverse("accounts:enterprise_bind"),
            {"credit_code": enterprise.credit_code, "power_of_attorney": attorney_letter()},
        )
        request = MembershipRequest.objects.get(user=agent)
        assert request.status == "pending" and not EnterpriseMembership.objects.filter(user=agent).exists()
        assert request.power_of_attorney.owner_enterprise == enterprise

    def test_asking_twice_while_pending_is_refused(self, client):
        client.force_login(VerifiedUserFactory())
        enterprise = EnterpriseFactory()
        data = {"credit_code": enterprise.credit_code}
        client.post(reverse("accounts:enterprise_bind"), {**data, "power_of_attorney": attorney_letter()})
        html = client.post(
            reverse("accounts:enterprise_bind"), {**data, "power_of_attorney": attorney_letter()}
        ).content.decode()
        assert "您已申请绑定该企业，请等待企业或供电公司审核" in html
        assert MembershipRequest.objects.count() == 1

    def test_an_unknown_credit_code_says_so(self, client, legal_rep):
        html = client.post(reverse("accounts:enterprise_bind"), {"credit_code": credit_code(999)}).content.decode()
        assert "未找到该统一社会信用代码的企业" in html

    def test_binding_twice_is_refused(self, client, legal_rep):
        enterprise = EnterpriseFactory(legal_rep_name="赵强", legal_rep_id_number=legal_rep.id_number)
        client.post(reverse("accounts:enterprise_bind"), {"credit_code": enterprise.credit_code})
        html = client.post(
            reverse("accounts:enterprise_bind"), {"credit_code": enterprise.credit_code}
        ).content.decode()
        assert "您已绑定该企业" in html
        assert EnterpriseMembership.objects.count() == 1


class TestEnterpriseList:
    def test_lists_only_my_enterprises_with_my_relation(self, client, legal_rep):
        mine = EnterpriseFactory(name="我的企业甲")
        EnterpriseMembership.objects.create(user=legal_rep, enterprise=mine, relation=EnterpriseRelation.AGENT)
        other = EnterpriseFactory(name="别人的企业乙")
        EnterpriseMembership.objects.create(
            user=VerifiedUserFactory(), enterprise=other, relation=EnterpriseRelation.AGENT
        )
        html = client.get(reverse("accounts:enterprises")).content.decode()
        assert "我的企业甲" in html and "经办人" in html
        assert "别人的企业乙" not in html

    @pytest.mark.parametrize("rows", [10, 200])
    def test_the_list_runs_a_fixed_number_of_queries(self, client, legal_rep, rows, django_assert_max_num_queries):
        for enterprise in EnterpriseFactory.create_batch(rows):
            EnterpriseMembership.objects.create(
                user=legal_rep, enterprise=enterprise, relation=EnterpriseRelation.AGENT
            )
        # The page, its pagination count, the user's own binding requests and the header
        # (session, user, unread count).
        with django_assert_max_num_queries(9):
            response = client.get(reverse("accounts:enterprises"))
        assert response.content.decode().count("统一社会信用代码") == min(rows, 20)
