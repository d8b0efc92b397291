"""GET /healthz: is the portal able to serve? Checked live, cheap enough for a load balancer."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _migrations() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not pending else f"{len(pending)} pending"


@never_cache
@require_GET
def healthz(request):
    checks = {}
    healthy = True
    for name, check in (("database", _database), ("redis", _redis), ("migrations", _migrations)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure is a finding to report, not a crash
            checks[name] = f"error: {exc.__class__.__name__}"
        if checks[name] not in ("ok", "not configured"):
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)
