"""Step forms described for an API client: field names, labels, types, choices, and — for a
draft — the values it holds. Serializers for the schema (drf-spectacular) come with it, so any
app's wizard API documents its steps the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.wizard.declaration import CONFIRM_STEP, DOCUMENTS_STEP
from portal.wizard.forms import to_answer

STEP_PAYLOAD_HELP = _(
    "该步骤的字段，按业务详情（GET catalog/{code}/）中此步骤列出的字段名提交：复选框为 true/false，"
    "单选为 choices 中的 value，日期为 YYYY-MM-DD，日期时间为 YYYY-MM-DDTHH:MM。"
)


def field_type(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.MultipleChoiceField):
        return "multiple_choice"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return "choice"
    if isinstance(field.widget, forms.Textarea):
        return "text"
    return "string"


def field_choices(field: forms.Field) -> list[dict[str, str]] | None:
    """A field may describe its own choices (``describe_choices()``, e.g. grouped streets)."""
    if hasattr(field, "describe_choices"):
        return field.describe_choices()
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is None:
            return []
        return [{"value": str(obj.pk), "label": str(obj)} for obj in field.queryset]
    if isinstance(field, forms.ChoiceField):
        out = []
        for value, label in field.choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                out += [{"value": str(v), "label": str(lbl), "group": str(value)} for v, lbl in label]
            elif value != "":
                out.append({"value": str(value), "label": str(label)})
        return out
    return None


def describe_fields(form_or_class, *, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The fields of a step: from the class for a catalog, from a built form (this user, this
    draft: derived, prefilled and read-only fields) for a draft."""
    if isinstance(form_or_class, type):
        fields = dict(form_or_class.base_fields)
        order = getattr(form_or_class, "field_order", None) or []
        fields = {**{n: fields[n] for n in order if n in fields}, **fields}
    else:
        fields = form_or_class.fields
    described = []
    for name, field in fields.items():
        item = {
            "name": name,
            "label": str(field.label or name),
            "type": field_type(field),
            "required": bool(field.required),
            "read_only": bool(field.disabled),
            "help_text": str(field.help_text or ""),
            "choices": field_choices(field),
        }
        if values is not None:
            item["value"] = values.get(name)
        described.append(item)
    return described


def form_values(form) -> dict[str, Any]:
    return {name: to_answer(form[name].value()) for name in form.fields}


def step_kind(key: str) -> str:
    return {DOCUMENTS_STEP: "documents", CONFIRM_STEP: "confirm"}.get(key, "form")


def describe_steps(declaration) -> list[dict[str, Any]]:
    """Every step of a declaration, its fields from the form classes."""
    return [
        {
            "key": s.key,
            "title": str(s.title),
            "kind": step_kind(s.key),
            "fields": describe_fields(s.form) if s.form is not None else [],
        }
        for s in declaration.steps
    ]


def describe_draft_steps(draft, user) -> list[dict[str, Any]]:
    """Every step of a draft: done or not, and (while editable) its fields with their values."""
    from portal.wizard.engine import build_step_form

    done = set(draft.data.get("done", []))
    steps = []
    for step in draft.wizard.steps:
        fields: list = []
        if step.form is not None and draft.is_editable:
            form = build_step_form(draft, user, step.key)
            fields = describe_fields(form, values=form_values(form))
        steps.append(
            {
                "key": step.key,
                "title": str(step.title),
                "kind": step_kind(step.key),
                "done": step.key in done,
                "fields": fields,
            }
        )
    return steps


def rule_doc_type(rule) -> str | None:
    return None if callable(rule.doc_type) else rule.doc_type


def rule_out(rule) -> dict[str, Any]:
    return {
        "key": rule.key,
        "label": str(rule.label),
        "doc_type": rule_doc_type(rule),
        "condition": str(rule.when.label),
        "deferrable": rule.deferrable,
        "help_text": str(rule.help),
    }


def requirement_out(requirement) -> dict[str, Any]:
    document = requirement.document
    return {
        "key": requirement.key,
        "label": str(requirement.rule.label),
        "doc_type": requirement.doc_type.code,
        "doc_type_name": requirement.doc_type.name,
        "condition": str(requirement.rule.when.label),
        "deferrable": requirement.rule.deferrable,
        "state": requirement.state,
        "due_on": requirement.attached.due_on if requirement.attached is not None else None,
        "document_id": document.pk if document is not None else None,
    }


# --- serializers (schema only: the views answer the dicts above) --------------------------------


class ChoiceOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField(required=False, help_text=_("分组（如街道所在区县）"))


class FieldOut(serializers.Serializer):
    name = serializers.CharField(help_text=_("提交时使用的字段名"))
    label = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["string", "text", "boolean", "integer", "decimal", "date", "datetime", "choice", "multiple_choice"]
    )
    required = serializers.BooleanField()
    read_only = serializers.BooleanField(help_text=_("只读：由系统带出（实名信息、户号、企业信息），提交的值被忽略"))
    help_text = serializers.CharField(allow_blank=True)
    choices = ChoiceOut(many=True, allow_null=True)
    value = serializers.JSONField(required=False, allow_null=True, help_text=_("草稿中保存的值或系统带出的值"))


class StepOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["form", "documents", "confirm"])
    fields = FieldOut(many=True)


class StepStateOut(StepOut):
    done = serializers.BooleanField()


class RuleOut(serializers.Serializer):
    key = serializers.CharField(help_text=_("上传时使用的材料项"))
    label = serializers.CharField()
    doc_type = serializers.CharField(allow_null=True, help_text=_("证照类型；为空表示随所选“企业主体证明类型”而定"))
    condition = serializers.CharField(help_text=_("何时必备"))
    deferrable = serializers.BooleanField(help_text=_("可签署承诺书后补交（一证受理）"))
    help_text = serializers.CharField(allow_blank=True)


class RequirementOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    doc_type = serializers.CharField()
    doc_type_name = serializers.CharField()
    condition = serializers.CharField()
    deferrable = serializers.BooleanField()
    # A plain string (not an enum) so the schema's enum names do not collide with the drafts' states.
    state = serializers.CharField(
        help_text=_("uploaded 本次上传 / reused 已有证照复用 / deferred 承诺后补 / missing 缺少")
    )
    due_on = serializers.DateField(allow_null=True, help_text=_("承诺补交期限"))
    document_id = serializers.IntegerField(allow_null=True)
