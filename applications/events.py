"""Notification events of the catalog (registered by ApplicationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def register_application_events() -> None:
    register_event(
        "application.submitted",
        label=_("申请提交"),
        title=_("{business}申请已提交"),
        body=_("您的{business}申请（编号 {number}）已提交，供电公司将尽快受理，办理进度可在“服务记录”中查看。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
    )
    register_event(
        "application.returned",
        label=_("申请退回补正"),
        title=_("{business}申请需要补正"),
        body=_("您的{business}申请（编号 {number}）被退回补正：{reason}。请修改后重新提交。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "application.rejected",
        label=_("申请不予受理"),
        title=_("{business}申请未予受理"),
        body=_("您的{business}申请（编号 {number}）未予受理，原因：{reason}。如有疑问请拨打95598。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "outage.published",
        label=_("停电通知"),
        title=_("{kind}通知：{area}"),
        body=_("{area}将于 {starts_at} 至 {ends_at} 停电。范围：{scope}。原因：{reason}。"),
        link="applications:outages",
        channels=[Channel.SMS],
    )
