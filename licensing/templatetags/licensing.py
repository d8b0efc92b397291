"""Rows of the licensing tabs as (headers, cells), so one table template serves every tab."""

from django import template
from django.templatetags.static import static
from django.utils.translation import gettext as _

register = template.Library()


def _table(headers, rows, cells):
    return {"headers": headers, "rows": [{"obj": r, "cells": cells(r)} for r in rows]}


@register.simple_tag
def equity_rows(rows):
    return _table([_("出资人"), _("出资额（万元）"), _("出资比例（%）")], rows, lambda r: [r.holder, r.amount, r.ratio])


@register.simple_tag
def work_rows(rows):
    return _table(
        [_("起止时间"), _("工作单位"), _("职务"), _("证明人"), _("证明人电话")],
        rows,
        lambda r: [
            f"{r.start:%Y-%m}–{r.end:%Y-%m}" if r.end else f"{r.start:%Y-%m}–",
            r.employer,
            r.position,
            r.referee,
            r.referee_mobile,
        ],
    )


@register.simple_tag
def training_rows(rows):
    return _table(
        [_("起止时间"), _("培训机构"), _("培训内容")], rows, lambda r: [f"{r.start:%Y-%m}", r.organiser, r.content]
    )


@register.simple_tag
def staff_rows(rows):
    return _table(
        [_("姓名"), _("身份证号码"), _("职称/工种"), _("状态")],
        rows,
        lambda r: [
            r.name,
            r.masked_id_number,
            r.get_title_level_display()
            if r.kind == "technical"
            else f"{r.specialty}{'（' + _('高压电工') + '）' if r.is_hv_electrician else ''}",
            r.get_status_display(),
        ],
    )


@register.simple_tag
def achievement_rows(rows):
    return _table(
        [_("类别"), _("工程名称"), _("电压等级"), _("竣工日期")],
        rows,
        lambda r: [r.get_category_display(), r.project, r.get_voltage_kv_display(), r.completed_on],
    )


@register.simple_tag
def static_template(name):
    return static(f"licensing/templates/{name}")
