"""The answers of an application as a person reads them: step by step, label and value. Used
by the confirmation page, the application form PDF, the service record and the backoffice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

from applications.models import Application
from portal.core.masking import mask_id_number


@dataclass
class Line:
    label: str
    value: str


@dataclass
class Section:
    title: str
    lines: list[Line]


_MASKED_FIELDS = {"owner_id_number", "new_holder_id_number", "legal_rep_id_number", "agent_id_number"}


def _display(field: forms.Field, value, *, name: str, mask: bool) -> str:
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.BooleanField):
        return _("是") if value else _("否")
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        choices = dict(field.choices)
        return "、".join(str(choices.get(v, v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(value.astimezone() if value.tzinfo else value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if mask and name in _MASKED_FIELDS:
        return mask_id_number(str(value))
    return str(value)


def summarize(application: Application, *, mask: bool = True) -> list[Section]:
    sections = []
    for step in application.business.steps:
        if step.form is None:
            continue
        raw = application.data.get("raw", {}).get(step.key)
        if raw is None:
            continue
        form = step.form(data=raw, application=application, user=application.applicant)
        if not form.is_valid():
            continue
        lines = []
        for name, field in form.fields.items():
            if name == "notice_confirmed":
                continue
            lines.append(Line(str(field.label), _display(field, form.cleaned_data.get(name), name=name, mask=mask)))
        sections.append(Section(str(step.title), lines))
    return sections
