"""Binding accounts (我的户号): by ID match, by enterprise, or by the code sent to the account's
registered phone; through the services, the pages and what the customer sees."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.accounts import services
from applications.models import AccountBinding, AccountChange, ServiceAccount
from portal.accounts.models import EnterpriseMembership
from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.verification.models import Purpose, SmsCode, SmsMessage
from tests.conftest import latest_sms_code
from tests.factories import EnterpriseAccountFactory, ServiceAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def accounts_url() -> str:
    # Not at import time: importing the URLconf builds the catalog's forms, which read the database.
    return reverse("applications:accounts")


def send_bind_code(django_capture_on_commit_callbacks, user, number) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.request_bind_code(user=user, number=number, ip="10.0.0.9")
    return latest_sms_code(ServiceAccount.objects.get(number=number).registered_phone)


# --- the service -------------------------------------------------------------------------------


def test_an_account_whose_holder_id_is_mine_is_bound_at_once_without_a_code(alice, street):
    account = ServiceAccountFactory(holder=alice, number="6301000011", region=street)

    binding = services.bind_account(user=alice, number="6301 0000 11")

    assert binding.account == account and binding.via == AccountBinding.Via.HOLDER_ID
    assert not SmsCode.objects.exists()
    event = AuditEvent.objects.get(action="绑定户号")
    assert event.actor == alice and event.object_id == str(account.pk)


def test_an_enterprise_account_is_bound_at_once_by_a_member_of_the_enterprise(alice, enterprise):
    account = EnterpriseAccountFactory(holder_enterprise=enterprise, number="6301000021")
    EnterpriseMembership.objects.create(user=alice, enterprise=enterprise, relation="agent")

    binding = services.bind_account(user=alice, number=account.number)

    assert binding.via == AccountBinding.Via.ENTERPRISE


def test_an_account_carrying_only_the_credit_code_is_bound_by_a_member_of_that_enterprise(alice, enterprise):
    account = EnterpriseAccountFactory(
        holder_enterprise=None,
        holder_id_number=enterprise.credit_code,
        holder_name=enterprise.name,
        number="6301000022",
    )
    EnterpriseMembership.objects.create(user=alice, enterprise=enterprise, relation="legal_rep")

    assert services.bind_account(user=alice, number=account.number).via == AccountBinding.Via.ENTERPRISE


def test_someone_elses_account_takes_the_code_sent_to_its_registered_phone_not_mine(
    alice, mothers_account, django_capture_on_commit_callbacks
):
    code = send_bind_code(django_capture_on_commit_callbacks, alice, mothers_account.number)

    message = SmsMessage.objects.get()
    assert message.phone == "13698761234" != alice.phone
    assert "绑定户号" in message.text
    binding = services.bind_account(user=alice, number=mothers_account.number, sms_code=code)
    assert binding.via == AccountBinding.Via.SMS
    assert SmsCode.objects.get().used_at is not None


def test_binding_without_the_code_asks_for_it_without_showing_the_holders_phone(alice, mothers_account):
    with pytest.raises(DomainError) as refused:
        services.bind_account(user=alice, number=mothers_account.number)

    assert refused.value.field == "sms_code"
    assert refused.value.message == "请输入发送至户号预留手机的验证码"
    assert not AccountBinding.objects.exists()


def test_a_wrong_code_is_refused_on_the_code_field_and_counts(
    alice, mothers_account, django_capture_on_commit_callbacks
):
    code = send_bind_code(django_capture_on_commit_callbacks, alice, mothers_account.number)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    with pytest.raises(DomainError) as refused:
        services.bind_account(user=alice, number=mothers_account.number, sms_code=wrong)

    assert refused.value.field == "sms_code" and refused.value.code == "bind_refused"
    assert not AccountBinding.objects.exists()
    assert SmsCode.objects.get().failed_attempts == 1


def test_an_expired_code_is_refused(alice, mothers_account, django_capture_on_commit_callbacks):
    code = send_bind_code(django_capture_on_commit_callbacks, alice, mothers_account.number)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(DomainError, match="户号或验证码不正确"):
        services.bind_account(user=alice, number=mothers_account.number, sms_code=code)
    assert not AccountBinding.objects.exists()


def test_a_code_sent_for_another_purpose_does_not_bind(alice, mothers_account, send_code):
    code = send_code(mothers_account.registered_phone, Purpose.LOGIN)

    with pytest.raises(DomainError):
        services.bind_account(user=alice, number=mothers_account.number, sms_code=code)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请输入用电户号"),
        ("63010", "户号为10位数字"),
    ],
)
def test_a_number_that_is_wrong_or_unknown_is_refused_on_the_number_field(alice, number, message):
    with pytest.raises(DomainError, match=message) as refused:
        services.bind_account(user=alice, number=number)
    assert refused.value.field == "number"


def test_an_account_already_bound_is_not_bound_twice(alice, alice_home):
    with pytest.raises(DomainError, match="已绑定到您的账号"):
        services.bind_account(user=alice, number=alice_home.number)
    assert AccountBinding.objects.filter(user=alice).count() == 1


def test_a_closed_account_cannot_be_bound(alice, street):
    account = ServiceAccountFactory(holder=alice, status="closed", region=street)

    with pytest.raises(DomainError, match="该户号已销户，不能绑定"):
        services.bind_account(user=alice, number=account.number)


def test_binding_needs_real_name_verification(mothers_account):
    stranger = UserFactory()
    with pytest.raises(DomainError, match="请先完成实名认证"):
        services.bind_account(user=stranger, number=mothers_account.number)


def test_no_code_is_sent_for_an_account_that_binds_at_once(alice, street):
    account = ServiceAccountFactory(holder=alice, region=street)

    with pytest.raises(DomainError, match="无需验证码"):
        services.request_bind_code(user=alice, number=account.number, ip=None)
    assert not SmsCode.objects.exists()


def test_unbinding_removes_only_my_binding_and_is_audited(alice, bob, alice_home):
    other = AccountBinding.objects.create(user=bob, account=alice_home, via="sms")

    services.unbind_account(user=alice, number=alice_home.number)

    assert list(AccountBinding.objects.all()) == [other]
    assert AuditEvent.objects.filter(action="解除绑定户号", actor=alice).exists()


# --- the pages -----------------------------------------------------------------------------------


def test_my_accounts_lists_number_holder_address_and_status_badges(alice, alice_home, logged_in, street):
    paused = ServiceAccountFactory(holder=alice, number="6301000031", status="paused", region=street)
    AccountBinding.objects.create(user=alice, account=paused, via="holder_id")

    html = logged_in(alice).get(accounts_url()).content.decode()

    assert "已绑定 2 个户号" in html
    assert "6301000001" in html and "6301000031" in html
    assert "张丽" in html and "西宁市城东区八一路街道 八一中路 8 号 3 单元 502 室" in html
    assert 'data-testid="status-6301000031">暂停<' in html
    assert 'data-testid="status-6301000001">正常<' in html
    assert "峰谷电价" in html


def test_binding_by_code_on_the_page(alice, mothers_account, logged_in, django_capture_on_commit_callbacks):
    client = logged_in(alice)

    first = client.post(accounts_url(), {"number": mothers_account.number, "action": "bind"}).content.decode()
    assert "请获取发送至该户号预留手机的验证码" in first and "136****1234" not in first
    assert not SmsCode.objects.exists()  # nothing is sent before the customer asks

    with django_capture_on_commit_callbacks(execute=True):
        fragment = client.post(reverse("applications:account_bind_code"), {"number": mothers_account.number})
    assert "验证码已发送至户号预留手机" in fragment.content.decode() and "136****" not in fragment.content.decode()
    assert 'data-retry-after="60"' in fragment.content.decode()
    code = latest_sms_code("13698761234")

    wrong = client.post(
        accounts_url(),
        {
            "number": mothers_account.number,
            "sms_code": "000000" if code != "000000" else "111111",
            "code_step": "1",
            "action": "bind",
        },
    ).content.decode()
    assert "户号或验证码不正确" in wrong
    assert f'value="{mothers_account.number}"' in wrong  # what was typed is kept

    done = client.post(
        accounts_url(), {"number": mothers_account.number, "sms_code": code, "code_step": "1", "action": "bind"}
    )
    assert done.status_code == 302
    assert done.url == reverse("applications:account_detail", args=[mothers_account.number])
    assert AccountBinding.objects.get(user=alice).via == "sms"
    assert "户号 6301000002 绑定成功" in client.get(done.url).content.decode()


def test_sending_the_code_without_javascript_also_works(
    alice, mothers_account, logged_in, django_capture_on_commit_callbacks
):
    client = logged_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(accounts_url(), {"number": mothers_account.number, "action": "send_code"}).content.decode()
    assert "验证码已发送至户号预留手机" in html
    assert SmsMessage.objects.get().phone == "13698761234"


def test_a_second_code_within_sixty_seconds_is_refused_with_the_wait(
    alice, mothers_account, logged_in, django_capture_on_commit_callbacks
):
    client = logged_in(alice)
    url = reverse("applications:account_bind_code")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"number": mothers_account.number})
    again = client.post(url, {"number": mothers_account.number}).content.decode()
    assert "秒后再重新获取" in again and "data-retry-after" in again and 'role="alert"' in again
    assert SmsMessage.objects.count() == 1


def test_an_unknown_number_on_the_page_answers_like_someone_elses(alice, mothers_account, logged_in):
    """Issue 7: the page told whether a number exists, and whose masked phone it has."""
    client = logged_in(alice)
    unknown = client.post(accounts_url(), {"number": "6399999999", "action": "bind"}).content.decode()
    known = client.post(accounts_url(), {"number": mothers_account.number, "action": "bind"}).content.decode()

    def plain(html: str, number: str) -> str:
        return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html).replace(number, "N")

    assert plain(unknown, "6399999999") == plain(known, mothers_account.number)
    assert 'value="6399999999"' in unknown


def test_the_code_route_answers_alike_for_unknown_closed_and_real_numbers(
    alice, mothers_account, street, logged_in, django_capture_on_commit_callbacks
):
    closed = ServiceAccountFactory(region=street, status="closed")
    client = logged_in(alice)
    url = reverse("applications:account_bind_code")
    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            client.post(url, {"number": n}).content.decode()
            for n in ("6399999999", closed.number, mothers_account.number)
        ]
    assert sent[0] == sent[1] == sent[2]
    refused = []
    for n in ("6399999999", closed.number, mothers_account.number):
        with pytest.raises(DomainError) as exc:
            services.bind_account(user=alice, number=n, sms_code="000000")
        refused.append((exc.value.code, exc.value.message))
    assert len(set(refused)) == 1 and SmsMessage.objects.count() == 1


def test_binding_by_id_match_on_the_page_goes_straight_to_the_account(alice, logged_in, street):
    account = ServiceAccountFactory(holder=alice, region=street)
    response = logged_in(alice).post(accounts_url(), {"number": account.number, "action": "bind"})
    assert response.status_code == 302
    assert AccountBinding.objects.get(user=alice, account=account).via == "holder_id"


def test_an_unverified_user_is_sent_to_real_name_verification(logged_in):
    html = logged_in(UserFactory()).get(accounts_url()).content.decode()
    assert "绑定户号前请先完成实名认证" in html
    assert 'name="number"' not in html


def test_the_account_page_shows_everything_masked_with_its_history(alice, alice_home, logged_in):
    alice_home.voltage, alice_home.capacity = "380V", 16
    alice_home.save()
    AccountChange.objects.create(
        account=alice_home,
        field="peak_valley",
        old_value="0",
        new_value="1",
        effective_on=timezone.localdate() - timedelta(days=40),
        applied_at=timezone.now(),
        reason="开通/取消峰谷电",
    )
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    AccountChange.objects.create(
        account=alice_home, field="capacity", old_value="16.0", new_value="20.0", effective_on=next_month, reason="增容"
    )

    html = logged_in(alice).get(reverse("applications:account_detail", args=[alice_home.number])).content.decode()

    assert alice.id_number not in html
    assert alice.id_number[:6] + "********" + alice.id_number[-4:] in html
    assert "139****5678" in html and "13912345678" not in html
    assert "16.0 kW" in html
    assert "已执行峰谷电价，您当前可取消峰谷电" in html
    assert f"将于 {next_month:%Y-%m-%d} 起生效" in html
    assert "16.0 kW → 20.0 kW" in html
    assert "执行峰谷电价" in html and "否 → 是" in html
    assert html.index("将于") < html.index("否 → 是")  # the scheduled change comes first


def test_someone_elses_account_page_is_not_found(bob, alice_home, logged_in):
    client = logged_in(bob)
    assert client.get(reverse("applications:account_detail", args=[alice_home.number])).status_code == 404
    assert client.get(reverse("applications:account_unbind", args=[alice_home.number])).status_code == 404
    assert client.post(reverse("applications:account_unbind", args=[alice_home.number])).status_code == 404
    assert AccountBinding.objects.filter(account=alice_home).count() == 1


def test_unbinding_on_the_page_asks_first(alice, alice_home, logged_in):
    client = logged_in(alice)
    url = reverse("applications:account_unbind", args=[alice_home.number])

    confirm = client.get(url).content.decode()
    assert "确定解除绑定户号" in confirm and "确认解除绑定" in confirm
    assert AccountBinding.objects.filter(user=alice).exists()

    response = client.post(url)
    assert response.url == accounts_url()
    assert not AccountBinding.objects.filter(user=alice).exists()


def test_pages_need_a_login(client):
    response = client.get(accounts_url())
    assert response.status_code == 302 and "next=" in response.url
