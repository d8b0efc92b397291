"""The audit trail gets the platform's append-only guard (also refusing TRUNCATE), and actions
stored as codes: rows written in English by staff using the English interface are mapped back
to the source string of their label (where the translation is unambiguous), so every reader
sees them in their own language."""

from django.db import migrations, models

from portal.core.append_only import AppendOnlyTrigger, rewriting_history

OLD_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
OLD_TRIGGER = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def drop_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_TRIGGER)


def restore_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_CREATE)


def actions_to_codes(apps, schema_editor):
    from portal.core.msgids import english_to_source

    sources = english_to_source()
    AuditEvent = apps.get_model("audit", "AuditEvent")
    present = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    found = {english: sources[english] for english in present if english in sources and len(sources[english]) <= 100}
    if not found:
        return
    with rewriting_history(schema_editor, AuditEvent):
        for english, source in found.items():
            # A plain QuerySet: this is the one place allowed to rewrite the trail.
            models.QuerySet(model=AuditEvent).filter(action=english).update(action=source)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        migrations.RunPython(drop_old_trigger, restore_old_trigger),
        AppendOnlyTrigger("auditevent"),
        migrations.RunPython(actions_to_codes, migrations.RunPython.noop),
    ]
