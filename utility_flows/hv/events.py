"""Notification events of the HV e-assistant (registered by UtilityFlowsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def register_hv_events() -> None:
    register_event(
        "hv.progress",
        label=_("高压办电进度"),
        title=_("{business}：{step}"),
        body=_("您的{business}（工单 {number}）已办理“{step}”。{reason}请在办电e助手中查看下一步。"),
        link="utility_flows:hv_order",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "hv.survey_changed",
        label=_("勘察时间变更"),
        title=_("工单 {number} 勘察时间变更"),
        body=_("客户将工单 {number} 的意向勘察时间由 {old} 改为 {new}。"),
    )
