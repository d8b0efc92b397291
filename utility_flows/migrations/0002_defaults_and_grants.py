"""Reference data and rules of the work-order side:

* the default time limits (SPEC 4.5, seed 003), which staff then edit in the admin;
* the work-order log is append-only: on PostgreSQL the database refuses UPDATE and DELETE;
* the role groups get what they need in the backoffice.
"""

from django.db import migrations

from portal.accounts.roles import Role, grant

# (flow, state, working days, basis). Copied here on purpose: a migration must not change when
# the code's defaults do.
DEFAULT_LIMITS = [
    ("lv_connection", "accepted", 1, "种子003 §1.2.1：接到工单后1个工作日内与客户联系"),
    ("lv_connection", "contacted", 1, "按约定时间上门勘查"),
    ("lv_connection", "surveyed", 1, "勘查后答复供电方案，可现场签订"),
    ("lv_connection", "plan_replied", 2, "具备条件的直接装表接电"),
    ("lv_connection", "grid_works", 10, "低压业扩配套工程"),
    ("lv_connection", "connected", 1, "签订供用电合同及费控协议"),
    ("lv_connection", "contracted", 1, "同步推进系统流程并归档"),
    ("change", "accepted", 1, "种子003：接到工单后1个工作日内联系客户（容量/需量变更3个工作日）"),
    ("change", "contacted", 2, "核实变更信息"),
    ("change", "checked", 1, "变更户号信息"),
    ("change", "executed", 1, "同步推进系统流程并归档"),
    ("hv_eassistant", "manager_assigned", 3, "SPEC 4.5：高压联系客户/勘察3个工作日"),
]

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION utility_flows_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'utility_flows_workordertransition is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER utility_flows_log_append_only
    BEFORE UPDATE OR DELETE ON utility_flows_workordertransition
    FOR EACH ROW EXECUTE FUNCTION utility_flows_log_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS utility_flows_log_append_only ON utility_flows_workordertransition;
DROP FUNCTION IF EXISTS utility_flows_log_append_only();
"""

HANDLER_PERMS = [
    "applications.view_application",
    "applications.view_abnormalflag",
    "applications.change_abnormalflag",
    "utility_flows.view_workorder",
    "utility_flows.view_workordertransition",
    "utility_flows.view_timelimit",
]
SUPERVISOR_PERMS = HANDLER_PERMS + ["utility_flows.add_timelimit", "utility_flows.change_timelimit"]


def seed_time_limits(apps) -> None:
    TimeLimit = apps.get_model("utility_flows", "TimeLimit")
    for flow, state, days, note in DEFAULT_LIMITS:
        TimeLimit.objects.get_or_create(
            flow=flow, state=state, business_code="", defaults={"working_days": days, "note": note}
        )


def grant_roles(apps) -> None:
    grant(apps, Role.ACCOUNT_MANAGER, HANDLER_PERMS)
    grant(apps, Role.INSPECTOR, HANDLER_PERMS)
    grant(apps, Role.SUPERVISOR, SUPERVISOR_PERMS)


def forwards(apps, schema_editor):
    seed_time_limits(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)
    grant_roles(apps)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)
    apps.get_model("utility_flows", "TimeLimit").objects.filter(business_code="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("utility_flows", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
