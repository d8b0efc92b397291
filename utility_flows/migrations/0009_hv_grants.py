"""Account managers see the HV processes, suspensions and time limits; supervisors may also edit
the HV time limits (SPEC 4.5)."""

from django.db import migrations

from portal.accounts.roles import Role, grant

HV_HANDLER_PERMS = [
    "utility_flows.view_hvprocess",
    "utility_flows.view_suspension",
    "utility_flows.view_hvtimelimit",
]
HV_SUPERVISOR_PERMS = [*HV_HANDLER_PERMS, "utility_flows.change_hvtimelimit"]


def forwards(apps, schema_editor):
    grant(apps, Role.ACCOUNT_MANAGER, HV_HANDLER_PERMS)
    grant(apps, Role.SUPERVISOR, HV_SUPERVISOR_PERMS)


class Migration(migrations.Migration):
    dependencies = [("utility_flows", "0008_hv_limits_suspensions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
