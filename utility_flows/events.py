"""Notification events of work orders (registered by UtilityFlowsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def register_order_events() -> None:
    register_event(
        "order.accepted",
        label=_("申请受理"),
        title=_("{business}申请已受理"),
        body=_(
            "您的{business}申请（编号 {number}）已受理，客户经理{manager}（{manager_phone}）将为您办理，预计{due}前与您联系。"
        ),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "order.progress",
        label=_("办理进度"),
        title=_("{business}办理进度：{step}"),
        body=_("您的{business}（编号 {number}）已进入“{step}”环节。{reason}"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
    )
    register_event(
        "order.completed",
        label=_("业务办结"),
        title=_("{business}已办结"),
        # No SMS of its own: the review invitation (review.invited) that follows is the text
        # message that tells the customer the matter is done and leads to the review form.
        body=_("您的{business}（编号 {number}）已办理完毕并归档。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
    )
    register_event(
        "order.reassigned",
        label=_("客户经理变更"),
        title=_("{business}的客户经理已变更"),
        body=_("您的{business}（编号 {number}）改由客户经理{manager}（{manager_phone}）为您办理。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
    )
    register_event(
        "order.document_received",
        label=_("补交材料已收到"),
        title=_("补交材料已收到"),
        body=_("您为{business}（编号 {number}）承诺补交的“{document}”已收到。"),
        link="utility_flows:record_detail",
        link_kwargs=("pk",),
    )
