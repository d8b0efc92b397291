"""Real-name verification: the page, the verifiers (the HTTP one against a real server) and the
read-only applicant identity every business form carries."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django import forms
from django.urls import reverse

from portal.accounts.forms import VerifiedApplicantMixin
from portal.accounts.models import IdType, User
from portal.accounts.services import verify_real_name
from portal.audit.models import AuditEvent, AuditKind
from portal.core.errors import DomainError
from tests.factories import UserFactory, VerifiedUserFactory, resident_id

pytestmark = pytest.mark.django_db


def post_real_name(client, **data):
    form = {"name": "周晓梅", "id_type": IdType.RESIDENT_ID, "id_number": resident_id(501), **data}
    return client.post(reverse("accounts:real_name"), form)


class TestRealNamePage:
    def test_a_valid_resident_id_verifies_and_is_audited_masked(self, client):
        user = UserFactory()
        client.force_login(user)
        number = resident_id(501)
        response = post_real_name(client, id_number=number.lower())
        assert response.url == reverse("accounts:me")
        user.refresh_from_db()
        assert (user.name, user.id_type, user.id_number) == ("周晓梅", IdType.RESIDENT_ID, number)
        assert user.is_real_name_verified
        event = AuditEvent.objects.get(action="实名认证")
        assert event.subject == user and event.kind == AuditKind.CHANGE
        assert number not in json.dumps(event.changes, ensure_ascii=False)
        assert event.changes["id_number"] == ["", user.masked_id_number]

    @pytest.mark.parametrize(
        ("number", "message"),
        [
            (resident_id(9)[:14], "身份证号码应为18位"),
            (resident_id(9, birth="19900230"), "身份证号码中的出生日期无效"),
            (
                resident_id(9)[:17] + ("0" if resident_id(9)[17] != "0" else "1"),
                "身份证号码校验位不正确，请核对后重新输入",
            ),
        ],
        ids=["length", "birth-date", "check-digit"],
    )
    def test_an_invalid_resident_id_shows_its_own_problem_and_keeps_the_input(self, client, number, message):
        client.force_login(UserFactory())
        html = post_real_name(client, id_number=number).content.decode()
        assert message in html
        assert 'value="周晓梅"' in html and f'value="{number}"' in html
        assert not User.objects.filter(real_name_verified_at__isnull=False).exists()

    def test_other_id_types_are_checked_by_their_format(self, client):
        client.force_login(UserFactory())
        html = post_real_name(client, id_type=IdType.HK_MACAU_PERMIT, id_number="X1234").content.decode()
        assert "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字" in html
        response = post_real_name(client, id_type=IdType.HK_MACAU_PERMIT, id_number="H12345678")
        assert response.status_code == 302

    def test_an_identity_verified_by_another_account_is_refused(self, client):
        taken = VerifiedUserFactory()
        client.force_login(UserFactory())
        html = post_real_name(client, name=taken.name, id_number=taken.id_number).content.decode()
        assert "该证件已被其他账号实名认证" in html

    def test_after_verification_the_page_is_read_only_with_the_id_masked(self, client):
        user = VerifiedUserFactory()
        client.force_login(user)
        html = client.get(reverse("accounts:real_name")).content.decode()
        assert user.masked_id_number in html and user.id_number not in html
        assert "<form" not in html.split('id="main"')[1].split("</main>")[0]
        response = post_real_name(client, name="别人", id_number=resident_id(777))
        user.refresh_from_db()
        assert user.id_number != resident_id(777)
        assert response.status_code == 200

    def test_the_service_refuses_a_second_verification(self):
        user = VerifiedUserFactory()
        with pytest.raises(DomainError) as refused:
            verify_real_name(user=user, name="别人", id_type=IdType.RESIDENT_ID, id_number=resident_id(778))
        assert refused.value.code == "already_verified"

    def test_the_database_holds_one_account_per_verified_identity(self):
        """Two accounts verifying the same ID at the same moment: the constraint catches the
        second even when the service's own check passed for both."""
        from django.db import IntegrityError, transaction
        from django.utils import timezone

        first = VerifiedUserFactory()
        second = UserFactory()
        second.name, second.id_type, second.id_number = first.name, first.id_type, first.id_number
        second.real_name_verified_at = timezone.now()
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save()


class _IdentityService(BaseHTTPRequestHandler):
    """A stand-in government identity service: only 周晓梅 with resident_id(501) matches."""

    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"body": body, "auth": self.headers.get("Authorization")})
        if self.path == "/broken":
            self.send_response(502)
            self.end_headers()
            return
        match = body == {"name": "周晓梅", "id_type": "resident_id", "id_number": resident_id(501)}
        payload = json.dumps({"match": match, "reason": "" if match else "name and number differ"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def identity_service(settings):
    _IdentityService.received = []
    server = HTTPServer(("127.0.0.1", 0), _IdentityService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.REAL_NAME_VERIFIER = "portal.accounts.verifiers.HttpVerifier"
    settings.REAL_NAME_VERIFIER_URL = f"http://127.0.0.1:{server.server_port}/verify"
    settings.REAL_NAME_VERIFIER_KEY = "test-key"
    yield server
    server.shutdown()
    server.server_close()


class TestHttpVerifier:
    def test_a_matching_identity_is_verified_and_the_key_is_sent(self, identity_service):
        user = UserFactory()
        verify_real_name(user=user, name="周晓梅", id_type=IdType.RESIDENT_ID, id_number=resident_id(501))
        user.refresh_from_db()
        assert user.is_real_name_verified
        assert _IdentityService.received[0]["auth"] == "Bearer test-key"

    def test_a_name_that_does_not_match_the_number_is_refused(self, identity_service, client):
        client.force_login(UserFactory())
        html = post_real_name(client, name="周小梅").content.decode()
        assert "姓名与证件号码不一致，请核对后重新输入" in html
        assert not User.objects.filter(real_name_verified_at__isnull=False).exists()

    def test_an_unreachable_service_is_refused_with_advice_to_retry(self, identity_service, settings):
        port = identity_service.server_port
        identity_service.shutdown()
        identity_service.server_close()
        settings.REAL_NAME_VERIFIER_URL = f"http://127.0.0.1:{port}/verify"
        with pytest.raises(DomainError) as refused:
            verify_real_name(user=UserFactory(), name="周晓梅", id_type=IdType.RESIDENT_ID, id_number=resident_id(501))
        assert refused.value.message == "实名认证服务暂时无法使用，请稍后再试"

    def test_a_failing_service_is_refused_with_advice_to_retry(self, identity_service, settings):
        settings.REAL_NAME_VERIFIER_URL = settings.REAL_NAME_VERIFIER_URL.replace("/verify", "/broken")
        with pytest.raises(DomainError) as refused:
            verify_real_name(user=UserFactory(), name="周晓梅", id_type=IdType.RESIDENT_ID, id_number=resident_id(501))
        assert refused.value.code == "verifier_unavailable"

    def test_a_number_failing_its_checksum_is_not_sent_at_all(self, identity_service):
        with pytest.raises(DomainError) as refused:
            verify_real_name(user=UserFactory(), name="周晓梅", id_type=IdType.RESIDENT_ID, id_number="63010219900307")
        assert refused.value.message == "身份证号码应为18位"
        assert _IdentityService.received == []


class _BusinessForm(VerifiedApplicantMixin, forms.Form):
    capacity_kw = forms.IntegerField(label="申请容量")


class TestVerifiedApplicantMixin:
    def test_name_and_phone_render_read_only_and_first(self):
        user = VerifiedUserFactory(name="张伟", phone="13812341234")
        html = _BusinessForm(applicant=user).as_div()
        assert html.index("applicant_name") < html.index("capacity_kw")
        assert 'name="applicant_name" value="张伟"' in html
        assert 'name="applicant_phone" value="13812341234"' in html
        assert html.count("readonly") == 2 and "disabled" not in html
        assert "来自实名认证，不可修改" in html

    def test_posted_values_for_them_are_ignored(self):
        user = VerifiedUserFactory(name="张伟", phone="13812341234")
        form = _BusinessForm(
            {"applicant_name": "李四", "applicant_phone": "13900000000", "capacity_kw": "8"}, applicant=user
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["applicant_name"] == "张伟"
        assert form.cleaned_data["applicant_phone"] == "13812341234"

    def test_an_unverified_applicant_is_a_programming_error(self):
        with pytest.raises(ValueError):
            _BusinessForm(applicant=UserFactory())
