"""The customer-visible application history gets the platform's append-only guard (UPDATE,
DELETE and TRUNCATE refused), state columns as long as the FSM field's, and notes as codes:
``note`` holds the untranslated source of what happened, ``reason`` what staff typed. Existing
rows written in English ("Returned for correction：…") are mapped back to their source strings
where the translation is unambiguous; typed reasons are kept as typed."""

from django.db import migrations, models

from portal.core.append_only import AppendOnlyTrigger, rewriting_history


def _split(note, sources):
    """(code, reason) of an old note."""
    if note in sources.values():
        return note, ""
    if note in sources:
        return sources[note], ""
    for sep in ("：", ": "):
        head, found, tail = note.partition(sep)
        if found and (head in sources.values() or head in sources):
            return sources.get(head, head), tail
    return note, ""


def convert_notes(apps, schema_editor):
    from portal.core.msgids import english_to_source

    sources = english_to_source()
    Event = apps.get_model("applications", "ApplicationEvent")
    changed = []
    for pk, old, old_reason in Event.objects.exclude(note="").values_list("pk", "note", "reason"):
        note, reason = _split(old, sources)
        if (note, reason) != (old, old_reason):
            changed.append((pk, note, reason))
    if not changed:
        return
    with rewriting_history(schema_editor, Event):
        for pk, note, reason in changed:
            models.QuerySet(model=Event).filter(pk=pk).update(note=note[:500], reason=reason[:500])


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0005_commitment_letter'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicationevent',
            name='reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='原因'),
        ),
        migrations.AlterField(
            model_name='applicationevent',
            name='from_state',
            field=models.CharField(blank=True, max_length=50, verbose_name='原状态'),
        ),
        migrations.AlterField(
            model_name='applicationevent',
            name='to_state',
            field=models.CharField(max_length=50, verbose_name='新状态'),
        ),
        AppendOnlyTrigger("applicationevent"),
        migrations.RunPython(convert_notes, migrations.RunPython.noop),
    ]
