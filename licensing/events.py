"""Notification events of licensing (registered by LicensingConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def register_licensing_events() -> None:
    register_event(
        "licensing.submitted",
        label=_("许可申请已提交"),
        title=_("{kind}已提交"),
        body=_("您的{kind}（编号 {number}）已提交，进入形式审查。"),
        link="licensing:application",
        link_kwargs=("pk",),
    )
    register_event(
        "licensing.progress",
        label=_("许可申请办理进度"),
        title=_("{kind}：{state}"),
        body=_("您的{kind}（编号 {number}）当前状态：{state}。{reason}"),
        link="licensing:application",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "licensing.expiring",
        label=_("许可证即将到期"),
        title=_("许可证 {number} 即将到期"),
        body=_("您的承装（修、试）电力设施许可证 {number} 将于 {expires_on} 到期（还有 {days} 天），请及时申请延续。"),
        link="licensing:home",
        channels=[Channel.SMS],
    )
