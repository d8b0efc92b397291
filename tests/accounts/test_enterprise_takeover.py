"""Issue 7 (High): a public credit code and any PDF must not make a stranger an enterprise's
agent. A request grants nothing until the legal representative, a member or staff approve it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseMembership, EnterpriseRelation, MembershipRequest
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification, OutboxMessage
from tests.accounts.test_api import png, token_client
from tests.accounts.test_enterprises import attorney_letter, register_form
from tests.factories import (
    BillFactory,
    DocumentFactory,
    EnterpriseAccountFactory,
    EnterpriseFactory,
    StaffFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def firm():
    """An enterprise with its legal representative bound, a licence on file, an account and a bill."""
    enterprise = EnterpriseFactory(name="青海高原制造有限公司")
    rep = VerifiedUserFactory(name="赵强")
    EnterpriseMembership.objects.create(
        user=rep, enterprise=enterprise, relation=EnterpriseRelation.LEGAL_REPRESENTATIVE
    )
    document = DocumentFactory(owner_user=None, owner_enterprise=enterprise)
    account = EnterpriseAccountFactory(holder_enterprise=enterprise)
    BillFactory(account=account)
    return {"enterprise": enterprise, "rep": rep, "document": document, "account": account}


def assert_grants_nothing(client: APIClient, firm) -> None:
    assert client.get(f"{API}/enterprises/").json()["results"] == []
    assert client.get(f"{API}/documents/{firm['document'].pk}/file/").status_code == 404
    bind = client.post(f"{API}/service-accounts/bind/", {"number": firm["account"].number}, format="json")
    assert bind.status_code == 400 and bind.json()["code"] == "sms_code_required"
    assert client.get(f"{API}/service-accounts/{firm['account'].number}/bills/").status_code == 404


class TestByApi:
    def test_a_stranger_with_a_public_credit_code_gets_a_pending_request_that_grants_nothing(self, firm):
        stranger = VerifiedUserFactory(name="钱七")
        client = token_client(stranger)

        response = client.post(
            f"{API}/enterprises/bind/",
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": png()},
            format="multipart",
        )

        assert response.status_code == 202 and response.json()["status"] == "pending"
        assert "legal_rep_name" not in str(response.json())
        assert not EnterpriseMembership.objects.filter(user=stranger).exists()
        assert_grants_nothing(client, firm)
        # The legal representative hears of it in the inbox and by SMS; the request is on the trail.
        note = Notification.objects.get(user=firm["rep"], event="enterprise.membership_requested")
        assert OutboxMessage.objects.filter(notification=note, channel="sms").exists()
        assert AuditEvent.objects.filter(action="申请绑定企业", subject=stranger).exists()

    def test_the_legal_representative_refuses_and_the_refusal_is_recorded_and_visible(self, firm):
        stranger = VerifiedUserFactory(name="钱七")
        token_client(stranger).post(
            f"{API}/enterprises/bind/",
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": png()},
            format="multipart",
        )
        rep = token_client(firm["rep"])
        [listed] = rep.get(f"{API}/enterprise-requests/").json()["results"]
        assert listed["status"] == "pending" and listed["requester_masked_phone"].count("*") == 4

        refused = rep.post(
            f"{API}/enterprise-requests/{listed['id']}/decision/",
            {"approve": False, "reason": "不认识此人"},
            format="json",
        )

        assert refused.status_code == 200 and refused.json()["status"] == "refused"
        assert AuditEvent.objects.filter(action="拒绝企业绑定", actor=firm["rep"], subject=stranger).exists()
        assert Notification.objects.filter(user=stranger, event="enterprise.membership_decided").exists()
        assert_grants_nothing(token_client(stranger), firm)
        assert rep.get(f"{API}/enterprise-requests/").json()["results"][0]["reason"] == "不认识此人"

    def test_the_requester_cannot_approve_their_own_request_nor_can_outsiders(self, firm):
        stranger = VerifiedUserFactory()
        client = token_client(stranger)
        pk = client.post(
            f"{API}/enterprises/bind/",
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": png()},
            format="multipart",
        ).json()["id"]

        own = client.post(f"{API}/enterprise-requests/{pk}/decision/", {"approve": True}, format="json")
        assert own.status_code == 400
        outsider = VerifiedUserFactory()
        EnterpriseMembership.objects.create(user=outsider, enterprise=EnterpriseFactory(), relation="legal_rep")
        assert (
            token_client(outsider)
            .post(f"{API}/enterprise-requests/{pk}/decision/", {"approve": True}, format="json")
            .status_code
            == 404
        )
        assert MembershipRequest.objects.get(pk=pk).status == "pending"
        assert_grants_nothing(client, firm)

    def test_once_approved_the_agent_acts_for_the_enterprise(self, firm):
        agent = VerifiedUserFactory(name="李婷")
        client = token_client(agent)
        pk = client.post(
            f"{API}/enterprises/bind/",
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": png()},
            format="multipart",
        ).json()["id"]

        token_client(firm["rep"]).post(f"{API}/enterprise-requests/{pk}/decision/", {"approve": True}, format="json")

        assert client.get(f"{API}/enterprises/").json()["results"][0]["relation"] == "agent"
        assert client.get(f"{API}/documents/{firm['document'].pk}/file/").status_code == 200
        assert AuditEvent.objects.filter(action="批准企业绑定", subject=agent).exists()


class TestByPage:
    def test_the_takeover_is_refused_on_the_page(self, client, firm):
        stranger = VerifiedUserFactory(name="钱七")
        client.force_login(stranger)

        response = client.post(
            reverse("accounts:enterprise_bind"),
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": attorney_letter()},
            follow=True,
        )

        html = response.content.decode()
        assert "已提交绑定企业“青海高原制造有限公司”的申请" in html and "待审核" in html
        assert not EnterpriseMembership.objects.filter(user=stranger).exists()
        assert client.get(reverse("accounts:enterprise_detail", args=[firm["enterprise"].pk])).status_code == 404
        assert client.get(reverse("documents:download", args=[firm["document"].pk])).status_code == 404

        # The legal representative sees the request on the enterprise's page and refuses it.
        client.force_login(firm["rep"])
        page = client.get(reverse("accounts:enterprise_detail", args=[firm["enterprise"].pk])).content.decode()
        assert "钱*" in page or "钱七" in page
        request = MembershipRequest.objects.get(user=stranger)
        page = client.post(
            reverse("accounts:enterprise_request_decide", args=[request.pk]),
            {"decision": "refuse", "reason": "非本企业人员"},
            follow=True,
        ).content.decode()
        assert "已拒绝该绑定申请" in page and "非本企业人员" in page
        assert not EnterpriseMembership.objects.filter(user=stranger).exists()

    def test_a_refusal_needs_a_reason(self, client, firm):
        stranger = VerifiedUserFactory()
        client.force_login(stranger)
        client.post(
            reverse("accounts:enterprise_bind"),
            {"credit_code": firm["enterprise"].credit_code, "power_of_attorney": attorney_letter()},
        )
        client.force_login(firm["rep"])
        request = MembershipRequest.objects.get(user=stranger)
        html = client.post(
            reverse("accounts:enterprise_request_decide", args=[request.pk]), {"decision": "refuse"}, follow=True
        ).content.decode()
        assert "请填写拒绝的原因" in html
        assert MembershipRequest.objects.get(pk=request.pk).status == "pending"


class TestFirstMember:
    def test_an_agent_registering_a_new_enterprise_waits_for_staff_who_review_in_the_admin(self, client):
        agent = VerifiedUserFactory(name="王芳")
        client.force_login(agent)
        client.post(reverse("accounts:enterprise_register"), register_form(power_of_attorney=attorney_letter()))
        request = MembershipRequest.objects.get(user=agent)
        assert request.status == "pending" and not EnterpriseMembership.objects.exists()

        manager = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
        client.force_login(manager)
        changelist = reverse("admin:accounts_membershiprequest_changelist")
        assert "王芳" in client.get(changelist).content.decode()
        client.post(changelist, {"action": "approve", "_selected_action": [request.pk]})

        membership = EnterpriseMembership.objects.get(user=agent)
        assert membership.relation == EnterpriseRelation.AGENT
        assert membership.power_of_attorney == request.power_of_attorney
        assert AuditEvent.objects.filter(action="批准企业绑定", actor=manager, subject=agent).exists()

    def test_the_legal_representative_of_a_new_enterprise_is_bound_at_once(self, client):
        from tests.factories import resident_id

        rep = VerifiedUserFactory(name="赵强", id_number=resident_id(300, birth="19750612"))
        client.force_login(rep)
        client.post(reverse("accounts:enterprise_register"), register_form())
        assert EnterpriseMembership.objects.get(user=rep).relation == EnterpriseRelation.LEGAL_REPRESENTATIVE


def test_staff_cannot_type_a_membership_into_the_admin_past_the_review(admin_client):
    from django.urls import reverse

    assert admin_client.get(reverse("admin:accounts_enterprisemembership_add")).status_code == 403
    assert admin_client.get(reverse("admin:accounts_membershiprequest_changelist")).status_code == 200
