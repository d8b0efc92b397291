"""Two actors pressing the same transition at once, on two real database connections."""

import threading

import pytest
from django.db import connection

from portal.core.errors import DomainError
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVLog, HVProcess, HVStage


@pytest.mark.django_db(transaction=True)
def test_two_managers_pressing_take_at_once_exactly_one_wins(hv_order, manager, later):
    pk = hv_order.hv.pk
    barrier = threading.Barrier(2)
    results: list = []

    def press():
        try:
            process = HVProcess.objects.select_related("order").get(pk=pk)  # this thread's own connection
            barrier.wait(timeout=10)
            hv.take(process=process, by=manager, expected_visit_at=later)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok", "该环节已被他人办理，请刷新页面查看最新进度"]
    assert HVProcess.objects.get(pk=pk).stage == HVStage.MANAGER_ASSIGNED
    assert HVLog.objects.filter(process_id=pk, name="take").count() == 1
