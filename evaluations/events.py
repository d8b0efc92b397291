"""Notification events of the reviews module (registered by EvaluationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.notifications.registry import Channel, register_event


def _case_admin_link(ctx) -> str:
    return f"/admin/evaluations/rectificationcase/{ctx['case']}/change/"


def _appeal_admin_link(ctx) -> str:
    return f"/admin/evaluations/appeal/{ctx['appeal']}/change/"


def register_review_events() -> None:
    register_event(
        "review.invited",
        label=_("服务评价邀请"),
        title=_("请对“{title}”进行评价"),
        body=_("您的“{title}”已办结。请对本次服务进行评价：登录网上供电营业厅，在首页“待办”中点击“好差评”。"),
        link="evaluations:matter_review",
        link_kwargs=("pk",),
        channels=[Channel.SMS],
    )
    register_event(
        "review.case_opened",
        label=_("差评整改派单"),
        title=_("差评待整改：{title}"),
        body=_("{unit}收到一条“{level}”评价（{title}），请在 {deadline} 前核实、整改并答复评价人。"),
        link=_case_admin_link,
    )
    register_event(
        "review.case_replied",
        label=_("差评整改答复"),
        title=_("您的评价已收到整改答复"),
        body=_("您对“{title}”的评价已由{unit}整改答复：{reply}。请告诉我们您是否满意。"),
        link="evaluations:feedback",
        link_kwargs=("token",),
        channels=[Channel.SMS],
    )
    register_event(
        "review.case_escalated",
        label=_("差评整改上报"),
        title=_("差评整改需主管督办：{title}"),
        body=_("{unit}的差评整改（{title}）{why}，请督办。"),
        link=_case_admin_link,
    )
    register_event(
        "review.appeal_filed",
        label=_("差评申诉待审核"),
        title=_("差评申诉待审核：{title}"),
        body=_("{unit}对一条差评（{title}）提出申诉：{statement}"),
        link=_appeal_admin_link,
    )
