"""The platform's own events. Business apps register theirs from their AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def register_platform_events() -> None:
    register_event(
        "account.registered",
        label=_("欢迎注册"),
        title=_("欢迎注册网上供电营业厅"),
        body=_("您已成功注册。完成实名认证后即可在线办理新装、增容、过户等用电业务。"),
        link="accounts:real_name",
    )
    register_event(
        "account.real_name_verified",
        label=_("实名认证结果"),
        title=_("实名认证已通过"),
        body=_("您已完成实名认证，办理业务时姓名和证件信息将自动带入申请表。"),
        link="accounts:me",
    )
    register_event(
        "account.password_changed",
        label=_("密码修改提醒"),
        title=_("登录密码已修改"),
        body=_("您的登录密码刚刚被修改。如非本人操作，请立即通过“忘记密码”重置密码，或拨打95598。"),
        # A security notice: it must reach the owner even if someone else holds the session.
        channels=[Channel.SMS],
    )
    register_event(
        "enterprise.bound",
        label=_("企业绑定"),
        title=_("企业绑定成功"),
        body=_("您已作为{relation}绑定企业“{enterprise}”。"),
        link="accounts:enterprises",
    )
    register_event(
        "enterprise.membership_requested",
        label=_("企业绑定申请"),
        title=_("有人申请作为经办人绑定企业“{enterprise}”"),
        body=_(
            "{requester}上传了授权委托书，申请作为经办人绑定企业“{enterprise}”。批准前该申请不享有任何权限，"
            "请核对授权委托书后批准或拒绝；如不认识申请人，请拒绝。"
        ),
        link="accounts:enterprise_detail",
        link_kwargs=["pk"],
        # Someone is asking to act for the enterprise: its people must hear of it at once.
        channels=[Channel.SMS],
    )
    register_event(
        "enterprise.membership_decided",
        label=_("企业绑定审核结果"),
        title=_("企业绑定申请{result}"),
        body=_("您作为经办人绑定企业“{enterprise}”的申请{result}。{reason}"),
        link="accounts:enterprises",
    )
    register_event(
        "system.message",
        label=_("系统消息"),
        # The caller's own (already translated) text.
        title="{title}",
        body="{body}",
    )
