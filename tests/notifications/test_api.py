from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.services import notify

pytestmark = pytest.mark.django_db

BASE = "/api/v1/"


@pytest.fixture
def api():
    return APIClient()


def make_notifications(user, n: int, *, read: bool = False) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            event="system.message",
            title=f"消息{i}",
            body="内容",
            created_at=now - timedelta(minutes=i),
            read_at=now if read else None,
        )
        for i in range(n)
    )


def test_the_api_needs_authentication(api):
    response = api.get(f"{BASE}notifications/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_list_returns_my_notifications_paginated_newest_first(api, alice, bob):
    make_notifications(alice, 25)
    make_notifications(bob, 3)
    api.force_authenticate(alice)

    body = api.get(f"{BASE}notifications/").json()

    assert body["count"] == 25
    assert len(body["results"]) == 20 and body["next"]
    first = body["results"][0]
    assert first["title"] == "消息0"
    assert first["event"] == "system.message" and first["event_label"] == "系统消息"
    assert first["is_read"] is False and first["read_at"] is None
    assert len(api.get(f"{BASE}notifications/", {"page": 2}).json()["results"]) == 5


def test_list_can_show_only_unread(api, alice):
    make_notifications(alice, 2)
    make_notifications(alice, 3, read=True)
    api.force_authenticate(alice)

    assert api.get(f"{BASE}notifications/", {"unread": "true"}).json()["count"] == 2
    assert api.get(f"{BASE}notifications/", {"unread": "false"}).json()["count"] == 5


def test_a_nonsense_unread_filter_is_a_clear_400(api, alice):
    api.force_authenticate(alice)
    response = api.get(f"{BASE}notifications/", {"unread": "maybe"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "unread" in response.json()["fields"]


@pytest.mark.parametrize("rows", [10, 200])
def test_the_list_runs_a_fixed_number_of_queries(api, alice, rows, django_assert_max_num_queries):
    make_notifications(alice, rows)
    api.force_authenticate(alice)
    with django_assert_max_num_queries(2):  # count, page
        response = api.get(f"{BASE}notifications/")
    assert len(response.json()["results"]) == min(rows, 20)


def test_marking_one_read(api, alice):
    n = notify(alice, "account.password_changed")
    api.force_authenticate(alice)

    response = api.post(f"{BASE}notifications/{n.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    n.refresh_from_db()
    assert n.read_at is not None
    assert api.get(f"{BASE}notifications/unread-count/").json() == {"unread": 0}


def test_another_users_notification_answers_404_and_stays_unread(api, alice, bob):
    n = notify(bob, "account.password_changed")
    api.force_authenticate(alice)

    response = api.post(f"{BASE}notifications/{n.pk}/read/")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    n.refresh_from_db()
    assert n.read_at is None


def test_read_all_marks_only_mine_and_says_how_many(api, alice, bob):
    make_notifications(alice, 4)
    make_notifications(alice, 1, read=True)
    make_notifications(bob, 2)
    api.force_authenticate(alice)

    assert api.get(f"{BASE}notifications/unread-count/").json() == {"unread": 4}
    assert api.post(f"{BASE}notifications/read-all/").json() == {"marked": 4}
    assert api.get(f"{BASE}notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.filter(user=bob, read_at=None).count() == 2


def test_preferences_show_defaults_for_a_user_who_never_chose(api, alice):
    api.force_authenticate(alice)

    events = {row["event"]: row for row in api.get(f"{BASE}notification-preferences/").json()["events"]}

    assert events["account.password_changed"] == {
        "event": "account.password_changed",
        "label": "密码修改提醒",
        "in_app": True,
        "sms": True,
        "email": False,
    }
    assert events["account.registered"]["sms"] is False
    assert set(events) >= {
        "account.registered",
        "account.real_name_verified",
        "account.password_changed",
        "enterprise.bound",
        "system.message",
    }


def test_put_preferences_changes_only_the_events_sent(api, alice):
    api.force_authenticate(alice)

    response = api.put(
        f"{BASE}notification-preferences/",
        {"events": [{"event": "account.registered", "sms": True, "email": True}]},
        format="json",
    )

    assert response.status_code == 200
    events = {row["event"]: row for row in response.json()["events"]}
    assert (events["account.registered"]["sms"], events["account.registered"]["email"]) == (True, True)
    assert events["account.password_changed"]["sms"] is True  # untouched default
    assert sorted(notify(alice, "account.registered").outbox.values_list("channel", flat=True)) == ["email", "sms"]


def test_put_preferences_with_an_unknown_event_is_refused_and_changes_nothing(api, alice):
    api.force_authenticate(alice)

    response = api.put(
        f"{BASE}notification-preferences/",
        {
            "events": [
                {"event": "account.registered", "sms": True, "email": True},
                {"event": "no.such_event", "sms": True, "email": False},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_event"
    assert "no.such_event" in response.json()["detail"]
    assert not NotificationPreference.objects.exists()


def test_put_preferences_with_a_missing_channel_names_the_field(api, alice):
    api.force_authenticate(alice)
    response = api.put(f"{BASE}notification-preferences/", {"events": [{"event": "account.registered"}]}, format="json")
    assert response.status_code == 400
    assert "events" in response.json()["fields"]


def test_the_schema_documents_the_endpoints_under_the_notifications_tag(api, alice):
    api.force_authenticate(alice)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = {p: ops for p, ops in schema["paths"].items() if "notification" in p}
    assert set(paths) == {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/unread-count/",
        "/api/v1/notification-preferences/",
    }
    for ops in paths.values():
        for op in ops.values():
            assert op["tags"] == ["notifications"] and op["summary"]
    assert "404" in paths["/api/v1/notifications/{id}/read/"]["post"]["responses"]
