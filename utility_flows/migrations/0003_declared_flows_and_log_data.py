"""Flows are declared (utility_flows/flows): the state columns hold the longest state name the
FSM field allows; the order log keeps what people typed in ``comment`` and everything else as
codes and data in ``data`` (existing rows are converted: the notes the services wrote, in
Chinese or English, become codes; anything else stays as typed); the log's guard becomes the
platform's append-only trigger, which also refuses TRUNCATE."""

import re

import django.core.serializers.json
from django.db import migrations, models

from portal.core.append_only import AppendOnlyTrigger, rewriting_history

OLD_CREATE = """
CREATE OR REPLACE FUNCTION utility_flows_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'utility_flows_workordertransition is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER utility_flows_log_append_only
    BEFORE UPDATE OR DELETE ON utility_flows_workordertransition
    FOR EACH ROW EXECUTE FUNCTION utility_flows_log_append_only();
"""
OLD_TRIGGER = """
DROP TRIGGER IF EXISTS utility_flows_log_append_only ON utility_flows_workordertransition;
DROP FUNCTION IF EXISTS utility_flows_log_append_only();
"""

# The notes the services used to write into the log, in Chinese and in English (copied here:
# a migration must not change when the code does).
PATTERNS = {
    "assigned": [r"^分派给(?P<role>\S+) (?P<name>.+)$", r"^Assigned to (?P<role>.+) (?P<name>\S+)$"],
    "account_opened": [r"^新户号 (?P<number>\S+) 已立户并绑定到客户$",
                       r"^New service account (?P<number>\S+) opened and linked to the customer$"],
    "capacity_changed": [r"^户号 (?P<number>\S+) 合同容量已变更为 (?P<cap>\S+)$",
                         r"^Contracted capacity of service account (?P<number>\S+) changed to (?P<cap>\S+)$"],
    "changes_applied": [r"^户号信息已变更，(?P<date>\S+) 起生效$",
                        r"^Account details changed, effective (?P<date>\S+)$"],
    "changes_scheduled": [r"^户号信息变更已登记，(?P<date>\S+) 起生效$",
                          r"^Account details change registered, effective (?P<date>\S+)$"],
}
REASSIGNED = [r"^(?P<old>.+?) → (?P<new>.+?)：(?P<reason>.*)$", r"^(?P<old>.+?) → (?P<new>.+?): (?P<reason>.*)$"]


def _match(text, patterns):
    for pattern in patterns:
        found = re.match(pattern, text, re.S)
        if found:
            return found.groupdict()
    return None


def _note(text):
    for code, patterns in PATTERNS.items():
        values = _match(text, patterns)
        if values is not None:
            return {"code": code, **values}
    return None


def _convert(name, text, sources):
    """(comment, data) of an old log row."""
    if not text:
        return "", {}
    if name == "reassign":
        values = _match(text, REASSIGNED)
        if values is not None:
            reason = values.pop("reason")
            return reason, {"notes": [{"code": "reassigned", **values}]}
    if name == "collect_document":
        label, sep, note = text.partition("：")
        if not sep:
            label, sep, note = text.partition(": ")
        if sep:
            return note, {"notes": [{"code": "document", "document": sources.get(label, label)}]}
    if name == "upload_document":
        return "", {"notes": [{"code": "document", "document": sources.get(text, text)}]}
    notes, typed = [], []
    for part in text.split("；"):
        note = _note(part)
        if note is not None and "role" in note:
            note["role"] = sources.get(note["role"], note["role"])  # "Account manager" → 客户经理
        (notes if note is not None else typed).append(note if note is not None else part)
    return "；".join(typed), ({"notes": notes} if notes else {})


def convert_log(apps, schema_editor):
    from portal.core.msgids import english_to_source

    sources = english_to_source()
    Entry = apps.get_model("utility_flows", "WorkOrderTransition")
    rows = list(Entry.objects.exclude(comment="").values_list("pk", "name", "comment", "data"))
    if not rows:
        return
    with rewriting_history(schema_editor, Entry):
        for pk, name, old, old_data in rows:
            comment, data = _convert(name, old, sources)
            if (comment, data) != (old, old_data):
                models.QuerySet(model=Entry).filter(pk=pk).update(comment=comment[:500], data=data)


def drop_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_TRIGGER)


def restore_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_CREATE)


class Migration(migrations.Migration):

    dependencies = [
        ('utility_flows', '0002_defaults_and_grants'),
    ]

    operations = [
        migrations.RenameField(model_name='workordertransition', old_name='reason', new_name='comment'),
        migrations.AlterField(
            model_name='workordertransition',
            name='comment',
            field=models.CharField(blank=True, max_length=500, verbose_name='办理说明'),
        ),
        migrations.AddField(
            model_name='workordertransition',
            name='data',
            field=models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='数据'),
        ),
        migrations.AlterField(
            model_name='timelimit',
            name='flow',
            field=models.CharField(choices=[('lv_connection', '低压新装增容'), ('change', '变更用电'), ('hv_eassistant', '高压办电（办电e助手）')], max_length=50, verbose_name='流程'),
        ),
        migrations.AlterField(
            model_name='timelimit',
            name='state',
            field=models.CharField(choices=[('accepted', '已受理'), ('contacted', '已联系客户'), ('surveyed', '已现场勘查'), ('plan_replied', '已答复供电方案'), ('grid_works', '配套电网工程建设中'), ('connected', '已装表接电'), ('contracted', '已签订合同'), ('checked', '已核实变更信息'), ('executed', '已变更户号信息'), ('manager_assigned', '客户经理已接单'), ('archived', '已归档')], max_length=50, verbose_name='所处环节'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='flow',
            field=models.CharField(choices=[('lv_connection', '低压新装增容'), ('change', '变更用电'), ('hv_eassistant', '高压办电（办电e助手）')], max_length=50, verbose_name='流程'),
        ),
        migrations.AlterField(
            model_name='workordertransition',
            name='from_state',
            field=models.CharField(blank=True, choices=[('accepted', '已受理'), ('contacted', '已联系客户'), ('surveyed', '已现场勘查'), ('plan_replied', '已答复供电方案'), ('grid_works', '配套电网工程建设中'), ('connected', '已装表接电'), ('contracted', '已签订合同'), ('checked', '已核实变更信息'), ('executed', '已变更户号信息'), ('manager_assigned', '客户经理已接单'), ('archived', '已归档')], max_length=50, verbose_name='原环节'),
        ),
        migrations.AlterField(
            model_name='workordertransition',
            name='name',
            field=models.CharField(max_length=50, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='workordertransition',
            name='to_state',
            field=models.CharField(choices=[('accepted', '已受理'), ('contacted', '已联系客户'), ('surveyed', '已现场勘查'), ('plan_replied', '已答复供电方案'), ('grid_works', '配套电网工程建设中'), ('connected', '已装表接电'), ('contracted', '已签订合同'), ('checked', '已核实变更信息'), ('executed', '已变更户号信息'), ('manager_assigned', '客户经理已接单'), ('archived', '已归档')], max_length=50, verbose_name='新环节'),
        ),
        migrations.RunPython(drop_old_trigger, restore_old_trigger),
        AppendOnlyTrigger("workordertransition"),
        migrations.RunPython(convert_log, migrations.RunPython.noop),
    ]
