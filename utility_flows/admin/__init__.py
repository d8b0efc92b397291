"""The work-order backoffice (供电服务管理后台), one module per area:

* ``orders``  — 工单: the queues (新工单 / 我的 / 即将到期 / 已超期) with their clocks, the
  processing page of an order, and the read-only order log;
* ``limits``  — 环节时限: the time-limit rows the clocks read.

The acceptance queue and the abnormal-order list are admins of ``applications`` models and
live in ``applications/admin.py``.

Processing pages. Staff never edit an application or an order through a model form; they act
on it. Every such page is a ``portal.core.admin.ProcessingPageAdmin`` (in the platform, so the
HV e-assistant and the licence reviews use it without importing this app): the subclass names
its template, its POST actions (``processing_actions``), the queryset a page may open and the
page's context; each action view is one ``run_action`` call — a form, the service to call,
and the message and URL on success — and the base does the rest: the permission check, 404 for
unknown ids, POST-only URLs named ``admin:<app>_<model>_<action>``, the ``DomainError`` shown
next to its field, the page re-shown with what was typed (status 400). ``orders.WorkOrderAdmin``
is the example to copy: nothing in it is specific to one flow — buttons, path, due step and
notes come from the order's flow declaration (``utility_flows.flows``).
"""

from utility_flows.admin import limits, orders  # noqa: F401  (register the admins)
