"""Changes to an existing account (SPEC 3 rows 4, 7–16)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import AGENT, CONFIRM_STEP, DOCUMENTS_STEP, Business, DocumentRule, Flow, Step, Trips
from applications.catalog.forms import AccountForm, ApplicantForm, NoticeMixin
from applications.catalog.registry import register
from applications.models import AccountStatus, UsageNature

AGENT_DOCUMENTS = [
    DocumentRule("power_of_attorney", "power_of_attorney", _("授权委托书"), when=AGENT),
    DocumentRule("agent_id_front", "id_card_front", _("经办人身份证人像面"), when=AGENT),
    DocumentRule("agent_id_back", "id_card_back", _("经办人身份证国徽面"), when=AGENT),
]


def _residential_normal(account) -> str | None:
    if account.usage_nature != UsageNature.RESIDENTIAL:
        return str(_("峰谷电价变更仅适用于居民生活用电户号"))
    if account.status != AccountStatus.NORMAL:
        return str(_("该户号当前状态为“%(status)s”，不能办理此业务") % {"status": account.get_status_display()})
    return None


class PeakValleyForm(NoticeMixin, AccountForm):
    """The action follows from the account: on when it is off, off when it is on (seed 000 §14)."""

    field_order = ["account_number", "notice_confirmed"]

    def answers(self):
        answers = super().answers()
        answers["peak_valley_target"] = not self.account.peak_valley
        return answers


PEAK_VALLEY = register(
    Business(
        code="peak_valley",
        row=14,
        name=_("开通/取消峰谷电"),
        group="tariff",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("居民峰谷分时电价开通或取消"),
        materials_intro=_("居民客户可申请开通或取消峰谷分时电价。输入户号后，系统显示当前执行情况。"),
        steps=[
            Step("account", _("户号信息"), PeakValleyForm),
            Step("applicant", _("申请人信息"), ApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=AGENT_DOCUMENTS,
        notice_title=_("《居民峰谷变更业务办理须知》"),
        notice=_(
            "一、峰谷分时电价适用于执行居民生活电价的一户一表用户。\n"
            "二、峰段为 8:00–22:00，谷段为 22:00–次日 8:00，峰谷电价按省发展改革委核定的标准执行。\n"
            "三、开通或取消后，自下一个抄表周期起按新方式计费；一个年度内只能变更一次。\n"
            "四、需更换或调整电能表的，供电企业免费办理，无需您到营业厅。"
        ),
        account_check=_residential_normal,
        account_changes=lambda account, answers: {"peak_valley": bool(answers["peak_valley_target"])},
    )
)
