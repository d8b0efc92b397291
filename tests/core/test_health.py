"""GET /healthz is what the load balancer and `docker compose` ask before sending traffic."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_healthy_on_the_real_database_and_redis(client, settings):
    assert settings.REDIS_URL, "run the suite with REDIS_URL set (see README)"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_answers_503_naming_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["redis"] == "error: ConnectionError"
    assert body["database"] == "ok" and body["migrations"] == "ok"


def test_a_pending_migration_answers_503_with_the_count(client):
    # Forget, inside this test's transaction, that the newest migration of one app was applied:
    # exactly what a deploy that skipped `migrate` looks like to the running code.
    leaf_app, leaf_name = sorted(MigrationExecutor(connection).loader.graph.leaf_nodes())[0]
    MigrationRecorder(connection).record_unapplied(leaf_app, leaf_name)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "1 pending"
    assert response.json()["database"] == "ok"


def test_only_get_is_answered(client):
    assert client.post("/healthz").status_code == 405
