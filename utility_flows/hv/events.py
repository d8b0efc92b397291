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
    register_event(
        "hv.chat_message",
        label=_("群聊新消息"),
        title=_("工单 {number} 群聊有新消息"),
        body=_("{author}：{text}"),
        link="utility_flows:hv_chat",
        link_kwargs=("pk",),
    )
    register_event(
        "hv.chat_invite",
        label=_("群聊邀请"),
        title=_("{inviter}邀请您加入工单 {number} 的群聊"),
        body=_("{inviter}邀请您加入高压办电工单 {number} 的即时沟通群聊，打开链接并输入短信验证码即可加入。"),
        link="utility_flows:hv_chat_join",
        link_kwargs=("token",),
        channels=[Channel.SMS],
    )
    register_event(
        "hv.due_soon",
        label=_("高压环节即将超期"),
        title=_("工单 {number} 本环节将于 {due} 到期"),
        body=_("高压办电工单 {number} 当前环节的办理时限为 {due}，请及时办理。"),
    )
    register_event(
        "hv.late",
        label=_("高压环节已超期"),
        title=_("工单 {number} 已超期"),
        body=_("高压办电工单 {number} 当前环节已超过时限 {due}（客户经理：{manager}），请督办。"),
    )
