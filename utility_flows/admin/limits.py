"""环节时限 in the backoffice: the rows the clocks read (seeded from the flow declarations after
every migrate, see ``utility_flows.limits``), edited by supervisors."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.catalog import registry
from utility_flows import flows
from utility_flows.models import TimeLimit


class TimeLimitForm(forms.ModelForm):
    business_code = forms.ChoiceField(label=_("业务"), required=False, help_text=_("留空表示该流程的所有业务"))

    class Meta:
        model = TimeLimit
        fields = ["flow", "state", "business_code", "working_days", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_code"].choices = [("", _("该流程的所有业务"))] + registry.choices()

    def clean(self):
        data = super().clean()
        flow, state, code = data.get("flow"), data.get("state"), data.get("business_code")
        if flow and state and state not in [s.code for s in flows.get(flow).limited_states]:
            self.add_error("state", _("该流程没有这个环节"))
        if flow and code and registry.exists(code) and registry.get(code).flow != flow:
            self.add_error("business_code", _("该业务不走这个流程"))
        return data


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    """环节时限 (SPEC 4.5): working days per step, per flow, optionally per business."""

    form = TimeLimitForm
    list_display = ("flow", "state", "business_name", "working_days", "note")
    list_editable = ("working_days",)
    list_filter = ("flow",)

    @admin.display(description=_("业务"), ordering="business_code")
    def business_name(self, obj):
        if not obj.business_code:
            return gettext("该流程的所有业务")
        return registry.get(obj.business_code).name if registry.exists(obj.business_code) else obj.business_code
